"""Nothing lost: dropped listener connections, killed workers, racing worker processes, SIGTERM."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import asyncpg
import pytest

from listeners import enqueue
from listeners.registry import Agent
from tests.support.agents import EFFECTS_TABLE, probe_handler
from tests.support.waiting import wait_for
from tests.support.workers import WorkerProcess, running_worker


async def completed(db: asyncpg.Connection) -> int:
    return await db.fetchval("SELECT count(*) FROM talvix.events WHERE status = 'completed'")


async def test_listener_reconnects_after_terminate_and_sweeps_missed_events(
    db: asyncpg.Connection, database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="talvix")
    agent = Agent("probe", probe_handler)
    async with running_worker(database_url, [agent]) as worker:
        listener_pids = await db.fetch(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE 'talvix-listener%'"
        )
        assert len(listener_pids) == 1
        await db.execute("SELECT pg_terminate_backend($1)", listener_pids[0]["pid"])
        # Inserted while the worker may be deaf: the reconnect's sweep must find them (poll is 60 s).
        for i in range(20):
            await enqueue(db, "probe", {"i": i})
        await wait_for(lambda: completed(db), timeout=10, message="events after reconnect")
        await wait_for(
            lambda: db.fetchval("SELECT count(*) = 20 FROM talvix.events WHERE status = 'completed'"),
            timeout=10,
            message="all 20 events completed",
        )
        assert worker.notifier.reconnects >= 1
        # And the new connection hears notifications again.
        await enqueue(db, "probe", {"after": True})
        await wait_for(
            lambda: db.fetchval("SELECT count(*) = 21 FROM talvix.events WHERE status = 'completed'"),
            timeout=5,
            message="event after reconnect",
        )
    assert "listener connection lost; reconnecting" in caplog.text


async def test_listener_ping_proves_round_trip(db: asyncpg.Connection, database_url: str) -> None:
    async with running_worker(database_url, [Agent("probe", probe_handler)]) as worker:
        assert worker.pool is not None
        rtt = await worker.notifier.ping(worker.pool)
        assert 0 < rtt < 5
        assert worker.notifier.last_ping_ok_at is not None


async def test_sigkilled_worker_run_is_recovered_by_another(db: asyncpg.Connection, database_url: str, tmp_path: Path) -> None:
    await db.execute(EFFECTS_TABLE)
    event_id = await enqueue(db, "probe", {"record": True, "sleep": 60})
    victim = WorkerProcess(database_url, tmp_path / "victim.log", "victim", lease_seconds=1.0)
    try:
        await wait_for(
            lambda: db.fetchval("SELECT count(*) FROM test_effects WHERE phase = 'start'"),
            timeout=30,
            message="victim started the run",
        )
    finally:
        victim.kill()
    # The payload now asks for a quick run, so the rescuer can finish it.
    await db.execute("UPDATE talvix.events SET payload = payload || '{\"sleep\": 0}' WHERE id = $1", event_id)
    rescuer = WorkerProcess(database_url, tmp_path / "rescuer.log", "rescuer", lease_seconds=1.0)
    try:
        await wait_for(lambda: completed(db), timeout=30, message="rescuer completed the event")
    finally:
        assert rescuer.terminate() == 0
    logs = await db.fetch("SELECT status, error_message, metadata FROM agent_logs ORDER BY created_at")
    assert [r["status"] for r in logs] == ["failed", "completed"]
    assert logs[0]["error_message"].startswith("lease expired: worker victim stopped renewing it")
    assert logs[1]["metadata"]["worker"] == "rescuer" and logs[1]["metadata"]["attempt"] == 2
    assert await db.fetchval("SELECT count(*) FROM test_effects WHERE phase = 'end'") == 1


async def test_sigterm_exits_zero_after_finishing_the_run(db: asyncpg.Connection, database_url: str, tmp_path: Path) -> None:
    await db.execute(EFFECTS_TABLE)
    await enqueue(db, "probe", {"record": True, "sleep": 1.0})
    worker = WorkerProcess(database_url, tmp_path / "w.log", "graceful")
    await wait_for(lambda: db.fetchval("SELECT count(*) FROM test_effects"), timeout=30, message="run started")
    assert await worker.terminate_async() == 0
    assert await db.fetchval("SELECT status FROM talvix.events") == "completed"
    assert "worker graceful stopped" in worker.log_text()


async def test_worker_refuses_to_start_without_database_url(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    from tests.support.workers import REPO

    (tmp_path / ".env").write_text("DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres\n")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL" and not k.startswith("TALVIX_")}
    env["PYTHONPATH"] = str(REPO)
    result = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "listeners", "worker"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    # A .env file in the working directory is ignored on purpose: settings come from the environment.
    assert "missing required settings: DATABASE_URL" in result.stderr
