"""Fault suite: real worker processes, a real Postgres, things going wrong on purpose.

Each scenario counts events in and runs out and asserts that nothing is lost and that no event's
side effect happens twice at the same time.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

from listeners import database, enqueue, migrations
from listeners.local_postgres import LocalPostgres
from listeners.registry import Agent, Context
from tests.support.agents import EFFECTS_TABLE, probe_handler
from tests.support.waiting import wait_for
from tests.support.workers import WorkerProcess, running_worker

pytestmark = pytest.mark.slow
# Every choice a scenario makes is seeded, so a failure replays the same way.
SEED = 20261128


async def count(db: asyncpg.Connection, status: str) -> int:
    return await db.fetchval("SELECT count(*) FROM talvix.events WHERE status = $1", status)


async def assert_each_effect_once(db: asyncpg.Connection, total: int, killed: set[str]) -> None:
    """Every event completed once; a second attempt only ever followed a killed worker's run."""
    assert await count(db, "completed") == total
    assert await db.fetchval("SELECT count(*) FROM test_effects WHERE phase = 'end'") == total
    # Two starts of one event always belong to two different claims (attempt numbers)...
    assert (
        await db.fetchval(
            "SELECT count(*) FROM (SELECT event_id, attempt FROM test_effects WHERE phase = 'start' "
            "GROUP BY 1, 2 HAVING count(*) > 1) d"
        )
        == 0
    )
    # ...and every attempt that did not finish the event ran on a worker we killed.
    unfinished = await db.fetch(
        "SELECT DISTINCT s.worker FROM test_effects s JOIN talvix.events e ON e.id = s.event_id "
        "WHERE s.phase = 'start' AND s.attempt < e.attempts"
    )
    assert {r["worker"] for r in unfinished} <= killed


async def test_repeated_sigkill_during_a_run_loses_nothing(db: asyncpg.Connection, database_url: str, tmp_path: Path) -> None:
    await db.execute(EFFECTS_TABLE)
    total = 2000
    await db.execute(
        "INSERT INTO talvix.events (agent, payload) SELECT 'probe', "
        '\'{"record": true, "sleep": 0.02}\' FROM generate_series(1, $1)',
        total,
    )
    settings = {"lease_seconds": 1.0, "reaper_interval_seconds": 0.3, "TEST_PROBE_CONCURRENCY": 10}
    workers: dict[str, WorkerProcess] = {}
    killed: set[str] = set()
    serial = 0

    def spawn() -> None:
        nonlocal serial
        serial += 1
        name = f"w{serial}"
        workers[name] = WorkerProcess(database_url, tmp_path / f"{name}.log", name, **settings)

    spawn()
    spawn()
    try:
        rng = random.Random(SEED)
        for _ in range(12):
            done = await count(db, "completed")
            # Kill a worker that is actually running something, after some progress.
            await wait_for(
                lambda d=done: db.fetchval("SELECT count(*) >= $1 FROM talvix.events WHERE status = 'completed'", d + 60),
                timeout=60,
                message="progress between kills",
            )
            victim = rng.choice(sorted(workers))
            workers.pop(victim).kill()
            killed.add(victim)
            spawn()
        await wait_for(
            lambda: db.fetchval("SELECT count(*) = $1 FROM talvix.events WHERE status = 'completed'", total),
            timeout=120,
            interval=0.2,
            message="every event completed",
        )
    finally:
        codes = [w.terminate() for w in workers.values()]
    assert len(killed) == 12 and codes == [0] * len(codes)
    await assert_each_effect_once(db, total, killed)
    lost_runs = await db.fetchval("SELECT count(*) FROM agent_logs WHERE error_message LIKE 'lease expired%'")
    assert lost_runs >= 1  # the kills really interrupted runs, and each lost run was closed as failed


@contextlib.asynccontextmanager
async def throwaway_cluster() -> AsyncIterator[LocalPostgres]:
    with tempfile.TemporaryDirectory(prefix="talvix-fault-pg-", dir="/var/tmp") as folder:
        os.chmod(folder, 0o755)
        with LocalPostgres(Path(folder) / "data", fast=True) as pg:
            yield pg


