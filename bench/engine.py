"""Engine benchmark: drain throughput, wake-up latency against the NOTIFY floor, and idle cost.

    talvix bench engine                    # everything, ~2 minutes
    talvix bench engine drain --events 5000 50000
    talvix bench engine insert --events 50000       # a bulk INSERT through a watched table
    talvix bench engine scale --events 20000        # one backlog, 1 then 2 worker processes
    talvix bench engine latency --rates 20 200

Each scenario runs in a fresh database on the same server (DATABASE_URL, else 127.0.0.1:5432, else
a private local cluster). agent_logs are written for every run, as in production. Results are
printed as a table and written as JSON under bench/results/.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg

from listeners import cli, database, migrations
from listeners.local_postgres import LocalPostgres
from listeners.registry import REGISTRY
from listeners.settings import load_settings
from listeners.worker import Worker

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results"


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    low = int(k)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def summary_ms(seconds: list[float]) -> dict[str, float]:
    ms = [s * 1000 for s in seconds]
    return {
        "n": len(ms),
        "p50": quantile(ms, 0.5),
        "p95": quantile(ms, 0.95),
        "p99": quantile(ms, 0.99),
        "max": max(ms),
        "mean": statistics.fmean(ms),
    }


@contextlib.asynccontextmanager
async def server() -> AsyncIterator[str]:
    configured = os.environ.get("DATABASE_URL")
    if configured:
        yield configured
        return
    machine = "postgresql://postgres@127.0.0.1:5432/postgres"
    try:
        await (await asyncpg.connect(machine, timeout=3)).close()
        reachable = True
    except (OSError, asyncpg.PostgresError):
        reachable = False
    if reachable:
        yield machine
        return
    with tempfile.TemporaryDirectory(prefix="talvix-bench-pg-", dir="/var/tmp") as folder:
        os.chmod(folder, 0o755)
        with LocalPostgres(Path(folder) / "data") as pg:
            yield pg.dsn


@contextlib.asynccontextmanager
async def tracking(description: str, total: int, done: Callable[[], int]) -> AsyncIterator[None]:
    """A progress bar following `done()` while the block runs. Only on a terminal: with output piped,
    nothing extra runs beside the measurement."""
    with cli.progress_bar() as bar:
        if bar.disable:
            yield
            return
        task = bar.add_task(description, total=total)

        async def follow() -> None:
            while True:
                bar.update(task, completed=done())
                await asyncio.sleep(0.25)

        follower = asyncio.create_task(follow())
        try:
            yield
        finally:
            follower.cancel()


# The application's side of every Talvix measurement: a row inserted into a table an admin has
# watched (`talvix.watch`), whose trigger creates the event and sends the NOTIFY, as in production.
POSTING_INSERT = "INSERT INTO bench_postings (user_id, title) VALUES (NULL, 'posting') RETURNING id"
POSTINGS_BULK_INSERT = "INSERT INTO bench_postings (user_id, title) SELECT NULL, 'posting ' || i FROM generate_series(1, $1) i"


@contextlib.asynccontextmanager
async def fresh_database(server_dsn: str) -> AsyncIterator[str]:
    """A new database with the engine's migrations and `bench_postings`, watched by bench_noop."""
    name = f"talvix_bench_{uuid.uuid4().hex[:10]}"
    dsn = await database.create_database(server_dsn, name)
    conn = await database.connect(dsn)
    await migrations.migrate(conn)
    await conn.execute("DELETE FROM talvix.events")  # measure only the benchmark's own events
    await conn.execute("CREATE TABLE bench_postings (id bigserial PRIMARY KEY, user_id uuid, title text)")
    await conn.execute("SELECT talvix.watch('bench_postings', 'bench_noop')")
    await conn.close()
    try:
        yield dsn
    finally:
        await database.drop_database(server_dsn, name)


# ------------------------------------------------------------------------------------------ drain


