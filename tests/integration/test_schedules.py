"""The schedules of migration 027 (subscription expiry, apply-count reset, fit-score expiry, retention
cleanup) and 034 (several schedules of one agent, each with its payload: the calibrator's daily and
weekly runs) on a real Postgres and real worker runs, and the plan gates: a free user gets no
auto-apply, with the reason recorded, and a paid user proceeds.

Clock-relevant rows are set in the past rather than waited for."""

from __future__ import annotations

import contextlib
import json
import os
import time
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import pytest

import handlers  # noqa: F401  (registers every agent)
from handlers import queries
from handlers.apply import anti_ban_guard as guard
from listeners import database, migrations
from listeners.registry import REGISTRY
from tests.support.apply import browser_environment, new_application
from tests.support.waiting import wait_for
from tests.support.workers import running_worker

SCHEDULED = (
    "subscription_expiry",
    "apply_counts_reset",
    "fit_score_expiry",
    "retention_cleanup",
    "follow_up",
    "career_insight_refresh",
    "daily_coach_schedule",
    "job_discovery_schedule",
    "session_expiry_sweep",
    "feedback_calibrator:daily",
    "feedback_calibrator:weekly",
)
CALIBRATOR_LIMITS = ("calibration_daily_utc_minute", "calibration_weekly_utc_minute", "calibration_weekly_iso_weekday")
DAY = 86400


def next_utc(after: datetime, minute: int, weekday: int | None = None, month_day: int | None = None) -> datetime:
    """The first time strictly after `after` at `minute` past a UTC midnight on a matching day."""
    day = after.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    while True:
        at = day + timedelta(minutes=minute)
        if at > after and weekday in (None, at.isoweekday()) and month_day in (None, at.day):
            return at
        day += timedelta(days=1)


async def pending(db: asyncpg.Connection, agent: str) -> list[asyncpg.Record]:
    return await db.fetch("SELECT * FROM talvix.events WHERE agent = $1 AND status = 'pending' ORDER BY id", agent)


async def pending_run(db: asyncpg.Connection, schedule: str) -> asyncpg.Record | None:
    """The pending run of a schedule: its agent's pending event under the schedule's name."""
    return await db.fetchrow(
        "SELECT e.* FROM talvix.events e JOIN talvix.schedules s ON e.agent = s.agent AND e.dedup_key = s.name "
        "WHERE s.name = $1 AND e.status = 'pending'",
        schedule,
    )


async def run_schedule(db: asyncpg.Connection, database_url: str, agent: str, *, by_hand: bool = False) -> dict[str, Any]:
    """One run of a scheduled agent on a real worker: as the schedule queues it (due now, under the
    agent's dedup key) or as an operator does (a plain INSERT). Returns its agent_logs metadata."""
    event = await db.fetchval(
        "INSERT INTO talvix.events (agent, payload, dedup_key) VALUES ($1, '{}', $2) RETURNING id",
        agent,
        None if by_hand else agent,
    )
    async with running_worker(database_url, handlers=REGISTRY.values(), agents=[agent]):
        log = await wait_for(
            lambda: db.fetchrow("SELECT * FROM agent_logs WHERE event_id = $1 AND status <> 'started'", event),
            timeout=30,
            message=f"{agent} run finished",
        )
    assert log["status"] == "completed", log["error_message"]
    return dict(log["metadata"])


async def user(db: asyncpg.Connection, tier: str = "professional", *, auto_apply: bool = False, **columns: Any) -> uuid.UUID:
    uid = uuid.uuid4()
    await db.execute(
        "INSERT INTO users (id, email, tier, auto_apply_enabled) VALUES ($1, $2, $3, $4)", uid, f"{uid}@x.dev", tier, auto_apply
    )
    for column, value in columns.items():
        await db.execute(f"UPDATE users SET {column} = $2 WHERE id = $1", uid, value)
    return uid


async def job(db: asyncpg.Connection, title: str = "Backend Engineer", description: str = "") -> int:
    return await db.fetchval(
        "INSERT INTO jobs (fingerprint, title, company, apply_url, platform, description) "
        "VALUES ($1, $2, 'Acme', 'https://acme.example/apply', 'greenhouse', $3) RETURNING id",
        uuid.uuid4().hex,
        title,
        description,
    )


async def application(db: asyncpg.Connection, uid: uuid.UUID, status: str, **columns: Any) -> uuid.UUID:
    names = ["user_id", "job_id", "auto_status", *columns]
    values = [uid, await job(db), status, *columns.values()]
    placeholders = ", ".join(f"${i}" for i in range(1, len(values) + 1))
    return await db.fetchval(f"INSERT INTO job_applications ({', '.join(names)}) VALUES ({placeholders}) RETURNING id", *values)


@contextlib.asynccontextmanager
async def signed_in(db: asyncpg.Connection, uid: uuid.UUID) -> AsyncIterator[None]:
    """Statements as a signed-in Supabase user (PostgREST's role and JWT claims)."""
    async with db.transaction():
        await db.execute("SET LOCAL ROLE authenticated")
        await db.execute(
            "SELECT set_config('request.jwt.claims', $1, true)",
            json.dumps({"sub": str(uid), "role": "authenticated", "aud": "authenticated"}),
        )
        yield


# ------------------------------------------------------------------------------------- schedules


