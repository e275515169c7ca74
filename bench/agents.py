"""What the benchmarks run: a no-op Talvix agent, and the record of when every job started.

Handlers (ours and the peers' in bench/peers.py) call `record(job_id)`, which notes time.monotonic()
— one clock for all processes on Linux. With BENCH_STARTS_FILE set, the record is written there on
SIGUSR1 and at exit, so the benchmark can read it from another process.
"""

from __future__ import annotations

import asyncio
import atexit
import json
import os
import signal
import time

from listeners.registry import Context, agent

STARTS: dict[int, float] = {}
CALLS: list[int] = []
_expected: tuple[int, asyncio.Event] | None = None


def record(job_id: int) -> None:
    STARTS[job_id] = time.monotonic()
    CALLS.append(job_id)
    if _expected is not None and len(CALLS) >= _expected[0]:
        _expected[1].set()


def expect(calls: int) -> asyncio.Event:
    """An event set once `calls` runs have started (the drain benchmark waits on it)."""
    global _expected
    CALLS.clear()
    _expected = (calls, asyncio.Event())
    return _expected[1]


def dump(*_args: object) -> None:
    path = os.environ.get("BENCH_STARTS_FILE")
    if path:
        with open(f"{path}.tmp", "w") as f:
            json.dump(STARTS, f)
        os.replace(f"{path}.tmp", path)


@agent("bench_noop", concurrency=int(os.environ.get("BENCH_CONCURRENCY", "10")), timeout=60, max_attempts=3)
async def bench_noop(ctx: Context) -> int:
    # Events come from rows of the watched table bench_postings; its primary key is what the producer
    # knows. Events enqueued directly have no row, so their own id stands in.
    record(int(ctx.payload.get("row", {}).get("id", ctx.event.id)))
    return 1


if os.environ.get("BENCH_STARTS_FILE"):
    signal.signal(signal.SIGUSR1, dump)
    atexit.register(dump)
    dump()  # "{}" in the file says: the handler for SIGUSR1 is in place
