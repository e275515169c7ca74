"""talvix.run_rollups: every finished run counted once, whoever writes agent_logs, and p50/p95 from
its histogram close to the exact ones."""

from __future__ import annotations

from datetime import timedelta

import asyncpg
import pytest

from listeners import database, enqueue
from listeners.registry import Agent
from tests.support.agents import probe_handler
from tests.support.waiting import wait_for
from tests.support.workers import running_worker


async def rollup_counts(db: asyncpg.Connection, window: timedelta = timedelta(days=1)) -> dict[str, tuple[int, int, int]]:
    rows = await db.fetch(database.query("agent_stats"), window)
    return {r["agent"]: (r["completed"], r["failed"], r["skipped"]) for r in rows if r["completed"] + r["failed"] + r["skipped"]}


async def log_counts(db: asyncpg.Connection) -> dict[str, tuple[int, int, int]]:
    rows = await db.fetch(
        "SELECT agent_name, count(*) FILTER (WHERE status = 'completed') AS c, "
        "count(*) FILTER (WHERE status = 'failed') AS f, count(*) FILTER (WHERE status = 'skipped') AS s "
        "FROM agent_logs WHERE status <> 'started' GROUP BY 1"
    )
    return {r["agent_name"]: (r["c"], r["f"], r["s"]) for r in rows}


async def test_runs_of_a_real_worker_are_counted_exactly(database_url: str, db: asyncpg.Connection) -> None:
    for behaviour in ["ok"] * 12 + ["raise"] * 3 + ["skip"] * 2:
        await enqueue(db, "probe", {"behaviour": behaviour})
    await enqueue(db, "nobody_serves_this", {})  # failed at once by the engine: a log row inserted as failed
    async with running_worker(database_url, [Agent("probe", probe_handler, max_attempts=2)]):
        await wait_for(
            lambda: db.fetchval("SELECT count(*) = 18 FROM talvix.events WHERE finished_at IS NOT NULL"),
            timeout=20,
            message="every event finished",
        )
    assert await rollup_counts(db) == await log_counts(db)
    assert (await rollup_counts(db))["probe"] == (12, 6, 2)  # 3 raising events × 2 attempts


async def test_a_run_counts_once_and_outlives_its_log_row(db: asyncpg.Connection) -> None:
    started = await db.fetchval(
        "INSERT INTO agent_logs (agent_name, status, expires_at) VALUES ('a', 'started', now() + interval '1 day') RETURNING id"
    )
    assert await rollup_counts(db) == {}
    await db.execute("UPDATE agent_logs SET status = 'completed', duration_ms = 40, finished_at = now() WHERE id = $1", started)
    await db.execute("UPDATE agent_logs SET metadata = '{\"note\": 1}' WHERE id = $1", started)  # not a second run
    await db.execute(
        "INSERT INTO agent_logs (agent_name, status, duration_ms, finished_at, expires_at) "
        "VALUES ('a', 'failed', 0, now(), now() + interval '1 day')"
    )
    assert await rollup_counts(db) == {"a": (1, 1, 0)}
    await db.execute("DELETE FROM agent_logs")  # the janitor's expiry does not rewrite history
    assert await rollup_counts(db) == {"a": (1, 1, 0)}


async def test_windows_and_percentiles(db: asyncpg.Connection) -> None:
    await db.execute("""
        INSERT INTO agent_logs (agent_name, status, duration_ms, finished_at, expires_at)
        SELECT 'a', 'completed', (i * 37) % 5000 + 1, now() - interval '10 minutes', now() + interval '1 day'
          FROM generate_series(1, 2000) i;
        INSERT INTO agent_logs (agent_name, status, duration_ms, finished_at, expires_at)
        SELECT 'a', 'failed', 10, now() - interval '2 days', now() + interval '1 day' FROM generate_series(1, 50);
    """)
    assert await rollup_counts(db, timedelta(hours=1)) == {"a": (2000, 0, 0)}
    assert await rollup_counts(db, timedelta(days=3)) == {"a": (2000, 50, 0)}
    exact = await db.fetchrow(
        "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY duration_ms) AS p50, "
        "percentile_cont(0.95) WITHIN GROUP (ORDER BY duration_ms) AS p95 "
        "FROM agent_logs WHERE finished_at > now() - interval '1 hour'"
    )
    row = (await db.fetch(database.query("agent_stats"), timedelta(hours=1)))[0]
    assert row["p50_ms"] == pytest.approx(exact["p50"], rel=0.13)
    assert row["p95_ms"] == pytest.approx(exact["p95"], rel=0.13)


async def test_buckets_older_than_the_longest_log_retention_are_dropped(db: asyncpg.Connection) -> None:
    await db.execute(
        "INSERT INTO agent_logs (agent_name, status, duration_ms, finished_at, expires_at) "
        "VALUES ('a', 'failed', 5, now() - interval '32 days', now())"
    )
    await db.execute(
        "INSERT INTO agent_logs (agent_name, status, duration_ms, finished_at, expires_at) "
        "VALUES ('a', 'failed', 5, now() - interval '30 days', now())"
    )
    buckets = await db.fetch("SELECT bucket FROM talvix.run_rollups")
    assert len(buckets) == 1 and buckets[0]["bucket"] > await db.fetchval("SELECT now() - interval '31 days'")
