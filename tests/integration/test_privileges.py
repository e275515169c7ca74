"""What anon and authenticated may do, object by object, with Supabase's default privileges applied
before migrating (tests/conftest.py): every table, column, sequence and function Talvix has in
public and talvix is checked against an allow-list, so an object that a migration forgets to lock
down fails here instead of being served to the public anon key by PostgREST."""

from __future__ import annotations

import asyncpg
import pytest

# What a signed-in user may do on purpose (migrations 006 and 012); anon may do nothing.
AUTHENTICATED = {
    "users": (
        "SELECT",
        "INSERT(email),INSERT(full_name),INSERT(id),INSERT(phone),INSERT(profile),INSERT(timezone),"
        "UPDATE(auto_apply_enabled),UPDATE(fit_score_threshold),UPDATE(full_name),UPDATE(phone),"
        "UPDATE(profile),UPDATE(timezone)",
    ),
    "user_target_roles": ("SELECT,INSERT,UPDATE,DELETE", ""),
    "user_company_prefs": ("SELECT,INSERT,UPDATE,DELETE", ""),
    "user_connections": (
        "DELETE",
        "SELECT(captured_at),SELECT(consecutive_failures),SELECT(created_at),"
        "SELECT(estimated_expires_at),SELECT(id),SELECT(is_valid),SELECT(last_validated_at),"
        "SELECT(platform),SELECT(session_version),SELECT(updated_at),SELECT(user_agent),"
        "SELECT(user_id),SELECT(viewport),SELECT(warning_1d_sent),SELECT(warning_3d_sent),"
        "SELECT(warning_7d_sent)",
    ),
    "jobs": ("SELECT", ""),
    "job_skills": ("SELECT", ""),
    "resumes": ("SELECT", "INSERT(raw_text),INSERT(storage_path),INSERT(user_id)"),
    "job_fit_scores": ("SELECT", ""),
    "job_applications": (
        "SELECT",
        "INSERT(job_id),INSERT(method),INSERT(user_id),UPDATE(follow_ups_stopped),UPDATE(recruiter_email),"
        "UPDATE(recruiter_linkedin_url),UPDATE(recruiter_name),UPDATE(review_decision),UPDATE(status)",
    ),
    "follow_ups": ("SELECT", ""),
    "follow_up_replies": ("SELECT", "INSERT(application_id),INSERT(body),INSERT(channel),INSERT(user_id)"),
    "notifications": ("SELECT", "UPDATE(read_at),UPDATE(status)"),
    "skill_gap_results": ("SELECT", ""),
    "career_intelligence": ("SELECT", ""),
    "user_notification_channels": ("SELECT,DELETE", "INSERT(address),INSERT(channel),INSERT(user_id),UPDATE(is_active)"),
}

PRIVILEGES = """
SELECT c.oid::regclass::text AS name,
       array_to_string(ARRAY(SELECT p FROM unnest(ARRAY['SELECT','INSERT','UPDATE','DELETE','TRUNCATE','REFERENCES','TRIGGER']) p
                              WHERE has_table_privilege($1, c.oid, p)), ',') AS table_privileges,
       coalesce((SELECT string_agg(p || '(' || a.attname || ')', ',' ORDER BY p || '(' || a.attname || ')')
                   FROM pg_attribute a, unnest(ARRAY['SELECT','INSERT','UPDATE']) p
                  WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                    AND has_column_privilege($1, c.oid, a.attnum, p) AND NOT has_table_privilege($1, c.oid, p)), '')
           AS column_privileges
  FROM pg_class c
 WHERE c.relnamespace IN ('public'::regnamespace, 'talvix'::regnamespace) AND c.relkind IN ('r', 'v', 'm', 'p')
"""


@pytest.mark.parametrize("role", ["anon", "authenticated"])
async def test_every_table_and_column_matches_the_allow_list(db: asyncpg.Connection, role: str) -> None:
    granted = {
        r["name"]: (r["table_privileges"], r["column_privileges"])
        for r in await db.fetch(PRIVILEGES, role)
        if r["table_privileges"] or r["column_privileges"]
    }
    assert granted == (AUTHENTICATED if role == "authenticated" else {})


@pytest.mark.parametrize("role", ["anon", "authenticated"])
async def test_no_sequence_function_or_engine_schema_is_reachable(db: asyncpg.Connection, role: str) -> None:
    sequences = await db.fetch(
        "SELECT c.oid::regclass::text AS name FROM pg_class c WHERE c.relkind = 'S' "
        "AND c.relnamespace IN ('public'::regnamespace, 'talvix'::regnamespace) "
        "AND (has_sequence_privilege($1, c.oid, 'USAGE') OR has_sequence_privilege($1, c.oid, 'UPDATE') "
        "OR has_sequence_privilege($1, c.oid, 'SELECT'))",
        role,
    )
    assert [r["name"] for r in sequences] == []
    functions = await db.fetch(
        "SELECT p.oid::regprocedure::text AS name FROM pg_proc p "
        "WHERE p.pronamespace = 'public'::regnamespace AND has_function_privilege($1, p.oid, 'EXECUTE') "
        "AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')",
        role,
    )
    assert [r["name"] for r in functions] == []
    # The engine's schema is closed as a whole: its functions cannot even be named.
    assert not await db.fetchval("SELECT has_schema_privilege($1, 'talvix', 'USAGE')", role)


@pytest.mark.parametrize("role", ["anon", "authenticated"])
async def test_what_the_anon_key_tried_is_refused(db: asyncpg.Connection, role: str) -> None:
    sequence = await db.fetchval("SELECT pg_get_serial_sequence('public.jobs', 'id')")
    for sql in [
        "SELECT public.increment_linkedin_daily_count('2026-01-01'::date)",
        f"SELECT setval('{sequence}', 1)",
        f"SELECT nextval('{sequence}')",
        "TRUNCATE public.jobs",
        "TRUNCATE public.job_applications",
    ]:
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            async with db.transaction():
                await db.execute(f"SET LOCAL ROLE {role}")
                await db.execute(sql)
    assert await db.fetchval("SELECT count(*) FROM system_daily_limits") == 0
