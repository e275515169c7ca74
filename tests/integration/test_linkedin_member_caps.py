"""The per-account LinkedIn caps (migration 032) on a real Postgres: each action is reserved against
the user's daily cap for its kind and one unit of the fleet's budget, in one transaction with the
note's claim; a release gives both back once; two workers never both take the last slot."""

from __future__ import annotations

import asyncio
import uuid

import asyncpg
import pytest

from handlers import queries
from tests.integration.test_security import acting_as, denied


async def user_with_note(db: asyncpg.Connection) -> tuple[uuid.UUID, uuid.UUID]:
    """A paid user who switched LinkedIn follow-ups on, with one note drafted to a known recruiter."""
    user = uuid.uuid4()
    await db.execute(
        "INSERT INTO users (id, email, tier, profile) VALUES ($1, $2, 'professional', '{\"follow_up_send_linkedin\": true}')",
        user,
        f"{user}@users.test",
    )
    application = await db.fetchval(
        "INSERT INTO job_applications (user_id, auto_status, applied_at, recruiter_linkedin_url) "
        "VALUES ($1, 'submitted', now(), 'https://www.linkedin.com/in/priya-recruiter/') RETURNING id",
        user,
    )
    note = await db.fetchval(
        "INSERT INTO follow_ups (application_id, user_id, stage, channel, body) "
        "VALUES ($1, $2, 1, 'linkedin', 'Hi Priya, I applied for Backend Engineer at Acme.') RETURNING id",
        application,
        user,
    )
    return user, note


async def reserve(
    db: asyncpg.Connection | asyncpg.Pool, user: uuid.UUID, kind: str, note: uuid.UUID | None = None
) -> tuple[int | None, str | None, bool]:
    row = await queries.reserve_linkedin_member_action(db, user_id=user, kind=kind, follow_up_id=note)
    return row["action_id"], row["refused"], row["limit_reached"]


async def fleet_used(db: asyncpg.Connection) -> int:
    return await db.fetchval(
        "SELECT coalesce((SELECT linkedin_actions FROM system_daily_limits WHERE day = talvix.utc_today()), 0)"
    )


async def test_each_kind_stops_at_the_users_cap_and_a_release_gives_the_slot_back_once(db: asyncpg.Connection) -> None:
    await db.execute("UPDATE talvix.limits SET value = 2 WHERE name = 'linkedin_user_connections_per_day'")
    user, _ = await user_with_note(db)
    other, _ = await user_with_note(db)
    first, _, _ = await reserve(db, user, "connection")
    second, _, _ = await reserve(db, user, "connection")
    third, why, limit_reached = await reserve(db, user, "connection")
    assert first is not None and second is not None and third is None
    assert why is not None and "connection cap" in why and "(2)" in why and limit_reached
    # Another account, and another kind of the same account, have their own caps.
    assert (await reserve(db, other, "connection"))[0] is not None
    assert (await reserve(db, user, "message"))[0] is not None
    assert await fleet_used(db) == 4  # every granted action took one unit of the fleet's budget
    # A release gives back the slot and the unit, once.
    assert await queries.release_linkedin_member_action(db, action_id=first) is True
    assert await queries.release_linkedin_member_action(db, action_id=first) is False
    assert await fleet_used(db) == 3
    assert (await reserve(db, user, "connection"))[0] is not None
    usage = await db.fetchrow("SELECT * FROM talvix.linkedin_member_usage_today WHERE user_id = $1", user)
    assert (usage["connections"], usage["messages"], usage["profile_views"]) == (2, 1, 0)


async def test_the_fleet_budget_refuses_before_any_users_cap(db: asyncpg.Connection) -> None:
    user, _ = await user_with_note(db)
    await db.execute("INSERT INTO system_daily_limits (day, linkedin_actions, linkedin_limit) VALUES (talvix.utc_today(), 9, 10)")
    granted, _, _ = await reserve(db, user, "profile_view")
    refused, why, limit_reached = await reserve(db, user, "profile_view")
    assert granted is not None and refused is None
    assert why is not None and "kill switch" in why and limit_reached
    assert await fleet_used(db) == 10
    assert await db.fetchval("SELECT count(*) FROM talvix.linkedin_member_actions WHERE user_id = $1", user) == 1


