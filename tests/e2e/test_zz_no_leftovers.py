"""After every browser test (pytest collects files in name order, so this one runs last):
no Chromium, chromedriver or Xvfb process may outlive its run."""

from __future__ import annotations

import subprocess

from tests.support.waiting import wait_for_sync


def browser_processes() -> str:
    out = subprocess.run(["ps", "-eo", "pid,comm"], capture_output=True, text=True, check=True).stdout
    return "\n".join(line for line in out.splitlines()[1:] if "chrom" in line or line.split()[-1] == "Xvfb")


def test_no_chromium_driver_or_xvfb_outlives_the_suite() -> None:
    # Chromium's double-forked helpers are re-parented to PID 1 and reaped within seconds.
    wait_for_sync(lambda: browser_processes() == "", timeout=20, message="no chromium, chromedriver or Xvfb left")
