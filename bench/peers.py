"""Talvix's engine beside PgQueuer and Procrastinate: same server, fresh database each, no-op handlers.

    talvix bench peers                         # drain 5,000 and 50,000; latency at 20/s and 200/s
    talvix bench peers --events 5000 --rates 200

- drain: bulk-insert N jobs, ANALYZE, then one worker drains them with at most 10 handlers in flight;
  events/s, and a check that every job ran exactly once. Each peer runs with its documented
  configuration and with one matching ours (10 handlers, up to 20 claimed).
- latency: an idle worker in its own process; jobs inserted one at a time at a fixed rate;
  insert sent → handler start (time.monotonic(), one clock for all processes on Linux).
Every system keeps its own run log on, as in production: agent_logs for ours, pgqueuer_log for
PgQueuer, procrastinate_events for Procrastinate.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg

from bench import agents, engine
from bench.agents import record

CONCURRENCY = 10


# ------------------------------------------------------------------------------------ PgQueuer


def pgqueuer_manager(conn: asyncpg.Connection, limit: int = CONCURRENCY) -> Any:
    from pgqueuer import AsyncpgDriver, Queries, QueueManager

    qm = QueueManager(Queries(AsyncpgDriver(conn)))

    @qm.entrypoint("bench", concurrency_limit=limit)
    async def bench(job: Any) -> None:
        record(int(job.id))

    return qm


async def pgqueuer_install(dsn: str) -> None:
    from pgqueuer import AsyncpgDriver, Queries

    conn = await asyncpg.connect(dsn)
    await Queries(AsyncpgDriver(conn)).install()
    await conn.close()


async def pgqueuer_drain(dsn: str, n: int, config: str) -> dict[str, Any]:
    from pgqueuer import AsyncpgDriver, Queries
    from pgqueuer.domain.types import QueueExecutionMode

    await pgqueuer_install(dsn)
    conn = await asyncpg.connect(dsn)
    queries = Queries(AsyncpgDriver(conn))
    for start in range(0, n, 10_000):
        size = min(10_000, n - start)
        await queries.enqueue(["bench"] * size, [None] * size, [0] * size)
    await conn.execute("ANALYZE")
    agents.expect(n)
    # documented: the defaults, with the entrypoint's documented cap of 10 in flight;
    # matching: also at most 20 picked at once, like our 10 slots plus 10 prefetched;
    # unlimited: PgQueuer's fastest mode, no cap at all (breaks the 10-in-flight rule; shown apart).
    qm = pgqueuer_manager(conn, limit=0 if config == "unlimited" else CONCURRENCY)
    options: dict[str, Any] = {"mode": QueueExecutionMode.drain}
    if config == "matching":
        options.update(batch_size=10, max_concurrent_tasks=2 * CONCURRENCY)
    started = time.perf_counter()
    await qm.run(**options)
    elapsed = time.perf_counter() - started
    left = await conn.fetchval("SELECT count(*) FROM pgqueuer")
    await conn.close()
    return {"seconds": elapsed, "exactly_once": len(agents.CALLS) == len(set(agents.CALLS)) == n and left == 0}


async def pgqueuer_serve(dsn: str) -> None:
    conn = await asyncpg.connect(dsn)
    qm = pgqueuer_manager(conn)
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, qm.shutdown.set)
    await qm.run()
    await conn.close()


async def pgqueuer_producer(dsn: str) -> tuple[Callable[[], Awaitable[int]], Callable[[], Awaitable[None]]]:
    from pgqueuer import AsyncpgDriver, Queries

    conn = await asyncpg.connect(dsn)
    queries = Queries(AsyncpgDriver(conn))

    async def one() -> int:
        return int((await queries.enqueue("bench", None))[0])

    return one, conn.close


# ------------------------------------------------------------------------------- Procrastinate


def procrastinate_app(dsn: str) -> Any:
    import procrastinate

    app = procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=dsn))

    @app.task(name="bench", pass_context=True)
    async def bench(context: Any) -> None:
        record(int(context.job.id))

    return app


async def procrastinate_install(dsn: str) -> None:
    app = procrastinate_app(dsn)
    async with app.open_async():
        await app.schema_manager.apply_schema_async()


async def procrastinate_drain(dsn: str, n: int, config: str) -> dict[str, Any]:
    await procrastinate_install(dsn)
    conn = await asyncpg.connect(dsn)
    await conn.execute(
        "INSERT INTO procrastinate_jobs (queue_name, task_name, args) SELECT 'default', 'bench', '{}' FROM generate_series(1, $1)",
        n,
    )
    await conn.execute("ANALYZE")
    agents.expect(n)
    app = procrastinate_app(dsn)
    # Procrastinate fetches one job per query; its documented knob is the concurrency, and the
    # configuration matching ours is the same 10 handlers (it has no batch or prefetch setting).
    async with app.open_async():
        started = time.perf_counter()
        await app.run_worker_async(concurrency=CONCURRENCY, wait=False, install_signal_handlers=False)
        elapsed = time.perf_counter() - started
    done = await conn.fetchval("SELECT count(*) FROM procrastinate_jobs WHERE status = 'succeeded'")
    await conn.close()
    return {"seconds": elapsed, "exactly_once": len(agents.CALLS) == len(set(agents.CALLS)) == n and done == n}


async def procrastinate_serve(dsn: str) -> None:
    app = procrastinate_app(dsn)
    async with app.open_async():
        await app.run_worker_async(concurrency=CONCURRENCY)


async def procrastinate_producer(dsn: str) -> tuple[Callable[[], Awaitable[int]], Callable[[], Awaitable[None]]]:
    app = procrastinate_app(dsn)
    await app.open_async()

    async def one() -> int:
        return int(await app.configure_task("bench").defer_async())

    return one, app.close_async


# ------------------------------------------------------------------------------------- Talvix


async def talvix_producer(dsn: str) -> tuple[Callable[[], Awaitable[int]], Callable[[], Awaitable[None]]]:
    from listeners import database

    conn = await database.connect(dsn)

    async def one() -> int:  # a row in a watched table, as the application writes it
        return int(await conn.fetchval(engine.POSTING_INSERT))

    return one, conn.close


SYSTEMS: dict[str, dict[str, Any]] = {
    "talvix": {"install": None, "serve": None, "producer": talvix_producer},
    "pgqueuer": {"install": pgqueuer_install, "serve": pgqueuer_serve, "producer": pgqueuer_producer, "drain": pgqueuer_drain},
    "procrastinate": {
        "install": procrastinate_install,
        "serve": procrastinate_serve,
        "producer": procrastinate_producer,
        "drain": procrastinate_drain,
    },
}


# ------------------------------------------------------------------------------------- scenarios


async def drain(server: str, system: str, n: int, config: str) -> dict[str, Any]:
    if system == "talvix":
        result = await engine.drain(server, n, prefetch_factor=1.0)
        return {
            "system": system,
            "config": config,
            "events": n,
            "seconds": result["seconds"],
            "events_per_s": result["events_per_s"],
            "exactly_once": result["exactly_once"],
        }
    async with engine.fresh_database(server) as dsn, engine.tracking(f"drain {n} {system} {config}", n, lambda: len(agents.CALLS)):
        result = await SYSTEMS[system]["drain"](dsn, n, config)
    return {
        "system": system,
        "config": config,
        "events": n,
        "seconds": result["seconds"],
        "events_per_s": n / result["seconds"],
        "exactly_once": result["exactly_once"],
    }


def serve_process(system: str, dsn: str, starts_file: Path) -> subprocess.Popen[bytes]:
    if system == "talvix":
        return engine.start_worker_process(dsn, starts_file)
    env = {**os.environ, "PYTHONPATH": str(engine.REPO), "BENCH_STARTS_FILE": str(starts_file)}
    return subprocess.Popen(
        [sys.executable, "-m", "bench.peers", "serve", system, dsn],
        env=env,
        cwd=engine.REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


async def latency(server: str, system: str, rate: float, count: int) -> dict[str, Any]:
    async with engine.fresh_database(server) as dsn:
        if SYSTEMS[system]["install"]:
            await SYSTEMS[system]["install"](dsn)
        starts_file = Path(tempfile.mkstemp(prefix="talvix-peers-", suffix=".json")[1])
        proc = serve_process(system, dsn, starts_file)
        one, close = await SYSTEMS[system]["producer"](dsn)
        sent: dict[int, float] = {}
        try:
            # Warm up until the idle worker is listening and has run one of the warm-up jobs.
            warm = {await one()}
            deadline = time.monotonic() + 60
            while not await _started(starts_file, proc, warm):
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{system} worker did not start")
                await asyncio.sleep(0.2)
                warm.add(await one())
            await asyncio.sleep(1)
            interval, next_at = 1.0 / rate, time.monotonic()
            async with engine.tracking(f"latency {system} at {rate:g}/s", count, lambda: len(sent)):
                for _ in range(count):
                    delay = next_at - time.monotonic()
                    if delay > 0:
                        await asyncio.sleep(delay)
                    t = time.monotonic()
                    sent[await one()] = t
                    next_at += interval
            await asyncio.sleep(2)  # let the last jobs start
        finally:
            await close()
            proc.send_signal(signal.SIGTERM)
            proc.wait(60)
        starts = {int(k): v for k, v in json.loads(starts_file.read_text() or "{}").items()}
        starts_file.unlink()
    missing = [i for i in sent if i not in starts]
    waits = [starts[i] - t for i, t in sent.items() if i in starts]
    return {"system": system, "rate": rate, "missing": len(missing), **engine.summary_ms(waits)}


async def _started(starts_file: Path, proc: subprocess.Popen[bytes], job_ids: set[int]) -> bool:
    """Asks the serving process to write what it has run so far (SIGUSR1), then looks for job_ids."""
    if not starts_file.read_text():
        return False  # still starting: SIGUSR1 would kill it before its handler is in place
    proc.send_signal(signal.SIGUSR1)
    await asyncio.sleep(0.1)
    return any(str(i) in json.loads(starts_file.read_text() or "{}") for i in job_ids)


# ------------------------------------------------------------------------------------------ main


def ratio(ours: float, theirs: float) -> str:
    return f"{ours / theirs:.2f}×" if theirs else "n/a"


async def measure(argv: list[str]) -> dict[str, Any]:
    """Run the benchmark that `argv` asks for, print its lines, write and return its results."""
    parser = argparse.ArgumentParser(
        prog="talvix bench peers", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, nargs="+", default=[5000, 50000])
    parser.add_argument("--rates", type=float, nargs="+", default=[20, 200])
    parser.add_argument("--latency-count", type=int, default=600)
    parser.add_argument("--skip-latency", action="store_true")
    args = parser.parse_args(argv)
    import bench.agents  # noqa: F401 - registers bench_noop for our worker

    results: dict[str, Any] = {"at": datetime.now(UTC).isoformat(), "cpus": os.cpu_count(), "drain": [], "latency": []}
    async with engine.server() as server:
        for n in args.events:
            for system, config in [
                ("talvix", "documented"),
                ("pgqueuer", "documented"),
                ("pgqueuer", "matching"),
                ("pgqueuer", "unlimited"),
                ("procrastinate", "documented"),
            ]:
                r = await drain(server, system, n, config)
                results["drain"].append(r)
                print(
                    f"drain {n:>6} {system:<13} {config:<10} {r['events_per_s']:8.0f} events/s  exactly once: {r['exactly_once']}",
                    flush=True,
                )
        if not args.skip_latency:
            results["floor"] = []
            for rate in args.rates:
                f = await engine.floor(server, 300, rate)
                results["floor"].append(f)
                print(
                    f"floor at {rate:>5.0f}/s: watched INSERT → LISTEN heard p50 {f['insert_notify_to_listen']['p50']:.3f} ms",
                    flush=True,
                )
                for system in SYSTEMS:
                    count = args.latency_count if rate >= 100 else args.latency_count // 4
                    r = await latency(server, system, rate, count)
                    results["latency"].append(r)
                    print(
                        f"latency {rate:>5.0f}/s {system:<13} p50 {r['p50']:8.3f} ms  p95 {r['p95']:8.3f}  "
                        f"p99 {r['p99']:8.3f}  max {r['max']:8.3f}  (missing {r['missing']})",
                        flush=True,
                    )
    print()
    print(
        "| scenario | Talvix | PgQueuer, 10 in flight | PgQueuer, no cap | Procrastinate | "
        "Talvix / PgQueuer-10 | Talvix / PgQueuer no cap | Talvix / Procrastinate |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for n in args.events:
        by = {(r["system"], r["config"]): r["events_per_s"] for r in results["drain"] if r["events"] == n}
        pgq10 = max(by[("pgqueuer", "documented")], by[("pgqueuer", "matching")])
        pgq_free, ours, proc = by[("pgqueuer", "unlimited")], by[("talvix", "documented")], by[("procrastinate", "documented")]
        print(
            f"| drain {n} (events/s) | {ours:.0f} | {pgq10:.0f} | {pgq_free:.0f} | {proc:.0f} | "
            f"{ratio(ours, pgq10)} | {ratio(ours, pgq_free)} | {ratio(ours, proc)} |"
        )
    for rate in args.rates:
        by = {r["system"]: r for r in results["latency"] if r["rate"] == rate}
        floors = [f["insert_notify_to_listen"]["p50"] for f in results.get("floor", []) if f["rate"] == rate]
        if by:
            cells = " | ".join(f"{by[s]['p50']:.2f} / {by[s]['p99']:.2f}" for s in ("talvix", "pgqueuer"))
            print(
                f"| wake-up p50 / p99 at {rate:g}/s (ms; floor p50 {floors[0]:.2f}) | {cells} | | "
                f"{by['procrastinate']['p50']:.2f} / {by['procrastinate']['p99']:.2f} | | | |"
            )
    engine.RESULTS.mkdir(parents=True, exist_ok=True)
    out = engine.RESULTS / f"peers-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
    out.write_text(json.dumps(results, indent=2))
    print(f"\nwrote {out.relative_to(engine.REPO)}")
    return results


if __name__ == "__main__":
    if sys.argv[1:2] == ["serve"]:  # a peer's idle worker for the latency scenario: serve SYSTEM DSN
        asyncio.run(SYSTEMS[sys.argv[2]]["serve"](sys.argv[3]))
    else:
        asyncio.run(measure(sys.argv[1:]))
