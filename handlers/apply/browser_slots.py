"""Browsers per host: at most TALVIX_BROWSERS_PER_HOST Chromiums at once on one machine, across every
worker process on it.

Memory is a property of the host (about 0.45 GB per browser), so the cap is a host primitive: one
lock file per slot in TALVIX_BROWSER_SLOT_DIR, held with flock(2) while a browser runs. The kernel
drops the lock when its process dies, so a killed worker never strands a slot. The folder must be
local to the host and the same for every worker on it: /run/lock, the system's place for lock
files (outside systemd's PrivateTmp, and never a shared volume like the storage root).
"""

from __future__ import annotations

import asyncio
import fcntl
import os
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass
class BrowserSlot:
    number: int
    fd: int

    def release(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)  # closing the descriptor drops its flock
            self.fd = -1


def slots_per_host() -> int:
    return max(1, int(os.environ.get("TALVIX_BROWSERS_PER_HOST", "2")))


def slot_dir() -> Path:
    return Path(os.environ.get("TALVIX_BROWSER_SLOT_DIR", "/run/lock/talvix-browser-slots"))


def try_acquire(folder: Path, slots: int) -> BrowserSlot | None:
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(slots):
        fd = os.open(folder / f"slot-{number}.lock", os.O_RDWR | os.O_CREAT, 0o666)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            continue
        return BrowserSlot(number, fd)
    return None


async def acquire() -> BrowserSlot | None:
    """A free slot, waiting up to TALVIX_BROWSER_SLOT_WAIT_SECONDS (30) for one; None when the host stays full."""
    deadline = time.monotonic() + float(os.environ.get("TALVIX_BROWSER_SLOT_WAIT_SECONDS", "30"))
    while True:
        slot = try_acquire(slot_dir(), slots_per_host())
        if slot is not None or time.monotonic() >= deadline:
            return slot
        await asyncio.sleep(0.5)
