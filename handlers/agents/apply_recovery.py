"""apply_recovery: every 10 minutes, settle the applications that no run will finish.

auto_apply resumes an interrupted application itself when its event runs again. This sweep is for
the rest: an application left 'in_progress' or 'submitting' whose event is gone (its attempts ran
out while workers kept dying, or an operator cancelled it), with no run holding it.
- 'submitting': a click may have happened, so 'needs_check' (never sent again blindly);
- 'in_progress': queued again with {"now": true}, so auto_apply resumes it; after
  MAX_RECOVERIES recoveries it is 'failed_error' and its cap slot and budget unit are given back.

Periodic like the session sweep: each run queues the next under a fixed dedup key; migration 014
queues the first.
"""

from __future__ import annotations

from handlers import queries
from listeners import Context, agent

AGENT = "apply_recovery"
EVERY_SECONDS = 600
# Untouched this long before an application counts as stranded. A live run holds the application's
# lock and a retry has its event, so neither is ever taken; the wait is only a margin. The payload's
# "quiet_seconds" overrides it (an operator settling things now: {"quiet_seconds": 0}).
QUIET_SECONDS = 60
MAX_RECOVERIES = 3


@agent(AGENT, concurrency=1, timeout=120, max_attempts=3)
async def apply_recovery(ctx: Context) -> int:
    await ctx.release_dedup_key()  # so the next run can be queued under the same key
    quiet = float(ctx.payload.get("quiet_seconds", QUIET_SECONDS))
    stranded = await queries.stranded_applications(ctx.db, quiet_seconds=quiet)
    checked = requeued = failed = 0
    for app in stranded:
        if app["auto_status"] == "submitting":
            await queries.settle_stranded_application(
                ctx.db,
                application_id=app["id"],
                status="needs_check",
                note="the run stopped while submitting and nothing will finish it: check before sending again",
            )
            checked += 1
        elif app["retry_count"] >= MAX_RECOVERIES:
            await queries.release_application(ctx.db, application_id=app["id"])
            await queries.settle_stranded_application(
                ctx.db,
                application_id=app["id"],
                status="failed_error",
                note=f"its runs kept stopping before the end ({app['retry_count']} recoveries): gave up",
            )
            failed += 1
        else:
            await queries.count_retry(ctx.db, application_id=app["id"])
            await ctx.enqueue("auto_apply", {"application_id": str(app["id"]), "now": True}, dedup_key=f"apply:{app['id']}")
            requeued += 1
    await ctx.enqueue(AGENT, {}, delay_seconds=EVERY_SECONDS, dedup_key=AGENT)
    ctx.metadata.update(needs_check=checked, requeued=requeued, failed=failed)
    return len(stranded)
