"""fit_score_expiry: weekly (Saturday 18:30 UTC, Sunday midnight in India, by default: a row of
talvix.schedules), fit scores older than `fit_scores_keep_days` (14, talvix.limits) expire.

The earlier system deleted every score each week and marked everyone stale, with nothing to act on
the flag: lists emptied every Sunday and stayed empty. Here only old scores go; their users are
marked `fit_scores_stale`, and each whose auto-apply is on (the scorer's own rule) gets a full
rescan queued ({"mode": "full", "user_id": …}), which scores their best current jobs afresh and
clears the flag. A user whose auto-apply is off keeps the flag, and the rescan that switching it on
starts clears it. Running it twice: nothing is old any more, nothing is queued twice (dedup key).
"""

from __future__ import annotations

from handlers import queries
from handlers.skills import schedules
from listeners import Context, agent

AGENT = "fit_score_expiry"


@agent(AGENT, concurrency=1, timeout=300, max_attempts=3)
async def fit_score_expiry(ctx: Context) -> int:
    await schedules.queue_next_run(ctx)
    result = await queries.expire_fit_scores(ctx.db)
    queued = 0
    for user_id in result["rescan"]:
        event = await ctx.enqueue(
            "fit_scorer", {"mode": "full", "user_id": str(user_id)}, user_id=user_id, dedup_key=f"fit_rescan:{user_id}"
        )
        queued += event is not None
    ctx.metadata.update(
        keep_days=result["keep_days"],
        scores_expired=result["scores_expired"],
        users_marked_stale=result["users_marked_stale"],
        rescans_queued=queued,
    )
    return int(result["scores_expired"])