async def drain(server_dsn: str, events: int, prefetch_factor: float) -> dict[str, Any]:
    from bench import agents

    async with fresh_database(server_dsn) as dsn:
        conn = await database.connect(dsn)
        await conn.execute(POSTINGS_BULK_INSERT, events)
        await conn.execute("ANALYZE talvix.events")
        all_started = agents.expect(events)
        settings = load_settings(
            database_url=dsn, worker_id="bench-drain", prefetch_factor=prefetch_factor, poll_interval_seconds=60
        )
        worker = Worker(settings, {"bench_noop": REGISTRY["bench_noop"]})
        task = asyncio.create_task(worker.run())
        await worker.started.wait()
        started = time.perf_counter()
        async with tracking(f"drain {events}", events, lambda: len(agents.CALLS)):
            waiting = asyncio.create_task(all_started.wait())
            await asyncio.wait({waiting, task}, return_when=asyncio.FIRST_COMPLETED)
            if not waiting.done():  # the worker stopped (it logged why): a benchmark must not hang on it
                waiting.cancel()
                raise RuntimeError(f"the worker stopped after {len(agents.CALLS)} of {events} events")
        assert worker.outcomes is not None
        await worker.outcomes.drained()
        elapsed = time.perf_counter() - started
        worker.stop()
        await task
        completed = await conn.fetchval("SELECT count(*) FROM talvix.events WHERE status = 'completed' AND attempts = 1")
        logs = await conn.fetchval("SELECT count(*) FROM agent_logs WHERE status = 'completed'")
        await conn.close()
    exactly_once = completed == events and logs == events and len(set(agents.CALLS)) == len(agents.CALLS) == events
    return {
        "events": events,
        "seconds": elapsed,
        "events_per_s": events / elapsed,
        "claims": worker.claims,
        "prefetch_factor": prefetch_factor,
        "exactly_once": exactly_once,
    }


# ------------------------------------------------------------------------------------- bulk insert


async def insert(server_dsn: str, rows: int) -> dict[str, Any]:
    """One INSERT of `rows` rows into a watched table (each row becomes an event), against the same
    insert straight into talvix.events: what the watch trigger costs a bulk load."""
    async with fresh_database(server_dsn) as dsn:
        conn = await database.connect(dsn)
        started = time.perf_counter()
        await conn.execute(POSTINGS_BULK_INSERT, rows)
        watched = time.perf_counter() - started
        events = await conn.fetchval("SELECT count(*) FROM talvix.events")
        await conn.execute("DELETE FROM talvix.events")
        started = time.perf_counter()
        await conn.execute(
            "INSERT INTO talvix.events (agent, payload, user_id) "
            "SELECT 'bench_noop', jsonb_build_object('i', i), NULL FROM generate_series(1, $1) i",
            rows,
        )
        direct = time.perf_counter() - started
        await conn.close()
    return {
        "rows": rows,
        "watched_rows_per_s": rows / watched,
        "direct_rows_per_s": rows / direct,
        "one_event_per_row": events == rows,
    }


# --------------------------------------------------------------------------------------- scale-out


async def scale_out(server_dsn: str, events: int, processes: int) -> dict[str, Any]:
    """One backlog of `events` drained by `processes` worker processes together (each with 10 in
    flight); events/s from the first claim to the last completion, measured in the database."""
    async with fresh_database(server_dsn) as dsn:
        conn = await database.connect(dsn)
        await conn.execute(POSTINGS_BULK_INSERT, events)
        await conn.execute("ANALYZE talvix.events")
        env = {k: v for k, v in os.environ.items() if not k.startswith("TALVIX_")}
        env.update(
            {
                "DATABASE_URL": dsn,
                "TALVIX_HANDLER_MODULES": "bench.agents",
                "TALVIX_POLL_INTERVAL_SECONDS": "60",
                "PYTHONPATH": str(REPO),
                "TALVIX_LOG_LEVEL": "WARNING",
            }
        )
        # Started once, before timing: a blocking Popen is harmless here.
        workers = [
            subprocess.Popen(  # noqa: ASYNC220
                [sys.executable, "-m", "listeners", "worker"],
                env={**env, "TALVIX_WORKER_ID": f"scale-{i}"},
                cwd=REPO,
            )
            for i in range(processes)
        ]
        try:
            deadline = time.monotonic() + 600
            while await conn.fetchval("SELECT count(*) FROM talvix.events WHERE status = 'completed'") < events:
                if time.monotonic() > deadline or any(w.poll() is not None for w in workers):
                    raise RuntimeError("the scale-out drain did not finish")
                await asyncio.sleep(0.2)
            # Where the machine's CPU went: the workers' processes, and the Postgres backends they use.
            backends = [
                r["pid"]
                for r in await conn.fetch(
                    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE 'talvix%'"
                )
            ]
            worker_cpu = sum(cpu_seconds(w.pid) for w in workers)
            postgres_cpu = sum(cpu_seconds(pid) for pid in backends)
        finally:
            for w in workers:
                w.send_signal(signal.SIGTERM)
            for w in workers:
                w.wait(60)
        span = await conn.fetchval(
            "SELECT extract(epoch FROM max(e.finished_at) - min(l.created_at)) FROM talvix.events e "
            "JOIN agent_logs l ON l.event_id = e.id"
        )
        by_worker = await conn.fetch("SELECT metadata ->> 'worker' AS worker, count(*) FROM agent_logs GROUP BY 1 ORDER BY 1")
        once = await conn.fetchval("SELECT count(*) = $1 FROM talvix.events WHERE status = 'completed' AND attempts = 1", events)
        await conn.close()
    return {
        "events": events,
        "processes": processes,
        "seconds": float(span),
        "events_per_s": events / float(span),
        "exactly_once": once,
        "per_worker": {r["worker"]: r["count"] for r in by_worker},
        "worker_cpu_us_per_event": worker_cpu / events * 1e6,
        "postgres_cpu_us_per_event": postgres_cpu / events * 1e6,
    }


