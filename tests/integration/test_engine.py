"""The engine's guarantees on a real PostgreSQL: wake-up, claiming, outcomes and agent_logs."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import pydantic
import pytest

from listeners import enqueue
from listeners.registry import Agent, Context, PermanentError, Skip
from tests.support.agents import EFFECTS_TABLE, probe_handler
from tests.support.waiting import wait_for
from tests.support.workers import running_worker


def percentile(ordered: list[int], q: float) -> float:
    """Linear interpolation between closest ranks, as Postgres' percentile_cont does."""
    k = (len(ordered) - 1) * q
    low = int(k)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def probe(**kw: Any) -> Agent:
    defaults: dict[str, Any] = {
        "concurrency": 10,
        "timeout": 30,
        "max_attempts": 5,
        "retry_base_seconds": 0.05,
        "retry_max_seconds": 0.2,
    }
    return Agent("probe", probe_handler, **{**defaults, **kw})


async def statuses(db: asyncpg.Connection) -> dict[str, int]:
    return dict(await db.fetch("SELECT status, count(*) FROM talvix.events GROUP BY status"))


async def settled(db: asyncpg.Connection, total: int) -> bool:
    done = await db.fetchval("SELECT count(*) FROM talvix.events WHERE status IN ('completed', 'failed', 'skipped')")
    return done == total


async def test_insert_into_watched_table_wakes_worker_by_notify(db: asyncpg.Connection, database_url: str) -> None:
    await db.execute("CREATE TABLE postings (id serial PRIMARY KEY, user_id uuid, title text)")
    await db.execute("SELECT talvix.watch('postings', 'probe')")
    # The worker's fallback poll is 60 s, so finishing within seconds proves the NOTIFY woke it.
    async with running_worker(database_url, [probe()]) as worker:
        await db.execute("INSERT INTO postings (user_id, title) VALUES ('6f1c1d4e-8a0b-4c9e-9d55-0c1d2e3f4a5b', 'x')")
        await wait_for(lambda: settled(db, 1), timeout=5, message="event completed")
        assert worker.claims >= 1
    event = await db.fetchrow("SELECT * FROM talvix.events")
    assert event["status"] == "completed"
    assert event["payload"] == {
        "table": "public.postings",
        "op": "INSERT",
        "row": {"id": 1, "user_id": "6f1c1d4e-8a0b-4c9e-9d55-0c1d2e3f4a5b"},
    }
    assert str(event["user_id"]) == "6f1c1d4e-8a0b-4c9e-9d55-0c1d2e3f4a5b"
    assert event["source"] == "public.postings INSERT"


async def test_bulk_insert_sends_one_small_notification(db: asyncpg.Connection, database_url: str) -> None:
    await db.execute("CREATE TABLE postings (id serial PRIMARY KEY, body text)")
    await db.execute("SELECT talvix.watch('postings', 'probe')")
    heard: list[str] = []
    listener = await asyncpg.connect(database_url)
    await listener.add_listener("talvix_events", lambda *args: heard.append(args[3]))
    # Rows far larger than NOTIFY's 8,000-byte payload limit: the payload never carries the row.
    await db.execute("INSERT INTO postings (body) SELECT repeat('x', 10000) FROM generate_series(1, 5000)")
    await db.execute("SELECT pg_notify('talvix_events', 'marker')")  # arrives after anything from the insert
    await wait_for(lambda: asyncio.sleep(0, "marker" in heard), timeout=5, message="marker notification")
    await listener.close()
    assert heard == ["probe", "marker"]
    assert await db.fetchval("SELECT count(*) FROM talvix.events WHERE agent = 'probe'") == 5000


async def test_events_inserted_while_no_worker_runs_are_processed_at_start(db: asyncpg.Connection, database_url: str) -> None:
    for i in range(25):
        await enqueue(db, "probe", {"i": i})
    async with running_worker(database_url, [probe()]):
        await wait_for(lambda: settled(db, 25), timeout=10, message="backlog drained")
    assert await statuses(db) == {"completed": 25}


