"""Running auto_apply for one application through the engine, for the browser tests."""

from __future__ import annotations

import uuid

import asyncpg

import handlers  # noqa: F401  (registers every agent)
from listeners.registry import REGISTRY
from tests.support.waiting import wait_for
from tests.support.workers import running_worker


async def apply_now(db: asyncpg.Connection, database_url: str, app: uuid.UUID) -> asyncpg.Record:
    """Queue {"application_id", "now": true} (not waiting for the slot), run a worker until it is done,
    and return the application row."""
    await db.execute("INSERT INTO talvix.events (agent, payload) VALUES ('auto_apply', $1)",
                     {"application_id": str(app), "now": True})
    async with running_worker(database_url, handlers=REGISTRY.values(), agents=["auto_apply"]):
        await wait_for(lambda: db.fetchval("SELECT count(*) = 0 FROM talvix.events WHERE agent = 'auto_apply' "
                                           "AND finished_at IS NULL AND run_after <= now()"), timeout=90, message="apply run")
    return await db.fetchrow("SELECT * FROM job_applications WHERE id = $1", app)
