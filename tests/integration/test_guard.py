"""The anti-ban guard and the caps, against real rows: every gate, risk from data, blocks, budgets."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from handlers.apply import anti_ban_guard as guard


async def application(
    db: asyncpg.Connection, *, platform: str = "greenhouse", company: str = "Acme", activated_days_ago: float = 30, **user: object
) -> tuple[uuid.UUID, uuid.UUID]:
    uid = uuid.uuid4()
    await db.execute(
        "INSERT INTO users (id, email, tier, auto_apply_enabled) VALUES ($1, $2, 'professional', true)", uid, f"{uid}@x.dev"
    )
    await db.execute(
        "UPDATE users SET auto_apply_activated_at = now() - make_interval(secs => $2) WHERE id = $1",
        uid,
        activated_days_ago * 86400,
    )
    for column, value in user.items():
        await db.execute(f"UPDATE users SET {column} = $2 WHERE id = $1", uid, value)
    job = await db.fetchval(
        "INSERT INTO jobs (fingerprint, title, company, apply_url, platform) "
        "VALUES ($1, 'Engineer', $2, 'https://j.example', $3) RETURNING id",
        str(uid),
        company,
        platform,
    )
    app = await db.fetchval(
        "INSERT INTO job_applications (user_id, job_id, platform, auto_status) VALUES ($1, $2, $3, 'ready') RETURNING id",
        uid,
        job,
        platform,
    )
    return uid, app


async def test_clean_application_goes(db: asyncpg.Connection) -> None:
    _, app = await application(db)
    decision = await guard.evaluate(db, app)
    assert (decision.action, decision.risk, decision.review_mode) == ("go", 0, False)


async def test_review_mode_in_the_first_fourteen_days(db: asyncpg.Connection) -> None:
    _, app = await application(db, activated_days_ago=3)
    assert (await guard.evaluate(db, app)).review_mode
    await db.execute("UPDATE talvix.limits SET value = 2 WHERE name = 'review_mode_days'")  # data, not code
    assert not (await guard.evaluate(db, app)).review_mode


async def test_an_operator_ends_or_extends_review_mode_for_one_user(db: asyncpg.Connection) -> None:
    uid, app = await application(db, activated_days_ago=3)
    await db.execute("UPDATE users SET review_mode_ends_at = now() WHERE id = $1", uid)  # ended early
    assert not (await guard.evaluate(db, app)).review_mode
    await db.execute(
        "UPDATE users SET review_mode_ends_at = now() + interval '30 days', "
        "auto_apply_activated_at = now() - interval '60 days' WHERE id = $1",
        uid,
    )  # extended
    assert (await guard.evaluate(db, app)).review_mode


@pytest.mark.parametrize(
    ("setup", "reason"),
    [
        ("UPDATE users SET auto_apply_enabled = false", "auto-apply is off"),
        ("UPDATE users SET auto_apply_paused = true, auto_apply_paused_reason = 'by you'", "auto-apply is paused: by you"),
        ("UPDATE jobs SET is_active = false", "the job is closed"),
        (
            "INSERT INTO user_company_prefs (user_id, company, pref_type) SELECT id, 'ACME', 'blacklist' FROM users",
            "Acme is on the user's blacklist",
        ),
        (
            "UPDATE users SET daily_apply_count = 10, daily_apply_limit = 10, apply_counts_day = talvix.utc_today()",
            "daily cap reached (10 of 10)",
        ),
        (
            "UPDATE users SET monthly_apply_count = 250, apply_counts_month = date_trunc('month', talvix.utc_today())",
            "monthly cap reached (250 of 250)",
        ),
    ],
)
async def test_each_user_gate_skips_with_its_reason(db: asyncpg.Connection, setup: str, reason: str) -> None:
    _, app = await application(db)
    await db.execute(setup)
    decision = await guard.evaluate(db, app)
    assert decision.action == "skip" and reason in decision.reason
    await guard.record(db, app, decision)
    row = await db.fetchrow("SELECT auto_status, failure_note FROM job_applications WHERE id = $1", app)
    assert row["auto_status"] == "skipped" and reason in row["failure_note"]


async def test_yesterdays_counts_do_not_block_today(db: asyncpg.Connection) -> None:
    _, app = await application(db)
    await db.execute("UPDATE users SET daily_apply_count = 10, daily_apply_limit = 10, apply_counts_day = talvix.utc_today() - 1")
    assert (await guard.evaluate(db, app)).action == "go"


async def test_already_applied_elsewhere_is_skipped(db: asyncpg.Connection) -> None:
    uid, app = await application(db)
    job = await db.fetchval("SELECT job_id FROM job_applications WHERE id = $1", app)
    await db.execute("ALTER TABLE job_applications DROP CONSTRAINT job_applications_user_id_job_id_key")
    await db.execute("INSERT INTO job_applications (user_id, job_id, auto_status) VALUES ($1, $2, 'submitted')", uid, job)
    assert (await guard.evaluate(db, app)).reason == "already applied to this job"


async def test_spent_linkedin_budget_skips_before_any_browser(db: asyncpg.Connection) -> None:
    _, app = await application(db, platform="linkedin")
    await db.execute(
        "INSERT INTO system_daily_limits (day, linkedin_actions, linkedin_limit) VALUES (talvix.utc_today(), 1500, 1500)"
    )
    decision = await guard.evaluate(db, app)
    assert decision.action == "skip" and "LinkedIn budget for today is spent (1500 of 1500)" in decision.reason


async def add_failures(db: asyncpg.Connection, uid: uuid.UUID, status: str, n: int) -> None:
    for i in range(n):
        job = await db.fetchval(
            "INSERT INTO jobs (fingerprint, title, company, apply_url, platform) "
            "VALUES ($1, 'x', 'y', 'https://j', 'linkedin') RETURNING id",
            f"{uid}-{status}-{i}",
        )
        await db.execute("INSERT INTO job_applications (user_id, job_id, auto_status) VALUES ($1, $2, $3)", uid, job, status)


async def test_risk_defers_then_blocks_with_thresholds_from_data(db: asyncpg.Connection) -> None:
    uid, app = await application(db, platform="linkedin")
    await db.execute(
        "INSERT INTO user_connections (user_id, platform, session_encrypted, session_iv, consecutive_failures, "
        "captured_at) VALUES ($1, 'linkedin', 'x', 'y', 3, now() - interval '12 days')",
        uid,
    )
    # 25 (failing session) + 30 (old session) = 55: below the default cooldown of 70.
    assert (await guard.evaluate(db, app)).action == "go"
    await add_failures(db, uid, "failed_captcha", 2)  # +20 → 75: cooldown
    now = datetime.now(UTC)
    decision = await guard.evaluate(db, app, now=now)
    assert decision.action == "defer" and decision.risk == 75
    assert decision.retry_at == now + timedelta(minutes=30)
    await guard.record(db, app, decision)
    assert await db.fetchval("SELECT auto_status FROM job_applications WHERE id = $1", app) == "deferred_cooldown"
    await db.execute("UPDATE talvix.limits SET value = 75 WHERE name = 'risk_block_threshold'")  # tuned by an operator
    decision = await guard.evaluate(db, app)
    assert decision.action == "block"
    await guard.record(db, app, decision)
    user = await db.fetchrow("SELECT auto_apply_paused, auto_apply_paused_reason FROM users WHERE id = $1", uid)
    assert user["auto_apply_paused"] and "risk 75 reached the block threshold" in user["auto_apply_paused_reason"]


async def test_user_cap_reservation_is_atomic_and_rolls_over(db: asyncpg.Connection) -> None:
    uid, _ = await application(db, daily_apply_limit=2)
    assert [await db.fetchval("SELECT talvix.reserve_user_apply($1)", uid) for _ in range(3)] == [
        None,
        None,
        "daily cap reached (2 of 2 today)",
    ]
    await db.execute("SELECT talvix.release_user_apply($1)", uid)
    assert await db.fetchval("SELECT talvix.reserve_user_apply($1)", uid) is None
    await db.execute("UPDATE users SET apply_counts_day = talvix.utc_today() - 1 WHERE id = $1", uid)  # a new day
    assert await db.fetchval("SELECT talvix.reserve_user_apply($1)", uid) is None
    assert await db.fetchval("SELECT daily_apply_count FROM users WHERE id = $1", uid) == 1


async def test_linkedin_action_counts_once_and_gives_back_on_failure(db: asyncpg.Connection) -> None:
    await db.execute("UPDATE talvix.limits SET value = 1 WHERE name = 'linkedin_daily_actions'")
    with pytest.raises(RuntimeError):
        async with guard.linkedin_action(db):
            raise RuntimeError("the click never happened")
    async with guard.linkedin_action(db) as day:
        pass
    assert await db.fetchval("SELECT linkedin_actions FROM system_daily_limits WHERE day = $1", day) == 1
    with pytest.raises(guard.BudgetSpent):
        async with guard.linkedin_action(db):
            pass
