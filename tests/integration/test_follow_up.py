"""follow_up and follow_up_reply on a real Postgres, with the offline model and a real SMTP server
(aiosmtpd, tests/support/smtp_server.py): drafts per stage once, emails only where the user allows
and never twice, paid plans only, and replies that move the application and stop the follow-ups."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import asyncpg
import pytest

from listeners import REGISTRY
from tests.integration.test_security import acting_as
from tests.support.smtp_server import SMTPServer
from tests.support.waiting import wait_for
from tests.support.workers import running_worker

SMTP_USER, SMTP_PASSWORD = "talvix-relay", "smtp-pass-follow-up"


@pytest.fixture
def smtp(monkeypatch: pytest.MonkeyPatch) -> Iterator[SMTPServer]:
    server = SMTPServer(SMTP_USER, SMTP_PASSWORD)
    server.start()
    for name, value in {
        "TALVIX_SMTP_HOST": "127.0.0.1",
        "TALVIX_SMTP_PORT": str(server.port),
        "TALVIX_SMTP_USERNAME": SMTP_USER,
        "SMTP_PASSWORD": SMTP_PASSWORD,
        "TALVIX_SMTP_FROM": "Talvix <follow-ups@talvix.test>",
        "TALVIX_SMTP_STARTTLS": "false",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("SARVAM_API_KEY", raising=False)
    monkeypatch.delenv("TALVIX_LLM_API_KEY", raising=False)
    yield server
    server.stop()


async def sent_application(
    db: asyncpg.Connection, *, days_ago: int, tier: str = "professional", send: bool = True, recruiter: str | None = "hr@acme.test"
) -> tuple[uuid.UUID, uuid.UUID]:
    user = uuid.uuid4()
    await db.execute(
        "INSERT INTO users (id, email, full_name, tier, profile) VALUES ($1, $2, 'Asha Rao', $3, $4)",
        user,
        f"{user}@users.test",
        tier,
        {"follow_up_send_email": send},
    )
    job = await db.fetchval(
        "INSERT INTO jobs (fingerprint, title, company, apply_url, platform) "
        "VALUES ($1, 'Backend Engineer', 'Acme', 'https://j.example', 'greenhouse') RETURNING id",
        f"fp-{user}",
    )
    application = await db.fetchval(
        "INSERT INTO job_applications (user_id, job_id, auto_status, applied_at, recruiter_name, recruiter_email) "
        "VALUES ($1, $2, 'submitted', now() - make_interval(days => $3), 'Priya', $4) RETURNING id",
        user,
        job,
        days_ago,
        recruiter,
    )
    return user, application


async def run_follow_up(db: asyncpg.Connection, database_url: str) -> dict:
    event = await db.fetchval("INSERT INTO talvix.events (agent, payload, source) VALUES ('follow_up', '{}', 'test') RETURNING id")
    async with running_worker(database_url, [REGISTRY["follow_up"]]):
        await wait_for(
            lambda: db.fetchval("SELECT status IN ('completed', 'failed') FROM talvix.events WHERE id = $1", event),
            timeout=30,
            message="the follow_up run ended",
        )
    status, error = await db.fetchrow("SELECT status, last_error FROM talvix.events WHERE id = $1", event)
    assert status == "completed", error
    metadata: dict = await db.fetchval("SELECT metadata FROM agent_logs WHERE event_id = $1", event)
    return metadata


async def test_due_stages_are_drafted_once_and_emailed_once_where_allowed(
    db: asyncpg.Connection, database_url: str, smtp: SMTPServer
) -> None:
    first_after = await db.fetchval("SELECT value FROM talvix.limits WHERE name = 'follow_up_1_after_days'")
    allowed_user, due = await sent_application(db, days_ago=first_after + 1)
    _, not_yet = await sent_application(db, days_ago=first_after - 1)
    _, drafts_only = await sent_application(db, days_ago=first_after + 1, send=False)
    _, free = await sent_application(db, days_ago=first_after + 1, tier="free")
    _, unknown_recruiter = await sent_application(db, days_ago=first_after + 1, recruiter=None)

    metadata = await run_follow_up(db, database_url)

    rows = await db.fetch("SELECT application_id, stage, channel, status, body FROM follow_ups ORDER BY application_id, channel")
    drafted = {r["application_id"] for r in rows}
    # Due and on a paid plan: drafted; too early or on the free plan: nothing.
    assert drafted == {due, drafts_only, unknown_recruiter}
    assert not_yet not in drafted and free not in drafted
    assert all(r["stage"] == 1 for r in rows) and {r["channel"] for r in rows} == {"email", "linkedin"}
    assert all(len(r["body"]) <= 300 for r in rows if r["channel"] == "linkedin")
    # Only the user who allowed it, with a known recruiter, had an email sent: to the recruiter, answers to the user.
    assert [m.rcpt_tos for m in smtp.mails] == [["hr@acme.test"]]
    mail = smtp.mails[0].message
    assert mail["Reply-To"] == f"{allowed_user}@users.test" and "Backend Engineer" in mail.get_content()
    statuses = {(r["application_id"], r["channel"]): r["status"] for r in rows}
    assert statuses[(due, "email")] == "sent" and statuses[(drafts_only, "email")] == "draft"
    assert statuses[(unknown_recruiter, "email")] == "draft" and statuses[(due, "linkedin")] == "draft"
    assert (
        await db.fetchval(
            "SELECT count(*) FROM learning_signals WHERE signal_type = 'followup_email_sent' AND user_id = $1", allowed_user
        )
        == 1
    )
    assert (metadata["drafted"], metadata["emails_sent"]) == (6, 1)
    # A second run the same day: nothing new is drafted and nothing is sent again.
    again = await run_follow_up(db, database_url)
    assert (again["drafted"], again["emails_sent"]) == (0, 0) and len(smtp.mails) == 1
    assert await db.fetchval("SELECT count(*) FROM follow_ups") == len(rows)
    # Later stages come when their day comes.
    second_after = await db.fetchval("SELECT value FROM talvix.limits WHERE name = 'follow_up_2_after_days'")
    await db.execute("UPDATE job_applications SET applied_at = now() - make_interval(days => $2) WHERE id = $1", due, second_after)
    await run_follow_up(db, database_url)
    assert await db.fetchval("SELECT follow_up_stage FROM job_applications WHERE id = $1", due) == 2
    assert len(smtp.mails) == 2


async def test_a_refused_recipient_fails_the_email_and_it_is_not_retried(
    db: asyncpg.Connection, database_url: str, smtp: SMTPServer
) -> None:
    smtp.refuse("gone@acme.test")
    after = await db.fetchval("SELECT value FROM talvix.limits WHERE name = 'follow_up_1_after_days'")
    _, application = await sent_application(db, days_ago=after + 1, recruiter="gone@acme.test")
    metadata = await run_follow_up(db, database_url)
    row = await db.fetchrow("SELECT status, error FROM follow_ups WHERE application_id = $1 AND channel = 'email'", application)
    assert row["status"] == "failed" and "550" in row["error"] and SMTP_PASSWORD not in row["error"]
    assert metadata["emails_failed"] == 1
    await run_follow_up(db, database_url)
    assert smtp.rcpt_attempts.count("gone@acme.test") == 1  # never tried again


async def reply(db: asyncpg.Connection, database_url: str, application: uuid.UUID, body: str) -> dict:
    user = await db.fetchval("SELECT user_id FROM job_applications WHERE id = $1", application)
    reply_id = await db.fetchval(
        "INSERT INTO follow_up_replies (application_id, user_id, body) VALUES ($1, $2, $3) RETURNING id", application, user, body
    )
    async with running_worker(database_url, [REGISTRY["follow_up_reply"]]):
        await wait_for(
            lambda: db.fetchval("SELECT classified_at IS NOT NULL FROM follow_up_replies WHERE id = $1", reply_id),
            timeout=30,
            message="the reply was read",
        )
    return dict(await db.fetchrow("SELECT * FROM follow_up_replies WHERE id = $1", reply_id))


@pytest.mark.parametrize(
    ("body", "classification", "status", "stopped"),
    [
        ("Hi Asha, thanks for applying! Could we schedule a time for an interview next week?", "interview", "interview", True),
        (
            "Thanks for your interest. Unfortunately we have decided to move forward with other candidates.",
            "rejection",
            "rejected",
            True,
        ),
        ("I am out of the office until Monday with limited access to email.", "auto_reply", None, False),
        ("We are interested in your profile. Could you share your notice period?", "positive", "callback", True),
    ],
)
async def test_a_reply_moves_the_application_and_stops_the_follow_ups(
    db: asyncpg.Connection, database_url: str, smtp: SMTPServer, body: str, classification: str, status: str | None, stopped: bool
) -> None:
    _, application = await sent_application(db, days_ago=1)
    read = await reply(db, database_url, application, body)
    assert read["classification"] == classification
    row = await db.fetchrow("SELECT status, follow_ups_stopped FROM job_applications WHERE id = $1", application)
    assert row["status"] == status and (row["follow_ups_stopped"] is not None) == stopped
    signal = await db.fetchval("SELECT context FROM learning_signals WHERE signal_type = 'followup_replied'")
    assert signal["classification"] == classification and signal["application_id"] == str(application)
    if stopped:  # a stopped application is never followed up again, even when a stage comes due
        await db.execute("UPDATE job_applications SET applied_at = now() - interval '30 days' WHERE id = $1", application)
        await run_follow_up(db, database_url)
        assert await db.fetchval("SELECT count(*) FROM follow_ups WHERE application_id = $1", application) == 0


async def test_a_later_reply_never_moves_an_application_back(db: asyncpg.Connection, database_url: str, smtp: SMTPServer) -> None:
    _, application = await sent_application(db, days_ago=1)
    await reply(db, database_url, application, "Could we schedule an interview on Thursday?")
    await reply(db, database_url, application, "We are interested and would like to know your notice period.")
    assert await db.fetchval("SELECT status FROM job_applications WHERE id = $1", application) == "interview"


async def test_a_user_hands_in_replies_only_for_their_own_applications(db: asyncpg.Connection) -> None:
    owner, application = await sent_application(db, days_ago=1)
    stranger = uuid.uuid4()
    await db.execute("INSERT INTO users (id, email) VALUES ($1, 'stranger@users.test')", stranger)
    for who, allowed in ((owner, True), (stranger, False)):
        try:
            async with acting_as(db, "authenticated", who):
                await db.execute(
                    "INSERT INTO follow_up_replies (application_id, user_id, body) VALUES ($1, $2, 'thanks')", application, who
                )
            inserted = True
        except asyncpg.InsufficientPrivilegeError:
            inserted = False
        assert inserted == allowed
    assert await db.fetchval("SELECT count(*) FROM follow_up_replies") == 1
