"""daily_coach: one short message a day for each opted-in paid user, from what Talvix did for them.

Who: users of tier `student` or `professional` whose `profile` has `"coach_enabled": true` (the user
sets it in the app, like the rest of their profile; it is off by default). Free users and users who
have not opted in get nothing.

When: `daily_coach_schedule` runs daily (01:30 UTC, 07:00 in India: a row of talvix.schedules),
queues its next run, then one `daily_coach` event per such user for the day (one statement). Each
user's message is its own event, so one failure is retried on its own and never holds up the others.

What: the user's last 24 hours and 7 days (applications sent, callbacks and rejections from
learning_signals, what waits for their review or needs a look, what is in the pipeline), the
skills their recent matches missed most (job_fit_scores.missing_skills), today's best new match, and
their top skill gaps and career score once the skill_gap and career_intelligence agents computed
them. The message's structure rotates by user and UTC date: structure number
int(md5(f"{user_id}{date:%Y-%m-%d}").hexdigest(), 16) % 6, as the earlier system did. The model
(No-Think) writes it from those facts; offline, a deterministic writer fills the structure's template.

Where: one `public.notifications` row, `event_type` 'coach_message', low priority, expiring after 48
hours, on the user's `profile.notification_channel` (dashboard, whatsapp, telegram or email), else
the dashboard. Never two for one user and UTC date: a unique index on (user_id, metadata.coach_date).
"""

from __future__ import annotations

import functools
import hashlib
import json
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

import pydantic

from handlers import queries
from handlers.skills import llm, schedules
from listeners import Context, PermanentError, Skip, agent

AGENT = "daily_coach"
SCHEDULE = "daily_coach_schedule"

# The structures a message takes, in rotation order, each with what it leads with.
STRUCTURES: tuple[tuple[str, str], ...] = (
    ("progress", "lead with the numbers: applications sent in the last 24 hours and this week, and callbacks"),
    ("skill_focus", "lead with one skill to work on today, the one their matches missed most"),
    ("next_step", "lead with the one thing to do today (reviews waiting, an application that needs a look)"),
    ("momentum", "compare the last 24 hours with the week's daily average and encourage"),
    ("outcomes", "lead with this week's callbacks and rejections, and what they mean"),
    ("best_match", "lead with today's best new match, or ask one question to reflect on"),
)


def structure_for(user_id: UUID, day: date) -> tuple[int, str]:
    """The day's structure for the user: md5 of the user id and the UTC date, mod the structures."""
    digest = hashlib.md5(f"{user_id}{day.isoformat()}".encode(), usedforsecurity=False).hexdigest()
    index = int(digest, 16) % len(STRUCTURES)
    return index, STRUCTURES[index][0]


