"""Event-loop lag: how late the worker's loop wakes up, measured continuously.

Everything the worker does (claims, outcome writes, leases of in-process work, /healthz) waits on
one event loop. A handler that blocks it (a heavy import, file I/O, CPU-bound parsing) delays all
of it. This loop sleeps a quarter second at a time and measures how late it wakes: the metric
`talvix_event_loop_lag_seconds`, and a warning naming the stall when it passes a second.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

log = logging.getLogger("talvix.loop_lag")
INTERVAL = 0.25
WARN_AFTER = 1.0


async def run(observe: Callable[[float], None], interval: float = INTERVAL, warn_after: float = WARN_AFTER) -> None:
    loop = asyncio.get_running_loop()
    while True:
        started = loop.time()
        await asyncio.sleep(interval)
        lag = max(0.0, loop.time() - started - interval)
        observe(lag)
        if lag >= warn_after:
            log.warning(
                "the event loop was blocked for %.1f s: a handler did blocking work (an import, file I/O, "
                "CPU-bound parsing) on it; move it to a thread (asyncio.to_thread) or into the agent's setup",
                lag,
            )
