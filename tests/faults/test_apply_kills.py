"""SIGKILL the apply worker at moments spread over LinkedIn's Easy Apply flow, restarting it each
time: every application is sent at most once and ends definite (submitted, or needs_check when the
kill came after 'submitting' was recorded), the caps and the LinkedIn budget count what may have
been sent, and no browser process or profile folder of a killed worker survives it.

Only the worker's own pid is killed (as the OOM killer does), not its process group: its Chromium,
chromedriver and Xvfb must still go with it."""

from __future__ import annotations

import os
import signal
from collections.abc import Awaitable, Callable
from pathlib import Path

import asyncpg
import pytest

from tests.support.apply import budget_used, linkedin_application, worker_environment
from tests.support.linkedin_site import LinkedInSite
from tests.support.processes import descendants, still_running
from tests.support.waiting import wait_for
from tests.support.workers import WorkerProcess

pytestmark = [pytest.mark.slow, pytest.mark.browser]
LEASE_SECONDS = 4.0


def seen(site: LinkedInSite, job: str, kind: str, index: int | None = None) -> Callable[[], Awaitable[bool]]:
    async def check() -> bool:
        return any(e.get("job") == job and e["type"] == kind and (index is None or e.get("index") == index) for e in site.events)

    return check


async def test_killed_apply_workers_never_send_twice_nor_leave_browsers(
    linkedin: LinkedInSite, db: asyncpg.Connection, database_url: str, tmp_path: Path
) -> None:
    site = linkedin
    env = worker_environment()
    settings = {
        "handler_modules": "handlers",
        "agents": "auto_apply",
        "lease_seconds": LEASE_SECONDS,
        "reaper_interval_seconds": 0.5,
    }

    def status_is(app: object, wanted: str) -> Callable[[], Awaitable[bool]]:
        async def check() -> bool:
            return await db.fetchval("SELECT auto_status = $2 FROM job_applications WHERE id = $1", app, wanted)

        return check

    def chromium_of(worker: WorkerProcess) -> Callable[[], Awaitable[bool]]:
        async def check() -> bool:
            return any("chromium" in line for line in still_running(descendants(worker.pid)))

        return check

    # (what the moment is, the condition that marks it), spread over the whole flow.
    moments: list[tuple[str, Callable[[str, object], Callable[[], Awaitable[bool]]]]] = [
        ("claimed: in_progress recorded", lambda job, app: status_is(app, "in_progress")),
        ("Chromium started", lambda job, app: chromium_of(worker)),
        ("modal opened", lambda job, app: seen(site, job, "opened")),
        ("contact info shown", lambda job, app: seen(site, job, "step", 0)),
        ("resume step shown", lambda job, app: seen(site, job, "step", 1)),
        ("resume uploaded", lambda job, app: seen(site, job, "resume_uploaded")),
        ("questions shown", lambda job, app: seen(site, job, "step", 2)),
        ("review shown", lambda job, app: seen(site, job, "step", 3)),
        ("submitting recorded", lambda job, app: status_is(app, "submitting")),
        ("submission received", lambda job, app: seen(site, job, "submitted")),
    ]
    apps = []
    worker = WorkerProcess(database_url, tmp_path / "worker-0.log", "worker-0", extra_env=env, **settings)
    try:
        for number, (moment, condition) in enumerate(moments, start=1):
            job = str(100 + number)
            _, app = await linkedin_application(db, site, job=job)
            apps.append((moment, job, app))
            await db.execute(
                "INSERT INTO talvix.events (agent, payload) VALUES ('auto_apply', $1)", {"application_id": str(app), "now": True}
            )
            await wait_for(condition(job, app), timeout=90, interval=0.01, message=f"moment '{moment}'")
            family = descendants(worker.pid)
            folders = list(Path(env["TALVIX_BROWSER_DIR"]).glob(f"{worker.pid}-*"))
            os.kill(worker.pid, signal.SIGKILL)
            worker.wait()
            worker = WorkerProcess(database_url, tmp_path / f"worker-{number}.log", f"worker-{number}", extra_env=env, **settings)
            # The killed worker's browsers, driver, Xvfb and profile go with it (its guardian), or at the
            # latest once the next worker has started (its sweep, when the kill came before the guardian).
            await wait_for(lambda f=family: _none(still_running(f)), timeout=15, message=f"no leftovers after '{moment}'")
            await wait_for(
                lambda f=folders: _none([x for x in f if x.exists()]),
                timeout=60,
                message=f"the killed worker's browser folder removed ('{moment}')",
            )
            # The next worker settles the application once the killed run's lease is gone.
            await wait_for(
                lambda a=app: db.fetchval(
                    "SELECT auto_status IN ('submitted', 'needs_check') FROM job_applications WHERE id = $1", a
                ),
                timeout=LEASE_SECONDS + 90,
                interval=0.05,
                message=f"a definite state after '{moment}'",
            )
    finally:
        stopped = worker.terminate()
    assert stopped == 0  # the last worker stops cleanly on SIGTERM

    sent: dict[str, int] = {}
    for submission in site.submissions:
        sent[submission["job"]] = sent.get(submission["job"], 0) + 1
    outcome = {}
    for moment, job, app in apps:
        row = await db.fetchrow("SELECT auto_status, user_id FROM job_applications WHERE id = $1", app)
        outcome[moment] = row["auto_status"]
        assert sent.get(job, 0) <= 1, f"job {job} was sent {sent[job]} times ('{moment}')"
        if row["auto_status"] == "submitted":
            assert sent.get(job) == 1
        # A cap slot stands exactly when a click may have happened.
        assert await db.fetchval("SELECT daily_apply_count FROM users WHERE id = $1", row["user_id"]) == 1
    before_click = [m for m, _ in moments[:8]]
    assert {m: outcome[m] for m in before_click} == dict.fromkeys(before_click, "submitted")  # resumed and finished
    assert outcome["submission received"] == "needs_check"  # sent, but its worker died before hearing back
    assert await budget_used(db) == len(moments)  # one unit per application that reached 'submitting'
    assert list(Path(env["TALVIX_BROWSER_DIR"]).iterdir()) == []


async def _none(left: list[str]) -> bool:
    return not left