async def test_each_schedule_is_a_row_and_has_exactly_one_pending_run(db: asyncpg.Connection) -> None:
    rows = {r["name"]: r for r in await db.fetch("SELECT * FROM talvix.schedules")}
    assert set(rows) == set(SCHEDULED)
    assert all(row["agent"] in REGISTRY for row in rows.values())  # every scheduled agent exists
    for _ in range(2):  # as migration 027 does, twice: still one pending run each
        await db.execute("SELECT talvix.queue_schedule(name) FROM talvix.schedules")
    for name, row in rows.items():
        event = await pending_run(db, name)
        assert event is not None, name
        assert (event["agent"], event["dedup_key"], event["payload"]) == (row["agent"], name, row["payload"])
        assert event["run_after"] == next_utc(event["created_at"], row["utc_minute"], row["iso_weekday"], row["month_day"])
    # Nothing else is pending: one run per schedule, the calibrator's two included.
    assert await db.fetchval("SELECT count(*) FROM talvix.events WHERE status = 'pending'") == len(rows)
    # An agent with one schedule has it under its own name, with an empty payload (its dedup key
    # since 027); the calibrator's runs say which they are.
    assert {name: row["payload"] for name, row in rows.items() if row["payload"]} == {
        "feedback_calibrator:daily": {"run_type": "daily"},
        "feedback_calibrator:weekly": {"run_type": "weekly"},
    }
    assert all(name == row["agent"] for name, row in rows.items() if not row["payload"])
    # The documented times (README, docs/operations.md).
    times = {name: (r["utc_minute"], r["iso_weekday"], r["month_day"]) for name, r in rows.items()}
    assert times == {
        "subscription_expiry": (0, None, None),
        "apply_counts_reset": (5, None, None),
        "fit_score_expiry": (18 * 60 + 30, 6, None),
        "retention_cleanup": (21 * 60 + 30, None, None),
        "follow_up": (4 * 60 + 30, None, None),
        "career_insight_refresh": (20 * 60 + 30, None, None),
        "daily_coach_schedule": (1 * 60 + 30, None, None),
        "job_discovery_schedule": (14 * 60 + 30, None, None),
        "session_expiry_sweep": (14 * 60, None, None),
        "feedback_calibrator:daily": (23 * 60 + 30, None, None),
        "feedback_calibrator:weekly": (18 * 60 + 45, 6, None),
    }
    # The calibrator's times are these rows now, not talvix.limits.
    assert await db.fetchval("SELECT count(*) FROM talvix.limits WHERE name = ANY($1::text[])", CALIBRATOR_LIMITS) == 0


async def test_changing_a_schedule_row_moves_its_pending_run_at_once(db: asyncpg.Connection) -> None:
    await db.execute("SELECT talvix.queue_schedule('retention_cleanup')")
    (before,) = await pending(db, "retention_cleanup")
    await db.execute("UPDATE talvix.schedules SET utc_minute = 90 WHERE agent = 'retention_cleanup'")
    (moved,) = await pending(db, "retention_cleanup")
    assert moved["id"] == before["id"] and moved["run_after"] == next_utc(moved["updated_at"], 90) != before["run_after"]
    await db.execute("UPDATE talvix.schedules SET iso_weekday = NULL, month_day = 1 WHERE agent = 'fit_score_expiry'")
    (event,) = await pending(db, "fit_score_expiry")  # the update queued it: there was none pending
    assert event["run_after"] == next_utc(event["created_at"], 1110, month_day=1)
    with pytest.raises(asyncpg.CheckViolationError):
        await db.execute("UPDATE talvix.schedules SET month_day = 31 WHERE agent = 'apply_counts_reset'")  # not every month has it


async def test_two_schedules_of_one_agent_each_queue_their_own_run_with_their_own_payload(db: asyncpg.Connection) -> None:
    # A second schedule of an agent that had one: named after it, its own time and payload.
    await db.execute(
        "INSERT INTO talvix.schedules (name, agent, payload, utc_minute, iso_weekday, note) "
        "VALUES ('retention_cleanup:weekly', 'retention_cleanup', '{\"deep\": true}', 300, 7, 'test: a second schedule')"
    )
    await db.execute("SELECT talvix.queue_schedule('retention_cleanup')")  # the first, by its (the agent's) name
    first, second = await pending_run(db, "retention_cleanup"), await pending_run(db, "retention_cleanup:weekly")
    assert first is not None and second is not None
    assert (first["payload"], first["run_after"]) == ({}, next_utc(first["created_at"], 21 * 60 + 30))
    assert (second["payload"], second["run_after"]) == ({"deep": True}, next_utc(second["created_at"], 300, weekday=7))
    assert len(await pending(db, "retention_cleanup")) == 2
    # The calibrator's two rows, each queued by its name, each with its run type.
    for name in ("feedback_calibrator:daily", "feedback_calibrator:weekly"):
        await db.execute("SELECT talvix.queue_schedule($1)", name)
    daily, weekly = await pending(db, "feedback_calibrator")
    assert (daily["dedup_key"], daily["payload"]) == ("feedback_calibrator:daily", {"run_type": "daily"})
    assert (weekly["dedup_key"], weekly["payload"]) == ("feedback_calibrator:weekly", {"run_type": "weekly"})
    assert daily["run_after"] == next_utc(daily["created_at"], 1410)
    assert weekly["run_after"] == next_utc(weekly["created_at"], 1125, weekday=6)
    # The agent alone names no schedule of the calibrator's: nothing is queued under it.
    assert await db.fetchval("SELECT talvix.queue_schedule('feedback_calibrator')") is None
    assert len(await pending(db, "feedback_calibrator")) == 2


