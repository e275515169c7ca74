"""follow_up: daily (04:30 UTC by default, a row of talvix.schedules), follow-ups on sent applications.

For every application due (sent `follow_up_<n>_after_days` ago, no answer, not stopped, the user on
a paid plan: free users get no follow-ups), the next stage is drafted: an email to the recruiter
and a LinkedIn note of at most 200 characters (LinkedIn's limit on a free account's invitation note;
300 with Premium, which the table allows for a note the user edits). Stage 1 is a
short check-in, stage 2 adds something useful, stage 3 closes the loop politely. The drafts and
the stage move are one statement, so a stage is drafted once whatever runs at the same time.

Then the email drafts whose user switched sending on (`profile.follow_up_send_email`) and whose
recruiter's address is known are sent over SMTP (handlers/delivery/smtp.py), From the product's
address with Reply-To the user, so the recruiter answers the candidate. Each is claimed before it
is handed over ('draft' → 'sending'), so none is sent twice; an answer that never came leaves it
'failed', not resent. LinkedIn notes are sent by linkedin_notes, one run per user who switched it on
(`profile.follow_up_send_linkedin`) and whose recruiter's profile is known; the others stay drafts
for the user to send by hand.

The model writes in the user's name (No-Think: short, factual); offline, templates do.
"""

from __future__ import annotations

import functools
from typing import Any

from pydantic import BaseModel, Field

from handlers import queries
from handlers.delivery.channels import DeliveryFailed, DeliverySettings, Message
from handlers.delivery.smtp import Email
from handlers.skills import llm, schedules
from listeners import Context, agent

AGENT = "follow_up"
LINKEDIN_NOTE_LIMIT = 200
EMAILS_PER_RUN = 200


class FollowUpDrafts(BaseModel):
    email_subject: str = Field(min_length=1, max_length=200)
    email_body: str = Field(min_length=1, max_length=4000)
    linkedin_note: str = Field(min_length=1, max_length=LINKEDIN_NOTE_LIMIT)


STAGE_INTENT = {
    1: "a short, warm check-in: restate interest in the role and one fitting strength",
    2: "a second, brief follow-up that adds one useful fact (a recent result, availability)",
    3: "a polite close of the loop: thank them, leave the door open, no pressure",
}


def offline_drafts(due: dict[str, Any]) -> FollowUpDrafts:
    """Deterministic drafts from the facts alone (the demo and the tests; no model)."""
    name = due["full_name"] or "the candidate"
    greeting = f"Hi {due['recruiter_name']}," if due["recruiter_name"] else "Hello,"
    role, company = due["title"], due["company"]
    lines = {
        1: f"I applied for the {role} role at {company} and wanted to check in. I remain very interested "
        "and would be glad to share anything that helps your review.",
        2: f"Following up on my application for {role} at {company}. I am available to talk this week "
        "and happy to work around your schedule.",
        3: f"I wanted to close the loop on my application for {role} at {company}. Thank you for your "
        "time; I would welcome the chance to be considered for this or a future role.",
    }
    subject = {1: f"Following up: {role}", 2: f"Re: {role} application", 3: f"Thank you: {role}"}[due["stage"]]
    body = f"{greeting}\n\n{lines[due['stage']]}\n\nBest regards,\n{name}\n{due['user_email']}"
    note = f"{greeting} I applied for {role} at {company} and would value connecting. Thank you! {name}"
    return FollowUpDrafts(email_subject=subject, email_body=body, linkedin_note=note[:LINKEDIN_NOTE_LIMIT])


def instructions(due: dict[str, Any]) -> str:
    return (
        f"Write follow-up stage {due['stage']} of 3 for a job application: {STAGE_INTENT[due['stage']]}. "
        f"Candidate: {due['full_name'] or 'the candidate'} ({due['user_email']}). Role: {due['title']} at "
        f"{due['company']}, applied on {due['applied_at']:%d %B %Y}. Recruiter: {due['recruiter_name'] or 'unknown'}. "
        "Return email_subject, email_body (under 120 words, plain text, signed with the candidate's name) and "
        f"linkedin_note (at most {LINKEDIN_NOTE_LIMIT} characters). Invent nothing about the candidate."
    )


