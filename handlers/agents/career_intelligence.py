"""career_intelligence: a user's career score with its components, the demand for their roles,
and salary percentiles for their role, city and experience. SQL only, no model
(sql/product/queries/save_career_intelligence.sql documents each part).

Score components (0-100 each; weights are career_weight_* rows of talvix.limits, defaults in
brackets): skills_coverage (35) the market's required skills the resume has; experience (25) the
resume's years against the years the market's seniority levels expect; activity (15)
applications sent in the last 30 days against 20; outcomes (10) callbacks, interviews and offers
per application in the last 90 days against 10 %; profile (15) eight completeness checks. A
component with nothing to measure is left out and the others' weights count for it.

Salary: the benchmark row of salary_benchmarks for the market's most common role family, the
band holding the resume's years, and the user's first city (profile.cities, canonical name as job
discovery writes it); without a row for that city, the national ('india') row of the same role
and band; without that, none, and salary_note says why.

Triggered like skill_gap, by users.career_intel_stale (resume parsed, target roles or profile
changed, the daily refresh); the run clears the flag before it reads.
"""

from __future__ import annotations

from handlers import queries
from handlers.discovery.postings import canonical_city
from handlers.skills import insight
from listeners import Context, agent

AGENT = "career_intelligence"


def benchmark_city(city: str | None) -> str | None:
    """The canonical name of the user's city ("Bangalore" → "bengaluru"), or None for national figures."""
    if not city or not city.strip():
        return None
    name = canonical_city(city)
    return None if name in ("remote", "unknown") else name


@agent(AGENT, concurrency=4, timeout=120, max_attempts=3)
async def career_intelligence(ctx: Context) -> int:
    user_id = insight.user_of(ctx)
    await ctx.release_dedup_key()  # a change from now on queues the next run
    state = await queries.begin_career_intelligence(ctx.db, user_id=user_id)
    insight.require_parsed_resume(user_id, state)
    assert state is not None
    saved = await queries.save_career_intelligence(ctx.db, user_id=user_id, city=benchmark_city(state["city"]))
    ctx.metadata.update(
        career_score=saved["career_score"],
        market_jobs=saved["market_demand"]["active_jobs"],
        salary_city=saved["salary_city"],
        salary_role_category=saved["salary_role_category"],
    )
    return 1
