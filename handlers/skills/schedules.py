"""Agents that run on a schedule kept as data: a row of talvix.schedules (migration 027) gives the
UTC minute, and optionally the ISO weekday or the day of the month, of each agent's runs.

Periodic work without a scheduler process, as the session sweep does it, with one change of
order: a run first makes its next run pending, then does its work. So a run that fails, even for
good, never ends its schedule, and a run queued by hand (an operator's INSERT) leaves the pending
one where it was. The next time is computed by the database (talvix.next_schedule_run), the one
clock, from the row as it is then; an UPDATE of the row also moves the pending run at once.
"""

from __future__ import annotations

from datetime import datetime

from handlers import queries
from listeners import Context


async def queue_next_run(ctx: Context) -> datetime | None:
    """Make this schedule's next run pending (under the agent's name as dedup key); its time, or
    None when the agent has no row in talvix.schedules (the schedule is then over)."""
    await ctx.release_dedup_key()  # this run's key, so the next run can be queued under it meanwhile
    follow = await queries.queue_schedule(ctx.db, agent=ctx.event.agent)
    if follow is None:
        ctx.log.warning("%s has no row in talvix.schedules: no next run is queued", ctx.event.agent)
    ctx.metadata["next_run"] = follow.isoformat() if follow else None
    return follow
