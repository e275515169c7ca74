"""Reaper: recovers work whose worker vanished, and fails work no handler exists for.

- Expired leases (a worker killed or hung mid-run) go back to pending, or to failed when no attempt
  is left; the lost run's agent_logs row is closed as failed with the reason.
- Pending events naming an agent no worker ever registered fail at once with a precise message.
Any worker may run it; SKIP LOCKED keeps two reapers from taking the same rows.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Callable

import asyncpg

from listeners import database, queries
from listeners.settings import Settings

log = logging.getLogger("talvix.reaper")


async def reap_expired_leases(pool: asyncpg.Pool) -> int:
    rows = await queries.reap_expired_leases(pool)
    for row in rows:
        log.warning("event %s (%s) lost its worker; now %s", row["id"], row["agent"], row["status"])
    return len(rows)


async def fail_unknown_agents(pool: asyncpg.Pool, agents: list[str] | None = None) -> int:
    rows = await queries.fail_unknown_agents(pool, agents=agents)
    for row in rows:
        log.error("event %s failed: %s", row["id"], row["last_error"])
    return len(rows)


async def run(pool: asyncpg.Pool, settings: Settings, wake: asyncio.Event, take_unknown_heard: Callable[[], list[str]]) -> None:
    """Every reaper interval, or sooner when `wake` is set: recover expired leases, and fail events
    of agents no worker knows (those the listener heard, `take_unknown_heard()`, at once; a sweep
    of all of them every unknown_agent_interval)."""
    next_unknown_sweep = 0.0
    while True:
        try:
            await reap_expired_leases(pool)
            heard = take_unknown_heard()
            if heard:
                await fail_unknown_agents(pool, heard)
            if time.monotonic() >= next_unknown_sweep:
                await fail_unknown_agents(pool)
                next_unknown_sweep = time.monotonic() + settings.unknown_agent_interval_seconds
        except database.CONNECTION_ERRORS as exc:
            log.warning("reaper pass failed: %s", exc)
        # Jitter keeps many workers from reaping in step.
        interval = settings.reaper_interval_seconds * random.uniform(0.8, 1.2)
        try:
            await asyncio.wait_for(wake.wait(), interval)
        except TimeoutError:
            pass
        wake.clear()
