"""Database security, proven as the roles themselves: `authenticated` with a JWT subject set the way
Supabase (PostgREST) sets it, `anon`, and the public gateway's role."""

from __future__ import annotations

import asyncio
import contextlib
import json
import uuid
from collections.abc import AsyncIterator
from datetime import date

import asyncpg
import pytest

from listeners import database

USER_TABLES = [
    "users",
    "resumes",
    "user_target_roles",
    "user_company_prefs",
    "user_connections",
    "user_oauth_tokens",
    "jobs",
    "job_fit_scores",
    "job_applications",
    "system_daily_limits",
    "agent_logs",
    "notifications",
    "scrape_runs",
    "baseline_scrape_targets",
    "job_skills",
    "job_embeddings",
    "user_embeddings",
    "learning_signals",
    "model_weights",
    "calibration_runs",
    "salary_benchmarks",
    "skill_gap_results",
    "career_intelligence",
    "user_notification_channels",
    "follow_ups",
    "follow_up_replies",
]


@contextlib.asynccontextmanager
async def acting_as(db: asyncpg.Connection, role: str, sub: uuid.UUID | None = None) -> AsyncIterator[None]:
    """Run statements as `role` inside a transaction, with PostgREST's request.jwt.claims."""
    async with db.transaction():
        await db.execute(f"SET LOCAL ROLE {role}")
        if sub is not None:
            await db.execute(
                "SELECT set_config('request.jwt.claims', $1, true)",
                json.dumps({"sub": str(sub), "role": role, "aud": "authenticated"}),
            )
        yield


async def denied(db: asyncpg.Connection, sql: str, *args: object) -> bool:
    """True when the statement is refused for lack of privilege (checked in a savepoint)."""
    try:
        async with db.transaction():
            await db.execute(sql, *args)
    except asyncpg.InsufficientPrivilegeError:
        return True
    return False


@pytest.fixture
async def people(db: asyncpg.Connection) -> tuple[uuid.UUID, uuid.UUID, int]:
    alice, bob = uuid.uuid4(), uuid.uuid4()
    await db.execute(
        "INSERT INTO users (id, email, tier) VALUES ($1, 'a@x.dev', 'professional'), ($2, 'b@x.dev', 'free')", alice, bob
    )
    job = await db.fetchval(
        "INSERT INTO jobs (fingerprint, title, company, apply_url, platform) "
        "VALUES ('fp1', 'Engineer', 'Acme', 'https://acme.example/apply', 'greenhouse') RETURNING id"
    )
    for user in (alice, bob):
        await db.execute(
            "INSERT INTO user_connections (user_id, platform, session_encrypted, session_iv) "
            "VALUES ($1, 'linkedin', 'deadbeef', '00ff')",
            user,
        )
        await db.execute("INSERT INTO job_applications (user_id, job_id) VALUES ($1, $2)", user, job)
    return alice, bob, job


async def test_every_table_has_row_level_security(db: asyncpg.Connection) -> None:
    # Every table in public, so a new table without RLS fails here too.
    rows = await db.fetch(
        "SELECT relname, relrowsecurity FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'r'"
    )
    assert {r["relname"]: r["relrowsecurity"] for r in rows} == dict.fromkeys(USER_TABLES, True)


async def test_signed_in_user_sees_only_own_rows(db: asyncpg.Connection, people: tuple) -> None:
    alice, bob, _job = people
    async with acting_as(db, "authenticated", alice):
        assert [r["id"] for r in await db.fetch("SELECT id FROM users")] == [alice]
        assert [r["user_id"] for r in await db.fetch("SELECT user_id FROM job_applications")] == [alice]
        assert [r["user_id"] for r in await db.fetch("SELECT user_id, is_valid FROM user_connections")] == [alice]
        assert await db.fetchval("SELECT count(*) FROM jobs") == 1  # shared reference data
        # Updating someone else's row silently matches nothing.
        assert await db.execute("UPDATE users SET full_name = 'x' WHERE id = $1", bob) == "UPDATE 0"
        assert await db.execute("UPDATE users SET full_name = 'Alice' WHERE id = $1", alice) == "UPDATE 1"


