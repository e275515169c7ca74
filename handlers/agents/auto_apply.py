"""auto_apply: a ready application → at the user's slot → guard → browser → form → submit → rows.

Triggered when an application becomes 'ready' (its documents exist), when the user approves one
waiting in review, or by hand with {"application_id": …, "now": true} (POST /api/agents/auto_apply).

Whatever happens to the run, the application ends in a definite state and is sent at most once:
- One run at a time per application: a session advisory lock, held on a connection of the run's
  own, which Postgres drops the moment that connection goes (SIGKILL included).
- 'in_progress' found with the lock free: the run that set it died or was stopped before it
  recorded 'submitting', so this run resumes it. The cap slot it holds is kept, not taken twice
  (talvix.start_application).
- 'submitting' is recorded (with the LinkedIn budget unit, in one statement) before the one click;
  a run that finds it marks the application 'needs_check' and never clicks again.
- A graceful shutdown (cancellation) is not a failure: the application stays resumable and the
  engine runs the event again. A browser or connection error is retried the same way; only when
  the attempts run out is it 'failed_error', with its reservations given back.
- A named outcome (closed, captcha, signed out…) gives back what the application holds unless a
  click may have happened ('needs_check'), and fails the event with the outcome's reason.

Sites: LinkedIn Easy Apply (visible browser on Xvfb, the stored session), Greenhouse, Lever, and
any other single-page form (handlers/apply/generic), headless.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from handlers import queries
from handlers.apply import anti_ban_guard, browser_runs, browser_slots, generic, greenhouse, lever, linkedin, session_validator
from handlers.apply import schedule as apply_schedule
from handlers.apply.browser import Browser
from handlers.apply.outcome import NOT_SENT, ApplyOutcome, Pace, short_reason
from handlers.skills import storage
from handlers.skills.run_locks import run_locks
from listeners import Context, PermanentError, Skip, agent

READY = ("ready", "deferred_cooldown")
SLOT_RETRY_SECONDS = 60  # a host whose browser slots are all busy tries the application again after this
MAX_ATTEMPTS = 5


class ApplyInterrupted(Exception):
    """A browser or connection error: the application stays resumable and the run is retried."""


def application_id(payload: dict[str, Any]) -> UUID:
    raw = payload.get("application_id") or (payload.get("row") or {}).get("id")
    try:
        return UUID(str(raw))
    except ValueError:
        raise PermanentError(f"auto_apply needs an application id; got payload keys {sorted(payload)}") from None


async def set_status(
    ctx: Context,
    app_id: UUID,
    status: str,
    note: str | None = None,
    screenshot_path: str | None = None,
    retry_count: int | None = None,
) -> None:
    await queries.set_application_status(
        ctx.db, application_id=app_id, status=status, note=note, screenshot_path=screenshot_path, retry_count=retry_count
    )


async def prepare() -> None:
    """Before the first claim: load Selenium off the event loop, and clean up the browsers and
    profiles of workers that died on this host."""
    await asyncio.to_thread(__import__, "undetected_chromedriver")
    cleaned = await asyncio.to_thread(browser_runs.sweep)
    if cleaned:
        import logging

        logging.getLogger("talvix.agent.auto_apply").warning(
            "cleaned up the browser runs of %d worker(s) that died on this host", cleaned
        )


@agent("auto_apply", concurrency=2, timeout=600, max_attempts=MAX_ATTEMPTS, setup=prepare)
async def auto_apply(ctx: Context) -> int:
    app_id = application_id(ctx.payload)
    async with run_locks(ctx) as locks:
        if not await queries.try_lock_application(locks, application_id=app_id):
            raise Skip(f"another run is applying to {app_id} right now")
        return await apply_once(ctx, app_id, locks)


async def apply_once(ctx: Context, app_id: UUID, locks: Any) -> int:
    app = await queries.application_to_apply(ctx.db, application_id=app_id)
    if app is None:
        raise PermanentError(f"application {app_id} no longer exists")
    status = app["auto_status"]
    if status == "submitting":
        await set_status(ctx, app_id, "needs_check", "an earlier run stopped while submitting: check before sending again")
        raise Skip("an earlier run stopped while submitting; marked needs_check, not resubmitted")
    resuming = status == "in_progress"  # we hold the lock, so the run that set it is gone
    approved = status == "awaiting_review" and app["review_decision"] == "approved"
    if status not in READY and not approved and not resuming:
        raise Skip(f"application is {status}; nothing to do")
    now = datetime.now(UTC)
    if not (ctx.payload.get("now") or approved or resuming or ctx.payload.get("scheduled")):
        start = apply_schedule.nightly_start(app["user_id"], now, await apply_schedule.Window.load(ctx.db, app["timezone"]))
        await ctx.enqueue(
            "auto_apply",
            {"application_id": str(app_id), "scheduled": True},
            delay_seconds=(start - now).total_seconds(),
            dedup_key=f"apply:{app_id}",
        )
        raise Skip(f"scheduled for the user's nightly start at {start.isoformat()}")
    if resuming:
        ctx.log.info("resuming application %s: its earlier run stopped before submitting", app_id)
    decision = await anti_ban_guard.evaluate(ctx.db, app_id, now)
    ctx.metadata.update(risk=decision.risk, risk_factors=decision.risk_factors, resumed=resuming)
    if decision.action != "go":
        await queries.release_application(ctx.db, application_id=app_id)
        await anti_ban_guard.record(ctx.db, app_id, decision)
        if decision.action == "defer" and decision.retry_at is not None:
            await ctx.enqueue(
                "auto_apply",
                {"application_id": str(app_id), "now": True},
                delay_seconds=(decision.retry_at - now).total_seconds(),
                dedup_key=f"apply:{app_id}",
            )
        raise Skip(decision.reason)
    if app["platform"] == "linkedin":
        session_validator.require_key()
        # One browser at a time on a LinkedIn account (linkedin_notes takes the same lock): two
        # sessions of one account at once is what LinkedIn's fraud checks look for.
        if not await queries.try_lock_linkedin_account(locks, user_id=app["user_id"]):
            await ctx.enqueue(
                "auto_apply",
                {"application_id": str(app_id), "now": True},
                delay_seconds=SLOT_RETRY_SECONDS,
                dedup_key=f"apply:{app_id}",
            )
            raise Skip(f"the user's LinkedIn account is in use by another run; trying again in {SLOT_RETRY_SECONDS} s")
    # Nothing is reserved or marked before a browser slot on this host is ours.
    browser_slot = await browser_slots.acquire()
    if browser_slot is None:
        await ctx.enqueue(
            "auto_apply",
            {"application_id": str(app_id), "now": True},
            delay_seconds=SLOT_RETRY_SECONDS,
            dedup_key=f"apply:{app_id}",
        )
        raise Skip(
            f"all {browser_slots.slots_per_host()} browser slots on this host are busy; trying again in {SLOT_RETRY_SECONDS} s"
        )
    try:
        submit = not decision.review_mode or approved
        refused = await queries.start_application(ctx.db, application_id=app_id, submit=submit)
        if refused:
            await set_status(ctx, app_id, "skipped", refused)
            raise Skip(refused)
        return await apply_in_browser(ctx, app, submit=submit)
    finally:
        browser_slot.release()


def documents_of(app: Mapping[str, Any]) -> dict[str, Any]:
    """The tailored files as absolute paths ({"resume": {"pdf": …, "docx": …}, "cover_letter": …}),
    and the letter's text for forms that take it pasted."""
    files = app["document_files"] or {}
    documents: dict[str, Any] = {}
    for what in ("resume", "cover_letter"):
        paths = {kind: storage.resolve(path) for kind, path in (files.get(what) or {}).items()}
        documents[what] = {kind: str(path) for kind, path in paths.items() if path.exists()}
    letter = storage.resolve(app["cover_letter_path"]) if app["cover_letter_path"] else None
    documents["cover_letter_text"] = letter.read_text() if letter and letter.exists() else None
    return documents


