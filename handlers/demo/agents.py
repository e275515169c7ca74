"""Two small agents that show rows flowing through the engine (used by `talvix demo` and the tests).

demo.job_postings INSERT ──► demo_keyword_scorer ──► demo.keyword_scores INSERT
                                         (score >= 60) ──► demo_shortlister ──► demo.shortlist
"""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict

from handlers.demo import queries
from listeners import Context, PermanentError, Skip, WatchPayload, agent

KEYWORDS = ("python", "postgres", "asyncio", "selenium", "llm", "remote", "backend", "sql")


class RowRef(BaseModel):
    model_config = ConfigDict(extra="ignore")
    id: int


class RowEvent(WatchPayload):
    row: RowRef  # type: ignore[assignment]


class ScoreRef(BaseModel):
    model_config = ConfigDict(extra="ignore")
    posting_id: int


class ScoreEvent(WatchPayload):
    row: ScoreRef  # type: ignore[assignment]


def keyword_score(title: str, description: str) -> tuple[int, list[str]]:
    """0–100: 25 points per keyword found in the posting as a whole word, at most 100."""
    words = set(re.findall(r"[a-z0-9]+", f"{title} {description}".lower()))
    matched = [k for k in KEYWORDS if k in words]
    return min(100, 25 * len(matched)), matched


@agent("demo_keyword_scorer", concurrency=10, timeout=10, max_attempts=3, payload_model=RowEvent)
async def demo_keyword_scorer(ctx: Context) -> int:
    assert isinstance(ctx.input, RowEvent)
    posting = await queries.posting(ctx.db, posting_id=ctx.input.row.id)
    if posting is None:
        raise PermanentError(f"job posting {ctx.input.row.id} no longer exists")
    if not posting["title"].strip():
        raise Skip(f"job posting {ctx.input.row.id} has no title")
    score, matched = keyword_score(posting["title"], posting["description"])
    # Idempotent: a retried run finds the score already there and changes nothing.
    await queries.save_keyword_score(ctx.db, posting_id=ctx.input.row.id, score=score, matched=matched)
    ctx.metadata["score"] = score
    return 1


@agent("demo_shortlister", concurrency=5, timeout=10, max_attempts=3, payload_model=ScoreEvent)
async def demo_shortlister(ctx: Context) -> int:
    assert isinstance(ctx.input, ScoreEvent)
    return await queries.shortlist_posting(ctx.db, posting_id=ctx.input.row.posting_id)