async def test_an_update_of_the_weekly_row_moves_only_the_weekly_run(db: asyncpg.Connection) -> None:
    for name in ("feedback_calibrator:daily", "feedback_calibrator:weekly"):
        await db.execute("SELECT talvix.queue_schedule($1)", name)
    daily, weekly = await pending(db, "feedback_calibrator")
    await db.execute(
        'UPDATE talvix.schedules SET utc_minute = 600, iso_weekday = 3, payload = \'{"run_type": "weekly"}\' '
        "WHERE name = 'feedback_calibrator:weekly'"
    )
    daily_after, weekly_after = await pending(db, "feedback_calibrator")
    assert dict(daily_after) == dict(daily)  # not even touched
    assert weekly_after["id"] == weekly["id"] and weekly_after["payload"] == {"run_type": "weekly"}
    assert weekly_after["run_after"] == next_utc(weekly_after["updated_at"], 600, weekday=3) != weekly["run_after"]


async def test_a_schedule_is_named_after_its_agent_and_keeps_its_name(db: asyncpg.Connection) -> None:
    # An INSERT as written before 034 (no name): the row is named as its agent.
    await db.execute("DELETE FROM talvix.schedules WHERE agent = 'apply_counts_reset'")
    await db.execute("INSERT INTO talvix.schedules (agent, utc_minute, note) VALUES ('apply_counts_reset', 5, 'test')")
    row = await db.fetchrow("SELECT * FROM talvix.schedules WHERE agent = 'apply_counts_reset'")
    assert (row["name"], row["payload"]) == ("apply_counts_reset", {})
    assert (await pending_run(db, "apply_counts_reset"))["dedup_key"] == "apply_counts_reset"
    with pytest.raises(asyncpg.CheckViolationError):  # a name is the agent's, or the agent's and ':' a word
        await db.execute(
            "INSERT INTO talvix.schedules (name, agent, utc_minute, note) VALUES ('follow_up:x', 'retention_cleanup', 5, 'x')"
        )
    with pytest.raises(asyncpg.UniqueViolationError):
        await db.execute("INSERT INTO talvix.schedules (agent, utc_minute, note) VALUES ('apply_counts_reset', 9, 'x')")
    with pytest.raises(asyncpg.CheckViolationError, match="keeps its name and agent"):
        await db.execute("UPDATE talvix.schedules SET name = 'apply_counts_reset:x' WHERE name = 'apply_counts_reset'")
    with pytest.raises(asyncpg.CheckViolationError):
        await db.execute("UPDATE talvix.schedules SET payload = '[]' WHERE name = 'apply_counts_reset'")  # an object


@pytest.mark.parametrize(
    ("after", "minute", "weekday", "month_day", "expected"),
    [
        ("2026-11-28 00:04:59+00", 5, None, None, "2026-11-28 00:05:00+00"),
        ("2026-11-28 00:05:00+00", 5, None, None, "2026-11-29 00:05:00+00"),  # strictly after
        ("2026-11-28 18:29:00+00", 1110, 6, None, "2026-11-28 18:30:00+00"),  # 2026-11-28 is a Saturday
        ("2026-11-28 18:31:00+00", 1110, 6, None, "2026-12-05 18:30:00+00"),
        ("2026-12-31 23:59:00+00", 0, None, 1, "2027-01-01 00:00:00+00"),
        ("2027-01-29 00:00:00+00", 60, None, 28, "2027-02-28 01:00:00+00"),
        ("2026-11-28 23:00:00-05", 30, None, None, "2026-11-30 00:30:00+00"),  # an offset input: UTC days still
    ],
)
async def test_next_run_is_computed_in_utc(
    db: asyncpg.Connection, after: str, minute: int, weekday: int | None, month_day: int | None, expected: str
) -> None:
    await db.execute("SET TIME ZONE 'Pacific/Kiritimati'")  # whatever the session's zone
    await db.execute(
        "UPDATE talvix.schedules SET utc_minute = $1, iso_weekday = $2, month_day = $3 WHERE agent = 'retention_cleanup'",
        minute,
        weekday,
        month_day,
    )
    found = await db.fetchval("SELECT talvix.next_schedule_run('retention_cleanup', $1::text::timestamptz)", after)
    assert found == datetime.fromisoformat(expected)
    assert await db.fetchval("SELECT talvix.next_schedule_run('no_such_schedule', now())") is None


