"""linkedin_notes: one user's LinkedIn follow-up notes, sent from their own signed-in browser.

Queued by follow_up ({"user_id": …}, one run per user with notes ready) for users who switched it on
(`profile.follow_up_send_linkedin`) and whose application names the recruiter's LinkedIn profile
(`job_applications.recruiter_linkedin_url`). Other notes stay drafts for the user to send by hand.

For each note, oldest first, with human pauses between them:
1. one profile view is reserved (the user's 40 a day and one unit of the fleet's budget), then the
   recruiter's profile is opened;
2. Connect (on the profile or under More) → the invitation with the note; Message with no Connect
   (already a connection) → a message (handlers/apply/linkedin_outreach);
3. just before the Send click, the invitation (15 a day) or message (30 a day) is reserved with a
   fleet unit and the note is claimed ('sending'), in one statement: what is not reserved is never
   sent, and a note is sent at most once whatever runs at the same time;
4. confirmed → 'sent'; refused before Send → given back, and the note fails with LinkedIn's reason;
   Send clicked but never confirmed → 'failed' as "check before resending", never clicked again.

A cap or the fleet's budget reached, a weekly invitation limit, a checkpoint or a signed-out session
ends the run (or its invitations) there; the remaining notes stay drafts. One browser at a time per
account: a session advisory lock on the user, held on a connection of the run's own; a note a dead
run left 'sending' is failed on the next run, never resent.

Settings: AES_SESSION_KEY, TALVIX_LINKEDIN_ORIGIN (profiles are opened on it: tests point it at a
stand-in), TALVIX_LINKEDIN_NOTE_DELAY ("low,high" seconds between notes; the earlier system's
45–90 s for an invitation by default), and the browser's settings (handlers/apply/browser).
"""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

from handlers import queries
from handlers.agents.auto_apply import prepare, screenshot
from handlers.apply import browser_slots, linkedin_outreach, session_validator
from handlers.apply.browser import Browser
from handlers.apply.linkedin_outreach import NoteMaybeSent, NoteNotSent, Stop
from handlers.apply.outcome import ApplyOutcome, Pace, short_reason
from handlers.skills.run_locks import run_locks
from listeners import Context, PermanentError, Skip, agent

AGENT = "linkedin_notes"
NOTES_PER_RUN = 15  # the daily invitation cap: more would only meet the cap
SLOT_RETRY_SECONDS = 120


def profile_url(stored: str) -> str:
    """The recruiter's profile on the LinkedIn origin in use (the stored URL's /in/<name>/ path)."""
    path = urlsplit(stored).path.rstrip("/")
    return f"{session_validator.origin()}{path}/"


def user_of(payload: dict[str, Any]) -> UUID:
    try:
        return UUID(str(payload.get("user_id")))
    except ValueError:
        raise PermanentError(f"{AGENT} needs a user_id; got payload keys {sorted(payload)}") from None


@agent(AGENT, concurrency=1, timeout=3600, max_attempts=3, setup=prepare)
async def linkedin_notes(ctx: Context) -> int:
    user_id = user_of(ctx.payload)
    async with run_locks(ctx) as locks:
        if not await queries.try_lock_linkedin_account(locks, user_id=user_id):
            raise Skip(f"another run is using {user_id}'s LinkedIn account right now")
        return await send_notes(ctx, user_id)


