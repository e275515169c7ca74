"""A run's agent_logs row is opened beside the handler's start, off the wake-up path. Whatever
happens to that opening, every run still ends with exactly one closed row, and no row stays
'started' for a run that is over."""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import pytest

from listeners import database, enqueue
from listeners.outcomes import Outcome, OutcomeWriter
from listeners.reaper import reap_expired_leases
from listeners.settings import load_settings

WORKER = "run-logs-test"


@pytest.fixture
async def pool(database_url: str) -> AsyncIterator[asyncpg.Pool]:
    pool = await database.create_pool(load_settings(database_url=database_url, worker_id=WORKER), bookkeeping=True)
    yield pool
    await pool.close()


async def claim(db: asyncpg.Connection) -> asyncpg.Record:
    (row,) = await db.fetch(database.query("claim"), ["probe"], [1], [3], WORKER, 60.0)
    return row


async def test_an_outcome_whose_opening_never_arrived_is_written_whole(db: asyncpg.Connection, pool: asyncpg.Pool) -> None:
    event_id = await enqueue(db, "probe", {}, user_id="6f1c1d4e-8a0b-4c9e-9d55-0c1d2e3f4a5b")
    row = await claim(db)
    written: list[Outcome] = []
    writer = OutcomeWriter(pool, WORKER, written.extend)
    await writer._write(
        [Outcome(event_id, row["attempts"], "probe", "completed", "completed", 12, records=3, metadata={"tokens": 5})]
    )
    log = await db.fetchrow("SELECT * FROM agent_logs WHERE event_id = $1", event_id)
    assert log["status"] == "completed" and log["records_processed"] == 3 and log["duration_ms"] == 12
    assert log["metadata"] == {"event_id": event_id, "attempt": 1, "worker": WORKER, "tokens": 5}
    assert str(log["user_id"]) == "6f1c1d4e-8a0b-4c9e-9d55-0c1d2e3f4a5b" and log["finished_at"] is not None
    assert await db.fetchval("SELECT status FROM talvix.events WHERE id = $1", event_id) == "completed"


async def test_an_opened_run_is_closed_not_written_twice(db: asyncpg.Connection, pool: asyncpg.Pool) -> None:
    event_id = await enqueue(db, "probe", {})
    row = await claim(db)
    writer = OutcomeWriter(pool, WORKER, lambda _written: None)
    writer.open([(event_id, row["attempts"])])
    await writer.opened()
    assert await db.fetchval("SELECT status FROM agent_logs WHERE event_id = $1", event_id) == "started"
    await writer._write([Outcome(event_id, row["attempts"], "probe", "failed", "failed", 4, error="boom")])
    logs = await db.fetch("SELECT status, error_message FROM agent_logs WHERE event_id = $1", event_id)
    assert [(r["status"], r["error_message"]) for r in logs] == [("failed", "boom")]


async def test_an_opening_that_arrives_after_the_event_moved_on_writes_nothing(db: asyncpg.Connection, pool: asyncpg.Pool) -> None:
    event_id = await enqueue(db, "probe", {})
    row = await claim(db)
    await db.fetch(database.query("release"), [event_id], [row["attempts"]], WORKER)
    await pool.execute(database.query("open_runs"), [event_id], [row["attempts"]], WORKER)
    assert await db.fetchval("SELECT count(*) FROM agent_logs") == 0
    assert await db.fetchval("SELECT status FROM talvix.events WHERE id = $1", event_id) == "pending"


async def test_the_reaper_records_a_run_whose_worker_died_before_opening_it(db: asyncpg.Connection, pool: asyncpg.Pool) -> None:
    event_id = await enqueue(db, "probe", {})
    await claim(db)
    await db.execute("UPDATE talvix.events SET lease_until = now() - interval '1 second' WHERE id = $1", event_id)
    assert await reap_expired_leases(pool) == 1
    log = await db.fetchrow("SELECT * FROM agent_logs WHERE event_id = $1", event_id)
    assert log["status"] == "failed" and log["error_message"].startswith(f"lease expired: worker {WORKER}")
    assert log["metadata"]["attempt"] == 1 and log["finished_at"] is not None
    assert await db.fetchval("SELECT status FROM talvix.events WHERE id = $1", event_id) == "pending"