async def test_users_read_their_notifications_and_can_only_mark_them_read(db: asyncpg.Connection, people: tuple) -> None:
    alice, bob, _ = people
    for user in (alice, bob):
        await db.execute(
            "INSERT INTO notifications (user_id, event_type, title, body, expires_at) "
            "VALUES ($1, 'session_expiring', 'Heads up', 'Reconnect', now() + interval '7 days')",
            user,
        )
    async with acting_as(db, "authenticated", alice):
        mine = await db.fetch("SELECT id, user_id FROM notifications")
        assert [r["user_id"] for r in mine] == [alice]
        assert await db.execute("UPDATE notifications SET status = 'read', read_at = now()") == "UPDATE 1"
        assert await denied(db, "UPDATE notifications SET body = 'changed'")
        assert await denied(
            db, "INSERT INTO notifications (user_id, event_type, title, body, expires_at) VALUES ($1, 'x', 'x', 'x', now())", alice
        )
        try:
            async with db.transaction():
                await db.execute("UPDATE notifications SET status = 'sent'")
            raise AssertionError("a user marked a notification sent")
        except asyncpg.InsufficientPrivilegeError:
            pass  # the policy's WITH CHECK allows only 'read'
    assert await db.fetchval("SELECT status FROM notifications WHERE user_id = $1", bob) == "pending"


async def test_user_inserts_only_own_rows(db: asyncpg.Connection, people: tuple) -> None:
    alice, bob, job = people
    job2 = await db.fetchval(
        "INSERT INTO jobs (fingerprint, title, company, apply_url, platform) "
        "VALUES ('fp2', 'Dev', 'Beta', 'https://b.example', 'lever') RETURNING id"
    )
    async with acting_as(db, "authenticated", alice):
        await db.execute("INSERT INTO job_applications (user_id, job_id) VALUES ($1, $2)", alice, job2)
        await db.execute("INSERT INTO resumes (user_id, raw_text) VALUES ($1, 'Python developer')", alice)
        with pytest.raises(asyncpg.InsufficientPrivilegeError, match="row-level security"):
            async with db.transaction():
                await db.execute("INSERT INTO job_applications (user_id, job_id) VALUES ($1, $2)", bob, job2)
        with pytest.raises(asyncpg.InsufficientPrivilegeError, match="row-level security"):
            async with db.transaction():
                await db.execute("INSERT INTO resumes (user_id, raw_text) VALUES ($1, 'x')", bob)
        # Pipeline columns are the worker's: a user cannot mark their application submitted.
        assert await denied(
            db, "INSERT INTO job_applications (user_id, job_id, auto_status) VALUES ($1, $2, 'submitted')", alice, job
        )


async def test_user_cannot_read_session_secrets_or_oauth_tokens(db: asyncpg.Connection, people: tuple) -> None:
    alice, _, _ = people
    await db.execute(
        "INSERT INTO user_oauth_tokens (user_id, provider, tokens_encrypted, tokens_iv) VALUES ($1, 'google', 'x', 'y')", alice
    )
    async with acting_as(db, "authenticated", alice):
        assert await denied(db, "SELECT session_encrypted FROM user_connections")
        assert await denied(db, "SELECT session_iv FROM user_connections")
        assert await denied(db, "SELECT * FROM user_connections")
        assert await denied(db, "SELECT * FROM user_oauth_tokens")
        assert await denied(db, "UPDATE user_connections SET session_encrypted = 'mine'")
        assert await denied(
            db,
            "INSERT INTO user_connections (user_id, platform, session_encrypted, session_iv) VALUES ($1, 'indeed', 'a', 'b')",
            alice,
        )


@pytest.mark.parametrize(
    "column_value",
    [
        "tier = 'professional'",
        "daily_apply_limit = 25",
        "daily_apply_count = 0",
        "monthly_apply_count = 0",
        "auto_apply_paused = false",
        "auto_apply_activated_at = now() - interval '30 days'",
        "email = 'new@x.dev'",
    ],
)
async def test_user_cannot_change_tier_caps_counters_or_pause(db: asyncpg.Connection, people: tuple, column_value: str) -> None:
    alice, _, _ = people
    async with acting_as(db, "authenticated", alice):
        assert await denied(db, f"UPDATE users SET {column_value} WHERE id = $1", alice)


async def test_enabling_auto_apply_stamps_activation_time(db: asyncpg.Connection, people: tuple) -> None:
    alice, _, _ = people
    async with acting_as(db, "authenticated", alice):
        await db.execute("UPDATE users SET auto_apply_enabled = true WHERE id = $1", alice)
    assert await db.fetchval("SELECT auto_apply_activated_at IS NOT NULL FROM users WHERE id = $1", alice)


