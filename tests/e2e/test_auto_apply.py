"""Auto-apply end to end: the real worker, real Chromium (Debian's, via undetected-chromedriver),
and a fixture ATS site on 127.0.0.1 that records what it receives."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest

import handlers  # noqa: F401  (registers every agent)
from listeners.registry import REGISTRY
from tests.support.apply import LETTER, apply_now, browser_environment, new_application, resume_pdf
from tests.support.job_sites import JobSite
from tests.support.waiting import wait_for
from tests.support.workers import running_worker

pytestmark = pytest.mark.browser


@pytest.fixture
async def site(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> AsyncIterator[JobSite]:
    browser_environment(monkeypatch, tmp_path)
    job_site = JobSite()
    runner = await job_site.start()
    yield job_site
    await runner.cleanup()


async def ready_application(db: asyncpg.Connection, site: JobSite, storage: Path, **kwargs: Any) -> tuple[uuid.UUID, uuid.UUID]:
    """An application to the generic fixture form (a site with no adapter of its own)."""
    return await new_application(db, site.url(), "other", **kwargs)


async def test_ready_application_is_submitted_with_the_right_fields_and_file(
    site: JobSite, db: asyncpg.Connection, database_url: str, tmp_path: Path
) -> None:
    uid, app = await ready_application(db, site, tmp_path / "storage")
    row = await apply_now(db, database_url, app)
    assert row["auto_status"] == "submitted" and row["status"] == "applied" and row["applied_at"] is not None
    (sent,) = site.submissions
    sent["fields"]["cover_letter"] = sent["fields"]["cover_letter"].replace("\r\n", "\n")  # browsers send CRLF
    email = await db.fetchval("SELECT email FROM users WHERE id = $1", uid)
    assert sent["fields"] == {
        "first_name": "Asha",
        "last_name": "Rao",
        "email": email,
        "phone": "+91 98765 43210",
        "years": "6-10",
        "authorized": "Yes",
        "cover_letter": LETTER,
    }
    # The tailored resume goes as its PDF, named for a recruiter, never the Markdown source.
    assert (sent["file_name"], sent["file_bytes"]) == ("Asha_Rao_Resume.pdf", resume_pdf(row))
    user = await db.fetchrow("SELECT daily_apply_count, monthly_apply_count FROM users WHERE id = $1", uid)
    assert (user["daily_apply_count"], user["monthly_apply_count"]) == (1, 1)
    log = await db.fetchrow("SELECT status, records_processed FROM agent_logs WHERE agent_name = 'auto_apply'")
    assert (log["status"], log["records_processed"]) == ("completed", 1)


@pytest.mark.parametrize(
    ("mode", "status"),
    [
        ("closed", "failed_closed"),
        ("captcha", "failed_captcha"),
        ("drop_submit", "failed_not_found"),
        ("no_confirm", "needs_check"),
    ],
)
async def test_each_failure_mode_ends_in_its_status_with_a_screenshot(
    site: JobSite, db: asyncpg.Connection, database_url: str, tmp_path: Path, mode: str, status: str
) -> None:
    site.mode = mode
    uid, app = await ready_application(db, site, tmp_path / "storage")
    row = await apply_now(db, database_url, app)
    assert row["auto_status"] == status
    assert row["screenshot_path"] == f"screenshots/{app}.png"
    png = (tmp_path / "storage" / row["screenshot_path"]).read_bytes()
    assert png.startswith(b"\x89PNG")
    # Only an uncertain submission (the click happened) keeps its place in the user's daily cap.
    assert await db.fetchval("SELECT daily_apply_count FROM users WHERE id = $1", uid) == (1 if mode == "no_confirm" else 0)
    assert len(site.submissions) == (1 if mode == "no_confirm" else 0)


async def test_review_mode_fills_without_submitting_and_approval_submits(
    site: JobSite, db: asyncpg.Connection, database_url: str, tmp_path: Path
) -> None:
    _, app = await ready_application(db, site, tmp_path / "storage", activated_days_ago=3)
    row = await apply_now(db, database_url, app)
    assert row["auto_status"] == "awaiting_review" and site.submissions == []
    await db.execute("UPDATE job_applications SET review_decision = 'approved' WHERE id = $1", app)  # the user approves
    async with running_worker(database_url, handlers=REGISTRY.values(), agents=["auto_apply"]):
        await wait_for(
            lambda: db.fetchval("SELECT auto_status = 'submitted' FROM job_applications WHERE id = $1", app),
            timeout=90,
            message="approved application submitted",
        )
    assert len(site.submissions) == 1


async def test_paused_user_gets_no_browser_and_a_reason(
    site: JobSite, db: asyncpg.Connection, database_url: str, tmp_path: Path
) -> None:
    _, app = await ready_application(
        db, site, tmp_path / "storage", auto_apply_paused=True, auto_apply_paused_reason="paused by the user"
    )
    row = await apply_now(db, database_url, app)
    assert row["auto_status"] == "skipped" and "paused by the user" in row["failure_note"]
    assert site.submissions == []
    assert await db.fetchval("SELECT status FROM agent_logs WHERE agent_name = 'auto_apply'") == "skipped"


async def test_a_run_that_died_while_submitting_is_never_resubmitted(
    site: JobSite, db: asyncpg.Connection, database_url: str, tmp_path: Path
) -> None:
    _, app = await ready_application(db, site, tmp_path / "storage")
    await db.execute("UPDATE job_applications SET auto_status = 'submitting', submitting_at = now() WHERE id = $1", app)
    row = await apply_now(db, database_url, app)
    assert row["auto_status"] == "needs_check" and site.submissions == []


async def test_ready_waits_for_the_users_slot(site: JobSite, db: asyncpg.Connection, database_url: str, tmp_path: Path) -> None:
    _, app = await ready_application(db, site, tmp_path / "storage", status="tailoring")
    async with running_worker(database_url, handlers=REGISTRY.values(), agents=["auto_apply"]):
        await db.execute("UPDATE job_applications SET auto_status = 'ready' WHERE id = $1", app)  # the trigger fires
        await wait_for(
            lambda: db.fetchval(
                "SELECT count(*) = 1 FROM talvix.events WHERE agent = 'auto_apply' AND status = 'pending' AND run_after > now()"
            ),
            timeout=30,
            message="slot",
        )
    scheduled = await db.fetchrow("SELECT run_after, payload FROM talvix.events WHERE status = 'pending'")
    from handlers.apply.schedule import INDIA

    local = scheduled["run_after"].astimezone(INDIA)
    assert local.hour >= 20 or local.hour < 6
    assert scheduled["payload"] == {"application_id": str(app), "scheduled": True}
    assert site.submissions == []


async def test_a_full_host_defers_the_application_without_touching_it(
    site: JobSite, db: asyncpg.Connection, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from handlers.apply import browser_slots

    monkeypatch.setenv("TALVIX_BROWSER_SLOT_DIR", str(tmp_path / "slots"))
    monkeypatch.setenv("TALVIX_BROWSERS_PER_HOST", "1")
    monkeypatch.setenv("TALVIX_BROWSER_SLOT_WAIT_SECONDS", "0.5")
    _, app = await ready_application(db, site, tmp_path / "storage")
    held = browser_slots.try_acquire(tmp_path / "slots", 1)  # another worker's browser on this host
    assert held is not None
    try:
        row = await apply_now(db, database_url, app)
    finally:
        held.release()
    assert row["auto_status"] == "ready" and row["failure_note"] is None and site.submissions == []
    assert await db.fetchval("SELECT daily_apply_count FROM users WHERE id = $1", row["user_id"]) == 0
    log = await db.fetchrow("SELECT status, error_message FROM agent_logs WHERE agent_name = 'auto_apply'")
    assert log["status"] == "skipped" and "browser slots on this host are busy" in log["error_message"]
    again = await db.fetchrow("SELECT payload, run_after - now() AS wait FROM talvix.events WHERE status = 'pending'")
    assert again["payload"] == {"application_id": str(app), "now": True}
    assert 30 < again["wait"].total_seconds() <= 60
