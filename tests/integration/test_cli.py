"""The `talvix` command line against a real database, run as a user would run it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator

import asyncpg
import pytest

from listeners import database, migrations
from tests.support.workers import REPO


def talvix(database_url: str | None, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL" and not k.startswith("TALVIX_")}
    if database_url:
        env["DATABASE_URL"] = database_url
    return subprocess.run(
        [sys.executable, "-m", "handlers.app.cli", *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.fixture
async def empty_database_url(pg_server: str) -> AsyncIterator[str]:
    name = f"talvix_empty_{uuid.uuid4().hex[:10]}"
    yield await database.create_database(pg_server, name)
    await database.drop_database(pg_server, name)


async def test_migrate_dry_run_then_apply_then_up_to_date(empty_database_url: str) -> None:
    dry = talvix(empty_database_url, "db", "migrate", "--dry-run", "--json")
    assert dry.returncode == 0, dry.stderr
    planned = json.loads(dry.stdout)["would_apply"]
    assert planned[0] == "001_engine.sql"
    assert talvix(empty_database_url, "db", "status").returncode == 1  # pending migrations
    applied = talvix(empty_database_url, "db", "migrate", "--json")
    assert json.loads(applied.stdout)["applied"] == planned
    again = talvix(empty_database_url, "db", "migrate")
    assert again.returncode == 0 and "database is up to date" in again.stdout
    status = talvix(empty_database_url, "db", "status", "--json")
    assert status.returncode == 0 and all(row["applied"] == "yes" for row in json.loads(status.stdout))


async def test_migrate_reports_each_migration_before_applying_it(empty_database_url: str) -> None:
    """What the CLI's progress bar is fed: every pending migration, in order, with the total."""
    seen: list[tuple[str, int]] = []
    conn = await database.connect(empty_database_url)
    try:
        applied = await migrations.migrate(conn, on_start=lambda m, total: seen.append((m.path.name, total)))
    finally:
        await conn.close()
    assert [name for name, _ in seen] == [m.path.name for m in applied] == [m.path.name for m in migrations.available()]
    assert {total for _, total in seen} == {len(applied)}


async def test_watch_triggers_unwatch_enqueue_logs_stats(database_url: str, db: asyncpg.Connection) -> None:
    await db.execute("CREATE TABLE scraped_jobs (id serial PRIMARY KEY, title text)")
    watched = talvix(
        database_url, "watch", "scraped_jobs", "fit_scorer", "--on", "INSERT,UPDATE", "--when", "NEW.title IS NOT NULL", "--json"
    )
    assert watched.returncode == 0, watched.stderr
    assert {r["operation"] for r in json.loads(watched.stdout)} == {"INSERT", "UPDATE"}
    listed = json.loads(talvix(database_url, "triggers", "--json").stdout)
    assert [(r["relation"], r["agent"]) for r in listed if r["relation"] == "scraped_jobs"] == [("scraped_jobs", "fit_scorer")] * 2
    assert ("resumes", "resume_intelligence") in {(r["relation"], r["agent"]) for r in listed}  # the pipeline's own

    bad = talvix(database_url, "watch", "scraped_jobs", "fit_scorer", "--when", "NEW.nope = 1")
    assert bad.returncode == 1 and "invalid condition for INSERT" in bad.stderr

    assert talvix(database_url, "unwatch", "scraped_jobs", "fit_scorer").returncode == 0
    assert talvix(database_url, "unwatch", "scraped_jobs", "fit_scorer").returncode == 1  # nothing left to detach

    enq = talvix(database_url, "enqueue", "fit_scorer", "--payload", '{"mode": "full"}', "--json")
    event_id = json.loads(enq.stdout)["event_id"]
    assert await db.fetchval("SELECT payload FROM talvix.events WHERE id = $1", event_id) == {"mode": "full"}
    assert talvix(database_url, "enqueue", "fit_scorer", "--payload", "{not json").returncode == 2

    await db.execute(
        "INSERT INTO agent_logs (agent_name, status, duration_ms, finished_at, expires_at) "
        "VALUES ('fit_scorer', 'failed', 12, now(), now() + interval '30 days')"
    )
    logs = json.loads(talvix(database_url, "logs", "--status", "failed", "--json").stdout)
    assert [(r["agent_name"], r["duration_ms"]) for r in logs] == [("fit_scorer", 12)]
    stats = json.loads(talvix(database_url, "stats", "--json").stdout)
    assert [(r["agent"], r["failed"], r["pending"]) for r in stats] == [("fit_scorer", 1, 1)]


async def test_worker_with_unknown_agent_setting_exits_2(database_url: str) -> None:
    result = talvix(database_url, "worker", "--agents", "nope")
    assert result.returncode == 2
    assert "names unknown agent(s) nope" in result.stderr


async def test_gateway_names_every_missing_setting() -> None:
    result = talvix(None, "gateway")
    assert result.returncode == 2
    assert "missing required settings: AES_SESSION_KEY, GATEWAY_DATABASE_URL, SUPABASE_JWT_SECRET" in result.stderr


