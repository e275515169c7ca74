"""What Talvix learns from outcomes and tells users (migration 029): learning signals written by
application outcomes, the feedback calibrator's bounded moves of model_weights, and the daily coach.
Every expected number is derived here from the rows the test inserted, never from the code under test."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from pathlib import Path
from typing import Any

import asyncpg
import pytest

import handlers  # noqa: F401  (registers every agent)
from handlers import queries
from handlers.agents.daily_coach import STRUCTURES, CoachMessage, offline_message
from handlers.agents.feedback_calibrator import calibrate
from listeners.registry import REGISTRY
from tests.support.llm_standin import StandIn
from tests.support.waiting import wait_for
from tests.support.workers import running_worker

FOUR_PLACES = Decimal("0.0001")


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """No model key: the coach writes with the offline model (a test that wants the model sets one)."""
    monkeypatch.delenv("SARVAM_API_KEY", raising=False)
    monkeypatch.delenv("TALVIX_LLM_API_KEY", raising=False)


@contextlib.asynccontextmanager
async def signed_in(db: asyncpg.Connection, user: uuid.UUID) -> AsyncIterator[None]:
    """Statements as the app's signed-in user (PostgREST's role and claims), in a transaction."""
    async with db.transaction():
        await db.execute("SET LOCAL ROLE authenticated")
        await db.execute(
            "SELECT set_config('request.jwt.claims', $1, true)",
            json.dumps({"sub": str(user), "role": "authenticated", "aud": "authenticated"}),
        )
        yield


async def add_user(
    db: asyncpg.Connection,
    *,
    tier: str = "professional",
    profile: dict[str, Any] | None = None,
    name: str | None = None,
    user_id: uuid.UUID | None = None,
) -> uuid.UUID:
    uid = user_id or uuid.uuid4()
    await db.execute(
        "INSERT INTO users (id, email, tier, profile, full_name) VALUES ($1, $2, $3, $4, $5)",
        uid,
        f"{uid}@x.dev",
        tier,
        profile or {},
        name,
    )
    return uid


async def add_job(db: asyncpg.Connection, company: str = "Acme", title: str = "Backend Engineer") -> int:
    job_id: int = await db.fetchval(
        "INSERT INTO jobs (fingerprint, title, company, apply_url, platform) VALUES ($1, $2, $3, 'https://jobs.example/1', "
        "'greenhouse') RETURNING id",
        uuid.uuid4().hex,
        title,
        company,
    )
    return job_id


async def add_application(db: asyncpg.Connection, user: uuid.UUID, job: int, **columns: Any) -> uuid.UUID:
    names = ["user_id", "job_id", *columns]
    marks = ", ".join(f"${i}" for i in range(1, len(names) + 1))
    app_id: uuid.UUID = await db.fetchval(
        f"INSERT INTO job_applications ({', '.join(names)}) VALUES ({marks}) RETURNING id", user, job, *columns.values()
    )
    return app_id


async def limit(db: asyncpg.Connection, name: str) -> int:
    value: int = await db.fetchval("SELECT value FROM talvix.limits WHERE name = $1", name)
    assert value is not None, name
    return value


async def signals_of(db: asyncpg.Connection, application: uuid.UUID) -> list[str]:
    return [
        r["signal_type"]
        for r in await db.fetch(
            "SELECT signal_type FROM learning_signals WHERE context ->> 'application_id' = $1 ORDER BY id", str(application)
        )
    ]


# ------------------------------------------------------------------------------ learning signals


async def test_apply_outcomes_and_the_users_callbacks_become_signals(db: asyncpg.Connection) -> None:
    user = await add_user(db)
    dream_job, other_job, third_job = await add_job(db, "Razorpay"), await add_job(db, "Acme"), await add_job(db, "Zeta")
    await db.execute("INSERT INTO user_company_prefs (user_id, company, pref_type) VALUES ($1, 'razorpay', 'dream')", user)
    sent = await add_application(db, user, dream_job, fit_score_at_apply=68, tailored_resume_path="tailored/x.md")
    captcha = await add_application(db, user, other_job, fit_score_at_apply=81)
    session = await add_application(db, user, third_job, fit_score_at_apply=77)

    # Steps of the pipeline that are not outcomes say nothing.
    for status in ("tailoring", "ready", "in_progress", "submitting"):
        await db.execute("UPDATE job_applications SET auto_status = $2 WHERE id = $1", sent, status)
    assert await signals_of(db, sent) == []

    # Auto-apply's own statements, as it runs them.
    await queries.mark_submitted(db, application_id=sent)
    await queries.set_application_status(db, application_id=captcha, status="failed_captcha", note="captcha")
    await queries.set_application_status(db, application_id=session, status="failed_session", note="signed out")
    assert await signals_of(db, sent) == ["application_submitted"]
    assert await signals_of(db, captcha) == ["apply_failed_captcha"]
    assert await signals_of(db, session) == ["apply_failed_session"]
    context = await db.fetchval(
        "SELECT context FROM learning_signals WHERE signal_type = 'application_submitted' AND user_id = $1", user
    )
    assert context["fit_score_at_apply"] == 68 and context["dream"] is True and context["tailored"] is True
    assert context["job_id"] == dream_job and context["platform"] is None and context["method"] == "auto"

    # The user records what employers said, through the app: no grant on learning_signals is needed.
    async with signed_in(db, user):
        await db.execute("UPDATE job_applications SET status = 'callback' WHERE id = $1", sent)
        await db.execute("UPDATE job_applications SET status = 'callback' WHERE id = $1", sent)  # unchanged: nothing
        await db.execute("UPDATE job_applications SET status = 'interview' WHERE id = $1", sent)
        await db.execute("UPDATE job_applications SET status = 'rejected' WHERE id = $1", captcha)
        await db.execute("UPDATE job_applications SET status = 'ghosted' WHERE id = $1", session)
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        async with signed_in(db, user):
            await db.fetch("SELECT * FROM learning_signals")
    assert await signals_of(db, sent) == ["application_submitted", "callback_received", "interview_received"]
    assert await signals_of(db, captcha) == ["apply_failed_captcha", "rejection_received"]
    assert await signals_of(db, session) == ["apply_failed_session", "ghosted"]
    assert (await db.fetchval("SELECT context FROM learning_signals WHERE signal_type = 'rejection_received'"))["dream"] is False


async def test_signals_expire_after_the_days_set_as_data_and_outlive_their_user(db: asyncpg.Connection) -> None:
    user = await add_user(db)
    app = await add_application(db, user, await add_job(db), fit_score_at_apply=70)
    days = await limit(db, "learning_signal_retention_days")
    await queries.mark_submitted(db, application_id=app)
    first = await db.fetchrow("SELECT created_at, expires_at FROM learning_signals")
    assert first["expires_at"] - first["created_at"] == timedelta(days=days)
    await db.execute("UPDATE talvix.limits SET value = 3 WHERE name = 'learning_signal_retention_days'")
    signal = await queries.record_learning_signal(
        db, user_id=user, signal_type="followup_email_sent", context={"application_id": str(app), "stage": 1}
    )
    later = await db.fetchrow("SELECT created_at, expires_at FROM learning_signals WHERE id = $1", signal)
    assert later["expires_at"] - later["created_at"] == timedelta(days=3)
    with pytest.raises(asyncpg.CheckViolationError):
        await queries.record_learning_signal(db, user_id=user, signal_type="made_up", context={})
    await db.execute("DELETE FROM users WHERE id = $1", user)
    assert [r["user_id"] for r in await db.fetch("SELECT user_id FROM learning_signals")] == [None, None]


# ----------------------------------------------------------------------------- the calibrator


async def set_weight(db: asyncpg.Connection, name: str, value: str, low: str, high: str) -> None:
    await db.execute(
        "UPDATE model_weights SET min_value = $2, max_value = $3, weight_value = $4 WHERE weight_name = $1",
        name,
        Decimal(low),
        Decimal(high),
        Decimal(value),
    )


async def weight(db: asyncpg.Connection, name: str) -> asyncpg.Record:
    row: asyncpg.Record = await db.fetchrow("SELECT * FROM model_weights WHERE weight_name = $1", name)
    return row


def allowed(before: asyncpg.Record, direction: int, pct: int) -> Decimal:
    """The weight after one move: pct percent of its value, toward the old value at 4 places, within
    [min_value, max_value]."""
    value = before["weight_value"]
    raw = value * (1 + direction * Decimal(pct) / 100)
    step = raw.quantize(FOUR_PLACES, rounding=ROUND_FLOOR if direction > 0 else ROUND_CEILING)
    return min(max(step, before["min_value"]), before["max_value"])


async def add_outcomes(
    db: asyncpg.Connection,
    count: int,
    signal_type: str,
    *,
    fit_score: int | None,
    dream: bool = False,
    age: timedelta = timedelta(hours=1),
) -> None:
    """`count` outcomes of distinct applications, `age` ago (rows as the trigger writes them)."""
    await db.execute(
        "INSERT INTO learning_signals (signal_type, context, created_at) "
        "SELECT $1, jsonb_build_object('application_id', gen_random_uuid(), 'fit_score_at_apply', $2::int, 'dream', $3::boolean), "
        "now() - $5::interval FROM generate_series(1, $4)",
        signal_type,
        fit_score,
        dream,
        count,
        age,
    )


async def run_calibrator(
    db: asyncpg.Connection, database_url: str, run_type: str, *, dedup_key: str | None = None
) -> asyncpg.Record:
    """One feedback_calibrator event, run by a worker; returns the event once it has ended. Queued
    by hand (no dedup key) unless `dedup_key` is given: as its schedule queues it, under its name."""
    event_id = await db.fetchval(
        "INSERT INTO talvix.events (agent, payload, dedup_key) VALUES ('feedback_calibrator', $1, $2) RETURNING id",
        {"run_type": run_type},
        dedup_key,
    )
    async with running_worker(database_url, [REGISTRY["feedback_calibrator"]]):
        await wait_for(
            lambda: db.fetchval("SELECT status IN ('completed', 'skipped', 'failed') FROM talvix.events WHERE id = $1", event_id),
            timeout=20,
            message=f"the {run_type} calibration ended",
        )
    event: asyncpg.Record = await db.fetchrow("SELECT * FROM talvix.events WHERE id = $1", event_id)
    return event


async def test_daily_calibration_lowers_the_threshold_within_5_percent_once_a_day(
    db: asyncpg.Connection, database_url: str
) -> None:
    await set_weight(db, "min_fit_score_threshold", "80", "50", "90")
    before = await weight(db, "min_fit_score_threshold")
    bonus_before = await weight(db, "dream_company_score_bonus")
    # 12 callbacks, 5 of them (42 %) from applications scored below 80; 10 rejections above it.
    await add_outcomes(db, 5, "callback_received", fit_score=62)
    await add_outcomes(db, 7, "interview_received", fit_score=86)
    await add_outcomes(db, 10, "rejection_received", fit_score=84)
    await add_outcomes(db, 30, "callback_received", fit_score=60, age=timedelta(days=3))  # outside the day
    assert 5 * 100 >= await limit(db, "calibration_low_score_callback_pct") * 12

    event = await run_calibrator(db, database_url, "daily")
    assert event["status"] == "completed", event["last_error"]
    run = await db.fetchrow("SELECT * FROM calibration_runs")
    after = await weight(db, "min_fit_score_threshold")
    expected = allowed(before, -1, await limit(db, "calibration_daily_max_change_pct"))
    assert after["weight_value"] == expected < before["weight_value"]
    assert abs(after["weight_value"] - before["weight_value"]) <= before["weight_value"] * Decimal("0.05")
    assert (run["run_type"], run["status"], run["signal_count"]) == ("daily", "completed", 22)
    assert run["run_date"] == datetime.now(UTC).date()
    assert run["weights_changed"] == {
        "min_fit_score_threshold": {"before": float(before["weight_value"]), "after": float(expected)}
    }
    assert run["top_finding"].startswith("5 of 12 callbacks came from applications scored below 80")
    assert run["top_finding"].endswith(f"lowered from 80 to {expected.normalize():f}") and run["duration_ms"] >= 0
    assert after["updated_by"] == "feedback_calibrator:daily"
    assert (await weight(db, "dream_company_score_bonus"))["weight_value"] == bonus_before["weight_value"]
    # The run queued the next daily one, at the minute its row of talvix.schedules gives.
    due = await db.fetchval(
        "SELECT run_after FROM talvix.events WHERE agent = 'feedback_calibrator' AND status = 'pending' "
        "AND payload ->> 'run_type' = 'daily' AND dedup_key = 'feedback_calibrator:daily'"
    )
    minute = await db.fetchval("SELECT utc_minute FROM talvix.schedules WHERE name = 'feedback_calibrator:daily'")
    assert due.hour * 60 + due.minute == minute and timedelta(0) < due - datetime.now(UTC) <= timedelta(days=1)

    # The same day again: nothing moves twice.
    again = await run_calibrator(db, database_url, "daily")
    assert again["status"] == "skipped" and "already ran" in again["last_error"]
    assert (await weight(db, "min_fit_score_threshold"))["weight_value"] == expected
    assert await db.fetchval("SELECT count(*) FROM calibration_runs") == 1


async def test_weekly_calibration_moves_at_most_20_percent_and_never_past_the_bounds(
    db: asyncpg.Connection, database_url: str
) -> None:
    await set_weight(db, "min_fit_score_threshold", "80", "50", "90")
    await set_weight(db, "dream_company_score_bonus", "10", "0", "25")
    threshold, bonus = await weight(db, "min_fit_score_threshold"), await weight(db, "dream_company_score_bonus")
    # 100 outcomes at or above 80 over the week, 3 called back (3 % < 5 %), all 3 at dream companies.
    await add_outcomes(db, 3, "callback_received", fit_score=85, dream=True, age=timedelta(days=2))
    await add_outcomes(db, 7, "rejection_received", fit_score=85, dream=True, age=timedelta(days=4))
    await add_outcomes(db, 90, "ghosted", fit_score=88, age=timedelta(days=5))
    assert 3 * 100 < await limit(db, "calibration_min_callback_rate_pct") * 100

    pct = await limit(db, "calibration_weekly_max_change_pct")
    pool = await asyncpg.create_pool(database_url, min_size=1, max_size=2, init=json_codecs)
    try:
        result = await calibrate(pool, "weekly", now=datetime.now(UTC), limits=await queries.limits(db))
    finally:
        await pool.close()
    assert result.status == "completed"
    new_threshold, new_bonus = await weight(db, "min_fit_score_threshold"), await weight(db, "dream_company_score_bonus")
    # 80 + 20 % is 96: past the maximum, so the maximum.
    assert new_threshold["weight_value"] == allowed(threshold, +1, pct) == threshold["max_value"]
    assert new_bonus["weight_value"] == allowed(bonus, +1, pct) == bonus["weight_value"] * (1 + Decimal(pct) / 100)
    run = await db.fetchrow("SELECT * FROM calibration_runs WHERE run_type = 'weekly'")
    assert set(run["weights_changed"]) == {"min_fit_score_threshold", "dream_company_score_bonus"}
    assert run["signal_count"] == 100 and run["findings"]["callbacks"] == 3
    # Even by hand, a weight cannot leave its bounds.
    with pytest.raises(asyncpg.CheckViolationError):
        await db.execute("UPDATE model_weights SET weight_value = max_value + 1 WHERE weight_name = 'dream_company_score_bonus'")


async def test_a_weight_at_its_bound_stays_there(db: asyncpg.Connection, database_url: str) -> None:
    await set_weight(db, "min_fit_score_threshold", "50", "50", "90")
    await add_outcomes(db, 4, "callback_received", fit_score=40)
    await add_outcomes(db, 8, "rejection_received", fit_score=70)
    event = await run_calibrator(db, database_url, "daily")
    assert event["status"] == "completed", event["last_error"]
    assert (await weight(db, "min_fit_score_threshold"))["weight_value"] == Decimal(50)
    run = await db.fetchrow("SELECT * FROM calibration_runs")
    assert run["weights_changed"] == {} and "stays at its minimum, 50" in run["top_finding"]


async def test_too_few_signals_skip_the_run_and_say_so(db: asyncpg.Connection, database_url: str) -> None:
    before = {r["weight_name"]: r["weight_value"] for r in await db.fetch("SELECT * FROM model_weights")}
    needed = await limit(db, "calibration_daily_min_signals")
    weekly_needed = await limit(db, "calibration_weekly_min_signals")
    older = weekly_needed - needed  # two days old: in the week's window, not the day's
    await add_outcomes(db, needed - 1, "callback_received", fit_score=40)  # a strong signal, but too little of it
    await add_outcomes(db, older, "callback_received", fit_score=40, age=timedelta(days=2))
    event = await run_calibrator(db, database_url, "daily")
    assert event["status"] == "skipped" and f"needs {needed}" in event["last_error"]
    run = await db.fetchrow("SELECT * FROM calibration_runs WHERE run_type = 'daily'")
    assert (run["status"], run["signal_count"], run["weights_changed"]) == ("skipped_insufficient_data", needed - 1, {})
    # The week holds one signal fewer than the weekly run needs.
    weekly = await run_calibrator(db, database_url, "weekly")
    assert weekly["status"] == "skipped" and f"needs {weekly_needed}" in weekly["last_error"]
    row = await db.fetchrow("SELECT * FROM calibration_runs WHERE run_type = 'weekly'")
    assert (row["status"], row["signal_count"]) == ("skipped_insufficient_data", weekly_needed - 1)
    assert {r["weight_name"]: r["weight_value"] for r in await db.fetch("SELECT * FROM model_weights")} == before


async def json_codecs(conn: asyncpg.Connection) -> None:
    for name in ("json", "jsonb"):
        await conn.set_type_codec(name, encoder=json.dumps, decoder=json.loads, schema="pg_catalog")


async def test_concurrent_runs_of_one_date_move_the_weights_once(db: asyncpg.Connection, database_url: str) -> None:
    await set_weight(db, "min_fit_score_threshold", "80", "50", "90")
    before = await weight(db, "min_fit_score_threshold")
    await add_outcomes(db, 6, "callback_received", fit_score=60)
    await add_outcomes(db, 6, "rejection_received", fit_score=85)
    limits = await queries.limits(db)
    now = datetime.now(UTC)
    pool = await asyncpg.create_pool(database_url, min_size=3, max_size=3, init=json_codecs)
    try:
        results = await asyncio.gather(*(calibrate(pool, "daily", now=now, limits=limits) for _ in range(3)))
    finally:
        await pool.close()
    assert sorted(r.run_id is None for r in results) == [False, True, True]
    assert await db.fetchval("SELECT count(*) FROM calibration_runs") == 1
    after = await weight(db, "min_fit_score_threshold")
    assert after["weight_value"] == allowed(before, -1, limits["calibration_daily_max_change_pct"])


async def test_a_failed_run_is_recorded_and_its_retry_takes_the_date_over(db: asyncpg.Connection, database_url: str) -> None:
    await set_weight(db, "min_fit_score_threshold", "80", "50", "90")
    await add_outcomes(db, 12, "callback_received", fit_score=60)
    limits, now = await queries.limits(db), datetime.now(UTC)
    pool = await asyncpg.create_pool(database_url, min_size=1, max_size=2, init=json_codecs)
    try:
        await db.execute("ALTER TABLE learning_signals RENAME TO learning_signals_away")
        with pytest.raises(asyncpg.UndefinedTableError):
            await calibrate(pool, "daily", now=now, limits=limits)
        failed = await db.fetchrow("SELECT * FROM calibration_runs")
        assert failed["status"] == "failed" and "learning_signals" in failed["error_message"]
        assert (await weight(db, "min_fit_score_threshold"))["weight_value"] == Decimal(80)
        await db.execute("ALTER TABLE learning_signals_away RENAME TO learning_signals")
        result = await calibrate(pool, "daily", now=now, limits=limits)
    finally:
        await pool.close()
    run = await db.fetchrow("SELECT * FROM calibration_runs")
    assert (result.run_id, run["id"], run["status"], run["error_message"]) == (failed["id"], failed["id"], "completed", None)
    assert (await weight(db, "min_fit_score_threshold"))["weight_value"] < Decimal(80)


async def test_a_calibrator_run_queues_the_next_run_of_its_own_schedule_only(db: asyncpg.Connection, database_url: str) -> None:
    # Both schedules have their run pending; the weekly one comes due and runs.
    for name in ("feedback_calibrator:daily", "feedback_calibrator:weekly"):
        await db.execute("SELECT talvix.queue_schedule($1)", name)
    daily = await db.fetchrow("SELECT * FROM talvix.events WHERE dedup_key = 'feedback_calibrator:daily' AND status = 'pending'")
    weekly_id = await db.fetchval(
        "UPDATE talvix.events SET run_after = now() WHERE dedup_key = 'feedback_calibrator:weekly' AND status = 'pending' "
        "RETURNING id"
    )
    async with running_worker(database_url, [REGISTRY["feedback_calibrator"]]):
        await wait_for(
            lambda: db.fetchval("SELECT status IN ('completed', 'skipped', 'failed') FROM talvix.events WHERE id = $1", weekly_id),
            timeout=20,
            message="the weekly calibration ended",
        )
    ran = await db.fetchrow("SELECT * FROM talvix.events WHERE id = $1", weekly_id)
    assert ran["status"] == "skipped", ran["last_error"]  # no signals: nothing to calibrate
    pending = await db.fetch("SELECT * FROM talvix.events WHERE agent = 'feedback_calibrator' AND status = 'pending' ORDER BY id")
    assert len(pending) == 2
    still_daily, next_weekly = pending
    assert dict(still_daily) == dict(daily)  # the daily run is not touched
    assert (next_weekly["dedup_key"], next_weekly["payload"]) == ("feedback_calibrator:weekly", {"run_type": "weekly"})
    row = await db.fetchrow("SELECT * FROM talvix.schedules WHERE name = 'feedback_calibrator:weekly'")
    due = next_weekly["run_after"]
    assert (due.isoweekday(), due.hour * 60 + due.minute) == (row["iso_weekday"], row["utc_minute"])
    assert timedelta(0) < due - ran["updated_at"] <= timedelta(days=7)
    log = await db.fetchrow("SELECT metadata FROM agent_logs WHERE event_id = $1 AND status <> 'started'", weekly_id)
    assert log["metadata"]["run_type"] == "weekly" and log["metadata"]["next_run"] == due.isoformat()
    # A daily run queued by hand (no dedup key) re-queues the daily schedule, which moves (to the
    # same time) the daily run already pending: still one of each.
    event = await run_calibrator(db, database_url, "daily")
    assert event["status"] == "skipped"
    after = await db.fetch("SELECT * FROM talvix.events WHERE agent = 'feedback_calibrator' AND status = 'pending' ORDER BY id")
    assert [(e["id"], e["run_after"]) for e in after] == [(daily["id"], daily["run_after"]), (next_weekly["id"], due)]


# ------------------------------------------------------------------- the weights the product reads


async def test_the_calibrated_threshold_and_dream_bonus_decide_what_is_queued(db: asyncpg.Connection) -> None:
    follows_default = await add_user(db)
    own_bar = await add_user(db)
    await db.execute("UPDATE users SET fit_score_threshold = 60 WHERE id = $1", own_bar)
    assert await db.fetchval("SELECT fit_score_threshold FROM users WHERE id = $1", follows_default) is None
    await db.execute(
        "INSERT INTO user_company_prefs (user_id, company, pref_type) VALUES ($1, 'Dreamco', 'dream')", follows_default
    )
    default = (await weight(db, "min_fit_score_threshold"))["weight_value"]
    bonus = (await weight(db, "dream_company_score_bonus"))["weight_value"]

    def score(job: int, points: int) -> dict[str, Any]:
        return {"job_id": job, "score": points, "label": "good", "recommendation": "apply", "reasons": [], "missing_skills": []}

    async def queued(user: uuid.UUID) -> set[int]:
        return {r["job_id"] for r in await db.fetch("SELECT job_id FROM job_applications WHERE user_id = $1", user)}

    just_below = int(default) - 1
    plain, dream = await add_job(db, "Plainco"), await add_job(db, "Dreamco")
    dream_score = int(default - bonus)  # reaches the bar only with the bonus
    await queries.save_fit_scores(
        db, user_id=follows_default, scores=[score(plain, just_below), score(dream, dream_score)], model="t"
    )
    await queries.save_fit_scores(db, user_id=own_bar, scores=[score(plain, just_below)], model="t")
    assert await queued(follows_default) == {dream}
    assert await queued(own_bar) == {plain}  # their own bar of 60, whatever the default

    # The calibrator lowers the default: the same score now reaches it.
    await db.execute("UPDATE model_weights SET weight_value = $1 WHERE weight_name = 'min_fit_score_threshold'", default - 2)
    later = await add_job(db, "Plainco", "Platform Engineer")
    await queries.save_fit_scores(db, user_id=follows_default, scores=[score(later, just_below)], model="t")
    assert await queued(follows_default) == {dream, later}
    # No bonus: the dream company's score is only its score.
    await db.execute("UPDATE model_weights SET weight_value = 0 WHERE weight_name = 'dream_company_score_bonus'")
    other_dream = await add_job(db, "Dreamco", "Staff Engineer")
    await queries.save_fit_scores(db, user_id=follows_default, scores=[score(other_dream, dream_score)], model="t")
    assert other_dream not in await queued(follows_default)


# ------------------------------------------------------------------------------------ the coach


def expected_structure(user: uuid.UUID, day: date) -> int:
    """As documented: md5 of the user id and the UTC date (YYYY-MM-DD), as a number, mod 6."""
    return int(hashlib.md5((str(user) + day.strftime("%Y-%m-%d")).encode()).hexdigest(), 16) % 6


async def coach_messages(db: asyncpg.Connection) -> list[asyncpg.Record]:
    return await db.fetch("SELECT * FROM notifications WHERE event_type = 'coach_message' ORDER BY created_at")


async def test_the_schedule_coaches_each_opted_in_paid_user_once_a_day(db: asyncpg.Connection, database_url: str) -> None:
    asha = await add_user(db, profile={"coach_enabled": True, "notification_channel": "telegram"}, name="Asha Rao")
    student = await add_user(db, tier="student", profile={"coach_enabled": True})
    free = await add_user(db, tier="free", profile={"coach_enabled": True})
    opted_out = await add_user(db, profile={"coach_enabled": False})
    never_asked = await add_user(db)
    job = await add_job(db, "Razorpay", "Senior Backend Engineer")
    sent = await add_application(db, asha, job, fit_score_at_apply=82)
    await queries.mark_submitted(db, application_id=sent)
    await db.execute("UPDATE job_applications SET status = 'callback' WHERE id = $1", sent)

    await db.execute(
        "INSERT INTO talvix.events (agent, payload, dedup_key) VALUES ('daily_coach_schedule', '{}', 'daily_coach_schedule')"
    )
    agents = [REGISTRY["daily_coach_schedule"], REGISTRY["daily_coach"]]
    async with running_worker(database_url, agents):
        await wait_for(
            lambda: db.fetchval(
                "SELECT count(*) = 2 FROM talvix.events WHERE agent = 'daily_coach' AND status IN ('completed', 'failed')"
            ),
            timeout=30,
            message="both users' coach runs ended",
        )
    today = datetime.now(UTC).date()
    messages = {m["user_id"]: m for m in await coach_messages(db)}
    assert set(messages) == {asha, student}
    assert free not in messages and opted_out not in messages and never_asked not in messages
    assert (messages[asha]["channel"], messages[student]["channel"]) == ("telegram", "dashboard")
    for user, message in messages.items():
        assert message["priority"] == "low" and message["status"] == "pending"
        assert message["expires_at"] - message["created_at"] == timedelta(hours=48)
        index = expected_structure(user, today)
        meta = message["metadata"]
        assert (meta["coach_date"], meta["structure_index"], meta["structure"]) == (today.isoformat(), index, STRUCTURES[index][0])
        assert (meta["model"], meta["offline"]) == ("offline-deterministic", True)
        assert 0 < len(message["title"]) <= 80 and 0 < len(message["body"]) <= 400
    assert messages[asha]["body"].startswith("Hi Asha")
    # The schedule queued its next run within a day, at the minute talvix.schedules gives.
    due = await db.fetchval("SELECT run_after FROM talvix.events WHERE agent = 'daily_coach_schedule' AND status = 'pending'")
    minute = await db.fetchval("SELECT utc_minute FROM talvix.schedules WHERE agent = 'daily_coach_schedule'")
    assert due.hour * 60 + due.minute == minute and timedelta(0) < due - datetime.now(UTC) <= timedelta(days=1)

    # The schedule again the same day queues no one, and a run asked for by hand writes nothing new.
    assert await queries.queue_coach_messages(db, day=today) == 0
    asked = await db.fetchval(
        "INSERT INTO talvix.events (agent, payload) VALUES ('daily_coach', $1) RETURNING id", {"user_id": str(asha)}
    )
    async with running_worker(database_url, agents):
        await wait_for(lambda: db.fetchval("SELECT status = 'skipped' FROM talvix.events WHERE id = $1", asked), timeout=15)
    assert "already has the coach message" in await db.fetchval("SELECT last_error FROM talvix.events WHERE id = $1", asked)
    assert len(await coach_messages(db)) == 2


async def test_a_free_or_opted_out_user_asked_for_by_hand_is_skipped_with_the_reason(
    db: asyncpg.Connection, database_url: str
) -> None:
    free = await add_user(db, tier="free", profile={"coach_enabled": True})
    opted_out = await add_user(db, tier="student")
    nobody = uuid.uuid4()
    payloads = [{"user_id": str(free)}, {"user_id": str(opted_out)}, {"user_id": str(nobody)}, {"user_id": "not-a-uuid"}]
    ids = [
        await db.fetchval("INSERT INTO talvix.events (agent, payload) VALUES ('daily_coach', $1) RETURNING id", p) for p in payloads
    ]
    async with running_worker(database_url, [REGISTRY["daily_coach"]]):
        await wait_for(
            lambda: db.fetchval(
                "SELECT count(*) = 4 FROM talvix.events WHERE id = ANY($1) AND status IN ('skipped', 'failed')", ids
            ),
            timeout=20,
        )
    ended = [await db.fetchrow("SELECT status, last_error FROM talvix.events WHERE id = $1", i) for i in ids]
    assert ended[0]["status"] == "skipped" and "free tier" in ended[0]["last_error"]
    assert ended[1]["status"] == "skipped" and "coach_enabled" in ended[1]["last_error"]
    assert ended[2]["status"] == "failed" and f"no user {nobody}" in ended[2]["last_error"]
    assert ended[3]["status"] == "failed" and "user_id" in ended[3]["last_error"]
    assert await coach_messages(db) == []


async def test_the_structure_rotates_by_date_and_one_day_never_gets_two(db: asyncpg.Connection, database_url: str) -> None:
    user = await add_user(db, user_id=uuid.UUID("6f1c2a9e-0b7d-4c3e-9a51-2f8e7d4b1c16"), profile={"coach_enabled": True})
    start = date(2026, 11, 23)
    days = [start + timedelta(days=i) for i in range(7)]
    # Each day twice, at the same time: the unique index lets one through.
    ids = [
        await db.fetchval(
            "INSERT INTO talvix.events (agent, payload) VALUES ('daily_coach', $1) RETURNING id",
            {"user_id": str(user), "day": d.isoformat()},
        )
        for d in days
        for _ in range(2)
    ]
    async with running_worker(database_url, [REGISTRY["daily_coach"]]):
        await wait_for(
            lambda: db.fetchval(
                "SELECT count(*) = $2 FROM talvix.events WHERE id = ANY($1) AND status IN ('completed', 'skipped', 'failed')",
                ids,
                len(ids),
            ),
            timeout=30,
        )
    statuses = [r["status"] for r in await db.fetch("SELECT status FROM talvix.events WHERE id = ANY($1)", ids)]
    assert sorted(statuses) == ["completed"] * 7 + ["skipped"] * 7
    by_day = {m["metadata"]["coach_date"]: m["metadata"]["structure_index"] for m in await coach_messages(db)}
    assert by_day == {d.isoformat(): expected_structure(user, d) for d in days}
    assert len(set(by_day.values())) > 1  # it does rotate (this user's week has several structures)


async def test_skill_gaps_and_career_score_are_used_once_computed(db: asyncpg.Connection, database_url: str) -> None:
    user = await add_user(db, profile={"coach_enabled": True}, name="Ravi")
    job = await add_job(db)
    await db.execute(
        "INSERT INTO job_fit_scores (user_id, job_id, score, label, recommendation, missing_skills) "
        "VALUES ($1, $2, 70, 'good', 'apply', '{kafka}')",
        user,
        job,
    )
    # A day whose structure names a skill (every structure but the reflective question does).
    day = next(
        date(2026, 12, 1) + timedelta(days=i)
        for i in range(30)
        if expected_structure(user, date(2026, 12, 1) + timedelta(days=i)) != 5
    )

    async def coach() -> asyncpg.Record:
        event = await db.fetchval(
            "INSERT INTO talvix.events (agent, payload) VALUES ('daily_coach', $1) RETURNING id",
            {"user_id": str(user), "day": day.isoformat()},
        )
        async with running_worker(database_url, [REGISTRY["daily_coach"]]):
            await wait_for(lambda: db.fetchval("SELECT status = 'completed' FROM talvix.events WHERE id = $1", event), timeout=15)
        message: asyncpg.Record = await db.fetchrow(
            "DELETE FROM notifications WHERE user_id = $1 AND event_type = 'coach_message' RETURNING *", user
        )
        return message

    without = await coach()
    assert "kafka" in without["title"] + without["body"] and "Career score" not in without["body"]
    # What the skill_gap and career_intelligence agents write (migration 028).
    await db.execute(
        "INSERT INTO skill_gap_results (user_id, top_gaps, market_jobs, next_refresh_at) "
        "VALUES ($1, $2, 5, now() + interval '7 days')",
        user,
        [{"skill": "system design", "importance_pct": 60}, {"skill": "go"}],
    )
    await db.execute(
        "INSERT INTO career_intelligence (user_id, career_score, score_components, market_demand, next_refresh_at) "
        "VALUES ($1, 72, '{}', '{}', now() + interval '7 days')",
        user,
    )
    with_insights = await coach()
    text = with_insights["title"] + with_insights["body"]
    assert "system design" in text and "kafka" not in text and "Career score: 72/100" in with_insights["body"]


def test_every_structure_writes_a_short_message_from_any_facts() -> None:
    empty = {
        "name": None,
        "tier": "student",
        "submitted_24h": 0,
        "submitted_7d": 0,
        "callbacks_7d": 0,
        "rejections_7d": 0,
        "awaiting_review": 0,
        "need_attention": 0,
        "in_pipeline": 0,
        "fit_threshold": 75,
        "skills_to_grow": [],
        "skills_from": "recent_matches",
        "best_match": None,
        "career_score": None,
    }
    full = empty | {
        "name": "Asha",
        "submitted_24h": 3,
        "submitted_7d": 11,
        "callbacks_7d": 2,
        "rejections_7d": 4,
        "awaiting_review": 1,
        "skills_to_grow": ["kubernetes with a very long qualifier " * 3, "go"],
        "best_match": {"title": "Principal Platform Engineer, Payments Infrastructure " * 2, "company": "Razorpay", "score": 91},
        "career_score": 68,
    }
    for name, _ in STRUCTURES:
        for facts in (empty, full, full | {"fit_threshold": None, "name": None}):
            message = offline_message(name, facts)
            CoachMessage.model_validate(message.model_dump())
            assert message.body.startswith("Hi Asha" if facts["name"] else "Hi there")
    assert "1 application wait" in offline_message("next_step", full).body


async def test_with_a_model_the_coach_sends_the_facts_and_stores_its_answer(
    db: asyncpg.Connection, database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    standin = StandIn()
    try:
        monkeypatch.setenv("SARVAM_API_KEY", "sk-test-" + uuid.uuid4().hex)
        monkeypatch.setenv("TALVIX_LLM_BASE_URL", standin.url)
        monkeypatch.setenv("TALVIX_LLM_MAX_RETRIES", "0")
        monkeypatch.setenv("HOME", str(tmp_path))
        monkeypatch.setenv("CREWAI_STORAGE_DIR", "talvix-tests")
        standin.reply({"title": "Keep going, Meera", "body": "Two applications went out yesterday. Review the one waiting."})
        user = await add_user(db, profile={"coach_enabled": True}, name="Meera Iyer")
        for company in ("A", "B"):
            await queries.mark_submitted(db, application_id=await add_application(db, user, await add_job(db, company)))
        event = await db.fetchval(
            "INSERT INTO talvix.events (agent, payload) VALUES ('daily_coach', $1) RETURNING id", {"user_id": str(user)}
        )
        async with running_worker(database_url, [REGISTRY["daily_coach"]]):
            await wait_for(
                lambda: db.fetchval("SELECT status IN ('completed', 'failed') FROM talvix.events WHERE id = $1", event),
                timeout=60,
            )
        assert await db.fetchval("SELECT status FROM talvix.events WHERE id = $1", event) == "completed"
        (message,) = await coach_messages(db)
        assert (message["title"], message["metadata"]["offline"]) == ("Keep going, Meera", False)
        (request,) = standin.requests
        prompt = json.dumps(request["messages"])
        assert '\\"submitted_24h\\": 2' in prompt and "Meera" in prompt and str(user) not in prompt
        assert request.get("reasoning_effort", "absent") is None  # No-Think
    finally:
        standin.close()