async def insert_with_retry(dsn: str, n: int, payload: dict[str, object]) -> int:
    """Insert events one by one through a server that may restart; returns how many committed for sure."""
    committed = 0
    conn: asyncpg.Connection | None = None
    while committed < n:
        try:
            if conn is None or conn.is_closed():
                conn = await database.connect(dsn, timeout=2)
            await enqueue(conn, "probe", payload)
            committed += 1
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
            conn = None
            await asyncio.sleep(0.05)
    if conn is not None:
        await conn.close()
    return committed


async def test_postgres_restart_during_a_burst(tmp_path: Path) -> None:
    async with throwaway_cluster() as pg:
        dsn = await database.create_database(pg.dsn, "faults")
        conn = await database.connect(dsn)
        await migrations.migrate(conn)
        await conn.execute("DELETE FROM talvix.events")  # only this test's events (migration 010 queues a sweep)
        await conn.execute(EFFECTS_TABLE)
        await conn.close()
        worker = WorkerProcess(
            dsn, tmp_path / "w.log", "survivor", lease_seconds=2.0, reaper_interval_seconds=0.5, poll_interval_seconds=2.0
        )
        try:
            producer = asyncio.create_task(insert_with_retry(dsn, 1500, {"record": True, "sleep": 0.005}))
            await asyncio.sleep(0)  # let the producer start before the restart

            async def progressed() -> bool:
                with contextlib.suppress(OSError, asyncpg.PostgresError):
                    c = await asyncpg.connect(dsn)
                    try:
                        return await c.fetchval("SELECT count(*) >= 200 FROM talvix.events WHERE status = 'completed'")
                    finally:
                        await c.close()
                return False

            await wait_for(progressed, timeout=60, interval=0.1, message="burst under way")
            await asyncio.to_thread(pg.restart)
            inserted = await producer
            db = await database.connect(dsn)
            try:
                total = await db.fetchval("SELECT count(*) FROM talvix.events")
                assert total >= inserted  # an insert whose commit reply was lost may still have landed
                try:
                    await wait_for(
                        lambda: db.fetchval("SELECT count(*) = $1 FROM talvix.events WHERE status = 'completed'", total),
                        timeout=120,
                        interval=0.2,
                        message="all events completed after the restart",
                    )
                except AssertionError:
                    states = await db.fetch("SELECT status, attempts, count(*) FROM talvix.events GROUP BY 1, 2")
                    raise AssertionError(f"{states}\n{worker.log_text()[-3000:]}") from None
                assert await db.fetchval("SELECT count(*) FROM test_effects WHERE phase = 'end'") == total
            finally:
                await db.close()
            assert worker.process.poll() is None, "the worker must survive a server restart"
        finally:
            code = worker.terminate()
        assert code == 0
        assert "listener connection lost; reconnecting" in worker.log_text()
        assert "CRITICAL" not in worker.log_text()  # no background loop died of the restart


async def test_listener_terminated_while_events_arrive(db: asyncpg.Connection, database_url: str, tmp_path: Path) -> None:
    poll = 2.0
    worker = WorkerProcess(database_url, tmp_path / "w.log", "deafened", poll_interval_seconds=poll)
    try:
        await wait_for(
            lambda: db.fetchval(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND application_name LIKE 'talvix-listener%'"
            ),
            timeout=30,
        )
        deadline = time.monotonic() + 3
        terminations = 0
        sent = 0
        while time.monotonic() < deadline:
            await enqueue(db, "probe", {})
            sent += 1
            if sent % 20 == 0:  # the listener is cut every 20 events
                terminations += await db.fetchval(
                    "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND application_name LIKE 'talvix-listener%') t"
                )
            await asyncio.sleep(0.01)
        total = await db.fetchval("SELECT count(*) FROM talvix.events")
        await wait_for(
            lambda: db.fetchval("SELECT count(*) = $1 FROM talvix.events WHERE status = 'completed'", total),
            timeout=30,
            message="all events completed",
        )
    finally:
        assert worker.terminate() == 0
    assert terminations >= 2
    # No event waited longer than the fallback interval for its run to start.
    longest = await db.fetchval(
        "SELECT max(extract(epoch FROM l.created_at - e.created_at)) FROM agent_logs l JOIN talvix.events e ON e.id = l.event_id"
    )
    assert longest < poll + 1.0
    assert worker.log_text().count("listener connection lost; reconnecting") >= 2


