"""The folders and processes of this host's browser runs, and how none of them outlives its worker.

A browser run keeps everything it creates in one folder: the Chromium profile (which holds the
user's decrypted session cookies), the patched chromedriver copy, and a launcher. The folders of one
worker process sit together in `<runs root>/<pid>-<start ticks>/`, beside an `owner.json` naming
that process and the pid of its Xvfb.

Three layers make sure that a worker's browsers die with it, however it dies:
1. `close()` quits the browser and removes its folder (the normal path).
2. A guardian process per worker (`python -m handlers.apply.browser_runs <folder>`, in its own session so
   a kill of the worker's process group spares it) waits for the worker's end of a pipe to close.
   The kernel closes it when the worker exits for any reason, SIGKILL included; the guardian then
   kills every process of the worker's browser runs and deletes the folder.
3. `sweep()`, when a worker starts serving auto_apply, cleans the folders of workers that are gone
   (for the case where the guardian was killed too).

A run's processes are found by what they carry: Chromium runs in its own session (the launcher
execs it through `setsid`), so its zygotes and renderers share that session id; chromedriver's
path is inside the folder; Xvfb's pid is recorded. Nothing outside the runs root is ever touched.

Setting: TALVIX_BROWSER_DIR (default: `talvix-browsers-<uid>` in the system's temporary folder;
memory-backed /run or /dev/shm are good choices, since profiles hold session cookies).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

OWNER = "owner.json"


def runs_root() -> Path:
    configured = os.environ.get("TALVIX_BROWSER_DIR")
    root = Path(configured) if configured else Path(tempfile.gettempdir()) / f"talvix-browsers-{os.getuid()}"
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    return root


def start_ticks(pid: int) -> int | None:
    """When the process started (clock ticks after boot): with the pid, it names one process for good."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[19])


def _session_id(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[3])
    except (OSError, ValueError, IndexError):
        return None


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def _pids() -> list[int]:
    return [int(name) for name in os.listdir("/proc") if name.isdigit()]


def processes_of(folder: Path) -> set[int]:
    """Every live process that belongs to the browser runs under `folder`."""
    marker = str(folder)
    me = os.getpid()
    named = {pid for pid in _pids() if pid != me and marker in _cmdline(pid)}
    # Chromium's helpers do not all carry the folder, but they share the session Chromium started.
    sessions = {sid for pid in named if (sid := _session_id(pid)) == pid}
    found = named | {pid for pid in _pids() if pid != me and _session_id(pid) in sessions}
    owner = _read_owner(folder)
    xvfb = owner.get("xvfb_pid") if owner else None
    if isinstance(xvfb, int) and Path(_cmdline(xvfb).split(" ")[0]).name == "Xvfb":
        found.add(xvfb)
    return found


def _read_owner(folder: Path) -> dict[str, object] | None:
    try:
        owner: dict[str, object] = json.loads((folder / OWNER).read_text())
        return owner
    except (OSError, ValueError):
        return None


def clean(folder: Path) -> int:
    """Kill the processes of the runs under `folder` and delete it. Returns how many were killed."""
    victims = processes_of(folder)
    for pid in victims:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)
    shutil.rmtree(folder, ignore_errors=True)
    return len(victims)


def owner_alive(folder: Path) -> bool:
    owner = _read_owner(folder)
    if owner is None:
        # Being written right now, or left half-made by a process killed at that moment.
        return False
    pid, ticks = owner.get("pid"), owner.get("start_ticks")
    return isinstance(pid, int) and start_ticks(pid) == ticks


def sweep() -> int:
    """Clean every worker folder whose worker is gone. Returns how many folders were cleaned."""
    cleaned = 0
    for folder in runs_root().iterdir():
        if folder.is_dir() and not owner_alive(folder):
            clean(folder)
            cleaned += 1
    return cleaned


class WorkerFolder:
    """This process's folder of browser runs, and its guardian (created on first use)."""

    _lock = threading.Lock()
    _folder: Path | None = None
    _guardian: subprocess.Popen[bytes] | None = None

    @classmethod
    def path(cls) -> Path:
        with cls._lock:
            if cls._folder is None or cls._folder.parent != runs_root() or not cls._folder.exists():
                cls._retire()
                cls._folder = cls._create()
            return cls._folder

    @classmethod
    def _retire(cls) -> None:
        """The runs root changed (tests do that): the old guardian cleans the old folder and exits."""
        if cls._guardian is not None and cls._guardian.stdin is not None:
            cls._guardian.stdin.close()
            cls._guardian.wait(10)
        cls._guardian = None

    @classmethod
    def _create(cls) -> Path:
        pid = os.getpid()
        ticks = start_ticks(pid)
        folder = runs_root() / f"{pid}-{ticks}"
        # The folder appears with its owner already named (made aside, then renamed), so another
        # worker's sweep never mistakes a folder being made for a dead worker's.
        draft = runs_root() / f".{pid}-{ticks}.draft"
        draft.mkdir(mode=0o700, exist_ok=True)
        (draft / OWNER).write_text(json.dumps({"pid": pid, "start_ticks": ticks}))
        draft.rename(folder)
        cls._guardian = subprocess.Popen(
            [sys.executable, "-m", "handlers.apply.browser_runs", str(folder)],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            env={**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)},
        )
        return folder

    @classmethod
    def record_xvfb(cls, pid: int | None) -> None:
        folder = cls.path()
        owner = _read_owner(folder) or {}
        owner["xvfb_pid"] = pid
        (folder / OWNER).write_text(json.dumps(owner))


def guard(folder: Path) -> None:
    """The guardian: block until the worker's pipe closes, then clean up after it."""
    with contextlib.suppress(OSError):
        while sys.stdin.buffer.read(4096):
            pass
    clean(folder)


if __name__ == "__main__":
    guard(Path(sys.argv[1]))
