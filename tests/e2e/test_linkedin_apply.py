"""LinkedIn Easy Apply end to end: a stored (encrypted) session, a visible Chromium on Xvfb, the
multi-step modal on a fixture site, the budget, and every named outcome."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

import handlers  # noqa: F401  (registers every agent)
from handlers.session_crypto import seal
from tests.support.apply import apply_now
from tests.support.job_sites import LinkedInSite

pytestmark = pytest.mark.browser
KEY_HEX = os.urandom(32).hex()
RESUME_MD = "# Asha Rao\n\nBackend engineer.\n"


@pytest.fixture
async def linkedin(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> AsyncIterator[LinkedInSite]:
    site = LinkedInSite()
    runner = await site.start()
    for name, value in {"TALVIX_BROWSER_LOCAL_ONLY": "1", "TALVIX_BROWSER_PAGE_DELAY": "0.01,0.05",
                        "TALVIX_BROWSER_FIELD_DELAY": "0.01,0.03", "STORAGE_ROOT": str(tmp_path / "storage"),
                        "TMPDIR": str(tmp_path), "AES_SESSION_KEY": KEY_HEX, "TALVIX_LINKEDIN_ORIGIN": site.origin}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("SARVAM_API_KEY", raising=False)
    yield site
    await runner.cleanup()


async def linkedin_application(db: asyncpg.Connection, site: LinkedInSite, storage: Path, *,
                               token: str | None = None) -> tuple[uuid.UUID, uuid.UUID]:
    uid, app = uuid.uuid4(), uuid.uuid4()
    await db.execute("INSERT INTO users (id, email, full_name, phone, profile, auto_apply_enabled) VALUES "
                     "($1, 'asha@x.dev', 'Asha Rao', '+91 98765 43210', $2, true)",
                     uid, {"years_experience": 6, "work_authorized": True})
    await db.execute("UPDATE users SET auto_apply_activated_at = now() - interval '30 days' WHERE id = $1", uid)
    cookies = [{"name": "li_at", "value": token or site.token, "domain": ".linkedin.com", "path": "/"}]
    sealed = seal(bytes.fromhex(KEY_HEX), cookies, user_id=str(uid), platform="linkedin")
    await db.execute("INSERT INTO user_connections (user_id, platform, session_encrypted, session_iv, session_version, "
                     "user_agent, viewport) VALUES ($1, 'linkedin', $2, $3, 2, 'Mozilla/5.0 (X11; Linux x86_64) Talvix', "
                     "'1366x768')", uid, sealed.ciphertext, sealed.iv)
    job = await db.fetchval("INSERT INTO jobs (fingerprint, title, company, apply_url, platform) "
                            "VALUES ($1, 'Backend Engineer', 'Acme', $2, 'linkedin') RETURNING id", str(uid), site.job_url())
    (storage / "tailored" / str(uid)).mkdir(parents=True)
    (storage / "tailored" / str(uid) / f"{app}.md").write_text(RESUME_MD)
    await db.execute("INSERT INTO job_applications (id, user_id, job_id, platform, auto_status, tailored_resume_path) "
                     "VALUES ($1, $2, $3, 'linkedin', 'ready', $4)", app, uid, job, f"tailored/{uid}/{app}.md")
    return uid, app


async def budget_used(db: asyncpg.Connection) -> int:
    return await db.fetchval("SELECT coalesce((SELECT linkedin_actions FROM system_daily_limits "
                             "WHERE day = talvix.utc_today()), 0)")


async def test_easy_apply_submits_through_every_step(linkedin: LinkedInSite, db: asyncpg.Connection,
                                                     database_url: str, tmp_path: Path) -> None:
    uid, app = await linkedin_application(db, linkedin, tmp_path / "storage")
    row = await apply_now(db, database_url, app)
    assert row["auto_status"] == "submitted" and row["applied_at"] is not None
    (sent,) = linkedin.submissions
    assert sent["fields"] == {"phone": "+91 98765 43210", "email": "asha@x.dev", "years": "6", "authorized": "Yes"}
    assert (sent["file_name"], sent["file_bytes"]) == (f"{app}.md", RESUME_MD.encode())
    assert sent["cookies"]["li_at"] == linkedin.token  # the decrypted session was injected
    assert await budget_used(db) == 1  # exactly one LinkedIn action for one submission
    connection = await db.fetchrow("SELECT consecutive_failures, last_validated_at FROM user_connections WHERE user_id = $1", uid)
    assert connection["consecutive_failures"] == 0 and connection["last_validated_at"] is not None


@pytest.mark.parametrize(("mode", "status"), [
    ("captcha", "failed_captcha"), ("applied", "already_applied"), ("closed", "failed_closed"),
    ("drop_submit", "failed_not_found"), ("no_confirm", "needs_check"),
])
async def test_easy_apply_outcomes_are_named(linkedin: LinkedInSite, db: asyncpg.Connection, database_url: str,
                                             tmp_path: Path, mode: str, status: str) -> None:
    linkedin.mode = mode
    _, app = await linkedin_application(db, linkedin, tmp_path / "storage")
    row = await apply_now(db, database_url, app)
    assert row["auto_status"] == status
    assert (tmp_path / "storage" / f"screenshots/{app}.png").read_bytes().startswith(b"\x89PNG")
    # The budget unit stands only when the submit click happened.
    assert await budget_used(db) == (1 if mode == "no_confirm" else 0)


async def test_signed_out_session_counts_failures_then_pauses_the_user(
        linkedin: LinkedInSite, db: asyncpg.Connection, database_url: str, tmp_path: Path) -> None:
    uid, app = await linkedin_application(db, linkedin, tmp_path / "storage", token="expired-cookie")
    await db.execute("UPDATE user_connections SET consecutive_failures = 2 WHERE user_id = $1", uid)
    row = await apply_now(db, database_url, app)
    assert row["auto_status"] == "failed_session" and linkedin.submissions == []
    connection = await db.fetchrow("SELECT consecutive_failures, is_valid FROM user_connections WHERE user_id = $1", uid)
    assert (connection["consecutive_failures"], connection["is_valid"]) == (3, False)
    user = await db.fetchrow("SELECT auto_apply_paused, auto_apply_paused_reason FROM users WHERE id = $1", uid)
    assert user["auto_apply_paused"] and "linkedin session failed 3 times" in user["auto_apply_paused_reason"]
    assert await budget_used(db) == 0


async def test_spent_budget_means_no_browser_at_all(linkedin: LinkedInSite, db: asyncpg.Connection,
                                                    database_url: str, tmp_path: Path) -> None:
    _, app = await linkedin_application(db, linkedin, tmp_path / "storage")
    await db.execute("INSERT INTO system_daily_limits (day, linkedin_actions, linkedin_limit) "
                     "VALUES (talvix.utc_today(), 1500, 1500)")
    row = await apply_now(db, database_url, app)
    assert row["auto_status"] == "skipped" and "LinkedIn budget" in row["failure_note"]
    assert row["screenshot_path"] is None and linkedin.submissions == []
