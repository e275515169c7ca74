"""career_insight_refresh: the weekly refresh of every user's skill gaps and career intelligence.

It runs daily at the UTC minute `career_insight_utc_minute` (1230 = 20:30 UTC, 02:00 India time,
after the night's discovery and cleaning), and marks stale every user with a parsed resume whose
result is `career_insight_refresh_days` (7) old or who has none; the watches on users turn each
into one skill_gap and one career_intelligence event. Running daily rather than once a week
spreads the work over the week and refreshes each result within a day of turning 7 days old.
Both numbers are rows of talvix.limits. Each run queues the next under a fixed dedup key;
migration 028 queues the first.
"""

from __future__ import annotations

from datetime import UTC, datetime

from handlers import queries
from handlers.agents.job_discovery import next_run
from listeners import Context, agent

SCHEDULE = "career_insight_refresh"


@agent(SCHEDULE, concurrency=1, timeout=120, max_attempts=3)
async def career_insight_refresh(ctx: Context) -> int:
    await ctx.release_dedup_key()  # so the next day's run can be queued under the same key
    marked = await queries.mark_insight_due(ctx.db)
    minute = (await queries.insight_limits(ctx.db)).get("career_insight_utc_minute", 1230)
    now = datetime.now(UTC)
    follow = next_run(now, minute)
    await ctx.enqueue(SCHEDULE, {}, delay_seconds=(follow - now).total_seconds(), dedup_key=SCHEDULE)
    ctx.metadata.update(
        skill_gap=marked["skill_gap"], career_intelligence=marked["career_intelligence"], next_run=follow.isoformat()
    )
    return int(marked["skill_gap"] + marked["career_intelligence"])
