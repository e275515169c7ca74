"""skill_gap: the skills a user's market asks for that their resume lacks, ranked, with hours.

A user's market is the active jobs matching their target roles (by title, or by the role family
those titles are read as), filtered as the fit scorer filters candidates: blacklisted companies,
work modes, cities (talvix.market_jobs, migration 028). Over the market's jobs whose required
skills jd_cleaner has read, each required skill the resume lacks gets:

* importance_pct: the share of those jobs that require it;
* unlocks_all: jobs where it is the only required skill missing (learn it, and all are covered);
* unlocks_most: jobs it would bring to at least `skill_gap_most_pct` % of their required skills;
* est_hours: the hours of its category, a row of talvix.skill_learning_hours (data, editable).

Ranked by required_by + unlocks_all + unlocks_most, then required_by, then fewer hours, then name;
the best `skill_gap_top_n` are written to skill_gap_results (sql/product/queries/save_skill_gaps.sql).
All of it is one SQL statement: no model is called.

Triggered when users.skill_gap_stale becomes set: a resume parsed, target roles or the profile
changed, or the daily refresh finding the result 7 days old (career_insight_refresh). The run
clears the flag before it reads, so a change during the run queues the next one.
"""

from __future__ import annotations

from handlers import queries
from handlers.skills import insight
from listeners import Context, agent

AGENT = "skill_gap"


@agent(AGENT, concurrency=4, timeout=120, max_attempts=3)
async def skill_gap(ctx: Context) -> int:
    user_id = insight.user_of(ctx)
    await ctx.release_dedup_key()  # a change from now on queues the next run
    state = await queries.begin_skill_gap(ctx.db, user_id=user_id)
    insight.require_parsed_resume(user_id, state)
    saved = await queries.save_skill_gaps(ctx.db, user_id=user_id)
    gaps = saved["top_gaps"]
    ctx.metadata.update(market_jobs=saved["market_jobs"], gaps=len(gaps), top=[g["skill"] for g in gaps[:3]])
    return len(gaps)