def cpu_seconds(pid: int) -> float:
    """User plus system CPU a process has used (from /proc; 0 for one that is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# ---------------------------------------------------------------------------------------- latency


def start_worker_process(dsn: str, starts_file: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TALVIX_")}
    env.update(
        {
            "DATABASE_URL": dsn,
            "TALVIX_HANDLER_MODULES": "bench.agents",
            "TALVIX_WORKER_ID": "bench-latency",
            "TALVIX_POLL_INTERVAL_SECONDS": "60",
            "BENCH_STARTS_FILE": str(starts_file),
            "PYTHONPATH": str(REPO),
            "TALVIX_LOG_LEVEL": "WARNING",
        }
    )
    return subprocess.Popen([sys.executable, "-m", "listeners", "worker"], env=env, cwd=REPO)


async def wait_worker_ready(conn: asyncpg.Connection) -> None:
    deadline = time.monotonic() + 30
    while not await conn.fetchval(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE 'talvix-listener%'"
    ):
        if time.monotonic() > deadline:
            raise TimeoutError("worker did not start listening within 30s")
        await asyncio.sleep(0.05)


async def produce(conn: asyncpg.Connection, rate: float, count: int) -> dict[int, float]:
    """Insert watched rows one at a time at `rate`/s; returns row id → monotonic time the INSERT was sent."""
    sent: dict[int, float] = {}
    async with tracking(f"latency at {rate:g}/s", count, lambda: len(sent)):
        await paced(rate, count, lambda: _send_posting(conn, sent))
    return sent


async def _send_posting(conn: asyncpg.Connection, sent: dict[int, float]) -> None:
    t = time.monotonic()
    sent[await conn.fetchval(POSTING_INSERT)] = t


async def paced(rate: float, count: int, step: Callable[[], Awaitable[object]]) -> None:
    """Run `step` `count` times, starting one every 1/`rate` seconds (a late step does not shift the rest)."""
    interval = 1.0 / rate
    next_at = time.monotonic()
    for _ in range(count):
        now = time.monotonic()
        if next_at > now:
            await asyncio.sleep(next_at - now)
        await step()
        next_at += interval


@contextlib.asynccontextmanager
async def idle_worker(server_dsn: str) -> AsyncIterator[tuple[asyncpg.Connection, subprocess.Popen[bytes], Path]]:
    """A fresh database, a worker process listening on it, a connection, and the worker's starts file."""
    async with fresh_database(server_dsn) as dsn:
        conn = await database.connect(dsn)
        starts_file = Path(tempfile.mkstemp(prefix="talvix-bench-", suffix=".json")[1])
        proc = start_worker_process(dsn, starts_file)
        try:
            await wait_worker_ready(conn)
            yield conn, proc, starts_file
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(60)
            await conn.close()


async def latency(server_dsn: str, rate: float, count: int) -> dict[str, Any]:
    async with idle_worker(server_dsn) as (conn, proc, starts_file):
        await produce(conn, 50, 20)  # warm-up: prepared statements, caches
        sent = await produce(conn, rate, count)
        deadline = time.monotonic() + 30
        while await conn.fetchval("SELECT count(*) FROM talvix.events WHERE status <> 'completed'"):
            if time.monotonic() > deadline:
                raise TimeoutError("events not completed")
            await asyncio.sleep(0.05)
        proc.send_signal(signal.SIGTERM)
        proc.wait(60)
        starts = {int(k): v for k, v in json.loads(starts_file.read_text()).items()}
        starts_file.unlink()
    waits = [starts[i] - t for i, t in sent.items()]
    return {"rate": rate, **summary_ms(waits)}