async def draft_due(ctx: Context, limit: int, usage: dict[str, Any]) -> int:
    settings = llm.load_llm_settings()
    drafted = 0
    for row in await queries.follow_ups_due(ctx.db, limit=limit):
        due = dict(row)
        completion = await llm.complete(
            settings,
            AGENT,
            role="Job-search follow-up writer",
            instructions=instructions(due),
            output=FollowUpDrafts,
            thinking=False,
            offline=functools.partial(offline_drafts, due),
        )
        drafts = completion.value
        saved = await queries.save_follow_up_drafts(
            ctx.db,
            application_id=due["application_id"],
            stage=due["stage"],
            drafts=[
                {"channel": "email", "subject": drafts.email_subject, "body": drafts.email_body},
                {"channel": "linkedin", "subject": None, "body": drafts.linkedin_note},
            ],
        )
        drafted += saved
        usage["calls"] += 1
        usage["total_tokens"] += completion.metadata.get("total_tokens") or 0
        usage["model"] = completion.metadata["model"]
    return drafted


async def send_emails(ctx: Context) -> dict[str, int]:
    """Send the email drafts users allowed; what happened to them."""
    counts = {"emails_sent": 0, "emails_failed": 0, "emails_retry_later": 0}
    ready = await queries.follow_up_emails_to_send(ctx.db, limit=EMAILS_PER_RUN)
    if not ready:
        return counts
    settings = DeliverySettings()
    missing = settings.missing("email")
    if missing:
        ctx.metadata["emails_not_sent"] = f"email is not configured: {missing}"
        return counts
    email = Email(settings)
    for draft in ready:
        if not await queries.claim_follow_up_email(ctx.db, follow_up_id=draft["id"]):
            continue  # another run took it
        message = Message(
            notification_id=draft["id"],
            address=draft["recruiter_email"],
            title=draft["subject"] or "Following up",
            body=draft["body"],
            reply_to=draft["user_email"],
            kind="follow-up",
        )
        try:
            provider_id = await email.send(message)
        except DeliveryFailed as failed:
            retry = failed.outcome == "retry"
            await queries.follow_up_not_sent(ctx.db, follow_up_id=draft["id"], retry=retry, reason=failed.reason)
            counts["emails_retry_later" if retry else "emails_failed"] += 1
            continue
        await queries.follow_up_email_sent(ctx.db, follow_up_id=draft["id"], provider_id=provider_id)
        counts["emails_sent"] += 1
    return counts


async def queue_linkedin_notes(ctx: Context) -> int:
    """One linkedin_notes run per user with a note ready to send (its dedup key keeps it one)."""
    notes = await queries.linkedin_notes_to_send(ctx.db, user_id=None, limit=100_000)
    users = sorted({note["user_id"] for note in notes})
    for user_id in users:
        await ctx.enqueue("linkedin_notes", {"user_id": str(user_id)}, user_id=user_id, dedup_key=f"linkedin_notes:{user_id}")
    return len(users)


@agent(AGENT, concurrency=1, timeout=900, max_attempts=3, setup=llm.prepare)
async def follow_up(ctx: Context) -> int:
    await schedules.queue_next_run(ctx)
    limits = await queries.limits(ctx.db)
    usage: dict[str, Any] = {"calls": 0, "total_tokens": 0}
    drafted = await draft_due(ctx, limits["follow_up_max_per_run"], usage)
    sent = await send_emails(ctx)
    ctx.metadata.update(usage, drafted=drafted, linkedin_note_senders=await queue_linkedin_notes(ctx), **sent)
    return drafted + sent["emails_sent"]