async def test_migration_034_keeps_an_operators_calibration_times_and_moves_the_pending_runs(pg_server: str) -> None:
    """A database as it was before 034 (029 queued the calibrator's first runs under their dedup
    keys; an operator has moved the daily run in talvix.limits), then 034: the rows take the
    operator's times, each pending run moves (the same event, not a second), the others stay."""
    name = f"talvix_m034_{uuid.uuid4().hex[:12]}"
    conn = await database.connect(await database.create_database(pg_server, name))
    try:
        await conn.execute((Path(__file__).resolve().parents[1] / "support" / "supabase_defaults.sql").read_text())
        before_034 = [m for m in migrations.available() if m.version < 34]
        (m034,) = [m for m in migrations.available() if m.version == 34]
        for migration in before_034:
            async with conn.transaction():
                await conn.execute(migration.sql)
        await conn.execute("UPDATE talvix.limits SET value = 600 WHERE name = 'calibration_daily_utc_minute'")  # 10:00 UTC
        before = {r["id"]: r for r in await conn.fetch("SELECT * FROM talvix.events WHERE status = 'pending'")}
        calibrator = {r["dedup_key"]: r["id"] for r in before.values() if r["agent"] == "feedback_calibrator"}
        assert set(calibrator) == {"feedback_calibrator:daily", "feedback_calibrator:weekly"}

        async with conn.transaction():
            await conn.execute(m034.sql)

        after = {r["id"]: r for r in await conn.fetch("SELECT * FROM talvix.events WHERE status = 'pending'")}
        assert set(after) == set(before)  # nothing queued twice, under old keys or new
        for event_id, event in after.items():
            if event["agent"] != "feedback_calibrator":  # the other schedules' runs are untouched
                assert event["run_after"] == before[event_id]["run_after"]
        daily, weekly = after[calibrator["feedback_calibrator:daily"]], after[calibrator["feedback_calibrator:weekly"]]
        assert daily["run_after"] == next_utc(daily["updated_at"], 600) and daily["payload"] == {"run_type": "daily"}
        assert weekly["run_after"] == next_utc(weekly["updated_at"], 1125, weekday=6)
        assert weekly["run_after"] == before[weekly["id"]]["run_after"]  # its time did not change
        rows = {r["name"]: r for r in await conn.fetch("SELECT * FROM talvix.schedules WHERE agent = 'feedback_calibrator'")}
        assert {n: (r["utc_minute"], r["iso_weekday"], r["payload"]) for n, r in rows.items()} == {
            "feedback_calibrator:daily": (600, None, {"run_type": "daily"}),
            "feedback_calibrator:weekly": (1125, 6, {"run_type": "weekly"}),
        }
        assert await conn.fetchval("SELECT count(*) FROM talvix.limits WHERE name = ANY($1::text[])", CALIBRATOR_LIMITS) == 0
        # Every older schedule is named as its agent, so its runs keep the dedup key they had.
        assert await conn.fetchval("SELECT count(*) FROM talvix.schedules WHERE name <> agent") == 2
    finally:
        await conn.close()
        await database.drop_database(pg_server, name)


async def test_a_run_queues_the_next_one_first_and_a_run_by_hand_moves_nothing(db: asyncpg.Connection, database_url: str) -> None:
    metadata = await run_schedule(db, database_url, "apply_counts_reset")
    (follow,) = await pending(db, "apply_counts_reset")
    assert follow["run_after"] == next_utc(follow["created_at"], 5)
    assert metadata["next_run"] == follow["run_after"].isoformat()
    await run_schedule(db, database_url, "apply_counts_reset", by_hand=True)
    assert [e["id"] for e in await pending(db, "apply_counts_reset")] == [follow["id"]]
    assert (await pending(db, "apply_counts_reset"))[0]["run_after"] == follow["run_after"]


async def test_a_schedule_without_its_row_ends_without_failing(db: asyncpg.Connection, database_url: str) -> None:
    await db.execute("DELETE FROM talvix.schedules WHERE agent = 'apply_counts_reset'")
    metadata = await run_schedule(db, database_url, "apply_counts_reset")
    assert metadata["next_run"] is None and await pending(db, "apply_counts_reset") == []


# ---------------------------------------------------------------------------- apply-count reset


async def test_apply_counts_reset_zeroes_only_past_days_and_months(db: asyncpg.Connection, database_url: str) -> None:
    today: date = await db.fetchval("SELECT talvix.utc_today()")
    month = today.replace(day=1)
    last_month = (month - timedelta(days=1)).replace(day=1)
    yesterday_user = await user(
        db, daily_apply_count=7, apply_counts_day=today - timedelta(days=1), monthly_apply_count=30, apply_counts_month=month
    )
    today_user = await user(db, daily_apply_count=3, apply_counts_day=today, monthly_apply_count=40, apply_counts_month=month)
    last_month_user = await user(
        db,
        daily_apply_count=2,
        apply_counts_day=last_month + timedelta(days=3),
        monthly_apply_count=200,
        apply_counts_month=last_month,
    )
    never = await user(db)
    metadata = await run_schedule(db, database_url, "apply_counts_reset")
    counts = {
        r["id"]: (r["daily_apply_count"], r["apply_counts_day"], r["monthly_apply_count"])
        for r in await db.fetch("SELECT * FROM users")
    }
    assert counts[yesterday_user] == (0, today - timedelta(days=1), 30)  # the day is over, the month is not
    assert counts[today_user] == (3, today, 40)  # today's counts are never touched
    assert counts[last_month_user] == (0, last_month + timedelta(days=3), 0)
    assert counts[never] == (0, None, 0)
    assert (metadata["daily_reset"], metadata["monthly_reset"], metadata["day"]) == (2, 1, today.isoformat())
    # Run again (late, or twice): nothing is reset twice.
    again = await run_schedule(db, database_url, "apply_counts_reset", by_hand=True)
    assert (again["daily_reset"], again["monthly_reset"]) == (0, 0)
    assert await db.fetchval("SELECT daily_apply_count FROM users WHERE id = $1", today_user) == 3
    # The caps agree: the next reservation counts from 0 today, 31 this month.
    assert await db.fetchval("SELECT talvix.reserve_user_apply($1)", yesterday_user) is None
    row = await db.fetchrow("SELECT daily_apply_count, monthly_apply_count FROM users WHERE id = $1", yesterday_user)
    assert (row["daily_apply_count"], row["monthly_apply_count"]) == (1, 31)