@pytest.mark.parametrize("role", ["authenticated", "anon"])
async def test_engine_tables_logs_and_budget_are_closed_to_app_roles(db: asyncpg.Connection, people: tuple, role: str) -> None:
    alice, _, _ = people
    async with acting_as(db, role, alice if role == "authenticated" else None):
        for sql in [
            "SELECT * FROM agent_logs",
            "SELECT * FROM talvix.events",
            "SELECT * FROM talvix.watches",
            "SELECT * FROM system_daily_limits",
            "SELECT * FROM talvix.limits",
            "SELECT talvix.reserve_linkedin_action()",
            "SELECT increment_linkedin_daily_count('2026-01-01')",
            "INSERT INTO agent_logs (agent_name, status, expires_at) VALUES ('x', 'started', now())",
            "SELECT * FROM talvix.watch('users', 'x')",
        ]:
            assert await denied(db, sql), sql
    async with acting_as(db, "anon"):
        assert await denied(db, "SELECT * FROM users")
        assert await denied(db, "SELECT * FROM job_applications")


async def test_security_definer_functions_pin_search_path_and_are_not_public(db: asyncpg.Connection) -> None:
    rows = await db.fetch("""
        SELECT p.oid::regprocedure::text AS fn, p.proconfig,
               has_function_privilege('anon', p.oid, 'EXECUTE') AS anon_can,
               has_function_privilege('authenticated', p.oid, 'EXECUTE') AS user_can
          FROM pg_proc p WHERE p.prosecdef AND p.pronamespace IN ('talvix'::regnamespace, 'public'::regnamespace)""")
    assert len(rows) >= 5
    for r in rows:
        assert any(c.startswith("search_path=") for c in (r["proconfig"] or [])), r["fn"]
        assert not r["anon_can"] and not r["user_can"], r["fn"]
    assert not await db.fetchval("SELECT count(*) FROM pg_proc WHERE proname IN ('sql_query', 'exec_sql')")


async def test_gateway_role_can_only_store_a_connection(db: asyncpg.Connection, people: tuple) -> None:
    alice, _, _ = people
    async with acting_as(db, "talvix_gateway"):
        row = await db.fetchrow(
            "SELECT * FROM talvix.store_connection($1, 'indeed', 'c1pher', 'iv', 2::smallint, "
            "'Mozilla/5.0', '1366x768', now() + interval '10 days')",
            alice,
        )
        assert set(row.keys()) == {"id", "platform", "is_valid", "estimated_expires_at", "captured_at"}
        for table in [*USER_TABLES, "talvix.events", "talvix.watches"]:
            assert await denied(db, f"SELECT * FROM {table}"), table
        assert await denied(db, "SELECT talvix.reserve_linkedin_action()")
    stored = await db.fetchrow(
        "SELECT session_encrypted, session_version FROM user_connections WHERE user_id = $1 AND platform = 'indeed'", alice
    )
    assert (stored["session_encrypted"], stored["session_version"]) == ("c1pher", 2)


async def test_updated_at_is_maintained_by_trigger(db: asyncpg.Connection, people: tuple) -> None:
    alice, _, _ = people
    before = await db.fetchval("SELECT updated_at FROM users WHERE id = $1", alice)
    await db.execute("UPDATE users SET full_name = 'A' WHERE id = $1", alice)  # a new transaction: a later now()
    assert await db.fetchval("SELECT updated_at FROM users WHERE id = $1", alice) > before


# ------------------------------------------------------------------------ the LinkedIn budget


async def used(db: asyncpg.Connection, day: date) -> int:
    return await db.fetchval("SELECT linkedin_actions FROM system_daily_limits WHERE day = $1", day)


async def test_fifty_connections_race_for_the_last_hundred_actions(db: asyncpg.Connection, database_url: str) -> None:
    day = await db.fetchval("SELECT talvix.utc_today()")
    await db.execute("INSERT INTO system_daily_limits (day, linkedin_actions, linkedin_limit) VALUES ($1, 1400, 1500)", day)
    conns = [await database.connect(database_url) for _ in range(50)]
    try:

        async def racer(conn: asyncpg.Connection) -> int:
            return sum([await conn.fetchval("SELECT talvix.reserve_linkedin_action($1)", day) for _ in range(5)])

        granted = await asyncio.gather(*(racer(c) for c in conns))
    finally:
        await asyncio.gather(*(c.close() for c in conns))
    assert sum(granted) == 100
    assert await used(db, day) == 1500
    assert await db.fetchval("SELECT kill_switch_on FROM talvix.linkedin_budget_today")