async def test_agent_logs_follow_the_seed_lifecycle(db: asyncpg.Connection, database_url: str) -> None:
    gate = asyncio.Event()
    running = asyncio.Event()

    async def slow(ctx: Context) -> int:
        running.set()
        await gate.wait()
        ctx.metadata["tokens"] = 42
        return 7

    event_id = await enqueue(db, "slow", {}, user_id="6f1c1d4e-8a0b-4c9e-9d55-0c1d2e3f4a5b")
    async with running_worker(database_url, [Agent("slow", slow)]):
        await asyncio.wait_for(running.wait(), 5)
        # The 'started' row is written beside the handler's start, so it shows while the run is going.
        await wait_for(lambda: db.fetchval("SELECT count(*) FROM agent_logs"), timeout=5, message="started row")
        during = await db.fetchrow("SELECT * FROM agent_logs")
        assert not gate.is_set()
        assert during["status"] == "started" and during["finished_at"] is None
        assert during["event_id"] == event_id and during["agent_name"] == "slow"
        gate.set()
        await wait_for(lambda: settled(db, 1), timeout=5)
    row = await db.fetchrow("SELECT *, now() AS db_now FROM agent_logs")
    assert row["status"] == "completed" and row["records_processed"] == 7
    assert row["duration_ms"] >= 0 and row["error_message"] is None
    assert row["metadata"]["tokens"] == 42 and row["metadata"]["attempt"] == 1
    assert str(row["user_id"]) == "6f1c1d4e-8a0b-4c9e-9d55-0c1d2e3f4a5b"
    assert row["created_at"].tzinfo is not None
    assert abs(row["expires_at"] - (row["db_now"] + timedelta(days=3))) < timedelta(minutes=1)


async def test_retries_with_backoff_then_fail_with_thirty_day_logs(db: asyncpg.Connection, database_url: str) -> None:
    event_id = await enqueue(db, "probe", {"behaviour": "raise"})
    async with running_worker(database_url, [probe(max_attempts=3)]):
        await wait_for(lambda: settled(db, 1), timeout=10)
    event = await db.fetchrow("SELECT * FROM talvix.events WHERE id = $1", event_id)
    assert event["status"] == "failed" and event["attempts"] == 3
    assert "giving up" in event["last_error"]
    logs = await db.fetch("SELECT *, now() AS db_now FROM agent_logs ORDER BY created_at")
    assert [r["status"] for r in logs] == ["failed"] * 3
    assert [r["metadata"]["attempt"] for r in logs] == [1, 2, 3]
    assert "RuntimeError: boom on attempt 1" in logs[0]["error_message"] and "retrying in" in logs[0]["error_message"]
    for r in logs:
        assert abs(r["expires_at"] - (r["db_now"] + timedelta(days=30))) < timedelta(minutes=1)
    # Backoff: each retry started only after the previous attempt's delay.
    assert logs[1]["created_at"] - logs[0]["finished_at"] >= timedelta(seconds=0.02)


async def test_retry_that_then_succeeds(db: asyncpg.Connection, database_url: str) -> None:
    await enqueue(db, "probe", {"behaviour": "raise", "fail_attempts": 2})
    async with running_worker(database_url, [probe(max_attempts=5)]):
        await wait_for(lambda: settled(db, 1), timeout=10)
    assert [r["status"] for r in await db.fetch("SELECT status FROM agent_logs ORDER BY created_at")] == [
        "failed",
        "failed",
        "completed",
    ]
    assert await db.fetchval("SELECT attempts FROM talvix.events") == 3


@pytest.mark.parametrize(
    ("behaviour", "event_status", "log_status", "message"),
    [
        ("permanent", "failed", "failed", "PermanentError: this input can never work"),
        ("skip", "skipped", "skipped", "nothing to do for this one"),
        ("garbage", "failed", "failed", "handler returned str 'lots'"),
    ],
)
async def test_final_states_without_retry(
    db: asyncpg.Connection, database_url: str, behaviour: str, event_status: str, log_status: str, message: str
) -> None:
    await enqueue(db, "probe", {"behaviour": behaviour})
    async with running_worker(database_url, [probe(max_attempts=5)]):
        await wait_for(lambda: settled(db, 1), timeout=10)
    event = await db.fetchrow("SELECT status, attempts FROM talvix.events")
    assert (event["status"], event["attempts"]) == (event_status, 1)
    log = await db.fetchrow("SELECT *, now() AS db_now FROM agent_logs")
    assert log["status"] == log_status and message in log["error_message"]
    days = 30 if log_status == "failed" else 3
    assert abs(log["expires_at"] - (log["db_now"] + timedelta(days=days))) < timedelta(minutes=1)


