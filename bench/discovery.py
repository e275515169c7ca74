"""Where jobs come from, end to end: one discovery run of N jobs, cleaned and scored for M users.

    talvix bench discovery                       # 10,000 jobs, 100 users
    talvix bench discovery --jobs 2000 --users 20

A scrape_runs row is inserted, as the nightly schedule does, and one worker (in this process, serving
job_discovery, jd_cleaner and fit_scorer) takes it from there: the boards are the local stand-ins of
Remotive and a JSON Feed (tests/support/job_board_apis.py: one request each, like the real ones),
cleaning and scoring use the offline model (no API key is set here), and matching is full text alone.
Each phase ends when the database says so: the run row completed, every job cleaned, every job in
a delta pass with no event left. The phases overlap in production only at their edges, so their
times add up to the total. Results are printed and written as JSON under bench/results/.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg

from bench.engine import RESULTS, server
from listeners import REGISTRY, Worker, database, load_settings, migrations
from tests.support.job_board_apis import TITLES, JobBoardAPIs

REPO = Path(__file__).resolve().parent.parent
POLL_SECONDS = 0.1


async def until(check: Callable[[], Awaitable[bool]], limit_s: float, what: str) -> float:
    """Seconds until `check()` holds (polled; the benchmark's clock, not a test's wait)."""
    start = time.monotonic()
    while not await check():
        if time.monotonic() - start > limit_s:
            raise TimeoutError(f"{what} did not happen within {limit_s:.0f}s")
        await asyncio.sleep(POLL_SECONDS)
    return time.monotonic() - start


async def prepare(conn: asyncpg.Connection, boards: JobBoardAPIs, jobs: int, users: int) -> None:
    """The boards' postings, the search targets, and `users` candidates with parsed resumes."""
    boards.generate("remotive", jobs // 2)
    boards.generate("feed", jobs - jobs // 2)
    # Measured up to the queued applications: tailoring and applying are other benchmarks' business.
    await conn.execute("SELECT talvix.unwatch('public.job_applications', 'document_tailor')")
    await conn.execute("UPDATE baseline_scrape_targets SET is_active = false")
    await conn.executemany(
        "INSERT INTO baseline_scrape_targets (role_name, location, priority) VALUES ($1, 'India', 5) "
        "ON CONFLICT (role_name, location) DO UPDATE SET is_active = true",
        [(title,) for title in TITLES],
    )
    await conn.execute("UPDATE talvix.limits SET value = $1 WHERE name = 'job_discovery_max_per_source'", jobs)
    rng = random.Random(7)
    for _ in range(users):
        user = uuid.uuid4()
        roles = rng.sample(sorted(TITLES), 2)
        skills = sorted({s for role in roles for s in TITLES[role]} | set(rng.sample(["git", "linux", "sql", "docker"], 2)))
        await conn.execute(
            "INSERT INTO users (id, email, tier, auto_apply_enabled, fit_score_threshold) "
            "VALUES ($1, $2, 'professional', true, 75)",
            user,
            f"{user}@bench.example",
        )
        summary = {"skills": skills, "titles": roles, "years_experience": 4, "seniority": "mid"}
        await conn.execute(
            "INSERT INTO resumes (user_id, raw_text, parse_status, summary, parsed_at) VALUES ($1, 'x', 'parsed', $2, now())",
            user,
            summary,
        )
        await conn.executemany(
            "INSERT INTO user_target_roles (user_id, role_title) VALUES ($1, $2)", [(user, r.lower()) for r in roles]
        )
    # The resumes arrive parsed, so the events their inserts queued for resume_intelligence are not
    # part of this measurement.
    await conn.execute("DELETE FROM talvix.events")


async def run(server_dsn: str, jobs: int, users: int) -> dict[str, Any]:
    name = f"talvix_bench_{uuid.uuid4().hex[:10]}"
    dsn = await database.create_database(server_dsn, name)
    boards = JobBoardAPIs()
    runner = await boards.start()
    saved = dict(os.environ)
    storage = Path(f"/var/tmp/{name}")
    os.environ.update(
        TALVIX_DISCOVERY_SOURCES="remotive,feeds",
        TALVIX_DISCOVERY_REMOTIVE_URL=boards.origin,
        TALVIX_DISCOVERY_FEEDS=f"{boards.origin}/feeds/jobs.json",
        STORAGE_ROOT=str(storage),
    )
    for key in ("SARVAM_API_KEY", "TALVIX_LLM_API_KEY", "TALVIX_EMBEDDINGS_BASE_URL"):
        os.environ.pop(key, None)
    conn = await database.connect(dsn)
    try:
        await migrations.migrate(conn)
        await prepare(conn, boards, jobs, users)
        agents = [REGISTRY[a] for a in ("job_discovery", "jd_cleaner", "fit_scorer")]
        worker = Worker(load_settings(database_url=dsn), {a.name: a for a in agents})
        task = asyncio.create_task(worker.run())
        await asyncio.wait_for(worker.started.wait(), 30)
        start = time.monotonic()
        run_id = await conn.fetchval("INSERT INTO scrape_runs (requested_by) VALUES ('bench') RETURNING id")
        discovered = await until(
            lambda: conn.fetchval("SELECT status <> 'pending' AND status <> 'running' FROM scrape_runs WHERE id = $1", run_id),
            600,
            "the discovery run",
        )
        cleaned = await until(
            lambda: conn.fetchval("SELECT NOT EXISTS (SELECT 1 FROM jobs WHERE NOT jd_cleaned)"), 1800, "cleaning"
        )
        scored = await until(
            lambda: conn.fetchval(
                "SELECT NOT EXISTS (SELECT 1 FROM jobs WHERE matched_at IS NULL) "
                "AND NOT EXISTS (SELECT 1 FROM talvix.events WHERE status IN ('pending', 'running'))"
            ),
            1800,
            "scoring",
        )
        total = time.monotonic() - start
        worker.stop()
        await task
        row = await conn.fetchrow(
            "SELECT (SELECT count(*) FROM jobs) AS jobs, (SELECT status FROM scrape_runs WHERE id = $1) AS status, "
            "(SELECT count(*) FROM job_fit_scores) AS scores, "
            "(SELECT count(DISTINCT user_id) FROM job_fit_scores) AS users_scored, "
            "(SELECT count(*) FROM job_applications WHERE auto_status = 'queued') AS queued, "
            "(SELECT count(*) FROM agent_logs WHERE agent_name = 'fit_scorer' AND status = 'completed') AS passes, "
            "(SELECT count(*) FROM agent_logs WHERE agent_name = 'jd_cleaner' AND status = 'completed') AS cleaner_runs, "
            "(SELECT count(*) FROM agent_logs WHERE status = 'failed') AS failed_runs, "
            "(SELECT coalesce(sum((metadata ->> 'calls')::int), 0) FROM agent_logs WHERE agent_name = 'fit_scorer') "
            "AS scorer_calls",
            run_id,
        )
        return {
            "jobs_offered": jobs,
            "users": users,
            **dict(row),
            "discovery_s": discovered,
            "cleaning_s": cleaned,
            "scoring_s": scored,
            "total_s": total,
            "jobs_per_s": row["jobs"] / total,
        }
    finally:
        os.environ.clear()
        os.environ.update(saved)
        await conn.close()
        await runner.cleanup()
        await database.drop_database(server_dsn, name)
        shutil.rmtree(storage, ignore_errors=True)


async def measure(argv: list[str]) -> dict[str, Any]:
    parser = argparse.ArgumentParser(
        prog="talvix bench discovery", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--jobs", type=int, default=10_000)
    parser.add_argument("--users", type=int, default=100)
    args = parser.parse_args(argv)
    async with server() as dsn:
        r = await run(dsn, args.jobs, args.users)
    r |= {"at": datetime.now(UTC).isoformat(), "cpus": os.cpu_count()}
    print(
        f"discovery {r['jobs']} jobs (run {r['status']}), {r['users']} users: discovery {r['discovery_s']:.1f}s, "
        f"cleaning {r['cleaning_s']:.1f}s, scoring {r['scoring_s']:.1f}s; total {r['total_s']:.1f}s "
        f"({r['jobs_per_s']:.0f} jobs/s)"
    )
    print(
        f"discovery {r['scores']} scores for {r['users_scored']} users in {r['passes']} delta pass(es) after "
        f"{r['cleaner_runs']} cleaner run(s), {r['scorer_calls']} model calls, {r['queued']} applications queued, "
        f"{r['failed_runs']} failed runs"
    )
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"discovery-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
    out.write_text(json.dumps(r, indent=2, default=str))
    print(f"wrote {out.relative_to(REPO)}")
    return r


if __name__ == "__main__":
    asyncio.run(measure(sys.argv[1:]))
