"""linkedin_notes end to end: a stored (encrypted) session, a visible Chromium on Xvfb, and the imitation of
LinkedIn's profile page, invitation dialog and messaging in tests/support/linkedin_network_site.py (built
from public captures and the selectors of maintained outreach tools, apart from this code).

Each note is one profile view, then an invitation or a message, every one reserved against the account's
daily cap and the fleet's budget before it happens; a note is sent at most once."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

import handlers  # noqa: F401  (registers every agent)
from listeners.registry import REGISTRY
from tests.support.apply import KEY_HEX, browser_environment, new_application, store_linkedin_session
from tests.support.linkedin_network_site import LinkedInNetworkSite
from tests.support.waiting import wait_for
from tests.support.workers import running_worker

pytestmark = pytest.mark.browser

NOTE = "Hi Priya, I applied for Backend Engineer at Acme last week and would value connecting. Thank you! Asha Rao"


@pytest.fixture
async def network(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> AsyncIterator[LinkedInNetworkSite]:
    browser_environment(monkeypatch, tmp_path)
    site = LinkedInNetworkSite(
        members={
            "priya-recruiter": {"name": "Priya Sharma", "headline": "Talent Acquisition at Acme", "state": "2nd"},
            "rahul-hiring": {"name": "Rahul Verma", "headline": "Engineering Manager at Acme", "state": "3rd"},
            "meera-talent": {"name": "Meera Nair", "headline": "Recruiter at Acme", "state": "1st"},
        }
    )
    runner = await site.start()
    monkeypatch.setenv("AES_SESSION_KEY", KEY_HEX)
    monkeypatch.setenv("TALVIX_LINKEDIN_ORIGIN", site.origin)
    monkeypatch.setenv("TALVIX_LINKEDIN_NOTE_DELAY", "0.01,0.05")
    yield site
    await runner.cleanup()


async def user_with_notes(
    db: asyncpg.Connection,
    site: LinkedInNetworkSite,
    slugs: list[str],
    *,
    send: bool = True,
    note: str = NOTE,
    token: str | None = None,
) -> tuple[uuid.UUID, list[uuid.UUID]]:
    """A paid user with a stored LinkedIn session and one sent application per recruiter, each with a
    stage-1 LinkedIn note drafted (as follow_up drafts it)."""
    profile = {"follow_up_send_linkedin": send}
    uid, first = await new_application(db, "https://www.linkedin.com/jobs/view/42/", "linkedin", profile=profile)
    await store_linkedin_session(db, uid, token or site.token)
    notes = []
    for number, slug in enumerate(slugs):
        application = first
        if number:
            job = await db.fetchval(
                "INSERT INTO jobs (fingerprint, title, company, apply_url, platform) "
                "VALUES ($1, 'Backend Engineer', 'Acme', $2, 'linkedin') RETURNING id",
                f"{uid}-{slug}",
                f"https://www.linkedin.com/jobs/view/{number + 42}/",
            )
            application = await db.fetchval(
                "INSERT INTO job_applications (user_id, job_id, platform) VALUES ($1, $2, 'linkedin') RETURNING id", uid, job
            )
        await db.execute(
            "UPDATE job_applications SET auto_status = 'submitted', applied_at = now() - interval '6 days', "
            "recruiter_linkedin_url = $2 WHERE id = $1",
            application,
            f"https://www.linkedin.com/in/{slug}/",
        )
        notes.append(
            await db.fetchval(
                "INSERT INTO follow_ups (application_id, user_id, stage, channel, body) "
                "VALUES ($1, $2, 1, 'linkedin', $3) RETURNING id",
                application,
                uid,
                note,
            )
        )
    return uid, notes


async def send_notes(db: asyncpg.Connection, database_url: str, uid: uuid.UUID) -> asyncpg.Record:
    """Run linkedin_notes for the user once; its agent_logs row."""
    event = await db.fetchval(
        "INSERT INTO talvix.events (agent, payload, user_id) VALUES ('linkedin_notes', $1, $2) RETURNING id",
        {"user_id": str(uid)},
        uid,
    )
    async with running_worker(database_url, handlers=REGISTRY.values(), agents=["linkedin_notes"]):
        await wait_for(
            lambda: db.fetchval("SELECT finished_at IS NOT NULL FROM talvix.events WHERE id = $1", event),
            timeout=180,
            message="the linkedin_notes run ended",
        )
    log: asyncpg.Record = await db.fetchrow("SELECT status, error_message, metadata FROM agent_logs WHERE event_id = $1", event)
    return log


async def notes_of(db: asyncpg.Connection, notes: list[uuid.UUID]) -> list[asyncpg.Record]:
    return [await db.fetchrow("SELECT status, provider_id, error, linkedin_action FROM follow_ups WHERE id = $1", n) for n in notes]


async def usage(db: asyncpg.Connection, uid: uuid.UUID) -> tuple[int, int, int, int]:
    """(profile views, connections, messages) the account used today, and the fleet's budget used."""
    row = await db.fetchrow("SELECT * FROM talvix.linkedin_member_usage_today WHERE user_id = $1", uid)
    fleet = await db.fetchval(
        "SELECT coalesce((SELECT linkedin_actions FROM system_daily_limits WHERE day = talvix.utc_today()), 0)"
    )
    if row is None:
        return 0, 0, 0, fleet
    return row["profile_views"], row["connections"], row["messages"], fleet