async def test_timeout_cancels_handler_and_counts_as_failed_attempt(db: asyncpg.Connection, database_url: str) -> None:
    await enqueue(db, "probe", {"behaviour": "hang"})
    async with running_worker(database_url, [probe(timeout=0.3, max_attempts=2)]) as worker:
        await wait_for(lambda: settled(db, 1), timeout=10)
        assert not worker.runner.running
    assert [r["error_message"].split(" (")[0] for r in await db.fetch("SELECT error_message FROM agent_logs")] == [
        "timed out after 0.3s"
    ] * 2
    assert await db.fetchval("SELECT status FROM talvix.events") == "failed"


async def test_malformed_payload_fails_at_once_with_precise_message(db: asyncpg.Connection, database_url: str) -> None:
    class Payload(pydantic.BaseModel):
        job_id: int

    async def handler(ctx: Context) -> int:
        return 1

    await enqueue(db, "typed", {"job_id": "not-a-number"})
    async with running_worker(database_url, [Agent("typed", handler, payload_model=Payload)]):
        await wait_for(lambda: settled(db, 1), timeout=5)
    log = await db.fetchrow("SELECT status, error_message FROM agent_logs")
    assert log["status"] == "failed"
    assert log["error_message"].startswith("malformed payload for typed: job_id: Input should be a valid integer")
    assert await db.fetchval("SELECT attempts FROM talvix.events") == 1


async def test_unknown_agent_fails_at_once_and_others_keep_running(db: asyncpg.Connection, database_url: str) -> None:
    async with running_worker(database_url, [probe()]):
        bad = await enqueue(db, "no_such_agent", {})
        good = await enqueue(db, "probe", {})
        await wait_for(lambda: settled(db, 2), timeout=10)
    rows = {r["id"]: r for r in await db.fetch("SELECT id, status, last_error FROM talvix.events")}
    assert rows[good]["status"] == "completed"
    assert rows[bad]["status"] == "failed"
    assert rows[bad]["last_error"].startswith("unknown agent 'no_such_agent': no handler is registered")
    log = await db.fetchrow("SELECT * FROM agent_logs WHERE event_id = $1", bad)
    assert log["status"] == "failed" and log["agent_name"] == "no_such_agent"


async def test_agent_served_elsewhere_is_not_failed_as_unknown(db: asyncpg.Connection, database_url: str) -> None:
    async def other(ctx: Context) -> int:
        return 1

    # This worker knows both agents but serves only probe: the other's events must wait, not fail.
    async with running_worker(database_url, [probe(), Agent("other", other)], agents=["probe"]):
        other_id = await enqueue(db, "other", {})
        await enqueue(db, "probe", {})
        await wait_for(lambda: db.fetchval("SELECT count(*) = 1 FROM talvix.events WHERE status = 'completed'"))
    assert await db.fetchval("SELECT status FROM talvix.events WHERE id = $1", other_id) == "pending"


async def test_long_handler_renews_its_lease(db: asyncpg.Connection, database_url: str) -> None:
    await enqueue(db, "probe", {"sleep": 2.5})
    async with running_worker(database_url, [probe()], lease_seconds=0.9):
        await wait_for(lambda: settled(db, 1), timeout=15)
    # Three leases long, never reaped: one attempt, one completed log.
    assert await db.fetchval("SELECT attempts FROM talvix.events") == 1
    assert [r["status"] for r in await db.fetch("SELECT status FROM agent_logs")] == ["completed"]


async def test_dedup_key_allows_one_pending_or_running_event(db: asyncpg.Connection, database_url: str) -> None:
    first = await enqueue(db, "probe", {}, dedup_key="user-1:rescan")
    assert first is not None
    assert await enqueue(db, "probe", {}, dedup_key="user-1:rescan") is None
    assert await enqueue(db, "probe", {}, dedup_key="user-2:rescan") is not None
    async with running_worker(database_url, [probe()]):
        await wait_for(lambda: settled(db, 2), timeout=5)
    # Once the first has finished, the same key may be used again.
    assert await enqueue(db, "probe", {}, dedup_key="user-1:rescan") is not None