async def test_worker_serves_http_when_a_port_is_set(database_url: str) -> None:
    import asyncio

    import aiohttp

    from listeners.local_postgres import free_port
    from tests.support.waiting import wait_for

    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TALVIX_")}
    env.update(
        {
            "DATABASE_URL": database_url,
            "TALVIX_HTTP_PORT": str(port),
            "AGENT_SECRET": "s3cret-for-this-test",
            "TALVIX_HANDLER_MODULES": "tests.support.agents",
            "PYTHONPATH": str(REPO),
        }
    )
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "handlers.app.cli", "worker", cwd=REPO, env=env, stderr=asyncio.subprocess.PIPE
    )
    try:
        async with aiohttp.ClientSession() as http:

            async def healthy() -> bool:
                try:
                    async with http.get(f"http://127.0.0.1:{port}/healthz") as resp:
                        return resp.status == 200
                except aiohttp.ClientConnectionError:
                    return False

            await wait_for(healthy, timeout=30, interval=0.1, message="worker HTTP API up")
            async with http.post(
                f"http://127.0.0.1:{port}/api/agents/probe?wait=10",
                json={"payload": {"records": 3}},
                headers={"X-Agent-Secret": "s3cret-for-this-test"},
            ) as resp:
                assert (resp.status, (await resp.json())["records_processed"]) == (200, 3)
    finally:
        proc.terminate()
        _, stderr = await proc.communicate()
    assert proc.returncode == 0
    assert b"s3cret-for-this-test" not in stderr


async def test_retry_and_cancel(database_url: str, db: asyncpg.Connection) -> None:
    failed = await db.fetchval(
        "INSERT INTO talvix.events (agent, status, attempts, last_error, finished_at) "
        "VALUES ('fit_scorer', 'failed', 3, 'boom', now()) RETURNING id"
    )
    pending = await db.fetchval("INSERT INTO talvix.events (agent) VALUES ('fit_scorer') RETURNING id")
    done = await db.fetchval(
        "INSERT INTO talvix.events (agent, status, finished_at) VALUES ('fit_scorer', 'completed', now()) RETURNING id"
    )
    result = talvix(database_url, "retry", str(failed), str(done), "--json")
    assert result.returncode == 0 and json.loads(result.stdout) == {"retried": [failed], "unchanged": [done]}
    row = await db.fetchrow("SELECT status, attempts, last_error FROM talvix.events WHERE id = $1", failed)
    assert (row["status"], row["attempts"], row["last_error"]) == ("pending", 0, None)
    assert talvix(database_url, "cancel", str(pending)).returncode == 0
    assert await db.fetchval("SELECT status FROM talvix.events WHERE id = $1", pending) == "cancelled"
    assert talvix(database_url, "cancel", str(done)).returncode == 1  # a finished event cannot be cancelled
    await db.execute("UPDATE talvix.events SET status = 'failed', finished_at = now() WHERE id = $1", failed)
    by_agent = talvix(database_url, "retry", "--failed-agent", "fit_scorer", "--json")
    assert json.loads(by_agent.stdout)["retried"] == [failed]


async def test_bench_prints_json_with_a_checked_drain(empty_database_url: str) -> None:
    result = talvix(empty_database_url, "bench", "engine", "drain", "--events", "300", "--json")
    assert result.returncode == 0, result.stderr
    drained = json.loads(result.stdout)["drain"]
    assert [(d["events"], d["exactly_once"]) for d in drained] == [(300, True)]
    assert drained[0]["events_per_s"] > 0
    assert "drain    300 events" in result.stderr  # the readable line still goes to the person, on stderr
    unknown = talvix(empty_database_url, "bench", "engine", "warp-speed")
    assert unknown.returncode == 2 and "unknown scenario(s) warp-speed" in unknown.stderr


async def test_demo_never_touches_the_configured_database(database_url: str, db: asyncpg.Connection, pg_server: str) -> None:
    user = await db.fetchval("INSERT INTO users (email) VALUES ('real-user@example.com') RETURNING id")
    await db.execute("INSERT INTO talvix.events (agent, payload, run_after) VALUES ('fit_scorer', '{}', now() + interval '1 day')")
    result = talvix(database_url, "demo")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "in a database of its own: talvix_demo" in result.stdout
    assert await db.fetchval("SELECT count(*) FROM users") == 1 and await db.fetchval("SELECT id FROM users") == user
    assert await db.fetchval("SELECT count(*) FROM talvix.events") == 1
    assert not await db.fetchval("SELECT to_regclass('demo.job_postings') IS NOT NULL")
    demo = await database.connect(database.with_database(pg_server, "talvix_demo"))
    try:
        assert await demo.fetchval("SELECT count(*) FROM public.agent_logs") > 2000
    finally:
        await demo.close()
    await database.drop_database(pg_server, "talvix_demo")
