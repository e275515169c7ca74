"""session_expiry_sweep: once a day at 19:30 India time (CONTRACT.md), warn users whose
sessions near expiry (7, 3 and 1 days, from the cookies' expiry the gateway recorded) and retire
expired ones, pausing those users' auto-apply. Each warning is a flag on the connection plus a row
in public.notifications, which the app shows and a channel sender delivers (retention_cleanup deletes
them once expired).

Its time is a row of talvix.schedules (14:00 UTC; migration 031), and each run first queues the
next (handlers/skills/schedules.py), so exactly one future sweep is pending.
"""

from __future__ import annotations

from handlers import queries
from handlers.skills import schedules
from listeners import Context, agent

AGENT = "session_expiry_sweep"


@agent(AGENT, concurrency=1, timeout=300, max_attempts=3)
async def session_expiry_sweep(ctx: Context) -> int:
    await schedules.queue_next_run(ctx)
    result = await queries.session_expiry_sweep(ctx.db)
    ctx.metadata.update(
        expired=result["expired"],
        paused=result["paused"],
        warned=result["warned"],
        told=result["told"],
        to_deliver=result["to_deliver"],
    )
    return int(result["expired"] + result["warned"])
