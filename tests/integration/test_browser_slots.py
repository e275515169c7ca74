"""Browser slots are a host-wide cap: flock'd files shared by every process, freed when a process dies."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from handlers.apply import browser_slots

HOLDER = """
import fcntl, os, sys
fds = [os.open(f"{sys.argv[1]}/slot-{n}.lock", os.O_RDWR | os.O_CREAT) for n in range(int(sys.argv[2]))]
for fd in fds:
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
print("held", flush=True)
sys.stdin.read()
"""


async def test_slots_run_out_and_come_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TALVIX_BROWSER_SLOT_DIR", str(tmp_path))
    monkeypatch.setenv("TALVIX_BROWSERS_PER_HOST", "2")
    monkeypatch.setenv("TALVIX_BROWSER_SLOT_WAIT_SECONDS", "0.2")
    first, second = await browser_slots.acquire(), await browser_slots.acquire()
    assert first is not None and second is not None and {first.number, second.number} == {0, 1}
    assert await browser_slots.acquire() is None
    second.release()
    third = await browser_slots.acquire()
    assert third is not None and third.number == second.number
    first.release()
    third.release()


def test_another_process_holds_slots_until_it_dies(tmp_path: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(tmp_path), "2"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        assert browser_slots.try_acquire(tmp_path, 2) is None
        spare = browser_slots.try_acquire(tmp_path, 3)  # a host allowed 3 still has one
        assert spare is not None and spare.number == 2
        spare.release()
        os.kill(holder.pid, signal.SIGKILL)  # a worker killed mid-run: the kernel drops its locks
        holder.wait(10)
        slot = browser_slots.try_acquire(tmp_path, 2)
        assert slot is not None
        slot.release()
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()
