"""A test agent whose behaviour the payload chooses, for in-process and subprocess workers.

payload: {"sleep": seconds, "block": seconds, "behaviour": "ok" | "raise" | "permanent" | "skip" | "garbage" | "hang"}
("block" holds the event loop itself, as a heavy import or CPU-bound parse in a handler would.)
With "record": true it writes a row per attempt's start and one idempotent end row to test_effects,
so a test can prove each event's side effect happened once and which attempts ran where.
"""

from __future__ import annotations

import asyncio
import os
import time

from listeners.registry import Context, PermanentError, Skip, agent

EFFECTS_TABLE = """
CREATE TABLE IF NOT EXISTS test_effects (
    event_id bigint NOT NULL,
    attempt  integer NOT NULL,
    worker   text NOT NULL,
    phase    text NOT NULL CHECK (phase IN ('start', 'end')),
    at       timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE UNIQUE INDEX IF NOT EXISTS test_effects_end_once ON test_effects (event_id) WHERE phase = 'end';
"""


async def probe_handler(ctx: Context) -> int | None:
    payload = ctx.payload
    record = payload.get("record", False)
    if record:
        await ctx.db.execute(
            "INSERT INTO test_effects (event_id, attempt, worker, phase) VALUES ($1, $2, $3, 'start')",
            ctx.event.id,
            ctx.attempt,
            ctx.settings.worker_id,
        )
    if payload.get("sleep"):
        await asyncio.sleep(float(payload["sleep"]))
    if payload.get("block"):
        time.sleep(float(payload["block"]))  # noqa: ASYNC251 - blocking the loop is what this probe is for
    behaviour = payload.get("behaviour", "ok")
    if behaviour == "hang":
        await asyncio.Event().wait()
    if behaviour == "raise" and ctx.attempt <= int(payload.get("fail_attempts", 1_000)):
        raise RuntimeError(f"boom on attempt {ctx.attempt}")
    if behaviour == "permanent":
        raise PermanentError("this input can never work")
    if behaviour == "skip":
        raise Skip("nothing to do for this one")
    if behaviour == "garbage":
        return "lots"  # type: ignore[return-value]
    if record:
        # Idempotent, as every handler must be: a run re-done after a crash leaves one 'end' row.
        await ctx.db.execute(
            "INSERT INTO test_effects (event_id, attempt, worker, phase) VALUES ($1, $2, $3, 'end') "
            "ON CONFLICT (event_id) WHERE phase = 'end' DO NOTHING",
            ctx.event.id,
            ctx.attempt,
            ctx.settings.worker_id,
        )
    return int(payload.get("records", 1))


probe = agent(
    "probe",
    concurrency=int(os.environ.get("TEST_PROBE_CONCURRENCY", "10")),
    timeout=float(os.environ.get("TEST_PROBE_TIMEOUT", "30")),
    max_attempts=int(os.environ.get("TEST_PROBE_MAX_ATTEMPTS", "5")),
    retry_base_seconds=0.05,
    retry_max_seconds=0.2,
)(probe_handler)