async def floor(server_dsn: str, count: int, rate: float) -> dict[str, Any]:
    """The least any LISTEN-based worker can do, paced like the latency run at `rate`/s: a watched
    INSERT sent → its notification heard by a bare asyncpg LISTEN connection, and a bare NOTIFY → LISTEN."""
    async with fresh_database(server_dsn) as dsn:
        listener = await asyncpg.connect(dsn)
        producer = await database.connect(dsn)
        heard = asyncio.Event()
        heard_at: list[float] = []

        def on_notify(*_args: object) -> None:
            heard_at.append(time.monotonic())
            heard.set()

        await listener.add_listener("talvix_events", on_notify)
        insert_waits: list[float] = []
        notify_waits: list[float] = []

        async def one(statement: str, waits: list[float]) -> None:
            heard.clear()
            heard_at.clear()
            t = time.monotonic()
            await producer.execute(statement)
            await asyncio.wait_for(heard.wait(), 5)
            waits.append(heard_at[0] - t)

        await paced(rate, count, lambda: one(POSTING_INSERT, insert_waits))
        await paced(rate, count, lambda: one("NOTIFY talvix_events, 'bench_noop'", notify_waits))
        await listener.close()
        await producer.close()
    return {"rate": rate, "insert_notify_to_listen": summary_ms(insert_waits), "notify_to_listen": summary_ms(notify_waits)}


# The least a claim-before-run design can spend after hearing a NOTIFY: one statement that takes the
# oldest pending row and commits (no log row, no batch, plan cached), on the worker's session settings.
BARE_CLAIM = """UPDATE talvix.events SET status = 'running', attempts = attempts + 1, worker_id = 'bench',
                       lease_until = now() + interval '1 minute'
                 WHERE id = (SELECT id FROM talvix.events WHERE status = 'pending' AND agent = 'bench_noop'
                              ORDER BY run_after, id LIMIT 1 FOR UPDATE SKIP LOCKED)
             RETURNING id"""


