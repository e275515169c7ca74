"""Agents that run on a schedule kept as data: a row of talvix.schedules (migrations 027 and 034)
gives the UTC minute, and optionally the ISO weekday or the day of the month, of a schedule's runs,
the agent it queues and the payload it queues it with. An agent has one schedule, named as the
agent, or several, named `<agent>:<what>` (feedback_calibrator:daily and :weekly).

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


async def queue_next_run(ctx: Context, schedule: str | None = None) -> datetime | None:
    """Make the next run of `schedule` (by default the one named as this run's agent) pending,
    under the schedule's name as dedup key; its time, or None when talvix.schedules has no such row
    (the schedule is then over)."""
    name = schedule or ctx.event.agent
    await ctx.release_dedup_key()  # this run's key, so the next run can be queued under it meanwhile
    follow = await queries.queue_schedule(ctx.db, schedule=name)
    if follow is None:
        ctx.log.warning("talvix.schedules has no row %s: no next run of %s is queued", name, ctx.event.agent)
    ctx.metadata["next_run"] = follow.isoformat() if follow else None
    return follow
