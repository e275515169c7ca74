"""An apply that is interrupted is neither lost nor failed: a graceful shutdown hands it back and the
next worker finishes it; a browser that crashes mid-form is retried; a dead worker's stale browser
runs are cleaned up by the next one."""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Awaitable, Callable
from pathlib import Path

import asyncpg
import pytest

from handlers.apply import browser_runs
from listeners.registry import REGISTRY
from tests.support.apply import budget_used, daily_count, linkedin_application, worker_environment
from tests.support.linkedin_site import LinkedInSite
from tests.support.processes import descendants, still_running
from tests.support.waiting import wait_for, wait_for_sync
from tests.support.workers import WorkerProcess, running_worker

pytestmark = pytest.mark.browser


def step_shown(site: LinkedInSite, index: int) -> Callable[[], Awaitable[bool]]:
    async def check() -> bool:
        return any(e["type"] == "step" and e.get("index") == index for e in site.events)

    return check


async def test_sigterm_mid_apply_hands_the_application_back(
    linkedin: LinkedInSite, db: asyncpg.Connection, database_url: str, tmp_path: Path
) -> None:
    uid, app = await linkedin_application(db, linkedin)
    await db.execute(
        "INSERT INTO talvix.events (agent, payload) VALUES ('auto_apply', $1)", {"application_id": str(app), "now": True}
    )
    env = worker_environment()
    settings = {"handler_modules": "handlers", "agents": "auto_apply", "shutdown_grace_seconds": 0.5}
    stopped = WorkerProcess(database_url, tmp_path / "stopped.log", "stopped", extra_env=env, **settings)
    await wait_for(step_shown(linkedin, 1), timeout=90, message="the resume step")
    assert await stopped.terminate_async() == 0  # a graceful stop, shorter than the run
    row = await db.fetchrow("SELECT auto_status, failure_note FROM job_applications WHERE id = $1", app)
    assert row["auto_status"] == "in_progress"  # not failed: it will be resumed
    event = await db.fetchrow("SELECT status, attempts FROM talvix.events WHERE agent = 'auto_apply'")
    assert event["status"] == "pending"
    assert await daily_count(db, uid) == 1  # the slot it holds, kept for the resumed run
    async with running_worker(database_url, handlers=REGISTRY.values(), agents=["auto_apply"]):
        await wait_for(
            lambda: db.fetchval("SELECT auto_status = 'submitted' FROM job_applications WHERE id = $1", app),
            timeout=120,
            message="the resumed application submitted",
        )
    assert len(linkedin.submissions) == 1 and await daily_count(db, uid) == 1 and await budget_used(db) == 1
    logs = [
        r["status"] for r in await db.fetch("SELECT status FROM agent_logs WHERE agent_name = 'auto_apply' ORDER BY created_at")
    ]
    assert logs == ["failed", "completed"]  # the cancelled run (recorded as such), then the one that finished


async def test_a_browser_crash_is_retried_with_a_short_reason(
    linkedin: LinkedInSite, db: asyncpg.Connection, database_url: str, tmp_path: Path
) -> None:
    uid, app = await linkedin_application(db, linkedin)
    await db.execute(
        "INSERT INTO talvix.events (agent, payload) VALUES ('auto_apply', $1)", {"application_id": str(app), "now": True}
    )
    async with running_worker(database_url, handlers=REGISTRY.values(), agents=["auto_apply"]):
        await wait_for(step_shown(linkedin, 2), timeout=90, message="the questions step")
        for pid in descendants(os.getpid()):  # the browser dies under the run, as an OOM kill would do it
            if "chromium" in Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")[0]:
                os.kill(pid, signal.SIGKILL)
        await wait_for(
            lambda: db.fetchval("SELECT auto_status = 'submitted' FROM job_applications WHERE id = $1", app),
            timeout=180,
            message="the retried application submitted",
        )
    assert len(linkedin.submissions) == 1 and await daily_count(db, uid) == 1
    first = await db.fetchrow("SELECT status, error_message FROM agent_logs WHERE agent_name = 'auto_apply' ORDER BY created_at")
    assert first["status"] == "failed" and "retrying" in first["error_message"]
    assert "Stacktrace" not in first["error_message"] and "#0 0x" not in first["error_message"]  # a short reason


def test_a_dead_workers_browser_run_is_swept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TALVIX_BROWSER_DIR", str(tmp_path / "browsers"))
    folder = browser_runs.runs_root() / "999999-1"  # its owner (pid 999999 started at tick 1) is gone
    (folder / "run-abc" / "profile").mkdir(parents=True)
    (folder / "owner.json").write_text('{"pid": 999999, "start_ticks": 1}')
    # A stand-in for the dead worker's Chromium: its command line names the run's folder, as Chromium's does.
    orphan = subprocess.Popen(["bash", "-c", f"exec -a {folder}/run-abc/chromium sleep 600"], start_new_session=True)
    mine = browser_runs.WorkerFolder.path()  # a live worker's folder is never touched
    try:
        assert browser_runs.sweep() == 1
        orphan.wait(10)
        assert not folder.exists() and mine.exists()
    finally:
        if orphan.poll() is None:
            orphan.kill()
    wait_for_sync(lambda: still_running({orphan.pid: None}) == [], timeout=5, message="the orphan gone")