# --------------------------------------------------------------------------- subscription expiry


async def test_an_ended_plan_drops_to_free_and_what_free_excludes_stops(db: asyncpg.Connection, database_url: str) -> None:
    ended = await user(db, "professional", auto_apply=True)
    await db.execute("UPDATE users SET subscription_expires_at = now() - interval '1 hour' WHERE id = $1", ended)
    waiting = [await application(db, ended, status) for status in ("ready", "awaiting_review", "deferred_cooldown")]
    untouched = {status: await application(db, ended, status) for status in ("submitted", "in_progress", "needs_check")}
    quiet = await user(db, "student", subscription_expires_at=datetime.now(UTC) - timedelta(days=2))  # auto-apply off
    renewed = await user(db, "student", auto_apply=True, subscription_expires_at=datetime.now(UTC) + timedelta(days=1))
    lifetime = await user(db, "professional", auto_apply=True)  # no end date
    free = await user(db, "free")

    metadata = await run_schedule(db, database_url, "subscription_expiry")
    users = {r["id"]: r for r in await db.fetch("SELECT * FROM users")}
    ended_on = users[ended]["subscription_expires_at"].astimezone(UTC).date().isoformat()
    assert (users[ended]["tier"], users[ended]["auto_apply_enabled"]) == ("free", False)
    assert users[ended]["auto_apply_disabled_reason"] == (
        f"your professional plan ended on {ended_on}; auto-apply is part of the student and professional plans"
    )
    assert users[quiet]["tier"] == "free" and users[quiet]["auto_apply_disabled_reason"] is None
    for still_paid in (renewed, lifetime):
        assert users[still_paid]["tier"] != "free" and users[still_paid]["auto_apply_enabled"]
    apps = {r["id"]: r for r in await db.fetch("SELECT * FROM job_applications")}
    for app in waiting:
        assert apps[app]["auto_status"] == "skipped"
        assert apps[app]["failure_note"] == f"not sent: the professional plan ended on {ended_on}"
    assert {status: apps[app]["auto_status"] for status, app in untouched.items()} == {s: s for s in untouched}
    told = {r["user_id"]: r for r in await db.fetch("SELECT * FROM notifications")}
    assert set(told) == {ended, quiet}
    assert told[ended]["title"] == "Your Professional plan has ended" and told[ended]["priority"] == "high"
    assert told[ended]["body"] == (
        "You are on the free plan now, so auto-apply is off and 3 applications waiting to be sent were stopped. "
        "Renew to switch auto-apply and follow-ups back on."
    )
    assert told[quiet]["body"] == "You are on the free plan now. Renew to switch auto-apply and follow-ups back on."
    assert told[ended]["metadata"]["applications_stopped"] == 3
    assert (metadata["plans_ended"], metadata["auto_apply_switched_off"], metadata["applications_stopped"], metadata["told"]) == (
        2,
        1,
        3,
        2,
    )
    assert users[free]["tier"] == "free" and users[free]["auto_apply_disabled_reason"] is None
    # Twice: nobody is dropped or told again.
    again = await run_schedule(db, database_url, "subscription_expiry", by_hand=True)
    assert (again["plans_ended"], again["told"]) == (0, 0)
    assert await db.fetchval("SELECT count(*) FROM notifications") == 2
    # The dropped user may not switch auto-apply back on by themselves.
    with pytest.raises(asyncpg.CheckViolationError, match="auto-apply needs a student or professional plan"):
        async with signed_in(db, ended):
            await db.execute("UPDATE users SET auto_apply_enabled = true WHERE id = $1", ended)


# ----------------------------------------------------------------------------- fit-score expiry


