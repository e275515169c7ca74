"""No-op agents for the benchmarks. `bench_noop` records when each run started (time.monotonic(),
comparable across processes on Linux) and, when BENCH_STARTS_FILE is set, writes them out at exit."""

from __future__ import annotations

import asyncio
import atexit
import json
import os
import time

from listeners.registry import Context, agent

STARTS: dict[int, float] = {}
CALLS: list[int] = []
_expected: tuple[int, asyncio.Event] | None = None


def expect(calls: int) -> asyncio.Event:
    """An event set once `calls` runs have started (the drain benchmark waits on it)."""
    global _expected
    _expected = (calls, asyncio.Event())
    return _expected[1]


@agent("bench_noop", concurrency=int(os.environ.get("BENCH_CONCURRENCY", "10")), timeout=60, max_attempts=3)
async def bench_noop(ctx: Context) -> int:
    STARTS[ctx.event.id] = time.monotonic()
    CALLS.append(ctx.event.id)
    if _expected is not None and len(CALLS) >= _expected[0]:
        _expected[1].set()
    return 1


def _dump() -> None:
    path = os.environ.get("BENCH_STARTS_FILE")
    if path:
        with open(path, "w") as f:
            json.dump(STARTS, f)


atexit.register(_dump)