async def test_three_workers_race_on_five_thousand_events(db: asyncpg.Connection, database_url: str, tmp_path: Path) -> None:
    await db.execute(EFFECTS_TABLE)
    total = 5000
    await db.execute(
        "INSERT INTO talvix.events (agent, payload) SELECT 'probe', '{\"record\": true}' FROM generate_series(1, $1)", total
    )
    workers = [WorkerProcess(database_url, tmp_path / f"w{i}.log", f"w{i}") for i in range(3)]
    try:
        await wait_for(
            lambda: db.fetchval("SELECT count(*) = $1 FROM talvix.events WHERE status = 'completed'", total),
            timeout=180,
            interval=0.2,
            message="all events completed",
        )
    finally:
        codes = [w.terminate() for w in workers]
    assert codes == [0, 0, 0]
    await assert_each_effect_once(db, total, killed=set())
    assert await db.fetchval("SELECT count(*) FROM test_effects WHERE phase = 'start'") == total
    assert await db.fetchval("SELECT count(DISTINCT worker) FROM test_effects") >= 2


async def test_misbehaving_handlers_never_stop_the_worker(db: asyncpg.Connection, database_url: str) -> None:
    behaviours = {"hang": 20, "raise": 30, "garbage": 30, "skip": 30, "permanent": 30, "ok": 200}
    mix = [b for b, n in behaviours.items() for _ in range(n)]
    random.Random(SEED).shuffle(mix)
    for b in mix:
        await enqueue(db, "probe", {"behaviour": b}, source=b)
    agent = Agent(
        "probe", probe_handler, concurrency=25, timeout=0.5, max_attempts=2, retry_base_seconds=0.01, retry_max_seconds=0.05
    )
    async with running_worker(database_url, [agent]):
        await wait_for(
            lambda: db.fetchval("SELECT count(*) = $1 FROM talvix.events WHERE finished_at IS NOT NULL", len(mix)),
            timeout=60,
            message="every event finished",
        )
    final = {
        (r["source"], r["status"]): r["n"]
        for r in await db.fetch("SELECT source, status, count(*) AS n FROM talvix.events GROUP BY 1, 2")
    }
    assert final == {
        ("hang", "failed"): 20,
        ("raise", "failed"): 30,
        ("garbage", "failed"): 30,
        ("skip", "skipped"): 30,
        ("permanent", "failed"): 30,
        ("ok", "completed"): 200,
    }
    runs = {
        (r["source"], r["status"]): r["n"]
        for r in await db.fetch(
            "SELECT e.source, l.status, count(*) AS n FROM agent_logs l JOIN talvix.events e ON e.id = l.event_id GROUP BY 1, 2"
        )
    }
    # Retried kinds ran twice (max_attempts=2); permanent, garbage and skip ran once.
    assert runs == {
        ("hang", "failed"): 40,
        ("raise", "failed"): 60,
        ("garbage", "failed"): 30,
        ("skip", "skipped"): 30,
        ("permanent", "failed"): 30,
        ("ok", "completed"): 200,
    }
    assert await db.fetchval("SELECT count(*) FROM agent_logs WHERE status = 'started'") == 0