async def test_delayed_event_runs_when_due_without_polling(db: asyncpg.Connection, database_url: str) -> None:
    async with running_worker(database_url, [probe()]):
        event_id = await enqueue(db, "probe", {}, delay_seconds=1.0)
        await wait_for(lambda: settled(db, 1), timeout=8)
    event = await db.fetchrow("SELECT created_at, run_after, finished_at FROM talvix.events WHERE id = $1", event_id)
    assert event["finished_at"] >= event["run_after"] >= event["created_at"] + timedelta(seconds=0.99)


async def test_concurrency_limit_is_respected(db: asyncpg.Connection, database_url: str) -> None:
    running = 0
    peak = 0

    async def limited(ctx: Context) -> int:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        await asyncio.sleep(0.01)
        running -= 1
        return 1

    await db.execute("INSERT INTO talvix.events (agent) SELECT 'limited' FROM generate_series(1, 200)")
    async with running_worker(database_url, [Agent("limited", limited, concurrency=3)]):
        await wait_for(lambda: settled(db, 200), timeout=20)
    assert peak == 3


async def test_handler_can_enqueue_follow_up_work(db: asyncpg.Connection, database_url: str) -> None:
    async def first(ctx: Context) -> int:
        await ctx.enqueue("second", {"from": ctx.event.id})
        return 1

    async def second(ctx: Context) -> int:
        if "from" not in ctx.payload:
            raise PermanentError("missing 'from'")
        return 1

    first_id = await enqueue(db, "first", {}, user_id="6f1c1d4e-8a0b-4c9e-9d55-0c1d2e3f4a5b")
    async with running_worker(database_url, [Agent("first", first), Agent("second", second)]):
        await wait_for(lambda: settled(db, 2), timeout=5)
    follow = await db.fetchrow("SELECT * FROM talvix.events WHERE agent = 'second'")
    assert follow["payload"] == {"from": first_id} and follow["status"] == "completed"
    assert follow["source"] == "agent:first" and str(follow["user_id"]) == "6f1c1d4e-8a0b-4c9e-9d55-0c1d2e3f4a5b"


async def test_graceful_shutdown_finishes_running_and_hands_back_unstarted(db: asyncpg.Connection, database_url: str) -> None:
    await db.execute(EFFECTS_TABLE)
    ids = [await enqueue(db, "probe", {"sleep": 0.5, "record": True}) for _ in range(4)]
    async with running_worker(database_url, [probe(concurrency=1)], prefetch_factor=3.0) as worker:
        await wait_for(lambda: db.fetchval("SELECT count(*) = 1 FROM test_effects"), message="first run started")
        assert len(worker.runner.waiting) == 3  # claimed, waiting for the single slot
    # The running one finished; the three that never started are pending again, attempt not counted.
    rows = await db.fetch("SELECT id, status, attempts FROM talvix.events ORDER BY id")
    assert [(r["status"], r["attempts"]) for r in rows] == [("completed", 1)] + [("pending", 0)] * 3
    assert [r["status"] for r in await db.fetch("SELECT status FROM agent_logs")] == ["completed"]
    assert await db.fetchval("SELECT stopped_at IS NOT NULL FROM talvix.workers") is True
    assert ids[0] == rows[0]["id"]


async def test_shutdown_grace_exceeded_records_cancelled_run(db: asyncpg.Connection, database_url: str) -> None:
    await enqueue(db, "probe", {"behaviour": "hang"})
    async with running_worker(database_url, [probe(max_attempts=1)], shutdown_grace_seconds=0.2) as worker:
        await wait_for(lambda: asyncio.sleep(0, bool(worker.runner.running)), message="handler running")
    event = await db.fetchrow("SELECT status, attempts FROM talvix.events")
    # Not the handler's fault: the event waits for the next worker with its attempt refunded.
    assert (event["status"], event["attempts"]) == ("pending", 0)
    log = await db.fetchrow("SELECT status, error_message FROM agent_logs")
    assert log["status"] == "failed" and log["error_message"].startswith("cancelled: the worker shut down")


