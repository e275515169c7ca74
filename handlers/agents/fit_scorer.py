"""fit_scorer: new jobs (or a user's new resume, or auto-apply switched on) → job_fit_scores, and a
queued job_applications row for every score that reaches the user's threshold.

Two modes:

* delta, {"mode": "delta"}, queued by jd_cleaner once it has read every new job: every job in no
  pass yet, for every eligible user, in one pass. The matcher (skills/matcher.py) ranks the new
  jobs for all users in one statement and only each user's best `fit_match_top_k` reach the model
  (No-Think); then the jobs are marked matched. One delta pass runs at a time, across workers.
* full, a user's rescan, when their resume is parsed or auto-apply is switched on (watches), or
  {"mode": "full", "user_id": …} by hand: their best `fit_rescan_top_k` of every active job, Think.

Several jobs per model call. The run first releases its dedup key, so work arriving while it scores
queues one more run instead of being missed.
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
from handlers.skills import llm, matcher
from listeners import Context, PermanentError, WatchPayload, agent

JOBS_PER_CALL = 8
DELTA_PAGE = 10_000  # jobs ranked per statement; a bigger delta is a few statements in the same pass


Label = Literal["strong", "good", "fair", "weak"]
Recommendation = Literal["apply", "consider", "skip"]
Mode = Literal["delta", "full"]


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


def scope(payload: dict[str, Any]) -> tuple[UUID | None, Mode]:
    """(the user to rescan, or None for every eligible user; the mode)."""
    if payload.get("mode") == "delta":
        return None, "delta"
    if payload.get("mode") == "full":  # enqueued by hand: {"mode": "full", "user_id": …}
        return (UUID(str(payload["user_id"])) if payload.get("user_id") else None), "full"
    try:
        event = WatchPayload.model_validate(payload)
    except pydantic.ValidationError:
        raise PermanentError(
            f"fit_scorer cannot read payload keys {sorted(payload)}: expected a watch event or a mode of 'delta' or 'full'"
        ) from None
    if event.table == "public.jobs":  # a watch an admin attached to jobs: treated as a delta pass
        return None, "delta"
    user = event.row.get("user_id") or (event.row.get("id") if event.table == "public.users" else None)
    if user is None:
        raise PermanentError(f"fit_scorer got an event from {event.table} without a user")
    return UUID(str(user)), "full"


async def score(ctx: Context, candidates: list[Any], *, thinking: bool, usage: dict[str, Any]) -> None:
    """Ask the model about each user's candidates, JOBS_PER_CALL at a time, and save the scores."""
    settings = llm.load_llm_settings()
    by_user: dict[UUID, list[dict[str, Any]]] = defaultdict(list)
    for row in candidates:
        by_user[row["user_id"]].append(dict(row))
    for uid, jobs in by_user.items():
        summary = jobs[0]["summary"]
        for batch in batches(jobs, JOBS_PER_CALL):
            completion = await llm.complete(
                settings,
                "fit_scorer",
                role="Job fit assessor",
                instructions=instructions(summary, batch),
                output=FitScores,
                thinking=thinking,
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
            usage["scored"] += result["scored"]
            usage["total_tokens"] += completion.metadata.get("total_tokens") or 0
            usage["queued_applications"] += result["queued"]
            usage["held_back_no_paid_plan"] += result["held_back"]
            usage.update(
                model=completion.metadata["model"],
                offline=completion.metadata["offline"],
                thinking=completion.metadata["thinking"],
            )


@agent("fit_scorer", concurrency=2, timeout=900, max_attempts=3, setup=llm.prepare)
async def fit_scorer(ctx: Context) -> int:
    await ctx.release_dedup_key()
    user_id, mode = scope(ctx.payload)
    limits = await queries.match_limits(ctx.db)
    usage: dict[str, Any] = {
        "mode": mode,
        "calls": 0,
        "scored": 0,
        "total_tokens": 0,
        "queued_applications": 0,
        "held_back_no_paid_plan": 0,  # would have been queued, but the user has no paid plan
    }
    if mode == "full":
        found = await matcher.candidates(
            ctx.db, user_id=user_id, job_ids=None, rescore=True, top_k=limits["fit_rescan_top_k"], metadata=ctx.metadata
        )
        await score(ctx, found, thinking=True, usage=usage)
        if user_id is not None:
            await queries.mark_fit_scores_stale(ctx.db, user_id=user_id, stale=False)
        ctx.metadata.update(usage, candidates=len(found), users=len({r["user_id"] for r in found}))
        return len(found)
    matched = 0
    candidates = 0
    users: set[UUID] = set()
    lock = await ctx.db.acquire()
    try:
        await queries.lock_delta_pass(lock)
        while job_ids := await queries.unmatched_jobs(ctx.db, limit=DELTA_PAGE):
            found = await matcher.candidates(
                ctx.db, user_id=None, job_ids=job_ids, rescore=False, top_k=limits["fit_match_top_k"], metadata=ctx.metadata
            )
            await score(ctx, found, thinking=False, usage=usage)
            await queries.mark_jobs_matched(ctx.db, job_ids=job_ids)
            matched += len(job_ids)
            candidates += len(found)
            users |= {r["user_id"] for r in found}
        await queries.unlock_delta_pass(lock)
    except BaseException:
        lock.terminate()  # the session ends, and the lock with it: never back in the pool still held
        raise
    finally:
        await ctx.db.release(lock)
    ctx.metadata.update(usage, jobs=matched, candidates=candidates, users=len(users))
    return matched