class CoachPayload(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    user_id: UUID
    day: date | None = None  # the UTC date the message is for; today when not given


class CoachMessage(pydantic.BaseModel):
    title: str = pydantic.Field(min_length=1, max_length=80)
    body: str = pydantic.Field(min_length=1, max_length=400)


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _skill_names(report: dict[str, Any] | None) -> list[str]:
    """Skill names from a skill-gap report's `top_gaps` (a list of names or of {skill: …})."""
    gaps = (report or {}).get("top_gaps")
    if isinstance(gaps, str):
        try:
            gaps = json.loads(gaps)
        except ValueError:
            return []
    names = [g.get("skill") if isinstance(g, dict) else g for g in gaps] if isinstance(gaps, list) else []
    return [str(n) for n in names if isinstance(n, str) and n.strip()][:3]


def _career_score(report: dict[str, Any] | None) -> int | None:
    score = (report or {}).get("career_score")
    return round(score) if isinstance(score, int | float) else None


def facts_from(row: Any, skill_gaps: dict[str, Any] | None, career: dict[str, Any] | None) -> dict[str, Any]:
    """What the message may say, and nothing else (no email, no ids)."""
    gaps = _skill_names(skill_gaps)
    return {
        "name": row["first_name"],
        "tier": row["tier"],
        "submitted_24h": row["submitted_24h"],
        "submitted_7d": row["submitted_7d"],
        "callbacks_7d": row["callbacks_7d"],
        "rejections_7d": row["rejections_7d"],
        "awaiting_review": row["awaiting_review"],
        "need_attention": row["need_attention"],
        "in_pipeline": row["in_pipeline"],
        "fit_threshold": row["threshold"],
        "skills_to_grow": gaps or list(row["missing_skills"]),
        "skills_from": "skill_gap_report" if gaps else "recent_matches",
        "best_match": row["best_match"],
        "career_score": _career_score(career),
    }


def offline_message(structure: str, facts: dict[str, Any]) -> CoachMessage:
    """Deterministic, not an LLM: the structure's template filled with the facts."""
    name = facts["name"] or "there"
    sent, week = facts["submitted_24h"], facts["submitted_7d"]
    callbacks, rejections = facts["callbacks_7d"], facts["rejections_7d"]
    skills, match = facts["skills_to_grow"], facts["best_match"]
    if facts["awaiting_review"]:
        step = f"{plural(facts['awaiting_review'], 'application')} wait for your review: approve them so they go out tonight."
    elif facts["need_attention"]:
        step = f"{plural(facts['need_attention'], 'application')} could not be sent: open them in Talvix to see why."
    elif skills:
        step = f"Spend an hour on {skills[0]} today."
    else:
        step = "Check that your target roles still say what you want."
    score = f" Career score: {facts['career_score']}/100." if facts["career_score"] is not None else ""
    if structure == "progress":
        title = "Your job search, in numbers"
        body = (
            f"Hi {name}: Talvix sent {plural(sent, 'application')} for you in the last 24 hours and "
            f"{week} this week, and {plural(callbacks, 'callback')} came in.{score} {step}"
        )
    elif structure == "skill_focus" and skills:
        title = f"One skill for today: {skills[0]}"[:80]
        others = f" Next on the list: {', '.join(skills[1:])}." if len(skills) > 1 else ""
        from_report = facts["skills_from"] == "skill_gap_report"
        source = "your skill-gap report puts first" if from_report else "your recent matches missed most"
        body = f"Hi {name}: {skills[0]} is the skill {source}. An hour on it today lifts your next fit scores.{others}{score}"
    elif structure == "momentum":
        average = week / 7
        trend = "above" if sent > average else "below" if sent < average else "right at"
        title = "Today's pace"
        body = (
            f"Hi {name}: {plural(sent, 'application')} in the last 24 hours, {trend} this week's daily average of "
            f"{average:.1f}. {facts['in_pipeline']} more are being prepared.{score} {step}"
        )
    elif structure == "outcomes":
        title = "What employers said this week"
        if callbacks:
            said = f"{plural(callbacks, 'callback')} and {plural(rejections, 'rejection')} this week: prepare for the calls first."
        elif rejections:
            said = f"{plural(rejections, 'rejection')} and no callback yet this week: each one narrows the search."
        else:
            said = "No replies yet this week; most employers answer within two weeks."
        body = f"Hi {name}: {said}{score} {step}"
    elif structure == "best_match" and match:
        title = f"Today's best match: {match['title']}"[:80]
        bar = f", against your bar of {facts['fit_threshold']}" if facts["fit_threshold"] is not None else ""
        body = f"Hi {name}: {match['title']} at {match['company']} scored {match['score']} for you{bar}.{score} {step}"
    elif structure == "best_match":
        title = "A question for today"
        body = (
            f"Hi {name}: of this week's {plural(week, 'application')}, which one would you most like to hear back "
            f"from, and why?{score}"
        )
    else:  # next_step, and skill_focus with no skills known
        title = "Your one step for today"
        body = f"Hi {name}: {step}{score}"
    return CoachMessage(title=title.strip(), body=" ".join(body.split())[:400])


def instructions(structure: str, facts: dict[str, Any]) -> str:
    lead = dict(STRUCTURES)[structure]
    return (
        "Write today's short coaching message for a job seeker who uses Talvix, which applies to jobs for them. "
        f"Structure '{structure}': {lead}. A `title` of at most 80 characters and a `body` of at most 3 sentences "
        "(400 characters), warm and concrete, addressed by first name when given. Use only these facts and never "
        f"invent a number, company or skill:\n{json.dumps(facts, default=str)}"
    )


@agent(SCHEDULE, concurrency=1, timeout=120, max_attempts=3)
async def daily_coach_schedule(ctx: Context) -> int:
    await schedules.queue_next_run(ctx)
    today = datetime.now(UTC).date()
    queued = await queries.queue_coach_messages(ctx.db, day=today)
    ctx.metadata.update(coach_date=today.isoformat(), users_queued=queued)
    return queued


@agent(AGENT, concurrency=4, timeout=180, max_attempts=3, payload_model=CoachPayload, setup=llm.prepare)
async def daily_coach(ctx: Context) -> int:
    assert isinstance(ctx.input, CoachPayload)
    user_id, day = ctx.input.user_id, ctx.input.day or datetime.now(UTC).date()
    row = await queries.coach_facts(ctx.db, user_id=user_id, day=day)
    if row is None:
        raise PermanentError(f"daily_coach: no user {user_id}")
    if not row["paid"]:
        raise Skip(f"user {user_id} is on the {row['tier']} tier; the coach is for student and professional users")
    if not row["opted_in"]:
        raise Skip(f"user {user_id} has not switched the coach on (profile.coach_enabled)")
    if row["already_coached"]:
        raise Skip(f"user {user_id} already has the coach message of {day.isoformat()}")
    skill_gaps = await queries.coach_skill_gaps(ctx.db, user_id=user_id)
    career = await queries.coach_career(ctx.db, user_id=user_id)
    facts = facts_from(row, skill_gaps, career)
    index, structure = structure_for(user_id, day)
    completion = await llm.complete(
        llm.load_llm_settings(),
        AGENT,
        role="Career coach",
        instructions=instructions(structure, facts),
        output=CoachMessage,
        thinking=False,
        offline=functools.partial(offline_message, structure, facts),
    )
    meta = completion.metadata
    saved = await queries.save_coach_message(
        ctx.db,
        user_id=user_id,
        channel=row["channel"],
        title=completion.value.title,
        body=completion.value.body,
        metadata={
            "coach_date": day.isoformat(),
            "structure": structure,
            "structure_index": index,
            "model": meta["model"],
            "offline": meta["offline"],
        },
    )
    ctx.metadata.update(coach_date=day.isoformat(), structure=structure, model=meta["model"], offline=meta["offline"])
    if meta.get("total_tokens") is not None:
        ctx.metadata["total_tokens"] = meta["total_tokens"]
    if saved is None:  # another run wrote the day's message in the meantime
        raise Skip(f"user {user_id} already has the coach message of {day.isoformat()}")
    return 1