async def test_old_scores_expire_their_users_go_stale_and_rescans_run(
    db: asyncpg.Connection, database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("SARVAM_API_KEY", raising=False)
    monkeypatch.delenv("TALVIX_LLM_API_KEY", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))  # crewai writes its local files under HOME
    monkeypatch.setenv("CREWAI_STORAGE_DIR", "talvix-tests")
    scanning = await user(db, auto_apply=True, fit_scores_stale=False, fit_score_threshold=95)
    await db.execute(
        "INSERT INTO resumes (user_id, raw_text, parse_status, summary, parsed_at) VALUES ($1, 'x', 'parsed', $2, now())",
        scanning,
        {"skills": ["python", "postgresql"], "titles": ["Backend Engineer"], "seniority": "mid"},
    )
    switched_off = await user(db, fit_scores_stale=False)
    fresh_only = await user(db, auto_apply=True, fit_scores_stale=False)
    old_job, new_job = await job(db, description="python postgresql"), await job(db, description="python postgresql")

    async def score(uid: uuid.UUID, job_id: int, days_ago: float) -> None:
        await db.execute(
            "INSERT INTO job_fit_scores (user_id, job_id, score, label, recommendation, scored_at) "
            "VALUES ($1, $2, 70, 'good', 'consider', now() - make_interval(secs => $3))",
            uid,
            job_id,
            days_ago * DAY,
        )

    await score(scanning, old_job, 20)
    await score(scanning, new_job, 2)
    await score(switched_off, old_job, 15)
    await score(fresh_only, new_job, 13)
    metadata = await run_schedule(db, database_url, "fit_score_expiry")
    left = {(r["user_id"], r["job_id"]) for r in await db.fetch("SELECT user_id, job_id FROM job_fit_scores")}
    assert left == {(scanning, new_job), (fresh_only, new_job)}
    stale = {r["id"]: r["fit_scores_stale"] for r in await db.fetch("SELECT id, fit_scores_stale FROM users")}
    assert stale == {scanning: True, switched_off: True, fresh_only: False}
    (rescan,) = await pending(db, "fit_scorer")  # auto-apply on: the scorer serves them now
    assert (rescan["payload"], rescan["user_id"]) == ({"mode": "full", "user_id": str(scanning)}, scanning)
    assert (metadata["scores_expired"], metadata["users_marked_stale"], metadata["rescans_queued"]) == (2, 2, 1)
    assert metadata["keep_days"] == 14
    again = await run_schedule(db, database_url, "fit_score_expiry", by_hand=True)
    assert (again["scores_expired"], again["rescans_queued"]) == (0, 0)
    assert len(await pending(db, "fit_scorer")) == 1
    # The rescan (the offline model) scores the user's jobs afresh and clears the flag.
    async with running_worker(database_url, handlers=REGISTRY.values(), agents=["fit_scorer"]):
        await wait_for(
            lambda: db.fetchval("SELECT count(*) = 0 FROM talvix.events WHERE agent = 'fit_scorer' AND finished_at IS NULL"),
            timeout=60,
            message="rescan finished",
        )
    assert await db.fetchval("SELECT status FROM talvix.events WHERE id = $1", rescan["id"]) == "completed"
    rescored = await db.fetchval(
        "SELECT scored_at > now() - interval '1 minute' FROM job_fit_scores WHERE user_id = $1 AND job_id = $2", scanning, old_job
    )
    assert rescored and not await db.fetchval("SELECT fit_scores_stale FROM users WHERE id = $1", scanning)


# ---------------------------------------------------------------------------- retention cleanup


def write(root: Path, relative: str, *, days_old: float = 0) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(relative)
    if days_old:
        then = time.time() - days_old * DAY
        os.utime(path, (then, then))
    return path


async def with_documents(
    db: asyncpg.Connection, root: Path, uid: uuid.UUID, status: str, days_since_change: float, *, resume_path: str | None = None
) -> tuple[uuid.UUID, list[Path]]:
    """An application whose last change was `days_since_change` ago, with its documents on disk."""
    app = uuid.uuid4()
    folder = f"tailored/{uid}/{app}"
    rendered = [f"{folder}/Asha_Rao_Resume.pdf", f"{folder}/Asha_Rao_Resume.docx", f"{folder}/Asha_Rao_Cover_Letter.pdf"]
    files = {"resume": {"pdf": rendered[0], "docx": rendered[1]}, "cover_letter": {"pdf": rendered[2]}}
    paths = [resume_path or f"tailored/{uid}/{app}.md", f"cover-letters/{uid}/{app}.txt", *rendered]
    await db.execute(
        "INSERT INTO job_applications (id, user_id, job_id, auto_status, tailored_resume_path, cover_letter_path, "
        "document_files, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, now() - make_interval(secs => $8))",
        app,
        uid,
        await job(db),
        status,
        paths[0],
        paths[1],
        files,
        days_since_change * DAY,
    )
    inside = [root / p for p in paths if not p.startswith("..")]
    for path in inside:
        write(root, str(path.relative_to(root)))
    return app, inside


