"""Janitor: deletes expired agent_logs rows and long-finished events, once per interval.

Where pg_cron runs the same job (`talvix-delete-expired`, scheduled by migration 003), the
janitor stays out of the way. Among several workers an advisory lock lets one do it.
"""

from __future__ import annotations

import asyncio
import logging

import asyncpg

from listeners import database, queries

log = logging.getLogger("talvix.janitor")
JANITOR_LOCK = 7_347_102


async def delete_expired(pool: asyncpg.Pool) -> tuple[int, int] | None:
    """One pass; None when another worker holds the lock or pg_cron owns the job."""
    async with pool.acquire() as conn:
        if await queries.janitor_owned_by_cron(conn):
            return None
        if not await queries.try_advisory_lock(conn, key=JANITOR_LOCK):
            return None
        try:
            logs, events = await queries.delete_expired(conn)
        finally:
            await queries.advisory_unlock(conn, key=JANITOR_LOCK)
    if logs or events:
        log.info("deleted %d expired agent_logs row(s) and %d finished event(s)", logs, events)
    return logs, events


async def run(pool: asyncpg.Pool, interval_seconds: float) -> None:
    await asyncio.sleep(5)  # let start-up traffic settle first
    while True:
        try:
            await delete_expired(pool)
        except database.CONNECTION_ERRORS as exc:
            log.warning("janitor pass failed: %s", exc)
        await asyncio.sleep(interval_seconds)
