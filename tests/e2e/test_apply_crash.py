"""SIGKILL of the worker during an apply: the application is never submitted twice."""

from __future__ import annotations

from pathlib import Path

import asyncpg
import pytest

from tests.e2e.test_auto_apply import ready_application
from tests.support.apply import browser_environment, worker_environment
from tests.support.job_sites import JobSite
from tests.support.waiting import wait_for
from tests.support.workers import WorkerProcess

pytestmark = pytest.mark.browser


async def test_worker_killed_mid_submit_never_submits_twice(
    db: asyncpg.Connection, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    browser_environment(monkeypatch, tmp_path)
    site = JobSite(mode="slow_submit")
    runner = await site.start()
    env = worker_environment()
    settings = {"handler_modules": "handlers", "agents": "auto_apply", "lease_seconds": 2.0, "reaper_interval_seconds": 0.5}
    try:
        _, app = await ready_application(db, site, tmp_path / "storage")
        await db.execute(
            "INSERT INTO talvix.events (agent, payload) VALUES ('auto_apply', $1)", {"application_id": str(app), "now": True}
        )
        victim = WorkerProcess(database_url, tmp_path / "victim.log", "victim", extra_env=env, **settings)
        try:
            await wait_for(lambda: submitted_once(site), timeout=90, interval=0.05, message="the submission reached the site")
            assert await db.fetchval("SELECT auto_status FROM job_applications WHERE id = $1", app) == "submitting"
        finally:
            victim.kill()  # mid-submit: the site has the form, the worker never hears back
        rescuer = WorkerProcess(database_url, tmp_path / "rescuer.log", "rescuer", extra_env=env, **settings)
        try:
            await wait_for(
                lambda: db.fetchval("SELECT auto_status = 'needs_check' FROM job_applications WHERE id = $1", app),
                timeout=60,
                message="the re-run marked it needs_check",
            )
        finally:
            assert rescuer.terminate() == 0
    finally:
        await runner.cleanup()
    assert len(site.submissions) == 1  # sent once, never again
    runs = [
        r["status"] for r in await db.fetch("SELECT status FROM agent_logs WHERE agent_name = 'auto_apply' ORDER BY created_at")
    ]
    assert runs == ["failed", "skipped"]  # the lost run (lease expired), then the re-run that refused to click


async def submitted_once(site: JobSite) -> bool:
    return len(site.submissions) == 1
