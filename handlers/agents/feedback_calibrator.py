"""feedback_calibrator: once a day and once a week, read the outcomes in `learning_signals` and
move `model_weights` a bounded step in the direction they point.

A run is one transaction: it takes the (run type, UTC date) row of `calibration_runs` first, so a
second run of the same date waits and then finds the date done (the weights never move twice), locks
the weights, counts the window's signals, applies the rule and records what it found and changed.
A run with too few signals changes nothing and records `skipped_insufficient_data`; a run that fails
is rolled back and recorded as `failed`, and its retry may take the date over.

The rule (deterministic, no model; every number is a row of talvix.limits):
  * window: the last day (daily) or the last 7 days (weekly) before the run; at least
    calibration_{daily,weekly}_min_signals signals of any type (10 and 50), else skipped.
  * outcomes are counted per application: called back (callback, interview or offer) or not
    (rejected, ghosted), split by the fit score at apply time against min_fit_score_threshold and by
    dream company.
  * min_fit_score_threshold goes DOWN when at least calibration_min_callbacks (3) callbacks came in
    and at least calibration_low_score_callback_pct (30 %) of them were scored below the threshold
    (Talvix is too strict: good outcomes sit below its bar). Otherwise it goes UP when at least
    calibration_min_outcomes (10) outcomes sit at or above the threshold and fewer than
    calibration_min_callback_rate_pct (5 %) of them were callbacks (the bar lets through what
    employers turn down).
  * dream_company_score_bonus goes UP when dream companies call back at a higher rate than the
    others, DOWN when at a lower one, with calibration_min_outcomes outcomes on each side.
  * a move is the run's whole allowance, relative to the weight's value before the run:
    calibration_daily_max_change_pct (5 %) or calibration_weekly_max_change_pct (20 %), rounded to
    the column's 4 decimals toward the old value, then clamped to the weight's [min_value,
    max_value] (which the table's CHECK enforces as well).

When: two rows of talvix.schedules (migration 034), `feedback_calibrator:daily` (23:30 UTC, payload
{"run_type": "daily"}) and `feedback_calibrator:weekly` (Saturday 18:45 UTC, {"run_type":
"weekly"}). Each run first queues the next run of its own schedule, the one its run type names
(skills/schedules.py), so exactly one future run of each type is pending and an UPDATE of one row
moves only that one. Signals past their expires_at are deleted by retention_cleanup.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any, Literal

import asyncpg
import pydantic

from handlers import queries
from handlers.skills import schedules
from listeners import Context, Skip, agent

AGENT = "feedback_calibrator"
RunType = Literal["daily", "weekly"]
WINDOWS: dict[str, timedelta] = {"daily": timedelta(days=1), "weekly": timedelta(days=7)}
THRESHOLD = "min_fit_score_threshold"
DREAM_BONUS = "dream_company_score_bonus"
PLACES = Decimal("0.0001")  # model_weights.weight_value is numeric(8, 4)
# What each limit is when its row is missing: the values migration 029 seeds.
DEFAULTS = {
    "calibration_daily_min_signals": 10,
    "calibration_weekly_min_signals": 50,
    "calibration_daily_max_change_pct": 5,
    "calibration_weekly_max_change_pct": 20,
    "calibration_low_score_callback_pct": 30,
    "calibration_min_callback_rate_pct": 5,
    "calibration_min_callbacks": 3,
    "calibration_min_outcomes": 10,
}


class CalibrationPayload(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    run_type: RunType


@dataclass(frozen=True)
class Weight:
    name: str
    value: Decimal
    min_value: Decimal
    max_value: Decimal


@dataclass
class Decision:
    status: Literal["completed", "skipped_insufficient_data"]
    top_finding: str
    new_values: dict[str, Decimal] = field(default_factory=dict)  # only weights that really move
    findings: list[str] = field(default_factory=list)


def setting(limits: dict[str, int], name: str) -> int:
    return limits.get(name, DEFAULTS[name])


def schedule_of(run_type: str) -> str:
    """The talvix.schedules row (migration 034) whose runs are of `run_type`."""
    return f"{AGENT}:{run_type}"


def shown(value: Decimal) -> str:
    """75.0000 as 75, 71.2500 as 71.25."""
    return f"{value.normalize():f}"


def moved(weight: Weight, direction: int, max_change_pct: int) -> Decimal:
    """`weight` moved by its allowance in `direction` (+1 or -1): at most max_change_pct percent of
    its current value, rounded toward the current value, never outside [min_value, max_value]."""
    step = abs(weight.value) * Decimal(max_change_pct) / 100
    target = (weight.value + direction * step).quantize(PLACES, rounding=ROUND_FLOOR if direction > 0 else ROUND_CEILING)
    return min(max(target, weight.min_value), weight.max_value)


def decide(run_type: str, counts: dict[str, int], weights: dict[str, Weight], limits: dict[str, int]) -> Decision:
    """The calibration rule (see the module's docstring), pure so it can be read and tested alone."""
    needed = setting(limits, f"calibration_{run_type}_min_signals")
    window = "day" if run_type == "daily" else "7 days"
    if counts["signals"] < needed:
        return Decision(
            "skipped_insufficient_data",
            f"{counts['signals']} learning signals in the last {window}; the {run_type} calibration needs {needed}",
        )
    allowance = setting(limits, f"calibration_{run_type}_max_change_pct")
    min_outcomes = setting(limits, "calibration_min_outcomes")
    directions: dict[str, tuple[int, str]] = {}  # weight → (+1 up or -1 down, why)

    threshold = weights.get(THRESHOLD)
    if threshold is not None:
        callbacks, below = counts["callbacks"], counts["callbacks_below"]
        at_or_above, called_above = counts["outcomes_at_or_above"], counts["callbacks_at_or_above"]
        bar = shown(threshold.value)
        if callbacks >= setting(limits, "calibration_min_callbacks") and below * 100 >= (
            setting(limits, "calibration_low_score_callback_pct") * callbacks
        ):
            directions[THRESHOLD] = (-1, f"{below} of {callbacks} callbacks came from applications scored below {bar}")
        elif at_or_above >= min_outcomes and (
            called_above * 100 < setting(limits, "calibration_min_callback_rate_pct") * at_or_above
        ):
            directions[THRESHOLD] = (+1, f"only {called_above} of {at_or_above} applications scored {bar} or more were called back")

    bonus = weights.get(DREAM_BONUS)
    dream, dream_called = counts["dream_outcomes"], counts["dream_callbacks"]
    other, other_called = counts["other_outcomes"], counts["other_callbacks"]
    # dream_called / dream against other_called / other, without division
    if bonus is not None and dream >= min_outcomes and other >= min_outcomes and dream_called * other != other_called * dream:
        higher = dream_called * other > other_called * dream
        directions[DREAM_BONUS] = (
            +1 if higher else -1,
            f"dream companies called back {dream_called} of {dream}, the others {other_called} of {other}",
        )

    new_values: dict[str, Decimal] = {}
    findings: list[str] = []
    for name, (direction, why) in directions.items():
        before = weights[name].value
        after = moved(weights[name], direction, allowance)
        if after != before:
            new_values[name] = after
            findings.append(f"{why}: {name} {'raised' if direction > 0 else 'lowered'} from {shown(before)} to {shown(after)}")
        else:
            findings.append(f"{why}: {name} stays at its {'maximum' if direction > 0 else 'minimum'}, {shown(before)}")
    top = findings[0] if findings else f"no rule fired on {counts['outcomes']} outcomes from {counts['signals']} signals"
    return Decision("completed", top, new_values, findings)


@dataclass(frozen=True)
class Calibration:
    """What one run did: None as run_id when its date had already been calibrated."""

    run_id: int | None
    status: str
    top_finding: str
    weights_changed: dict[str, dict[str, float]]
    signal_count: int


async def calibrate(pool: asyncpg.Pool[Any], run_type: str, *, now: datetime, limits: dict[str, int]) -> Calibration:
    """One calibration of `run_type` for the UTC date of `now`, over the window that ends at `now`."""
    window_start, run_date = now - WINDOWS[run_type], now.astimezone(UTC).date()
    began = time.monotonic()
    try:
        async with pool.acquire() as conn, conn.transaction():
            run_id = await queries.claim_calibration_run(
                conn, run_type=run_type, run_date=run_date, window_start=window_start, window_end=now
            )
            if run_id is None:
                done = await queries.calibration_run(conn, run_type=run_type, run_date=run_date)
                status = done["status"] if done else "unknown"
                return Calibration(None, status, done["top_finding"] if done else "", {}, 0)
            weights = {
                r["weight_name"]: Weight(r["weight_name"], r["weight_value"], r["min_value"], r["max_value"])
                for r in await queries.calibration_weights(conn)
            }
            threshold = weights[THRESHOLD].value if THRESHOLD in weights else None
            counts = dict(await queries.calibration_signals(conn, window_start=window_start, window_end=now, threshold=threshold))
            decision = decide(run_type, counts, weights, limits)
            if decision.new_values:
                await queries.save_model_weights(conn, values=decision.new_values, updated_by=f"{AGENT}:{run_type}")
            changed = {
                name: {"before": float(weights[name].value), "after": float(after)} for name, after in decision.new_values.items()
            }
            await queries.finish_calibration_run(
                conn,
                run_id=run_id,
                status=decision.status,
                signal_count=counts["signals"],
                weights_changed=changed,
                findings={**counts, "notes": decision.findings},
                top_finding=decision.top_finding,
                duration_ms=int((time.monotonic() - began) * 1000),
            )
            return Calibration(run_id, decision.status, decision.top_finding, changed, counts["signals"])
    except Exception as exc:
        await queries.calibration_failed(
            pool,
            run_type=run_type,
            run_date=run_date,
            window_start=window_start,
            window_end=now,
            error=f"{type(exc).__name__}: {exc}",
            duration_ms=int((time.monotonic() - began) * 1000),
        )
        raise


@agent(AGENT, concurrency=1, timeout=120, max_attempts=3, payload_model=CalibrationPayload)
async def feedback_calibrator(ctx: Context) -> int:
    assert isinstance(ctx.input, CalibrationPayload)
    run_type = ctx.input.run_type
    # The next run of this type first, so that whatever this one does (skip, fail), its schedule
    # goes on; the run type names the schedule even for a run queued by hand, without a dedup key.
    ctx.metadata["run_type"] = run_type
    await schedules.queue_next_run(ctx, schedule_of(run_type))
    limits = await queries.limits(ctx.db)
    now = datetime.now(UTC)
    result = await calibrate(ctx.db, run_type, now=now, limits=limits)
    ctx.metadata.update(calibration_run=result.run_id, signals=result.signal_count, weights_changed=result.weights_changed)
    if result.run_id is None:
        raise Skip(f"the {run_type} calibration of {now.date().isoformat()} already ran ({result.status})")
    if result.status == "skipped_insufficient_data":
        raise Skip(result.top_finding)
    return len(result.weights_changed)
