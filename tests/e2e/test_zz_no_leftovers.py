"""After every browser test (pytest collects files in name order, so this one runs last): no
Chromium, chromedriver or Xvfb that this test session started outlives its run, and no browser
profile folder is left. Only this session's processes and folders are looked at, never the
machine's others."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.support.processes import descendants, still_running
from tests.support.waiting import wait_for_sync


def leftovers(basetemp: Path) -> list[str]:
    ours = still_running(descendants(os.getpid()))
    browsers = [line for line in ours if "chrom" in line or "Xvfb" in line]
    # Processes killed workers left behind were re-parented away from us: they still name our folders.
    marker = str(basetemp).encode()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            try:
                if marker in (entry / "cmdline").read_bytes():
                    browsers += [line for line in still_running({int(entry.name): None}) if "browser_runs" not in line]
            except OSError:
                continue
    return browsers


def test_no_browser_process_or_profile_outlives_the_suite(tmp_path_factory: pytest.TempPathFactory) -> None:
    basetemp = tmp_path_factory.getbasetemp()
    # Chromium's double-forked helpers are re-parented and exit within seconds of their browser.
    try:
        wait_for_sync(lambda: leftovers(basetemp) == [], timeout=20, message="no chromium, chromedriver or Xvfb left")
    except AssertionError:
        raise AssertionError(f"still running: {leftovers(basetemp)}") from None
    profiles = list(basetemp.glob("*/browsers/*/run-*"))
    assert profiles == [], f"browser profile folders left behind: {profiles}"
