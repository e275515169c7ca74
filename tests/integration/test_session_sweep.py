from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import asyncpg

import handlers  # noqa: F401  (registers every agent)
from handlers import queries
from handlers.apply.schedule import INDIA
from listeners import database
from listeners.registry import REGISTRY
from tests.support.waiting import wait_for
from tests.support.workers import running_worker


async def connection(db: asyncpg.Connection, expires_in: timedelta | None, **flags: bool) -> uuid.UUID:
    uid = uuid.uuid4()
    await db.execute(
        "INSERT INTO users (id, email, tier, auto_apply_enabled) VALUES ($1, $2, 'professional', true)", uid, f"{uid}@x.dev"
    )
    await db.execute(
        "INSERT INTO user_connections (user_id, platform, session_encrypted, session_iv, estimated_expires_at, "
        "warning_7d_sent, warning_3d_sent, warning_1d_sent) VALUES ($1, 'linkedin', 'x', 'y', now() + $2, $3, $4, $5)",
        uid,
        expires_in,
        flags.get("w7", False),
        flags.get("w3", False),
        flags.get("w1", False),
    )
    return uid


async def test_daily_sweep_warns_once_retires_expired_and_queues_tomorrow(db: asyncpg.Connection, database_url: str) -> None:
    in_5_days = await connection(db, timedelta(days=5))
    in_2_days = await connection(db, timedelta(days=2), w7=True)
    in_12_hours = await connection(db, timedelta(hours=12), w7=True, w3=True)
    far = await connection(db, timedelta(days=30))
    expired = await connection(db, timedelta(hours=-1))
    unknown = await connection(db, None)
    # Migration 010 queues the first sweep (the test template starts empty, so run its SQL again).
    await db.execute((database.sql_dir() / "product" / "migrations" / "010_session_sweep.sql").read_text())
    await db.execute((database.sql_dir() / "product" / "migrations" / "010_session_sweep.sql").read_text())  # idempotent
    assert await db.fetchval("SELECT count(*) FROM talvix.events WHERE agent = 'session_expiry_sweep'") == 1
    async with running_worker(database_url, handlers=REGISTRY.values(), agents=["session_expiry_sweep"]):
        await wait_for(
            lambda: db.fetchval(
                "SELECT count(*) = 1 FROM talvix.events WHERE agent = 'session_expiry_sweep' AND status = 'completed'"
            ),
            timeout=10,
            message="sweep ran",
        )
    flags = {
        r["user_id"]: (r["warning_7d_sent"], r["warning_3d_sent"], r["warning_1d_sent"], r["is_valid"])
        for r in await db.fetch("SELECT * FROM user_connections")
    }
    assert flags[in_5_days] == (True, False, False, True)
    assert flags[in_2_days] == (True, True, False, True)
    assert flags[in_12_hours] == (True, True, True, True)
    assert flags[far] == flags[unknown] == (False, False, False, True)
    assert flags[expired][3] is False
    assert (
        await db.fetchval("SELECT auto_apply_paused_reason FROM users WHERE id = $1", expired)
        == "linkedin session expired: reconnect it"
    )
    told = {r["user_id"]: (r["event_type"], r["title"]) for r in await db.fetch("SELECT * FROM notifications")}
    assert told == {
        in_5_days: ("session_expiring", "Your linkedin session expires in 5 days"),
        in_2_days: ("session_expiring", "Your linkedin session expires in 2 days"),
        in_12_hours: ("session_expiring", "Your linkedin session expires in less than a day"),
        expired: ("session_expired", "Your linkedin session has expired"),
    }
    # Each warning once: the same sweep again tells nobody anything new.
    again = await db.fetchrow(queries.sql("session_expiry_sweep"))
    assert (again["told"], again["warned"], again["expired"]) == (0, 0, 0)
    assert await db.fetchval("SELECT count(*) FROM notifications") == 4
    follow = await db.fetchrow(
        "SELECT run_after, status FROM talvix.events WHERE agent = 'session_expiry_sweep' AND status = 'pending'"
    )
    local = follow["run_after"].astimezone(INDIA)
    assert (local.hour, local.minute) == (19, 30)
    assert timedelta(0) < follow["run_after"] - datetime.now(UTC) <= timedelta(days=1)


async def test_next_run_is_the_next_1930_india_time(db: asyncpg.Connection) -> None:
    before = datetime(2026, 11, 26, 13, 0, tzinfo=UTC)  # 18:30 IST
    after = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)  # 20:30 IST
    at = "SELECT talvix.next_schedule_run('session_expiry_sweep', $1)"
    assert await db.fetchval(at, before) == datetime(2026, 11, 26, 14, 0, tzinfo=UTC)
    assert await db.fetchval(at, after) == datetime(2026, 11, 27, 14, 0, tzinfo=UTC)
