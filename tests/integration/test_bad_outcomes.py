"""One run whose outcome cannot be written must never stall the others: a value JSON cannot encode
fails that run alone with a clear message, and a batch the database refuses is split so the rest
are written."""

from __future__ import annotations

import os
import uuid
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import pytest

from listeners.registry import Agent, Context
from tests.support.agents import EFFECTS_TABLE
from tests.support.waiting import wait_for
from tests.support.workers import WorkerProcess, running_worker


async def with_metadata(ctx: Context) -> int:
    kind = ctx.payload.get("kind")
    if kind == "datetime":
        ctx.metadata["when"] = datetime.now(UTC)  # JSON cannot encode it
    elif kind == "nan":
        ctx.metadata["score"] = float("nan")  # JSON can, jsonb cannot
    elif kind == "nul":
        ctx.metadata["note"] = "a\x00b"  # encodes, and Postgres refuses \\u0000 in jsonb
    else:
        ctx.metadata["fine"] = True
    return 1


async def _none_held(worker: object) -> bool:
    return not worker.runner.held_event_ids()  # type: ignore[attr-defined]


@pytest.mark.parametrize("kind", ["datetime", "nan", "nul"])
async def test_one_unwritable_outcome_fails_alone(db: asyncpg.Connection, database_url: str, kind: str) -> None:
    await db.execute(
        "INSERT INTO talvix.events (agent, payload) SELECT 'meta', jsonb_build_object('kind', $1::text) "
        "FROM generate_series(1, 1) UNION ALL SELECT 'meta', '{}' FROM generate_series(1, 5)",
        kind,
    )
    agent = Agent("meta", with_metadata, concurrency=10, timeout=10, max_attempts=3)
    async with running_worker(database_url, [agent]) as worker:
        await wait_for(
            lambda: db.fetchval("SELECT count(*) = 6 FROM talvix.events WHERE finished_at IS NOT NULL"),
            timeout=15,
            message="every event finished",
        )
        # Nothing left held (once the writer has heard back), so no lease is renewed forever.
        await wait_for(lambda: _none_held(worker), timeout=5, message="no event held")
    rows = await db.fetch(
        "SELECT e.status, e.payload, l.status AS log_status, l.error_message, l.metadata "
        "FROM talvix.events e JOIN agent_logs l ON l.event_id = e.id ORDER BY e.id"
    )
    bad, *innocent = rows
    assert [r["status"] for r in innocent] == ["completed"] * 5
    assert all(r["metadata"]["fine"] is True for r in innocent)
    assert (bad["status"], bad["log_status"]) == ("failed", "failed")
    assert "could not be recorded" in bad["error_message"] or "cannot be stored as JSON" in bad["error_message"]
    if kind != "nul":
        assert "ctx.metadata" in bad["error_message"] and ("'when'" in bad["error_message"] or "'score'" in bad["error_message"])


async def test_a_handler_blocking_the_loop_keeps_its_lease(db: asyncpg.Connection, database_url: str, tmp_path: Path) -> None:
    """The lease keeper has a thread and a connection of its own: a loop blocked for four leases
    does not let another worker's reaper take the event and run it a second time."""
    await db.execute(EFFECTS_TABLE)
    settings = {"lease_seconds": 1.0, "reaper_interval_seconds": 0.2}
    await db.execute("INSERT INTO talvix.events (agent, payload) VALUES ('probe', '{\"block\": 4, \"record\": true}')")
    blocker = WorkerProcess(database_url, tmp_path / "blocker.log", "blocker", **settings)
    await wait_for(lambda: db.fetchval("SELECT count(*) = 1 FROM test_effects"), timeout=30, message="the blocking run")
    other = WorkerProcess(database_url, tmp_path / "other.log", "other", **settings)  # its reaper is watching
    try:
        await wait_for(lambda: db.fetchval("SELECT status = 'completed' FROM talvix.events"), timeout=30, message="done")
    finally:
        assert blocker.terminate() == 0 and other.terminate() == 0
    starts = await db.fetch("SELECT worker, attempt FROM test_effects WHERE phase = 'start'")
    assert [(r["worker"], r["attempt"]) for r in starts] == [("blocker", 1)]  # one run, never taken back
    assert "the event loop was blocked for" in blocker.log_text()  # and the stall was reported


async def leaky(ctx: Context) -> int:
    key = os.environ["TALVIX_LLM_API_KEY"]
    ctx.metadata["provider_said"] = {"detail": [f"invalid api key {key}"]}
    raise RuntimeError(f"401 from provider: Incorrect API key provided: {key}")


async def test_a_secret_in_an_error_is_never_stored_nor_logged(
    db: asyncpg.Connection, database_url: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    key = "sk-live-" + uuid.uuid4().hex
    monkeypatch.setenv("TALVIX_LLM_API_KEY", key)
    await db.execute("INSERT INTO talvix.events (agent, payload) VALUES ('leaky', '{}')")
    agent = Agent("leaky", leaky, concurrency=1, timeout=10, max_attempts=2, retry_base_seconds=0.01, retry_max_seconds=0.02)
    async with running_worker(database_url, [agent]):
        await wait_for(lambda: db.fetchval("SELECT status = 'failed' FROM talvix.events"), timeout=15, message="failed")
    stored = await db.fetchval("SELECT string_agg(coalesce(error_message, '') || metadata::text, ' ') FROM agent_logs")
    stored += await db.fetchval("SELECT last_error FROM talvix.events")
    assert key not in stored and "[redacted]" in stored
    assert "Incorrect API key provided" in stored  # the rest of the message stays useful
    assert key not in caplog.text
