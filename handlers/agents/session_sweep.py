"""session_expiry_sweep: once a day at 19:30 India time (CONTRACT.md), warn users whose
sessions near expiry (7, 3 and 1 days, from the cookies' expiry the gateway recorded) and retire
expired ones, pausing those users' auto-apply. Each warning is a flag on the connection plus a row
in public.notifications, which the app shows and a channel sender delivers (retention_cleanup deletes
them once expired).

Periodic work without a scheduler: the run ends by queueing the next one for tomorrow, under a
fixed dedup key, so exactly one future sweep is pending. Migration 010 queues the first.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from handlers import queries
from handlers.apply.schedule import INDIA
from listeners import Context, agent

AGENT = "session_expiry_sweep"
LOCAL_TIME = time(19, 30)


def next_run(now: datetime) -> datetime:
    local = now.astimezone(INDIA)
    today = datetime.combine(local.date(), LOCAL_TIME, INDIA)
    return (today if today > now else today + timedelta(days=1)).astimezone(UTC)


@agent(AGENT, concurrency=1, timeout=300, max_attempts=3)
async def session_expiry_sweep(ctx: Context) -> int:
    await ctx.release_dedup_key()  # so the next day's run can be queued under the same key
    result = await queries.session_expiry_sweep(ctx.db)
    now = datetime.now(UTC)
    follow = next_run(now)
    await ctx.enqueue(AGENT, {}, delay_seconds=(follow - now).total_seconds(), dedup_key=AGENT)
    ctx.metadata.update(
        expired=result["expired"],
        paused=result["paused"],
        warned=result["warned"],
        told=result["told"],
        to_deliver=result["to_deliver"],
        next_run=follow.isoformat(),
    )
    return int(result["expired"] + result["warned"])