async def test_the_note_is_claimed_with_its_action_and_only_once(db: asyncpg.Connection) -> None:
    user, note = await user_with_note(db)
    action, _, _ = await reserve(db, user, "connection", note)
    row = await db.fetchrow("SELECT status, linkedin_action FROM follow_ups WHERE id = $1", note)
    assert (row["status"], row["linkedin_action"]) == ("sending", action)
    again, why, limit_reached = await reserve(db, user, "connection", note)
    assert again is None and why is not None and "no longer a draft" in why and not limit_reached
    assert await fleet_used(db) == 1  # the refused claim took no unit
    # Another user's note cannot be claimed under this account.
    _, other_note = await user_with_note(db)
    stolen, _, _ = await reserve(db, user, "message", other_note)
    assert stolen is None and await db.fetchval("SELECT status FROM follow_ups WHERE id = $1", other_note) == "draft"


async def test_an_unknown_kind_is_an_error_naming_the_missing_limit(db: asyncpg.Connection) -> None:
    user, _ = await user_with_note(db)
    with pytest.raises(asyncpg.RaiseError, match="linkedin_user_endorsements_per_day"):
        await queries.reserve_linkedin_member_action(db, user_id=user, kind="endorsement")


async def test_two_workers_never_both_take_the_last_slot(db: asyncpg.Connection, database_url: str) -> None:
    await db.execute("UPDATE talvix.limits SET value = 3 WHERE name = 'linkedin_user_messages_per_day'")
    user, _ = await user_with_note(db)
    pool = await asyncpg.create_pool(database_url, min_size=10, max_size=10)
    try:
        results = await asyncio.gather(*(reserve(pool, user, "message") for _ in range(10)))
    finally:
        await pool.close()
    assert sum(action is not None for action, _, _ in results) == 3
    assert await fleet_used(db) == 3


async def test_app_roles_cannot_reserve_release_or_read_the_ledger(db: asyncpg.Connection) -> None:
    user, _ = await user_with_note(db)
    async with acting_as(db, "authenticated", user):
        assert await denied(db, "SELECT * FROM talvix.reserve_linkedin_member_action($1, 'message')", user)
        assert await denied(db, "SELECT talvix.release_linkedin_member_action(1)")
        assert await denied(db, "SELECT * FROM talvix.linkedin_member_actions")
        assert await denied(db, "SELECT * FROM talvix.linkedin_member_usage_today")
    async with acting_as(db, "anon"):
        assert await denied(db, "SELECT * FROM talvix.reserve_linkedin_member_action($1, 'message')", user)


async def test_a_note_no_longer_to_be_sent_is_not_claimed_and_takes_nothing(db: asyncpg.Connection) -> None:
    user, note = await user_with_note(db)
    # The recruiter answered while the run was on its way: follow-ups stopped.
    await db.execute(
        "UPDATE job_applications SET follow_ups_stopped = 'the recruiter replied' "
        "WHERE id = (SELECT application_id FROM follow_ups WHERE id = $1)",
        note,
    )
    action, why, limit_reached = await reserve(db, user, "connection", note)
    assert action is None and why is not None and "no longer to be sent" in why and not limit_reached
    assert await db.fetchval("SELECT status FROM follow_ups WHERE id = $1", note) == "draft"
    assert await fleet_used(db) == 0


@pytest.mark.parametrize(
    ("url", "accepted"),
    [
        ("https://www.linkedin.com/in/priya-recruiter/", True),
        ("https://in.linkedin.com/in/priya_sharma-42", True),
        ("https://www.linkedin.com/in/%E0%A4%AA%E0%A5%8D%E0%A4%B0%E0%A4%BF%E0%A4%AF%E0%A4%BE/", True),
        ("https://www.linkedin.com/in/../m/logout/", False),
        ("https://www.linkedin.com/in/%2e%2e/", False),
        ("https://www.linkedin.com/in/..\\m\\logout\\", False),
        ("https://www.linkedin.com/in/a.b.c/", False),
        ("https://evil.example/in/priya-recruiter/", False),
        ("https://www.linkedin.com/company/acme/", False),
    ],
)
async def test_only_a_member_profiles_address_is_stored(db: asyncpg.Connection, url: str, accepted: bool) -> None:
    _, note = await user_with_note(db)
    statement = (
        "UPDATE job_applications SET recruiter_linkedin_url = $2 WHERE id = (SELECT application_id FROM follow_ups WHERE id = $1)"
    )
    if accepted:
        await db.execute(statement, note, url)
    else:
        with pytest.raises(asyncpg.CheckViolationError):
            await db.execute(statement, note, url)
