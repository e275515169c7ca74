"""Applications for the browser tests: a user, a job at a fixture site, tailored documents written
as document_tailor writes them (Markdown source, PDF and DOCX), and a way to run auto_apply once."""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Any

import asyncpg
import pytest

import handlers  # noqa: F401  (registers every agent)
from handlers.agents.document_tailor import TailoredDocuments, render_files
from listeners.registry import REGISTRY
from tests.support.waiting import wait_for
from tests.support.workers import running_worker

RESUME_MD = (
    "# Asha Rao\n\n**Target role:** Backend Engineer at Acme\n\n## Skills\nPython, asyncio, PostgreSQL, "
    "Kubernetes\n\n## Roles\n- Senior Backend Engineer, Zeta (2019–2025)\n"
)
LETTER = "Dear Acme team,\n\nI build reliable backends in Python and PostgreSQL.\n\nRegards,\nAsha Rao\n"
PROFILE: dict[str, Any] = {
    "work_authorized": True,
    "needs_sponsorship": False,
    "willing_to_commute": True,
    "notice_period_days": 30,
    "city": "Bengaluru",
    "expected_salary": "3200000",
    "linkedin_url": "https://www.linkedin.com/in/asha-rao",
}
SUMMARY: dict[str, Any] = {
    "skills": ["python", "kubernetes", "postgresql"],
    "years_experience": 7,
    "skill_years": {"python": 6, "kubernetes": 2},
    "seniority": "senior",
    "titles": [],
    "education": [],
    "persona": "professional",
}