def profile_of(app: Mapping[str, Any]) -> dict[str, Any]:
    summary = app["resume_summary"] or {}
    return {
        "years_experience": summary.get("years_experience"),
        "skill_years": summary.get("skill_years") or {},
        **(app["profile"] or {}),
        "full_name": app["full_name"],
        "email": app["email"],
        "phone": app["phone"],
    }


async def apply_in_browser(ctx: Context, app: Mapping[str, Any], *, submit: bool) -> int:
    app_id = app["id"]
    platform = app["platform"] or "other"
    documents = await asyncio.to_thread(documents_of, app)
    if submit and not documents["resume"]:
        await queries.release_application(ctx.db, application_id=app_id)
        await set_status(ctx, app_id, "skipped", "no tailored resume as PDF or DOCX: the tailor must run again")
        raise PermanentError(f"application {app_id} has no tailored resume as PDF or DOCX")
    pace = Pace.from_env()

    async def on_submitting() -> None:
        refused = await queries.mark_submitting(ctx.db, application_id=app_id, linkedin=platform == "linkedin")
        if refused:
            raise ApplyOutcome("skipped", refused)

    # LinkedIn runs with a visible browser on a virtual display; ATS forms may run headless.
    browser = Browser(headless=platform != "linkedin", user_agent=app["user_agent"], viewport=app["viewport"])
    try:
        await browser.start()
        if platform == "linkedin":
            await session_validator.sign_in(ctx.db, browser, app["user_id"], "linkedin")
            result = await linkedin.apply(
                browser, app["apply_url"], profile_of(app), documents, submit=submit, on_submitting=on_submitting, pace=pace
            )
        else:
            site = {"greenhouse": greenhouse.SITE, "lever": lever.SITE}.get(platform, generic.GENERIC)
            result = await generic.apply(
                browser,
                app["apply_url"],
                profile_of(app),
                documents,
                submit=submit,
                on_submitting=on_submitting,
                pace=pace,
                site=site,
            )
    except ApplyOutcome as outcome:
        shot = await screenshot(browser, app_id)
        if outcome.status != "needs_check":  # no click happened: give back the cap slot and budget unit
            await queries.release_application(ctx.db, application_id=app_id)
        await set_status(ctx, app_id, outcome.status, str(outcome)[:500], screenshot_path=shot, retry_count=app["retry_count"] + 1)
        if outcome.status in NOT_SENT:
            raise Skip(f"{outcome.status}: {outcome}") from None
        raise PermanentError(f"{outcome.status}: {outcome}") from None
    except asyncio.CancelledError:
        # A shutdown or the run's timeout, not a failure: 'in_progress' stays resumable (and
        # 'submitting' becomes needs_check), and the engine runs the event again.
        raise
    except Exception as exc:  # noqa: BLE001 - a browser or connection error: recorded briefly, then retried
        reason = short_reason(exc)
        shot = await screenshot(browser, app_id)
        if ctx.attempt >= ctx.event.max_attempts:
            if await queries.application_auto_status(ctx.db, application_id=app_id) == "submitting":
                await set_status(ctx, app_id, "needs_check", f"the run failed while submitting ({reason})", screenshot_path=shot)
            else:
                await queries.release_application(ctx.db, application_id=app_id)
                await set_status(
                    ctx,
                    app_id,
                    "failed_error",
                    f"gave up after {ctx.attempt} attempts: {reason}"[:500],
                    screenshot_path=shot,
                    retry_count=app["retry_count"] + 1,
                )
            raise PermanentError(f"gave up after {ctx.attempt} attempts: {reason}") from None
        await queries.note_interrupted_attempt(
            ctx.db, application_id=app_id, note=f"attempt {ctx.attempt}: {reason}"[:500], screenshot_path=shot
        )
        raise ApplyInterrupted(reason) from None
    finally:
        await browser.close()
    if result == "awaiting_review":
        await set_status(ctx, app_id, "awaiting_review", "review mode: filled, waiting for the user's approval")
        return 0
    await queries.mark_submitted(ctx.db, application_id=app_id)
    return 1


async def screenshot(browser: Browser, app_id: UUID) -> str | None:
    relative = f"screenshots/{app_id}.png"
    try:
        return relative if await browser.screenshot(storage.resolve(relative)) else None
    except Exception:  # noqa: BLE001 - a dead browser takes no screenshot; the outcome still gets recorded
        return None
