"""apply_counts_reset: daily (00:05 UTC by default, a row of talvix.schedules), the apply counts of
a UTC day that is over go back to 0, and on the first of a month, those of the month before.

The caps count UTC days and months and already roll over by themselves: a count whose
`apply_counts_day` (or `_month`) is past reads as 0 when the next application reserves
(talvix.reserve_user_apply) and in the guard. So this run only makes the stored counts, which the
app shows, agree; it never touches a count of today or of this month, so it cannot reset anything
twice, whenever it runs. One run does both resets: a UTC month begins on a UTC day.
"""

from __future__ import annotations

from handlers import queries
from handlers.skills import schedules
from listeners import Context, agent

AGENT = "apply_counts_reset"


@agent(AGENT, concurrency=1, timeout=300, max_attempts=3)
async def apply_counts_reset(ctx: Context) -> int:
    await schedules.queue_next_run(ctx)
    result = await queries.reset_apply_counts(ctx.db)
    ctx.metadata.update(day=result["day"].isoformat(), daily_reset=result["daily_reset"], monthly_reset=result["monthly_reset"])
    return int(result["daily_reset"] + result["monthly_reset"])