async def test_expired_logs_and_old_events_are_deleted(db: asyncpg.Connection, database_url: str) -> None:
    from listeners import janitor

    await db.execute("""
        INSERT INTO agent_logs (agent_name, status, finished_at, expires_at)
        VALUES ('a', 'completed', now(), now() - interval '1 minute'),
               ('a', 'failed', now(), now() + interval '29 days');
        INSERT INTO talvix.events (agent, status, finished_at)
        VALUES ('a', 'completed', now() - interval '4 days'), ('a', 'failed', now() - interval '4 days'),
               ('a', 'completed', now());
    """)
    pool = await asyncpg.create_pool(database_url, min_size=1, max_size=1)
    try:
        assert await janitor.delete_expired(pool) == (1, 1)
    finally:
        await pool.close()
    assert await db.fetchval("SELECT count(*) FROM agent_logs") == 1
    assert sorted(r["status"] for r in await db.fetch("SELECT status FROM talvix.events")) == ["completed", "failed"]


async def test_stats_query_reports_percentiles_and_backlog(db: asyncpg.Connection) -> None:
    from listeners import database

    await db.execute("""
        INSERT INTO agent_logs (agent_name, status, duration_ms, finished_at, expires_at)
        SELECT 'a', CASE WHEN i <= 90 THEN 'completed' ELSE 'failed' END, i, now(), now() + interval '1 day'
          FROM generate_series(1, 100) i;
        INSERT INTO talvix.events (agent, run_after) VALUES ('a', now() - interval '10 seconds'), ('a', now() + interval '1 hour');
    """)
    row = (await db.fetch(database.query("agent_stats"), timedelta(hours=1)))[0]
    assert (row["completed"], row["failed"], row["pending"], row["due"]) == (90, 10, 2, 1)
    assert float(row["failure_rate"]) == 0.1
    # From the duration histogram: 10 buckets per decade, so within 13% of the exact percentile.
    durations = sorted(range(1, 101))
    assert float(row["p50_ms"]) == pytest.approx(percentile(durations, 0.5), rel=0.13)
    assert float(row["p95_ms"]) == pytest.approx(percentile(durations, 0.95), rel=0.13)
    assert float(row["oldest_due_seconds"]) >= 10


async def test_payload_json_round_trips(db: asyncpg.Connection, database_url: str) -> None:
    payload = {"nested": {"list": [1, 2.5, None, "ü"]}, "when": datetime.now(UTC).isoformat()}
    seen: list[dict[str, Any]] = []

    async def echo(ctx: Context) -> int:
        seen.append(ctx.payload)
        return 0

    await enqueue(db, "echo", payload)
    async with running_worker(database_url, [Agent("echo", echo)]):
        await wait_for(lambda: settled(db, 1), timeout=5)
    assert seen == [json.loads(json.dumps(payload))]


async def test_skip_reason_is_recorded(db: asyncpg.Connection, database_url: str) -> None:
    async def gate(ctx: Context) -> int:
        raise Skip("LinkedIn budget spent for today")

    await enqueue(db, "gate", {})
    async with running_worker(database_url, [Agent("gate", gate)]):
        await wait_for(lambda: settled(db, 1), timeout=5)
    assert await db.fetchval("SELECT error_message FROM agent_logs WHERE status = 'skipped'") == "LinkedIn budget spent for today"


async def test_release_dedup_key_lets_new_work_queue_during_a_run(db: asyncpg.Connection, database_url: str) -> None:
    started, proceed = asyncio.Event(), asyncio.Event()
    runs: list[int] = []

    async def collector(ctx: Context) -> int:
        await ctx.release_dedup_key()
        runs.append(ctx.event.id)
        started.set()
        await proceed.wait()
        return 1

    await enqueue(db, "collector", {}, dedup_key="new-jobs")
    async with running_worker(database_url, [Agent("collector", collector, concurrency=1)]):
        await asyncio.wait_for(started.wait(), 5)
        # While the first run goes on, two more arrivals fold into ONE new pending event.
        second = await enqueue(db, "collector", {}, dedup_key="new-jobs")
        assert second is not None
        assert await enqueue(db, "collector", {}, dedup_key="new-jobs") is None
        proceed.set()
        await wait_for(lambda: settled(db, 2), timeout=10)
    assert len(runs) == 2
