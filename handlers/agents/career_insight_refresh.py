"""career_insight_refresh: the weekly refresh of every user's skill gaps and career intelligence.

It runs daily (20:30 UTC, 02:00 India time, after the night's discovery and cleaning: a row of
talvix.schedules), and marks stale every user with a parsed resume whose
result is `career_insight_refresh_days` (7) old or who has none; the watches on users turn each
into one skill_gap and one career_intelligence event. Running daily rather than once a week
spreads the work over the week and refreshes each result within a day of turning 7 days old.
The age is a row of talvix.limits. Each run first queues the next (handlers/skills/schedules.py).
"""

from __future__ import annotations

from handlers import queries
from handlers.skills import schedules
from listeners import Context, agent

SCHEDULE = "career_insight_refresh"


@agent(SCHEDULE, concurrency=1, timeout=120, max_attempts=3)
async def career_insight_refresh(ctx: Context) -> int:
    await schedules.queue_next_run(ctx)
    marked = await queries.mark_insight_due(ctx.db)
    ctx.metadata.update(skill_gap=marked["skill_gap"], career_intelligence=marked["career_intelligence"])
    return int(marked["skill_gap"] + marked["career_intelligence"])