def browser_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Everything a browser test touches stays in its own folder: storage, profiles, slot locks."""
    for name, value in {
        "TALVIX_BROWSER_LOCAL_ONLY": "1",
        "TALVIX_BROWSER_PAGE_DELAY": "0.01,0.05",
        "TALVIX_BROWSER_FIELD_DELAY": "0.01,0.03",
        "STORAGE_ROOT": str(tmp_path / "storage"),
        "TMPDIR": str(tmp_path),
        "TALVIX_BROWSER_DIR": str(tmp_path / "browsers"),
        "TALVIX_BROWSER_SLOT_DIR": str(tmp_path / "slots"),
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("SARVAM_API_KEY", raising=False)
    monkeypatch.delenv("TALVIX_LLM_API_KEY", raising=False)


def worker_environment() -> dict[str, str]:
    """What a worker subprocess needs of browser_environment() (and of the test's session key)."""
    passed_on = ("TALVIX_BROWSER", "STORAGE_ROOT", "TMPDIR", "AES_SESSION_KEY", "TALVIX_LINKEDIN")
    return {k: v for k, v in os.environ.items() if k.startswith(passed_on)}


async def new_application(
    db: asyncpg.Connection,
    url: str,
    platform: str,
    *,
    status: str = "ready",
    activated_days_ago: int = 30,
    profile: dict[str, Any] | None = None,
    summary: dict[str, Any] | None = None,
    full_name: str = "Asha Rao",
    phone: str = "+91 98765 43210",
    **user: object,
) -> tuple[uuid.UUID, uuid.UUID]:
    """A user with a parsed resume and an application to the job at `url`, its documents on disk."""
    uid, app = uuid.uuid4(), uuid.uuid4()
    await db.execute(
        "INSERT INTO users (id, email, full_name, phone, profile, tier, auto_apply_enabled) "
        "VALUES ($1, $2, $3, $4, $5, 'professional', true)",
        uid,
        f"{uid.hex[:8]}@example.dev",
        full_name,
        phone,
        PROFILE if profile is None else profile,
    )
    await db.execute(
        "UPDATE users SET auto_apply_activated_at = now() - make_interval(days => $2) WHERE id = $1", uid, activated_days_ago
    )
    for column, value in user.items():
        await db.execute(f"UPDATE users SET {column} = $2 WHERE id = $1", uid, value)
    await db.execute(
        "INSERT INTO resumes (user_id, raw_text, summary, parse_status, parsed_at) VALUES ($1, 'resume', $2, 'parsed', now())",
        uid,
        SUMMARY if summary is None else summary,
    )
    job = await db.fetchval(
        "INSERT INTO jobs (fingerprint, title, company, apply_url, platform) "
        "VALUES ($1, 'Backend Engineer', 'Acme', $2, $3) RETURNING id",
        str(uid),
        url,
        platform,
    )
    storage = Path(os.environ["STORAGE_ROOT"])
    resume_path, letter_path = f"tailored/{uid}/{app}.md", f"cover-letters/{uid}/{app}.txt"
    for relative, text in ((resume_path, RESUME_MD), (letter_path, LETTER)):
        (storage / relative).parent.mkdir(parents=True, exist_ok=True)
        (storage / relative).write_text(text)
    files = render_files(TailoredDocuments(resume_markdown=RESUME_MD, cover_letter=LETTER), f"tailored/{uid}/{app}", full_name)
    await db.execute(
        "INSERT INTO job_applications (id, user_id, job_id, platform, auto_status, tailored_resume_path, "
        "cover_letter_path, document_files) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        app,
        uid,
        job,
        platform,
        status,
        resume_path,
        letter_path,
        files,
    )
    return uid, app


# The AES_SESSION_KEY of the test session: LinkedIn sessions are sealed with it.
KEY_HEX = os.urandom(32).hex()


async def linkedin_application(
    db: asyncpg.Connection, site: Any, *, job: str = "42", token: str | None = None, **kwargs: Any
) -> tuple[uuid.UUID, uuid.UUID]:
    """An application to a job of the LinkedIn imitation, with the user's session sealed and stored
    as the gateway stores it."""
    uid, app = await new_application(db, site.job_url(job), "linkedin", **kwargs)
    await store_linkedin_session(db, uid, token or site.token)
    return uid, app


async def store_linkedin_session(db: asyncpg.Connection, uid: uuid.UUID, token: str) -> None:
    """The user's LinkedIn session (the li_at cookie `token`), sealed and stored as the gateway stores it."""
    from handlers.skills.session_crypto import seal

    cookies = [{"name": "li_at", "value": token, "domain": ".linkedin.com", "path": "/"}]
    sealed = seal(bytes.fromhex(KEY_HEX), cookies, user_id=str(uid), platform="linkedin")
    await db.execute(
        "INSERT INTO user_connections (user_id, platform, session_encrypted, session_iv, session_version, "
        "user_agent, viewport) VALUES ($1, 'linkedin', $2, $3, 2, 'Mozilla/5.0 (X11; Linux x86_64) Talvix', "
        "'1366x768')",
        uid,
        sealed.ciphertext,
        sealed.iv,
    )


async def budget_used(db: asyncpg.Connection) -> int:
    """Today's LinkedIn actions, fleet-wide."""
    return await db.fetchval(
        "SELECT coalesce((SELECT linkedin_actions FROM system_daily_limits WHERE day = talvix.utc_today()), 0)"
    )


async def daily_count(db: asyncpg.Connection, uid: uuid.UUID) -> int:
    return await db.fetchval("SELECT daily_apply_count FROM users WHERE id = $1", uid)


def resume_pdf(application: asyncpg.Record) -> bytes:
    return (Path(os.environ["STORAGE_ROOT"]) / application["document_files"]["resume"]["pdf"]).read_bytes()


async def apply_now(db: asyncpg.Connection, database_url: str, app: uuid.UUID) -> asyncpg.Record:
    """Queue {"application_id", "now": true} (not waiting for the slot), run a worker until it is done,
    and return the application row."""
    await db.execute(
        "INSERT INTO talvix.events (agent, payload) VALUES ('auto_apply', $1)", {"application_id": str(app), "now": True}
    )
    async with running_worker(database_url, handlers=REGISTRY.values(), agents=["auto_apply"]):
        await wait_for(
            lambda: db.fetchval(
                "SELECT count(*) = 0 FROM talvix.events WHERE agent = 'auto_apply' AND finished_at IS NULL AND run_after <= now()"
            ),
            timeout=120,
            message="apply run",
        )
    return await db.fetchrow("SELECT * FROM job_applications WHERE id = $1", app)
