"""Janitor: deletes expired agent_logs rows and long-finished events, once per interval.

Where pg_cron runs the same job (`talvix-delete-expired`, scheduled by migration 003), the
janitor stays out of the way. Among several workers an advisory lock lets one do it.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

import asyncpg

from listeners import database

if TYPE_CHECKING:
    from listeners.worker import Worker

log = logging.getLogger("talvix.janitor")
JANITOR_LOCK = 7_347_102


async def delete_expired(pool: asyncpg.Pool) -> tuple[int, int] | None:
    """One pass; None when another worker holds the lock or pg_cron owns the job."""
    async with pool.acquire() as conn:
        if await conn.fetchval("SELECT to_regclass('cron.job') IS NOT NULL") and await conn.fetchval(
            "SELECT EXISTS (SELECT 1 FROM cron.job WHERE jobname = 'talvix-delete-expired')"
        ):
            return None
        if not await conn.fetchval("SELECT pg_try_advisory_lock($1)", JANITOR_LOCK):
            return None
        try:
            logs, events = await conn.fetchrow("SELECT * FROM talvix.delete_expired()")
        finally:
            await conn.execute("SELECT pg_advisory_unlock($1)", JANITOR_LOCK)
    if logs or events:
        log.info("deleted %d expired agent_logs row(s) and %d finished event(s)", logs, events)
    return logs, events


async def run(worker: Worker) -> None:
    assert worker.pool
    await asyncio.sleep(5)  # let start-up traffic settle first
    while True:
        try:
            await delete_expired(worker.pool)
        except database.CONNECTION_ERRORS as exc:
            log.warning("janitor pass failed: %s", exc)
        await asyncio.sleep(worker.settings.janitor_interval_seconds)