async def test_budget_reads_its_limit_from_the_table_and_fails_closed(db: asyncpg.Connection) -> None:
    day = date(2030, 1, 1)
    await db.execute("UPDATE talvix.limits SET value = 2 WHERE name = 'linkedin_daily_actions'")
    first, second, third = [await db.fetchval("SELECT talvix.reserve_linkedin_unit($1)", day) for _ in range(3)]
    assert first is not None and second is not None and third is None
    # A release consumes its reservation: exactly once, and nothing without one.
    assert await db.fetchval("SELECT talvix.release_linkedin_unit($1)", first)
    assert not await db.fetchval("SELECT talvix.release_linkedin_unit($1)", first)
    assert not await db.fetchval("SELECT talvix.release_linkedin_unit($1)", 987654321)
    assert await used(db, day) == 1
    assert await db.fetchval("SELECT talvix.reserve_linkedin_action($1)", day)
    # No configured limit: no row for a new day, and no action.
    await db.execute("DELETE FROM talvix.limits")
    assert not await db.fetchval("SELECT talvix.reserve_linkedin_action($1)", date(2030, 1, 2))
    assert await db.fetchval("SELECT count(*) FROM system_daily_limits WHERE day = '2030-01-02'") == 0


async def test_seed_rpc_counts_after_the_fact(db: asyncpg.Connection) -> None:
    for _ in range(3):
        await db.execute("SELECT increment_linkedin_daily_count('2030-02-03')")
    assert await used(db, date(2030, 2, 3)) == 3
    # It takes a date, whatever the session's time zone (text followed it).
    assert (
        await db.fetchval("SELECT pg_get_function_identity_arguments('public.increment_linkedin_daily_count'::regproc)")
        == "action_date date"
    )


async def test_releases_without_reservations_grant_nothing(db: asyncpg.Connection) -> None:
    await db.execute("UPDATE talvix.limits SET value = 1 WHERE name = 'linkedin_daily_actions'")
    day = date(2030, 3, 1)
    held = await db.fetchval("SELECT talvix.reserve_linkedin_unit($1)", day)
    for forged in range(10):  # ten releases of reservations that do not exist
        assert not await db.fetchval("SELECT talvix.release_linkedin_unit($1)", held + 1000 + forged)
    assert await db.fetchval("SELECT talvix.reserve_linkedin_unit($1)", day) is None  # still spent
    assert await db.fetchval("SELECT to_regprocedure('talvix.release_linkedin_action(date)')") is None


async def test_budget_day_is_utc_whatever_the_session_time_zone(db: asyncpg.Connection) -> None:
    await db.execute("SET TIME ZONE 'Pacific/Kiritimati'")  # UTC+14: its local date is often tomorrow's
    assert await db.fetchval("SELECT talvix.utc_today() = (now() AT TIME ZONE 'UTC')::date")
    await db.fetchval("SELECT talvix.reserve_linkedin_action()")
    assert await db.fetchval("SELECT day FROM system_daily_limits") == await db.fetchval("SELECT (now() AT TIME ZONE 'UTC')::date")


async def test_a_user_row_takes_only_the_email_the_token_carries(db: asyncpg.Connection) -> None:
    mallory = uuid.uuid4()
    async with db.transaction():
        await db.execute("SET LOCAL ROLE authenticated")
        await db.execute(
            "SELECT set_config('request.jwt.claims', $1, true)",
            json.dumps({"sub": str(mallory), "role": "authenticated", "email": "mallory@x.dev"}),
        )
        # Someone else's address first, to block its owner's sign-up: refused by RLS.
        assert await refused_by_policy(db, "INSERT INTO users (id, email) VALUES ($1, 'victim@x.dev')", mallory)
        await db.execute("INSERT INTO users (id, email) VALUES ($1, 'Mallory@x.dev')", mallory)  # their own: fine
    assert await db.fetchval("SELECT email FROM users WHERE id = $1", mallory) == "Mallory@x.dev"


async def refused_by_policy(db: asyncpg.Connection, sql: str, *args: object) -> bool:
    try:
        async with db.transaction():
            await db.execute(sql, *args)
    except asyncpg.InsufficientPrivilegeError as exc:
        return "row-level security" in str(exc)
    return False


async def test_the_seeds_kill_switch_query_works(db: asyncpg.Connection) -> None:
    await db.execute("UPDATE talvix.limits SET value = 2 WHERE name = 'linkedin_daily_actions'")
    for _ in range(2):
        await db.fetchval("SELECT talvix.reserve_linkedin_unit()")
    # As the contract's kill-switch check asks it (CONTRACT.md) (through PostgREST: select … eq("date", today)).
    used = await db.fetchval("SELECT total_linkedin_actions FROM system_daily_limits WHERE date = talvix.utc_today()")
    assert used == 2  # the day is spent: the contract's kill switch is on
    await db.execute("SELECT increment_linkedin_daily_count(talvix.utc_today())")
    assert await db.fetchval("SELECT total_linkedin_actions FROM system_daily_limits WHERE date = talvix.utc_today()") == 3
