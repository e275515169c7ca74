"""subscription_expiry: daily (00:00 UTC by default, a row of talvix.schedules), every plan past its
`subscription_expires_at` drops to free.

What the free plan excludes is switched off in the same statement: auto-apply (with the reason the
user sees in `auto_apply_disabled_reason`), the applications still waiting to be sent (skipped,
with the reason), and the user is told in `public.notifications`. Follow-ups stop by the same rule:
they are for users on a paid plan (`talvix.on_paid_plan`). The plan gates already treat an ended
plan as free the moment it ends; this run makes the rows say so.

Running it twice changes nothing more: a user it dropped is on the free plan.
"""

from __future__ import annotations

from handlers import queries
from handlers.skills import schedules
from listeners import Context, agent

AGENT = "subscription_expiry"


@agent(AGENT, concurrency=1, timeout=300, max_attempts=3)
async def subscription_expiry(ctx: Context) -> int:
    await schedules.queue_next_run(ctx)
    result = await queries.expire_subscriptions(ctx.db)
    ctx.metadata.update(
        plans_ended=result["plans_ended"],
        auto_apply_switched_off=result["auto_apply_switched_off"],
        applications_stopped=result["applications_stopped"],
        told=result["told"],
    )
    return int(result["plans_ended"])
