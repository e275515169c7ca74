"""What an application holds (a cap slot, a LinkedIn budget unit) follows what really happened, on a
real Postgres: reservations are idempotent per application, released exactly once, and stranded
applications are settled by apply_recovery."""

from __future__ import annotations

import uuid
from pathlib import Path

import asyncpg
import pytest

import handlers  # noqa: F401  (registers every agent)
from handlers import queries
from listeners import database
from listeners.registry import REGISTRY
from tests.support.apply import browser_environment, new_application
from tests.support.waiting import wait_for
from tests.support.workers import running_worker


@pytest.fixture(autouse=True)
def environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    browser_environment(monkeypatch, tmp_path)


async def counts(db: asyncpg.Connection, uid: uuid.UUID) -> tuple[int, int, int]:
    user = await db.fetchrow("SELECT daily_apply_count, monthly_apply_count FROM users WHERE id = $1", uid)
    used = await db.fetchval(
        "SELECT coalesce((SELECT linkedin_actions FROM system_daily_limits WHERE day = talvix.utc_today()), 0)"
    )
    return user["daily_apply_count"], user["monthly_apply_count"], used


async def test_a_resumed_application_keeps_its_one_cap_slot(db: asyncpg.Connection) -> None:
    uid, app = await new_application(db, "http://127.0.0.1:9/job", "linkedin")
    assert await db.fetchval("SELECT talvix.start_application($1, true)", app) is None
    assert await db.fetchval("SELECT talvix.start_application($1, true)", app) is None  # the re-run after a kill
    assert await counts(db, uid) == (1, 1, 0)
    assert await db.fetchval("SELECT auto_status FROM job_applications WHERE id = $1", app) == "in_progress"
    await db.execute("SELECT talvix.release_application($1)", app)
    await db.execute("SELECT talvix.release_application($1)", app)  # a second release gives nothing back
    assert await counts(db, uid) == (0, 0, 0)


async def test_review_mode_holds_no_cap_slot(db: asyncpg.Connection) -> None:
    uid, app = await new_application(db, "http://127.0.0.1:9/job", "greenhouse")
    assert await db.fetchval("SELECT talvix.start_application($1, false)", app) is None
    assert await counts(db, uid) == (0, 0, 0)


async def test_submitting_and_the_linkedin_unit_are_one_step(db: asyncpg.Connection) -> None:
    uid, app = await new_application(db, "http://127.0.0.1:9/job", "linkedin")
    await db.fetchval("SELECT talvix.start_application($1, true)", app)
    assert await db.fetchval("SELECT talvix.mark_submitting($1, true)", app) is None
    assert await counts(db, uid) == (1, 1, 1)
    again = await db.fetchval("SELECT talvix.mark_submitting($1, true)", app)
    assert again == "application is submitting, not in_progress"
    assert await counts(db, uid) == (1, 1, 1)  # no second unit


async def test_a_spent_budget_refuses_submitting_and_takes_nothing(db: asyncpg.Connection) -> None:
    _, app = await new_application(db, "http://127.0.0.1:9/job", "linkedin")
    await db.execute(
        "INSERT INTO system_daily_limits (day, linkedin_actions, linkedin_limit) VALUES (talvix.utc_today(), 1500, 1500)"
    )
    await db.fetchval("SELECT talvix.start_application($1, true)", app)
    refused = await db.fetchval("SELECT talvix.mark_submitting($1, true)", app)
    assert refused is not None and "LinkedIn budget" in refused
    row = await db.fetchrow("SELECT auto_status, linkedin_reservation FROM job_applications WHERE id = $1", app)
    assert (row["auto_status"], row["linkedin_reservation"]) == ("in_progress", None)


async def test_caps_refuse_a_new_application_but_not_a_resumed_one(db: asyncpg.Connection) -> None:
    uid, first = await new_application(db, "http://127.0.0.1:9/a", "greenhouse")
    await db.execute("UPDATE users SET daily_apply_limit = 1 WHERE id = $1", uid)
    job = await db.fetchval(
        "INSERT INTO jobs (fingerprint, title, company, apply_url, platform) "
        "VALUES ('b', 'B', 'Acme', 'x', 'greenhouse') RETURNING id"
    )
    second = await db.fetchval(
        "INSERT INTO job_applications (user_id, job_id, auto_status) VALUES ($1, $2, 'ready') RETURNING id", uid, job
    )
    assert await db.fetchval("SELECT talvix.start_application($1, true)", first) is None
    assert "daily cap reached" in await db.fetchval("SELECT talvix.start_application($1, true)", second)
    assert await db.fetchval("SELECT talvix.start_application($1, true)", first) is None  # resuming: already counted


async def test_apply_recovery_settles_stranded_applications(db: asyncpg.Connection, database_url: str) -> None:
    apps = {}
    for name in ("submitting", "in_progress", "worn_out", "held_by_a_live_run", "has_an_event"):
        apps[name] = (await new_application(db, f"http://127.0.0.1:9/{name}", "linkedin"))[1]
        await db.fetchval("SELECT talvix.start_application($1, true)", apps[name])
    await db.fetchval("SELECT talvix.mark_submitting($1, true)", apps["submitting"])
    await db.execute("UPDATE job_applications SET retry_count = 3 WHERE id = $1", apps["worn_out"])
    await db.execute(
        "INSERT INTO talvix.events (agent, payload, run_after) VALUES ('auto_apply', $1, now() + interval '1 hour')",
        {"application_id": str(apps["has_an_event"]), "now": True},
    )
    live_run = await database.connect(database_url)
    try:
        assert await live_run.fetchval(queries.sql("try_lock_application"), apps["held_by_a_live_run"])
        await db.execute("INSERT INTO talvix.events (agent, payload) VALUES ('apply_recovery', '{\"quiet_seconds\": 0}')")
        async with running_worker(database_url, handlers=REGISTRY.values(), agents=["apply_recovery"]):
            await wait_for(
                lambda: db.fetchval(
                    "SELECT count(*) = 1 FROM talvix.events WHERE agent = 'apply_recovery' AND status = 'completed'"
                ),
                timeout=30,
                message="one recovery sweep",
            )
    finally:
        await live_run.close()
    status = {name: await db.fetchval("SELECT auto_status FROM job_applications WHERE id = $1", app) for name, app in apps.items()}
    assert status == {
        "submitting": "needs_check",
        "in_progress": "in_progress",
        "worn_out": "failed_error",
        "held_by_a_live_run": "in_progress",
        "has_an_event": "in_progress",
    }
    requeued = await db.fetch(
        "SELECT payload FROM talvix.events WHERE agent = 'auto_apply' AND status = 'pending' AND run_after <= now()"
    )
    assert [r["payload"] for r in requeued] == [{"application_id": str(apps["in_progress"]), "now": True}]
    worn = await db.fetchrow("SELECT cap_reserved_on FROM job_applications WHERE id = $1", apps["worn_out"])
    assert worn["cap_reserved_on"] is None  # its cap slot was given back
    following = await db.fetchval(
        "SELECT run_after - now() FROM talvix.events WHERE agent = 'apply_recovery' AND status = 'pending'"
    )
    assert 500 < following.total_seconds() <= 600  # the next sweep is queued
