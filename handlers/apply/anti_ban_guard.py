"""anti_ban_guard: the checks before any browser starts. Deterministic, never an LLM.

1. User gates: a paid plan (the free plan has no auto-apply; an ended plan counts as free at once),
   auto-apply on and not paused, the job still open, its company not blacklisted, not already
   applied, the daily and monthly caps not reached.
2. The LinkedIn budget: a LinkedIn application goes nowhere when today's budget is spent. (Each
   LinkedIn action also reserves its unit through talvix.reserve_linkedin_unit, and releases that reservation if
   the action did not happen: see `linkedin_action`.)
3. Risk: captchas in the last 24 hours, a failing session, an old session, failed submits in the
   last hour and LinkedIn's hourly pace add points; at the cooldown threshold the application is
   deferred, at the block threshold the user's auto-apply is paused. Points, thresholds and the
   cooldown are rows of talvix.limits.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal
from uuid import UUID

import asyncpg

from handlers import queries

Action = Literal["go", "skip", "defer", "block"]


@dataclass(frozen=True)
class Decision:
    action: Action
    reason: str
    risk: int = 0
    risk_factors: list[str] = field(default_factory=list)
    retry_at: datetime | None = None
    review_mode: bool = False  # fill the form but do not submit: the user approves first


async def limits(db: asyncpg.Pool | asyncpg.Connection) -> dict[str, int]:
    return await queries.limits(db)


def risk_score(facts: dict[str, Any], lim: dict[str, int]) -> tuple[int, list[str]]:
    factors = []
    if facts["captchas_24h"] >= 2:
        factors.append(("captcha_24h", f"{facts['captchas_24h']} captchas in 24 h"))
    if (facts["consecutive_failures"] or 0) >= 3:
        factors.append(("consecutive_failures", f"session failed {facts['consecutive_failures']} times in a row"))
    if facts["session_age_days"] is not None and facts["session_age_days"] > 10:
        factors.append(("session_age", f"session captured {facts['session_age_days']:.0f} days ago"))
    if facts["failed_submits_1h"] >= 5:
        factors.append(("failed_submits_1h", f"{facts['failed_submits_1h']} failed submits in the last hour"))
    hourly_share = (facts["linkedin_limit"] or 0) / 24
    if facts["platform"] == "linkedin" and hourly_share and facts["linkedin_applies_last_hour"] >= 0.8 * hourly_share:
        factors.append(("hourly_actions", f"{facts['linkedin_applies_last_hour']} LinkedIn applies in the last hour"))
    score = sum(lim.get(f"risk_points_{name}", 0) for name, _ in factors)
    return score, [f"{text} (+{lim.get(f'risk_points_{name}', 0)})" for name, text in factors]


def plan_refusal(tier: str, expires_at: datetime | None) -> str:
    if tier == "free":
        return "auto-apply is part of the student and professional plans, not the free plan"
    if expires_at is None:  # a paid tier with no end is a paid plan; nothing else reaches here
        return f"no {tier} plan"
    return f"the user's {tier} plan ended {expires_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC"


async def evaluate(db: asyncpg.Pool | asyncpg.Connection, application_id: UUID, now: datetime | None = None) -> Decision:
    now = now or datetime.now(UTC)
    row = await queries.guard_facts(db, application_id=application_id)
    if row is None:
        return Decision("skip", f"application {application_id} no longer exists")
    f, lim = dict(row), await limits(db)
    gates = [
        (not f["on_paid_plan"], plan_refusal(f["tier"], f["subscription_expires_at"])),
        (not f["auto_apply_enabled"], "auto-apply is off for this user"),
        (f["auto_apply_paused"], f"auto-apply is paused: {f['auto_apply_paused_reason'] or 'by the guard'}"),
        (f["job_id"] is None or not f["is_active"], "the job is closed or gone"),
        (f["blacklisted"], f"{f['company']} is on the user's blacklist"),
        (f["already_applied"], "already applied to this job"),
        (f["applied_today"] >= f["daily_apply_limit"], f"daily cap reached ({f['applied_today']} of {f['daily_apply_limit']})"),
        (
            f["applied_this_month"] >= f["monthly_apply_limit"],
            f"monthly cap reached ({f['applied_this_month']} of {f['monthly_apply_limit']})",
        ),
        (
            f["platform"] == "linkedin" and (f["linkedin_limit"] is None or f["linkedin_used_today"] >= f["linkedin_limit"]),
            f"LinkedIn budget for today is spent ({f['linkedin_used_today']} of {f['linkedin_limit']})",
        ),
    ]
    for failed, reason in gates:
        if failed:
            return Decision("skip", reason)
    score, factors = risk_score(f, lim)
    if score >= lim.get("risk_block_threshold", 90):
        return Decision("block", f"risk {score} reached the block threshold: {'; '.join(factors)}", score, factors)
    if score >= lim.get("risk_cooldown_threshold", 70):
        retry_at = now + timedelta(minutes=lim.get("risk_cooldown_minutes", 30))
        return Decision("defer", f"risk {score} reached the cooldown threshold: {'; '.join(factors)}", score, factors, retry_at)
    activated = f["auto_apply_activated_at"]
    review_ends = f["review_mode_ends_at"] or (activated + timedelta(days=lim.get("review_mode_days", 14)) if activated else None)
    review = review_ends is not None and now < review_ends
    return Decision("go", "all gates passed", score, factors, review_mode=review)


async def record(db: asyncpg.Pool | asyncpg.Connection, application_id: UUID, decision: Decision) -> None:
    """Make a non-go decision visible where the app looks: the application's status and note
    (and, for a block, the user's pause flag with its reason)."""
    if decision.action == "go":
        return
    status = "deferred_cooldown" if decision.action == "defer" else "skipped"
    user_id = await queries.guard_decided(db, application_id=application_id, status=status, reason=decision.reason[:500])
    if decision.action == "block" and user_id is not None:
        await queries.pause_auto_apply(db, user_id=user_id, reason=decision.reason[:500])


class BudgetSpent(Exception):
    """Today's LinkedIn budget is spent: stop before acting."""


@contextlib.asynccontextmanager
async def linkedin_action(db: asyncpg.Pool | asyncpg.Connection, day: date | None = None) -> AsyncIterator[date]:
    """Reserve one LinkedIn action for the block; if the block fails, the action did not happen and
    the unit is given back, so each executed action counts exactly once. One UTC day throughout."""
    day = day or datetime.now(UTC).date()
    reservation = await queries.reserve_linkedin_unit(db, day=day)
    if reservation is None:
        raise BudgetSpent(f"LinkedIn budget for {day} is spent")
    try:
        yield day
    except BaseException:
        await queries.release_linkedin_unit(db, reservation=reservation)
        raise