async def test_retention_cleanup_deletes_what_is_old_and_keeps_the_rest(
    db: asyncpg.Connection, database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    root = tmp_path / "storage"
    monkeypatch.setenv("STORAGE_ROOT", str(root))
    uid = await user(db)
    apps: dict[tuple[str, int], tuple[uuid.UUID, list[Path]]] = {}
    for days in (8, 30, 100):
        for status, kind in (("submitted", "sent"), ("failed_captcha", "unsent"), ("ready", "pipeline")):
            apps[kind, days] = await with_documents(db, root, uid, status, days)
    outside = write(tmp_path, "outside.txt")
    escaping, _ = await with_documents(db, root, uid, "skipped", 30, resume_path="../outside.txt")
    # Screenshots: old, old but still to be checked, recent, and one no row knows.
    failed = await application(db, uid, "failed_session")
    to_check = await application(db, uid, "needs_check")
    recent = await application(db, uid, "failed_not_found")
    for app in (failed, to_check, recent):
        await db.execute("UPDATE job_applications SET screenshot_path = $2 WHERE id = $1", app, f"screenshots/{app}.png")
    old_shot = write(root, f"screenshots/{failed}.png", days_old=8)
    check_shot = write(root, f"screenshots/{to_check}.png", days_old=30)
    recent_shot = write(root, f"screenshots/{recent}.png", days_old=2)
    stray_shot = write(root, f"screenshots/{uuid.uuid4()}.png", days_old=8)
    # Orphans: documents of an application (or user) that is gone, and descriptions of jobs that are gone.
    gone = uuid.uuid4()
    orphans = (f"tailored/{gone}/{gone}.md", f"tailored/{gone}/{gone}/Resume.pdf", f"cover-letters/{gone}/{gone}.txt")
    orphan_files = [write(root, p, days_old=2) for p in orphans]
    just_written = write(root, f"tailored/{uid}/{uuid.uuid4()}.md")  # its row may not exist yet
    kept_job = await db.fetchval("SELECT fingerprint FROM jobs LIMIT 1")
    kept_description = write(root, f"jds/{kept_job}.txt", days_old=40)
    dead_description = write(root, f"jds/{uuid.uuid4().hex}.txt", days_old=2)
    new_description = write(root, f"jds/{uuid.uuid4().hex}.txt")
    # Notifications: one expired, one not.
    for expires in ("-1 minute", "1 day"):
        await db.execute(
            "INSERT INTO notifications (user_id, event_type, title, body, expires_at) "
            "VALUES ($1, 'x', 'x', 'x', now() + $2::text::interval)",
            uid,
            expires,
        )
    # Learning signals: one past its expiry, one not.
    for expires in ("-1 minute", "1 day"):
        await db.execute(
            "INSERT INTO learning_signals (user_id, signal_type, expires_at) VALUES ($1, 'ghosted', now() + $2::text::interval)",
            uid,
            expires,
        )
    changed_before = dict(await db.fetch("SELECT id, updated_at FROM job_applications"))

    metadata = await run_schedule(db, database_url, "retention_cleanup")

    rows = {r["id"]: r for r in await db.fetch("SELECT * FROM job_applications")}
    expired = {("sent", 100), ("unsent", 8), ("unsent", 30), ("unsent", 100)}
    for key, (app, files) in apps.items():
        row = rows[app]
        if key in expired:
            assert not any(f.exists() for f in files), key
            assert not (root / f"tailored/{uid}/{app}").exists(), key  # the application's own folder
            assert (row["tailored_resume_path"], row["cover_letter_path"], row["document_files"]) == (None, None, {}), key
            assert row["files_expired_at"] is not None, key
        else:
            assert all(f.exists() for f in files), key
            assert row["tailored_resume_path"] is not None and row["files_expired_at"] is None, key
    # The cleanup is not an outcome: the guard's "when did it last fail" stays as it was.
    assert {app: row["updated_at"] for app, row in rows.items()} == changed_before
    assert outside.exists() and rows[escaping]["tailored_resume_path"] is None
    assert not old_shot.exists() and not stray_shot.exists() and check_shot.exists() and recent_shot.exists()
    assert (rows[failed]["screenshot_path"], rows[to_check]["screenshot_path"]) == (None, f"screenshots/{to_check}.png")
    assert not any(f.exists() for f in orphan_files) and just_written.exists()
    assert kept_description.exists() and not dead_description.exists() and new_description.exists()
    assert await db.fetchval("SELECT count(*) FROM notifications") == 1
    assert metadata["learning_signals_deleted"] == 1
    assert await db.fetchval("SELECT count(*) FROM learning_signals WHERE expires_at > now()") == 1
    assert await db.fetchval("SELECT count(*) FROM learning_signals") == 1
    expected_counts = {
        "notifications_deleted": 1,
        "applications_documents_deleted": 5,  # four above and the one whose path leaves the root
        "screenshots_deleted": 2,
        "screenshots_kept_for_check": 1,
        "screenshot_rows_forgotten": 1,
        "orphan_documents_deleted": 3,
        "orphan_descriptions_deleted": 1,
        "refused_paths": 1,
    }
    assert {k: metadata[k] for k in expected_counts} == expected_counts
    # 4 applications × 5 files, the escaping one's 4 inside the root, 2 screenshots, 3 orphans, 1 description.
    assert metadata["files_deleted"] == 4 * 5 + 4 + 2 + 3 + 1
    again = await run_schedule(db, database_url, "retention_cleanup", by_hand=True)
    assert (again["files_deleted"], again["notifications_deleted"], again["applications_documents_deleted"]) == (0, 0, 0)


# ------------------------------------------------------------------------------------ plan gates


async def test_a_free_user_cannot_switch_auto_apply_on_and_a_paid_one_can(db: asyncpg.Connection) -> None:
    free, paid = await user(db, "free"), await user(db, "student")
    with pytest.raises(asyncpg.CheckViolationError, match="this user is on the free plan") as refused:
        async with signed_in(db, free):
            await db.execute("UPDATE users SET auto_apply_enabled = true WHERE id = $1", free)
    assert refused.value.hint == "Upgrade (or renew) the plan, then switch auto-apply on."
    async with signed_in(db, paid):
        await db.execute("UPDATE users SET auto_apply_enabled = true WHERE id = $1", paid)
    # The paid user's rescan starts (the users watch); the free user's never did.
    assert [r["payload"]["row"]["id"] for r in await pending(db, "fit_scorer")] == [str(paid)]
    # A plan change that would leave auto-apply on without a plan is refused too; expiry switches both.
    with pytest.raises(asyncpg.CheckViolationError):
        await db.execute("UPDATE users SET tier = 'free' WHERE id = $1", paid)
    await db.execute("UPDATE users SET tier = 'free', auto_apply_enabled = false WHERE id = $1", paid)
    with pytest.raises(asyncpg.CheckViolationError):
        await db.execute("INSERT INTO users (email, auto_apply_enabled) VALUES ('new@x.dev', true)")


async def test_a_free_users_application_is_skipped_with_the_reason_and_a_paid_users_is_queued(db: asyncpg.Connection) -> None:
    free, paid = await user(db, "free"), await user(db, "professional")
    ended = await user(db, "student", subscription_expires_at=datetime.now(UTC) - timedelta(minutes=1))
    apps = {}
    for uid in (free, paid, ended):
        job_id = await job(db)
        async with signed_in(db, uid):  # the app asks for work by inserting the row
            apps[uid] = await db.fetchval(
                "INSERT INTO job_applications (user_id, job_id) VALUES ($1, $2) RETURNING id", uid, job_id
            )
    rows = {r["user_id"]: r for r in await db.fetch("SELECT * FROM job_applications")}
    assert (rows[paid]["auto_status"], rows[paid]["failure_note"]) == ("queued", None)
    assert rows[free]["auto_status"] == "skipped"
    assert rows[free]["failure_note"] == "not sent: auto-apply is part of the student and professional plans, not the free plan"
    assert rows[ended]["auto_status"] == "skipped" and rows[ended]["failure_note"].startswith("not sent: the student plan ended")
    tailoring = [r["payload"]["row"]["id"] for r in await pending(db, "document_tailor")]
    assert tailoring == [str(apps[paid])]


async def test_the_scorer_queues_applications_only_for_a_paid_plan(db: asyncpg.Connection) -> None:
    paid = await user(db, "professional", auto_apply=True, fit_score_threshold=75)
    ended = await user(db, "professional", auto_apply=True, fit_score_threshold=75)
    await db.execute("UPDATE users SET subscription_expires_at = now() - interval '1 second' WHERE id = $1", ended)
    free = await user(db, "free", fit_score_threshold=75)
    found = {}
    for uid in (paid, ended, free):
        fit = {
            "job_id": await job(db),
            "score": 90,
            "label": "strong",
            "recommendation": "apply",
            "reasons": [],
            "missing_skills": [],
        }
        result = await queries.save_fit_scores(db, user_id=uid, scores=[fit], model="offline-deterministic")
        found[uid] = (result["scored"], result["queued"], result["held_back"])
    assert found == {paid: (1, 1, 0), ended: (1, 0, 1), free: (1, 0, 1)}
    assert [r["user_id"] for r in await db.fetch("SELECT user_id FROM job_applications")] == [paid]


async def test_the_guard_and_the_last_gate_refuse_an_ended_plan_and_let_a_paid_one_go(db: asyncpg.Connection) -> None:
    paid = await user(db, "professional", auto_apply=True, auto_apply_activated_at=datetime.now(UTC) - timedelta(days=30))
    ended = await user(db, "student", auto_apply=True, auto_apply_activated_at=datetime.now(UTC) - timedelta(days=30))
    await db.execute("UPDATE users SET subscription_expires_at = now() - interval '3 hours' WHERE id = $1", ended)
    go, stop = await application(db, paid, "ready"), await application(db, ended, "ready")
    assert (await guard.evaluate(db, go)).action == "go"
    assert await db.fetchval("SELECT talvix.start_application($1, true)", go) is None
    decision = await guard.evaluate(db, stop)
    assert decision.action == "skip" and decision.reason.startswith("the user's student plan ended ")
    await guard.record(db, stop, decision)
    row = await db.fetchrow("SELECT auto_status, failure_note FROM job_applications WHERE id = $1", stop)
    assert (row["auto_status"], row["failure_note"]) == ("skipped", decision.reason)
    # The database's own gate holds even for a caller that skips the guard.
    assert "student and professional plans" in await db.fetchval("SELECT talvix.start_application($1, false)", stop)
    assert await db.fetchval("SELECT daily_apply_count FROM users WHERE id = $1", ended) == 0


async def test_auto_apply_skips_an_ended_plan_before_any_browser(
    db: asyncpg.Connection, database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    browser_environment(monkeypatch, tmp_path)
    uid, app = await new_application(db, "http://127.0.0.1:9/job", "greenhouse")
    await db.execute("UPDATE users SET subscription_expires_at = now() - interval '1 minute' WHERE id = $1", uid)
    event = await db.fetchval(
        "INSERT INTO talvix.events (agent, payload) VALUES ('auto_apply', $1) RETURNING id",
        {"application_id": str(app), "now": True},
    )
    async with running_worker(database_url, handlers=REGISTRY.values(), agents=["auto_apply"]):
        log = await wait_for(
            lambda: db.fetchrow("SELECT * FROM agent_logs WHERE event_id = $1 AND status <> 'started'", event),
            timeout=60,
            message="auto_apply run finished",
        )
    assert log["status"] == "skipped" and log["error_message"].startswith("the user's professional plan ended ")
    row = await db.fetchrow("SELECT auto_status, failure_note, cap_reserved_on FROM job_applications WHERE id = $1", app)
    assert (row["auto_status"], row["failure_note"], row["cap_reserved_on"]) == ("skipped", log["error_message"], None)
    assert not (tmp_path / "browsers").exists() or not any((tmp_path / "browsers").iterdir())