async def send_notes(ctx: Context, user_id: UUID) -> int:
    interrupted = await queries.linkedin_notes_interrupted(ctx.db, user_id=user_id)
    notes = await queries.linkedin_notes_to_send(ctx.db, user_id=user_id, limit=NOTES_PER_RUN)
    ctx.metadata.update(interrupted=interrupted, ready=len(notes))
    if not notes:
        raise Skip("no LinkedIn note is ready to send for this user")
    session_validator.require_key()
    slot = await browser_slots.acquire()
    if slot is None:
        await ctx.enqueue(
            AGENT, {"user_id": str(user_id)}, user_id=user_id, delay_seconds=SLOT_RETRY_SECONDS, dedup_key=f"{AGENT}:{user_id}"
        )
        raise Skip(f"all browser slots on this host are busy; trying again in {SLOT_RETRY_SECONDS} s")
    counts = {"sent": 0, "not_sent": 0, "maybe_sent": 0}
    # LinkedIn always gets a visible browser with the user's own fingerprint.
    browser = Browser(headless=False, user_agent=notes[0]["user_agent"], viewport=notes[0]["viewport"])
    try:
        await browser.start()
        try:
            await session_validator.sign_in(ctx.db, browser, user_id, "linkedin")
        except ApplyOutcome as signed_out:
            raise Skip(f"{signed_out}: the notes stay drafts") from None
        stopped: set[str] = set()
        pace = Pace.from_env()
        for number, note in enumerate(notes):
            if number:
                await pace.after_note()
            counts[await send_one(ctx, browser, user_id, note, stopped, pace)] += 1
            # Most notes are invitations, and which is which shows only once a profile is viewed:
            # with invitations closed, the views left would be spent for little.
            if stopped & {"account", "connections"}:
                break
        ctx.metadata["stopped"] = sorted(stopped) or None
    finally:
        await browser.close()
        slot.release()
    ctx.metadata.update(counts)
    return counts["sent"]


async def send_one(ctx: Context, browser: Browser, user_id: UUID, note: Any, stopped: set[str], pace: Pace) -> str:
    """Send one note; 'sent', 'not_sent' or 'maybe_sent'. Adds to `stopped` what LinkedIn or a cap closed."""
    note_id = note["id"]
    view = await queries.reserve_linkedin_member_action(ctx.db, user_id=user_id, kind="profile_view")
    if view["action_id"] is None:
        stopped.add("account")
        ctx.metadata["stop_reason"] = view["refused"]
        return "not_sent"
    action: int | None = None

    def closes(kind: str) -> Stop:
        return "connections" if kind == "connection" else "messages"

    async def reserve(kind: str) -> None:
        nonlocal action
        reserved = await queries.reserve_linkedin_member_action(ctx.db, user_id=user_id, kind=kind, follow_up_id=note_id)
        action = reserved["action_id"]
        if action is None:
            raise NoteNotSent(reserved["refused"], stop=closes(kind) if reserved["limit_reached"] else None)

    try:
        sent_as = await linkedin_outreach.send_note(
            browser,
            profile_url(note["recruiter_linkedin_url"]),
            note["body"],
            may_send=lambda kind: closes(kind) not in stopped,
            reserve=reserve,
            pace=pace,
        )
    except NoteNotSent as refusal:
        if refusal.stop:
            stopped.add(refusal.stop)
        await not_sent(ctx, note_id, action, refusal)
        return "not_sent"
    except NoteMaybeSent as unknown:
        if unknown.stop:
            stopped.add(unknown.stop)
        await screenshot(browser, note_id)
        await queries.follow_up_not_sent(ctx.db, follow_up_id=note_id, retry=False, reason=str(unknown))
        return "maybe_sent"
    except asyncio.CancelledError:
        raise  # a shutdown: a claimed note stays 'sending' and the next run fails it, never resends it
    except Exception as exc:  # noqa: BLE001 - a browser error: the account's run ends, the note's fate is known by `action`
        stopped.add("account")
        reason = f"the browser failed: {short_reason(exc)}"
        if action is None:
            ctx.metadata["stop_reason"] = reason  # nothing reserved for it: the note stays a draft
            return "not_sent"
        # Reserved means the Send click may have happened: failed, never resent.
        await queries.follow_up_not_sent(ctx.db, follow_up_id=note_id, retry=False, reason=f"{reason}; check before resending")
        return "maybe_sent"
    await queries.linkedin_note_sent(ctx.db, follow_up_id=note_id, sent_as=sent_as)
    return "sent"


async def not_sent(ctx: Context, note_id: UUID, action: int | None, refusal: NoteNotSent) -> None:
    """Nothing left the browser: the reserved action (if any) goes back. When a limit or the account
    (not the note) was the reason, the note stays a draft for the next run; else it fails with
    LinkedIn's reason, for the user to see."""
    keep_draft = refusal.stop is not None
    if action is not None:
        await queries.release_linkedin_member_action(ctx.db, action_id=action)
        await queries.follow_up_not_sent(ctx.db, follow_up_id=note_id, retry=keep_draft, reason=str(refusal))
    else:
        await queries.linkedin_note_refused(ctx.db, follow_up_id=note_id, reason=str(refusal), keep_draft=keep_draft)