async def test_flood_of_bad_input(db: asyncpg.Connection, database_url: str) -> None:
    import pydantic

    class Typed(pydantic.BaseModel):
        job_id: int

    async def typed(ctx: Context) -> int:
        return 1

    await db.execute("CREATE TABLE scraped_jobs (id serial PRIMARY KEY, title text)")
    tables_before = await db.fetchval("SELECT count(*) FROM pg_class WHERE relkind = 'r'")
    bad_conditions = [f"NEW.title = 'x{i}'); DROP TABLE scraped_jobs; --" for i in range(20)] + [
        "(SELECT true)",
        "pg_sleep(1) IS NULL OR true; SELECT 1",
        "NEW.id = 1 /* */",
        "NEW.nope",
        ")",
        "(",
        "true) EXECUTE FUNCTION pg_catalog.pg_sleep(1",
        "NEW.title::int > 0 OR (SELECT count(*) FROM pg_class) > 0",
    ]
    for condition in bad_conditions:
        with pytest.raises(asyncpg.PostgresError):
            await db.execute("SELECT * FROM talvix.watch('scraped_jobs', 'typed', condition => $1)", condition)
    for name in ["jobs; DROP TABLE scraped_jobs", "jobs'--", '"jobs"; SELECT 1', "x" * 200]:
        with pytest.raises(asyncpg.PostgresError):
            await db.execute("SELECT * FROM talvix.watch($1::regclass, 'typed')", name)
    for agent_name in ["DROP", "a b", "a;b", "", "x" * 64]:
        with pytest.raises(asyncpg.PostgresError):
            await db.execute("SELECT * FROM talvix.watch('scraped_jobs', $1)", agent_name)
    assert await db.fetchval("SELECT count(*) FROM pg_trigger WHERE tgrelid = 'scraped_jobs'::regclass") == 0
    assert await db.fetchval("SELECT count(*) FROM pg_class WHERE relkind = 'r'") == tables_before

    garbage = [{"job_id": "abc"}, {}, {"job_id": None}, {"job_id": [1]}, {"other": 1}]
    await db.executemany(
        "INSERT INTO talvix.events (agent, payload) VALUES ('typed', $1)", [(garbage[i % len(garbage)],) for i in range(500)]
    )
    await db.execute("INSERT INTO talvix.events (agent) SELECT 'nobody_' || (i % 7) FROM generate_series(1, 500) i")
    await db.execute(
        "INSERT INTO talvix.events (agent, payload) SELECT 'typed', jsonb_build_object('job_id', i) FROM generate_series(1, 200) i"
    )
    async with running_worker(database_url, [Agent("typed", typed, concurrency=20, payload_model=Typed)]):
        await wait_for(
            lambda: db.fetchval("SELECT count(*) = 1200 FROM talvix.events WHERE finished_at IS NOT NULL"),
            timeout=60,
            message="all input handled",
        )
    outcome = {
        (r["kind"], r["status"]): r["n"]
        for r in await db.fetch("SELECT split_part(agent, '_', 1) AS kind, status, count(*) AS n FROM talvix.events GROUP BY 1, 2")
    }
    assert outcome == {("typed", "completed"): 200, ("typed", "failed"): 500, ("nobody", "failed"): 500}
    messages = await db.fetch("SELECT DISTINCT split_part(error_message, ':', 1) AS m FROM agent_logs WHERE status = 'failed'")
    assert {r["m"] for r in messages} == {"malformed payload for typed", *{f"unknown agent 'nobody_{i}'" for i in range(7)}}


async def test_burst_of_100k_events_and_20k_notifications(db: asyncpg.Connection, database_url: str, tmp_path: Path) -> None:
    """A backlog of 100,000 events while 20,000 single-row inserts each send their own NOTIFY: the
    worker's memory stays bounded by its claim budget, the listener keeps the notification queue
    empty, and every event runs once. (The backlog comes from one bulk INSERT: what is bounded is
    what the worker holds, and how many rows made the backlog does not change that.)"""
    singles, total = 20_000, 100_000
    worker = WorkerProcess(database_url, tmp_path / "w.log", "burst", TEST_PROBE_CONCURRENCY=50)
    rss: list[int] = []
    peak_queue = 0.0
    try:
        await wait_for(
            lambda: db.fetchval(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND application_name LIKE 'talvix-listener%'"
            ),
            timeout=30,
        )

        async def produce(share: int) -> None:
            conn = await database.connect(database_url)
            try:
                for _ in range(share):
                    await conn.execute("INSERT INTO talvix.events (agent) VALUES ('probe')")
            finally:
                await conn.close()

        await db.execute("INSERT INTO talvix.events (agent) SELECT 'probe' FROM generate_series(1, $1)", total - singles)
        producers = asyncio.gather(*(produce(singles // 4) for _ in range(4)))
        while not producers.done():
            rss.append(_rss_kb(worker.pid))
            peak_queue = max(peak_queue, await db.fetchval("SELECT pg_notification_queue_usage()"))
            await asyncio.sleep(0.25)
        await producers
        await wait_for(
            lambda: db.fetchval("SELECT count(*) = $1 FROM talvix.events WHERE status = 'completed'", total),
            timeout=300,
            interval=0.5,
            message="the burst drained",
        )
        rss.append(_rss_kb(worker.pid))
    finally:
        assert worker.terminate() == 0
    assert await db.fetchval("SELECT count(*) FROM agent_logs WHERE status = 'completed'") == total
    # Memory stays bounded: the claim budget caps what the worker holds, whatever the burst.
    assert max(rss) < 150 * 1024, f"worker RSS peaked at {max(rss) / 1024:.0f} MB"
    assert peak_queue < 0.01  # the listener kept consuming notifications


def _rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError(f"no process {pid}")
