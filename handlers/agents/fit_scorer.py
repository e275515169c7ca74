"""fit_scorer: new jobs (or a user's new resume, or auto-apply switched on) → job_fit_scores, and a
queued job_applications row for every score that reaches the user's threshold.

A bulk insert of jobs is one event (the watch gives every row the same dedup key); the run first
releases that key, so jobs arriving while it scores queue one more run instead of being missed.
No-Think for incremental batches, Think for a user's full rescan. Several jobs per model call.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from itertools import islice
from typing import Any, Literal
from uuid import UUID

import pydantic

from handlers import queries
from handlers.agents.resume_intelligence import mentioned
from handlers.skills import llm
from listeners import Context, PermanentError, WatchPayload, agent

JOBS_PER_CALL = 8
PAGE = 400


Label = Literal["strong", "good", "fair", "weak"]
Recommendation = Literal["apply", "consider", "skip"]


class JobFit(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    job_id: int
    score: int = pydantic.Field(ge=0, le=100)
    label: Label
    recommendation: Recommendation
    reasons: list[str] = pydantic.Field(max_length=5)
    missing_skills: list[str] = pydantic.Field(max_length=10)


class FitScores(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    scores: list[JobFit]


def offline_scores(summary: dict[str, Any], jobs: list[dict[str, Any]]) -> FitScores:
    return FitScores(scores=[offline_fit(summary, job) for job in jobs])


def label_for(score: int) -> Label:
    return "strong" if score >= 80 else "good" if score >= 65 else "fair" if score >= 50 else "weak"


def offline_fit(summary: dict[str, Any], job: dict[str, Any]) -> JobFit:
    """Deterministic, not an LLM: how much of the job's recognisable skill list the resume covers."""
    have = {s.lower() for s in summary.get("skills", [])}
    text = f"{job['title']} {job['description']}".lower()
    wanted = mentioned(text)
    matched = [s for s in wanted if s in have]
    missing = [s for s in wanted if s not in have]
    coverage = len(matched) / len(wanted) if wanted else 0.5
    title_words = {w for t in summary.get("titles", []) for w in re.findall(r"[a-z]+", t.lower())}
    title_bonus = 10 if title_words & set(re.findall(r"[a-z]+", job["title"].lower())) else 0
    score = max(0, min(100, round(30 + 60 * coverage + title_bonus)))
    recommendation: Recommendation = "apply" if score >= 75 else "consider" if score >= 55 else "skip"
    reasons = [f"resume shows {', '.join(matched[:4])}"] if matched else ["few of the listed skills appear in the resume"]
    return JobFit(
        job_id=job["job_id"],
        score=score,
        label=label_for(score),
        recommendation=recommendation,
        reasons=reasons,
        missing_skills=missing[:10],
    )


def instructions(summary: dict[str, Any], jobs: list[dict[str, Any]]) -> str:
    listing = "\n\n".join(
        f"JOB {j['job_id']}: {j['title']} at {j['company']} ({j['work_mode']}, {j['location'] or 'n/a'})\n{j['description'][:1500]}"
        for j in jobs
    )
    return (
        "Score how well this candidate fits each job, 0-100. label: strong (>=80), good (>=65), fair (>=50), "
        "weak. recommendation: apply, consider or skip. reasons: up to 5 short facts from the resume. "
        "missing_skills: skills the job asks for that the resume lacks. Return one entry per JOB, with its "
        f"job_id.\n\nCANDIDATE: {summary}\n\n{listing}"
    )


def batches(rows: list[Any], size: int) -> list[list[Any]]:
    it = iter(rows)
    return [chunk for chunk in iter(lambda: list(islice(it, size)), [])]


def scope(payload: dict[str, Any]) -> tuple[UUID | None, bool]:
    """(user to rescan fully, or None for new jobs across all users; whether it is a full rescan)."""
    try:
        event = WatchPayload.model_validate(payload)
    except pydantic.ValidationError:
        if payload.get("mode") == "full":  # enqueued by hand: {"mode": "full", "user_id": …}
            return (UUID(payload["user_id"]) if payload.get("user_id") else None), True
        raise PermanentError(f"fit_scorer cannot read payload keys {sorted(payload)}") from None
    if event.table == "public.jobs":
        return None, False
    user = event.row.get("user_id") or (event.row.get("id") if event.table == "public.users" else None)
    if user is None:
        raise PermanentError(f"fit_scorer got an event from {event.table} without a user")
    return UUID(str(user)), True


@agent("fit_scorer", concurrency=2, timeout=900, max_attempts=3, setup=llm.prepare)
async def fit_scorer(ctx: Context) -> int:
    await ctx.release_dedup_key()
    user_id, full = scope(ctx.payload)
    settings = llm.load_llm_settings()
    usage: dict[str, Any] = {"calls": 0, "total_tokens": 0, "queued_applications": 0}
    processed = 0
    while True:
        rows = [dict(r) for r in await queries.fit_candidates(ctx.db, user_id=user_id, rescore=full, limit=PAGE)]
        by_user: dict[UUID, list[dict[str, Any]]] = defaultdict(list)
        for row in rows:
            by_user[row["user_id"]].append(row)
        for uid, jobs in by_user.items():
            summary = jobs[0]["summary"]
            for batch in batches(jobs, JOBS_PER_CALL):
                completion = await llm.complete(
                    settings,
                    "fit_scorer",
                    role="Job fit assessor",
                    instructions=instructions(summary, batch),
                    output=FitScores,
                    thinking=full,
                    offline=functools.partial(offline_scores, summary, batch),
                )
                fits = {f.job_id: f for f in completion.value.scores}
                asked = {j["job_id"] for j in batch}
                if set(fits) != asked:
                    raise llm.LLMOutputError(
                        f"{completion.metadata['model']} scored jobs {sorted(fits)} but was asked for {sorted(asked)}"
                    )
                result = await queries.save_fit_scores(
                    ctx.db, user_id=uid, scores=[fits[j].model_dump() for j in sorted(asked)], model=completion.metadata["model"]
                )
                usage["calls"] += 1
                usage["total_tokens"] += completion.metadata.get("total_tokens") or 0
                usage["queued_applications"] += result["queued"]
                usage.update(
                    model=completion.metadata["model"],
                    offline=completion.metadata["offline"],
                    thinking=completion.metadata["thinking"],
                )
        processed += len(rows)
        if full or len(rows) < PAGE:
            break
    if user_id is not None:
        await queries.mark_fit_scores_stale(ctx.db, user_id=user_id, stale=False)
    ctx.metadata.update(usage)
    return processed