LAYOUTS = pytest.mark.parametrize("layout", ["classic", "2026"])  # LinkedIn's light-DOM build and its 2026 build


@LAYOUTS
async def test_an_invitation_a_connect_under_more_and_a_message_each_go_once(
    network: LinkedInNetworkSite, db: asyncpg.Connection, database_url: str, layout: str
) -> None:
    network.layout = layout
    uid, notes = await user_with_notes(db, network, ["priya-recruiter", "rahul-hiring", "meera-talent"])
    log = await send_notes(db, database_url, uid)
    assert log["status"] == "completed", log["error_message"]
    rows = await notes_of(db, notes)
    assert [(r["status"], r["provider_id"]) for r in rows] == [
        ("sent", "invitation"),
        ("sent", "invitation"),
        ("sent", "message"),
    ], [r["error"] for r in rows]
    # LinkedIn received exactly the note's text, once per recruiter, from the user's session.
    assert [(i["slug"], i["note"]) for i in network.invitations] == [("priya-recruiter", NOTE), ("rahul-hiring", NOTE)]
    assert [(m["slug"], m["text"]) for m in network.messages] == [("meera-talent", NOTE)]
    assert all(i["cookies"]["li_at"] == network.token for i in network.invitations + network.messages)
    assert network.profile_views == ["priya-recruiter", "rahul-hiring", "meera-talent"]
    # Every action was counted for the account and in the fleet's budget: 3 views, 2 invitations, 1 message.
    assert await usage(db, uid) == (3, 2, 1, 6)
    assert (
        await db.fetchval("SELECT count(*) FROM learning_signals WHERE signal_type = 'li_connection_sent' AND user_id = $1", uid)
        == 2
    )
    # A second run finds nothing to send and sends nothing again.
    again = await send_notes(db, database_url, uid)
    assert again["status"] == "skipped" and len(network.invitations) == 2 and len(network.messages) == 1


@pytest.mark.parametrize(
    ("state", "status", "reason"),
    [
        ("pending", "failed", "already pending"),
        ("email_required", "failed", "email address"),
        ("weekly_limit", "draft", "weekly invitation limit"),
        ("note_quota", "draft", "personalized invitations"),
    ],
)
@LAYOUTS
async def test_what_linkedin_refuses_is_named_given_back_and_never_sent(
    network: LinkedInNetworkSite, db: asyncpg.Connection, database_url: str, state: str, status: str, reason: str, layout: str
) -> None:
    network.layout = layout
    network.members["priya-recruiter"]["state"] = state
    uid, notes = await user_with_notes(db, network, ["priya-recruiter"])
    log = await send_notes(db, database_url, uid)
    assert log["status"] == "completed", log["error_message"]
    (row,) = await notes_of(db, notes)
    assert row["status"] == status and reason in row["error"], row["error"]
    assert network.invitations == [] and network.messages == []
    # Only the profile view stands: the invitation was never reserved, or was given back.
    assert await usage(db, uid) == (1, 0, 0, 1)


async def test_a_missing_profile_fails_the_note(network: LinkedInNetworkSite, db: asyncpg.Connection, database_url: str) -> None:
    uid, notes = await user_with_notes(db, network, ["nobody-here"])
    await send_notes(db, database_url, uid)
    (row,) = await notes_of(db, notes)
    assert row["status"] == "failed" and "does not exist" in row["error"]
    assert network.invitations == []


