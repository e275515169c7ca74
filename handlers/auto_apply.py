"""auto_apply: a ready application → at the user's slot → guard → browser → form → submit → rows.

Triggered when an application becomes 'ready' (its documents exist), when the user approves one
waiting in review, or by hand with {"application_id": …, "now": true} (POST /api/agents/auto_apply).

Idempotency, whatever retries or crashes happen: 'submitting' is recorded before the one click on
submit, and a run that finds an application already 'submitting' (its run died mid-submit) marks it
'needs_check' and never clicks again.

Platforms: ATS forms (Greenhouse, Lever, other) through handlers/ats_form, headless; LinkedIn through
handlers/session_validator and handlers/linkedin_easy_apply, in a visible browser on Xvfb, with one
unit of the day's LinkedIn budget reserved for the submit click.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from handlers import anti_ban_guard, apply_schedule, ats_form, browser_slots, linkedin_easy_apply, session_validator, storage
from handlers.browser import Browser
from listeners.registry import Context, PermanentError, Skip, agent

READY = ("ready", "deferred_cooldown")
SLOT_RETRY_SECONDS = 60  # a host whose browser slots are all busy tries the application again after this


def application_id(payload: dict[str, Any]) -> UUID:
    raw = payload.get("application_id") or (payload.get("row") or {}).get("id")
    try:
        return UUID(str(raw))
    except ValueError:
        raise PermanentError(f"auto_apply needs an application id; got payload keys {sorted(payload)}") from None


async def set_status(ctx: Context, app_id: UUID, status: str, note: str | None = None, **columns: Any) -> None:
    sets = ", ".join(f"{name} = ${i}" for i, name in enumerate(columns, start=4))
    await ctx.db.execute(
        f"UPDATE public.job_applications SET auto_status = $2, failure_note = $3{', ' + sets if sets else ''} WHERE id = $1",
        app_id, status, note, *columns.values())


@agent("auto_apply", concurrency=2, timeout=600, max_attempts=2)
async def auto_apply(ctx: Context) -> int:
    app_id = application_id(ctx.payload)
    app = await ctx.db.fetchrow(
        "SELECT a.*, j.apply_url, u.full_name, u.email, u.phone, u.profile, c.user_agent, c.viewport "
        "FROM public.job_applications a JOIN public.users u ON u.id = a.user_id "
        "LEFT JOIN public.jobs j ON j.id = a.job_id "
        "LEFT JOIN public.user_connections c ON c.user_id = a.user_id AND c.platform = a.platform WHERE a.id = $1", app_id)
    if app is None:
        raise PermanentError(f"application {app_id} no longer exists")
    if app["auto_status"] == "submitting":
        await set_status(ctx, app_id, "needs_check", "an earlier run died while submitting: check before sending again")
        raise Skip("an earlier run died while submitting; marked needs_check, not resubmitted")
    approved = app["auto_status"] == "awaiting_review" and app["review_decision"] == "approved"
    if app["auto_status"] not in READY and not approved:
        raise Skip(f"application is {app['auto_status']}; nothing to do")
    now = datetime.now(UTC)
    if not (ctx.payload.get("now") or approved):
        slot = apply_schedule.next_slot(app["user_id"], now, await apply_schedule.Window.load(ctx.db))
        if not ctx.payload.get("scheduled"):
            await ctx.enqueue("auto_apply", {"application_id": str(app_id), "scheduled": True},
                              delay_seconds=(slot - now).total_seconds(), dedup_key=f"apply:{app_id}")
            raise Skip(f"scheduled for the user's slot at {slot.isoformat()}")
    decision = await anti_ban_guard.evaluate(ctx.db, app_id, now)
    ctx.metadata.update(risk=decision.risk, risk_factors=decision.risk_factors)
    if decision.action != "go":
        await anti_ban_guard.record(ctx.db, app_id, decision)
        if decision.action == "defer" and decision.retry_at is not None:
            await ctx.enqueue("auto_apply", {"application_id": str(app_id), "now": True},
                              delay_seconds=(decision.retry_at - now).total_seconds(), dedup_key=f"apply:{app_id}")
        raise Skip(decision.reason)
    if app["platform"] == "linkedin":
        session_validator.require_key()
    # Nothing is reserved or marked before a browser slot on this host is ours.
    slot = await browser_slots.acquire()
    if slot is None:
        await ctx.enqueue("auto_apply", {"application_id": str(app_id), "now": True},
                          delay_seconds=SLOT_RETRY_SECONDS, dedup_key=f"apply:{app_id}")
        raise Skip(f"all {browser_slots.slots_per_host()} browser slots on this host are busy; "
                   f"trying again in {SLOT_RETRY_SECONDS} s")
    try:
        return await apply_in_browser(ctx, app, submit=not decision.review_mode or approved)
    finally:
        slot.release()


async def apply_in_browser(ctx: Context, app: Mapping[str, Any], *, submit: bool) -> int:
    app_id = app["id"]
    linkedin = app["platform"] == "linkedin"
    if submit:
        refused = await ctx.db.fetchval("SELECT talvix.reserve_user_apply($1)", app["user_id"])
        if refused:
            await set_status(ctx, app_id, "skipped", refused)
            raise Skip(refused)
    await set_status(ctx, app_id, "in_progress")
    profile = {**(app["profile"] or {}), "full_name": app["full_name"], "email": app["email"], "phone": app["phone"]}
    resume = storage.resolve(app["tailored_resume_path"]) if app["tailored_resume_path"] else None
    letter_path = storage.resolve(app["cover_letter_path"]) if app["cover_letter_path"] else None
    letter = letter_path.read_text() if letter_path and letter_path.exists() else None

    linkedin_day = None  # the UTC day of this run's LinkedIn budget unit, once reserved

    async def on_submitting() -> None:
        nonlocal linkedin_day
        if linkedin:  # the submit click is the LinkedIn action: reserve it first, exactly once
            day = datetime.now(UTC).date()
            if not await ctx.db.fetchval("SELECT talvix.reserve_linkedin_action($1)", day):
                raise ats_form.ApplyOutcome("skipped", f"LinkedIn budget for {day} is spent")
            linkedin_day = day
        await ctx.db.execute("UPDATE public.job_applications SET auto_status = 'submitting', submitting_at = now() "
                             "WHERE id = $1 AND auto_status = 'in_progress'", app_id)

    # LinkedIn runs with a visible browser on a virtual display; ATS forms may run headless.
    browser = Browser(headless=not linkedin, user_agent=app["user_agent"], viewport=app["viewport"])
    try:
        await browser.start()
        if linkedin:
            await session_validator.sign_in(ctx.db, browser, app["user_id"], "linkedin")
            result = await linkedin_easy_apply.apply(browser, app["apply_url"], profile, resume_file=resume,
                                                     submit=submit, on_submitting=on_submitting,
                                                     pace=ats_form.Pace.from_env())
        else:
            result = await ats_form.apply(browser, app["apply_url"], profile, resume_file=resume, cover_letter=letter,
                                          submit=submit, on_submitting=on_submitting, pace=ats_form.Pace.from_env())
    except BaseException as exc:
        screenshot = storage.resolve(f"screenshots/{app_id}.png")
        shot = await browser.screenshot(screenshot) if browser.driver is not None else False
        status = exc.status if isinstance(exc, ats_form.ApplyOutcome) else "failed_not_found"
        sent = status == "needs_check"  # the click happened: the cap and budget reservations stand
        if submit and not sent:
            await ctx.db.execute("SELECT talvix.release_user_apply($1)", app["user_id"])
            if linkedin_day is not None:
                await ctx.db.execute("SELECT talvix.release_linkedin_action($1)", linkedin_day)
        await set_status(ctx, app_id, status, str(exc)[:500], screenshot_path=f"screenshots/{app_id}.png" if shot else None,
                         retry_count=app["retry_count"] + 1)
        if isinstance(exc, ats_form.ApplyOutcome):
            raise PermanentError(f"{status}: {exc}") from None
        raise
    finally:
        await browser.close()
    if result == "awaiting_review":
        await set_status(ctx, app_id, "awaiting_review", "review mode: filled, waiting for the user's approval")
        return 0
    await ctx.db.execute("UPDATE public.job_applications SET auto_status = 'submitted', status = 'applied', "
                         "applied_at = now(), failure_note = NULL WHERE id = $1", app_id)
    return 1