async def claim_cost(server_dsn: str, count: int) -> dict[str, Any]:
    """Round trip of the bare claim above and of the engine's claim (several agents at once, each
    with its own batch size and attempt limit), one pending event at a time on an idle server."""
    async with fresh_database(server_dsn) as dsn:
        producer = await database.connect(dsn)
        claimer = await asyncpg.connect(dsn, server_settings=database.BOOKKEEPING_SETTINGS)
        costs: dict[str, list[float]] = {"bare": [], "engine": []}
        engine_claim = database.query("claim")
        for kind, waits in costs.items():
            for _ in range(count):
                await producer.execute(POSTING_INSERT)
                t = time.perf_counter()
                if kind == "bare":
                    claimed = await claimer.fetch(BARE_CLAIM)
                else:
                    claimed = await claimer.fetch(engine_claim, ["bench_noop"], [20], [3], "bench", 60.0)
                waits.append(time.perf_counter() - t)
                assert len(claimed) == 1
        await claimer.close()
        await producer.close()
    return {kind: summary_ms(waits[count // 10 :]) for kind, waits in costs.items()}  # first tenth: warm-up


# ------------------------------------------------------------------------------------------- idle


async def idle(server_dsn: str, seconds: float) -> dict[str, Any]:
    async with idle_worker(server_dsn) as (conn, proc, starts_file):
        await asyncio.sleep(10)  # past start-up and the janitor's first pass
        stat = "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = current_database()"
        await conn.execute("SELECT pg_stat_clear_snapshot()")
        before = await conn.fetchval(stat)
        await asyncio.sleep(seconds)
        await conn.execute("SELECT pg_stat_clear_snapshot()")
        after = await conn.fetchval(stat)
        rss_kb = int(
            next(line.split()[1] for line in Path(f"/proc/{proc.pid}/status").read_text().splitlines() if line.startswith("VmRSS:"))
        )
        starts_file.unlink(missing_ok=True)
    # Our own two stat reads are transactions too; leave them out.
    queries = max(0, after - before - 2)
    return {
        "seconds": seconds,
        "transactions": queries,
        "seconds_per_query": seconds / queries if queries else None,
        "rss_mb": rss_kb / 1024,
    }


# ------------------------------------------------------------------------------------------ main


async def measure(argv: list[str]) -> dict[str, Any]:
    """Run the benchmark that `argv` asks for, print its lines, write and return its results."""
    parser = argparse.ArgumentParser(
        prog="talvix bench engine", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("what", nargs="*", help="drain, insert, scale, latency and/or idle (default: all)")
    parser.add_argument("--events", type=int, nargs="+", default=[5000, 50000])
    parser.add_argument("--rates", type=float, nargs="+", default=[20, 200])
    parser.add_argument("--latency-count", type=int, default=1000)
    parser.add_argument("--prefetch-factor", type=float, default=1.0)
    parser.add_argument("--idle-seconds", type=float, default=60)
    args = parser.parse_args(argv)
    args.what = args.what or ["drain", "insert", "scale", "latency", "idle"]
    unknown = set(args.what) - {"drain", "insert", "scale", "latency", "idle"}
    if unknown:
        parser.error(f"unknown scenario(s) {', '.join(sorted(unknown))}: choose drain, insert, scale, latency, idle")
    import bench.agents  # noqa: F401 - registers bench_noop

    results: dict[str, Any] = {"at": datetime.now(UTC).isoformat(), "cpus": os.cpu_count()}
    async with server() as dsn:
        if "drain" in args.what:
            results["drain"] = [await drain(dsn, n, args.prefetch_factor) for n in args.events]
            for r in results["drain"]:
                print(
                    f"drain {r['events']:>6} events: {r['events_per_s']:8.0f} events/s  ({r['seconds']:.2f}s, "
                    f"{r['claims']} claims, exactly once: {r['exactly_once']})"
                )
        if "insert" in args.what:
            results["insert"] = [await insert(dsn, n) for n in args.events]
            for r in results["insert"]:
                print(
                    f"insert {r['rows']:6d} rows: {r['watched_rows_per_s']:8.0f} rows/s through a watched table, "
                    f"{r['direct_rows_per_s']:8.0f} straight into talvix.events (one event per row: {r['one_event_per_row']})"
                )
        if "scale" in args.what:
            n = max(args.events)
            results["scale"] = [await scale_out(dsn, n, processes) for processes in (1, 2)]
            one, two = results["scale"]
            for r in results["scale"]:
                print(
                    f"scale  {r['events']:6d} events, {r['processes']} worker process(es): {r['events_per_s']:8.0f} events/s "
                    f"(exactly once: {r['exactly_once']}, runs per worker: {r['per_worker']}); CPU per event: "
                    f"{r['worker_cpu_us_per_event']:.0f} µs in the workers, {r['postgres_cpu_us_per_event']:.0f} µs in "
                    f"Postgres, on {os.cpu_count()} cores"
                )
            print(f"scale  2 processes / 1 process: {two['events_per_s'] / one['events_per_s']:.2f}x")
        if "latency" in args.what:
            results["claim_cost"] = await claim_cost(dsn, 500)
            c = results["claim_cost"]
            print(
                f"claim round trip, idle server: bare UPDATE … RETURNING p50 {c['bare']['p50']:.3f} ms, "
                f"the engine's claim (several agents, batch, lease) p50 {c['engine']['p50']:.3f} ms"
            )
            results["floor"], results["latency"] = [], []
            for rate in args.rates:
                count = args.latency_count if rate >= 100 else args.latency_count // 4
                f = await floor(dsn, min(count, 500), rate)
                r = await latency(dsn, rate, count)
                results["floor"].append(f)
                results["latency"].append(r)
                floor_p50 = f["insert_notify_to_listen"]["p50"]
                print(
                    f"at {rate:>5.0f}/s  floor (watched INSERT → LISTEN heard): p50 {floor_p50:.3f} ms  "
                    f"p99 {f['insert_notify_to_listen']['p99']:.3f} ms"
                )
                print(
                    f"at {rate:>5.0f}/s  watched INSERT → handler start: p50 {r['p50']:.3f} ms (floor + "
                    f"{r['p50'] - floor_p50:.3f})  p95 {r['p95']:.3f}  p99 {r['p99']:.3f}  max {r['max']:.3f}  (n={r['n']})"
                )
        if "idle" in args.what:
            results["idle"] = await idle(dsn, args.idle_seconds)
            r = results["idle"]
            print(
                f"idle worker: {r['transactions']} queries in {r['seconds']:.0f}s "
                f"(one every {r['seconds_per_query'] or float('inf'):.1f}s), RSS {r['rss_mb']:.1f} MB"
            )
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"engine-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
    out.write_text(json.dumps(results, indent=2))
    print(f"wrote {out.relative_to(REPO)}")
    return results


if __name__ == "__main__":
    asyncio.run(measure(sys.argv[1:]))