async def test_the_accounts_cap_leaves_the_notes_as_drafts(
    network: LinkedInNetworkSite, db: asyncpg.Connection, database_url: str
) -> None:
    await db.execute("UPDATE talvix.limits SET value = 1 WHERE name = 'linkedin_user_connections_per_day'")
    uid, notes = await user_with_notes(db, network, ["priya-recruiter", "rahul-hiring"])
    log = await send_notes(db, database_url, uid)
    rows = await notes_of(db, notes)
    assert (rows[0]["status"], rows[1]["status"]) == ("sent", "draft"), [r["error"] for r in rows]
    assert "connection cap" in rows[1]["error"] and rows[1]["linkedin_action"] is None
    assert [i["slug"] for i in network.invitations] == ["priya-recruiter"]
    assert log["metadata"]["stopped"] == ["connections"]
    assert await usage(db, uid) == (2, 1, 0, 3)


async def test_a_note_too_long_for_a_free_account_is_not_cut(
    network: LinkedInNetworkSite, db: asyncpg.Connection, database_url: str
) -> None:
    long_note = ("I applied for the Backend Engineer role at Acme and remain very interested. " * 4).strip()[:280]
    uid, notes = await user_with_notes(db, network, ["priya-recruiter"], note=long_note)
    await send_notes(db, database_url, uid)
    (row,) = await notes_of(db, notes)
    assert row["status"] == "failed" and str(network.note_limit) in row["error"], row["error"]
    assert network.invitations == []


async def test_only_users_who_switched_sending_on_and_a_live_session_send(
    network: LinkedInNetworkSite, db: asyncpg.Connection, database_url: str
) -> None:
    off, off_notes = await user_with_notes(db, network, ["priya-recruiter"], send=False)
    assert (await send_notes(db, database_url, off))["status"] == "skipped"
    signed_out, signed_out_notes = await user_with_notes(db, network, ["rahul-hiring"], token="expired-cookie")
    log = await send_notes(db, database_url, signed_out)
    assert log["status"] == "skipped" and "signed out" in log["error_message"]
    assert [r["status"] for r in await notes_of(db, off_notes + signed_out_notes)] == ["draft", "draft"]
    assert network.invitations == [] and network.profile_views == []


async def test_a_note_a_dead_run_left_sending_is_failed_not_resent(
    network: LinkedInNetworkSite, db: asyncpg.Connection, database_url: str
) -> None:
    uid, notes = await user_with_notes(db, network, ["priya-recruiter", "rahul-hiring"])
    # As a run killed between its reservation and LinkedIn's confirmation leaves it.
    action = await db.fetchval("SELECT action_id FROM talvix.reserve_linkedin_member_action($1, 'connection', $2)", uid, notes[0])
    assert action is not None
    log = await send_notes(db, database_url, uid)
    assert log["metadata"]["interrupted"] == 1
    rows = await notes_of(db, notes)
    assert rows[0]["status"] == "failed" and "check LinkedIn" in rows[0]["error"]
    assert rows[1]["status"] == "sent" and [i["slug"] for i in network.invitations] == ["rahul-hiring"]


async def test_follow_up_queues_one_run_per_user_with_notes_to_send(
    network: LinkedInNetworkSite, db: asyncpg.Connection, database_url: str
) -> None:
    sender, _ = await user_with_notes(db, network, ["priya-recruiter", "rahul-hiring"])
    await user_with_notes(db, network, ["meera-talent"], send=False)
    event = await db.fetchval("INSERT INTO talvix.events (agent, payload) VALUES ('follow_up', '{}') RETURNING id")
    async with running_worker(database_url, handlers=REGISTRY.values(), agents=["follow_up"]):
        await wait_for(
            lambda: db.fetchval("SELECT finished_at IS NOT NULL FROM talvix.events WHERE id = $1", event),
            timeout=60,
            message="the follow_up run ended",
        )
    queued = await db.fetch("SELECT payload, user_id FROM talvix.events WHERE agent = 'linkedin_notes'")
    assert [(q["payload"], q["user_id"]) for q in queued] == [({"user_id": str(sender)}, sender)]
