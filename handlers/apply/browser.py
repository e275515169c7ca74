"""A real Chromium for the apply step: undetected-chromedriver on Debian's chromium and chromium-driver.

- Nothing is downloaded at run time: the system driver is copied to a private writable folder
  (undetected-chromedriver patches the binary in place) and Chromium's major version is read from
  the installed binary.
- Every driver call runs in a thread (`await browser.run(fn)`), so the event loop never stalls.
- `close()` always quits, reaps Chromium's and the driver's processes and removes the private profile;
  a worker killed mid-run is cleaned up after by its guardian (handlers/apply/browser_runs): no Chromium,
  chromedriver, Xvfb or profile outlives its worker.
- The user's stored user agent and viewport are used every time (a persistent fingerprint).
- LinkedIn runs with a visible browser (headless=False) on a virtual display (Xvfb) that this module
  starts and stops; other platforms may run headless.

Settings: TALVIX_CHROMIUM (/usr/bin/chromium), TALVIX_CHROMEDRIVER (/usr/bin/chromedriver),
TALVIX_BROWSER_DIR (see handlers/apply/browser_runs), TALVIX_BROWSER_LOCAL_ONLY=1 (Chromium resolves no
host but 127.0.0.1: for tests and fixture sites only, never in production).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import secrets
import shutil
import subprocess
import threading
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any, Literal, TypeVar

from handlers.apply.browser_runs import WorkerFolder

T = TypeVar("T")
FLAGS = [
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
    "--disable-gpu",
]
LOCAL_ONLY = "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"


class BrowserUnavailable(Exception):
    """No Chromium or driver on this host: install Debian's chromium and chromium-driver."""


def chromium_path() -> str:
    return os.environ.get("TALVIX_CHROMIUM", "/usr/bin/chromium")


def driver_path() -> str:
    return os.environ.get("TALVIX_CHROMEDRIVER", "/usr/bin/chromedriver")


@cache
def chromium_major(binary: str) -> int:
    try:
        out = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=30, check=True).stdout
    except (OSError, subprocess.SubprocessError) as exc:
        raise BrowserUnavailable(f"cannot run {binary}: {exc}") from None
    match = re.search(r"(\d+)\.\d+\.\d+", out)
    if not match:
        raise BrowserUnavailable(f"cannot read Chromium's version from {out!r}")
    return int(match.group(1))


class _Display:
    """One Xvfb shared by the visible browsers of this process (DISPLAY is process-wide)."""

    lock = threading.Lock()
    users = 0
    display: Any = None

    @classmethod
    def acquire(cls) -> None:
        with cls.lock:
            if cls.users == 0:
                from pyvirtualdisplay.display import Display

                cls.display = Display(visible=False, size=(1920, 1080))
                cls.display.start()
                WorkerFolder.record_xvfb(cls.display.pid)  # the guardian kills it if this worker dies
            cls.users += 1

    @classmethod
    def release(cls) -> None:
        with cls.lock:
            cls.users -= 1
            if cls.users == 0 and cls.display is not None:
                cls.display.stop()
                cls.display = None
                WorkerFolder.record_xvfb(None)


class Browser:
    def __init__(self, *, headless: bool, user_agent: str | None = None, viewport: str | None = None) -> None:
        self.headless = headless
        self.user_agent = user_agent
        width, _, height = (viewport or "1366x768").partition("x")
        self.viewport = (int(width), int(height))
        self.driver: Any = None
        self._folder: str | None = None
        self._display = False

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """Call a (blocking) driver function in a thread."""
        return await asyncio.to_thread(fn, *args)

    async def start(self) -> Browser:
        await asyncio.to_thread(self._start)
        return self

    def _start(self) -> None:
        import undetected_chromedriver as uc

        for path in (chromium_path(), driver_path()):
            if not Path(path).exists():
                raise BrowserUnavailable(f"{path} is missing: install Debian's chromium and chromium-driver")
        folder = WorkerFolder.path() / f"run-{secrets.token_hex(6)}"
        folder.mkdir(mode=0o700)
        self._folder = str(folder)
        driver_copy = folder / "chromedriver"
        shutil.copy2(driver_path(), driver_copy)
        # Chromium in a session of its own, so its helpers can be found (and killed) as one group.
        launcher = folder / "chromium"
        launcher.write_text(f'#!/bin/sh\nexec setsid "{chromium_path()}" "$@"\n')
        launcher.chmod(0o700)
        options = uc.ChromeOptions()
        for flag in FLAGS:
            options.add_argument(flag)
        if os.environ.get("TALVIX_BROWSER_LOCAL_ONLY"):
            options.add_argument(LOCAL_ONLY)
        if self.user_agent:
            options.add_argument(f"--user-agent={self.user_agent}")
        if not self.headless:
            _Display.acquire()
            self._display = True
        self.driver = uc.Chrome(
            options=options,
            driver_executable_path=str(driver_copy),
            browser_executable_path=str(launcher),
            version_main=chromium_major(chromium_path()),
            headless=self.headless,
            user_data_dir=str(Path(self._folder) / "profile"),
        )
        self.driver.set_window_size(*self.viewport)  # uc overrides --window-size: set it after start

    async def screenshot(self, path: Path) -> bool:
        if self.driver is None:
            return False
        path.parent.mkdir(parents=True, exist_ok=True)
        return await asyncio.to_thread(self.driver.save_screenshot, str(path))

    async def close(self) -> None:
        await asyncio.to_thread(self._quit)

    def _quit(self) -> None:
        driver, self.driver = self.driver, None
        if driver is not None:
            browser_pid = getattr(driver, "browser_pid", None)
            service = getattr(driver, "service", None)
            with contextlib.suppress(Exception):
                driver.quit()
            # uc kills but never waits: reap both children so no <defunct> Chromium is left behind.
            if browser_pid:
                with contextlib.suppress(ChildProcessError, OSError):
                    os.waitpid(browser_pid, 0)
            if service is not None and getattr(service, "process", None) is not None:
                with contextlib.suppress(Exception):
                    service.process.wait(5)
        if self._display:
            self._display = False
            _Display.release()
        if self._folder:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None


def wait_until(driver: Any, seconds: float, condition: Callable[[Any], T | Literal[False]]) -> T:
    """WebDriverWait for `condition`, riding out a page that changes under it (a navigation or a
    re-render makes elements stale for a moment; that is not an answer)."""
    from selenium.common.exceptions import JavascriptException, NoSuchElementException, StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    ignored = (StaleElementReferenceException, NoSuchElementException, JavascriptException)
    return WebDriverWait(driver, seconds, ignored_exceptions=ignored).until(condition)
