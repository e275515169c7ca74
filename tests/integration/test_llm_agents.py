"""LLM agents end to end: real CrewAI, a real HTTP stand-in for the provider, rows through triggers."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import pytest

from handlers.llm import OFFLINE_MODEL
from handlers.resume_intelligence import offline_summary
from listeners.registry import REGISTRY
from tests.support.llm_standin import StandIn
from tests.support.waiting import wait_for
from tests.support.workers import running_worker

RESUME = """Asha Rao
Senior Backend Engineer, Acme (2019–2025)
Backend Developer, Beta Labs
6 years building Python, asyncio and PostgreSQL services on AWS with Docker.
B.Tech Computer Science, IIT Madras
"""
SUMMARY = {"skills": ["python", "asyncio", "postgresql", "aws", "docker"], "years_experience": 6,
           "seniority": "senior", "titles": ["Senior Backend Engineer", "Backend Developer"],
           "education": ["B.Tech Computer Science, IIT Madras"], "persona": "professional"}


@pytest.fixture(scope="session")
def standin() -> Iterator[StandIn]:
    server = StandIn()
    yield server
    server.close()


@pytest.fixture
def provider(standin: StandIn, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> StandIn:
    standin.reset()
    monkeypatch.setenv("SARVAM_API_KEY", "sk-test-" + uuid.uuid4().hex)
    monkeypatch.setenv("TALVIX_LLM_BASE_URL", standin.url)
    monkeypatch.setenv("TALVIX_LLM_MAX_RETRIES", "1")
    monkeypatch.setenv("HOME", str(tmp_path))  # crewai writes its local files under HOME
    monkeypatch.setenv("CREWAI_STORAGE_DIR", "talvix-tests")
    return standin


async def insert_resume(db: asyncpg.Connection, text: str | None = RESUME, path: str | None = None) -> tuple:
    user = uuid.uuid4()
    await db.execute("INSERT INTO users (id, email, fit_scores_stale) VALUES ($1, $2, false)", user, f"{user}@x.dev")
    resume = await db.fetchval("INSERT INTO resumes (user_id, raw_text, storage_path) VALUES ($1, $2, $3) RETURNING id",
                               user, text, path)
    return user, resume


async def run_until_finished(database_url: str, db: asyncpg.Connection) -> None:
    async with running_worker(database_url, [REGISTRY["resume_intelligence"]]):
        await wait_for(lambda: db.fetchval("SELECT count(*) = 0 FROM talvix.events WHERE finished_at IS NULL"),
                       timeout=60, message="resume event finished")


async def test_resume_insert_leads_to_summary_through_the_trigger(provider: StandIn, db: asyncpg.Connection,
                                                                  database_url: str) -> None:
    provider.reply(SUMMARY)
    user, resume = await insert_resume(db)
    await run_until_finished(database_url, db)
    row = await db.fetchrow("SELECT parse_status, summary FROM resumes WHERE id = $1", resume)
    assert row["parse_status"] == "parsed" and row["summary"] == {**SUMMARY, "years_experience": 6.0}
    assert await db.fetchval("SELECT fit_scores_stale FROM users WHERE id = $1", user)
    (request,) = provider.requests
    assert request["model"] == "sarvam-m"
    assert request["reasoning_effort"] == "medium"  # Think mode
    assert request["response_format"]["type"] == "json_schema"
    assert request["response_format"]["json_schema"]["name"] == "ResumeSummary"
    assert "6 years building Python" in request["messages"][-1]["content"]
    log = await db.fetchrow("SELECT status, metadata FROM agent_logs")
    assert log["status"] == "completed"
    assert (log["metadata"]["model"], log["metadata"]["offline"], log["metadata"]["total_tokens"]) == ("sarvam-m", False, 150)


async def test_no_think_override_sends_null_reasoning_and_its_model(provider: StandIn, db: asyncpg.Connection,
                                                                   database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TALVIX_LLM_AGENTS", '{"resume_intelligence": {"thinking": false, "model": "sarvam-30b"}}')
    provider.reply("<think>the candidate looks senior</think>" + __import__("json").dumps(SUMMARY))
    _, resume = await insert_resume(db)
    await run_until_finished(database_url, db)
    (request,) = provider.requests
    assert request["model"] == "sarvam-30b"
    assert "reasoning_effort" in request and request["reasoning_effort"] is None
    assert await db.fetchval("SELECT parse_status FROM resumes WHERE id = $1", resume) == "parsed"


async def test_rate_limited_then_answered_completes(provider: StandIn, db: asyncpg.Connection, database_url: str) -> None:
    provider.reply(429, SUMMARY)
    _, resume = await insert_resume(db)
    await run_until_finished(database_url, db)
    assert len(provider.requests) == 2
    assert await db.fetchval("SELECT parse_status FROM resumes WHERE id = $1", resume) == "parsed"


@pytest.mark.parametrize(("answers", "message"), [
    ([500] * 20, "500"),
    (["this is not json"] * 20, "does not fit ResumeSummary"),
    ([{**SUMMARY, "years_experience": 99}] * 20, "does not fit ResumeSummary"),
])
async def test_provider_failures_end_in_a_failed_run_without_partial_rows(
        provider: StandIn, db: asyncpg.Connection, database_url: str, answers: list, message: str) -> None:
    provider.reply(*answers)
    user, resume = await insert_resume(db)
    await run_until_finished(database_url, db)
    event = await db.fetchrow("SELECT status, attempts, last_error FROM talvix.events")
    assert event["status"] == "failed" and event["attempts"] == 3
    assert message in event["last_error"]
    row = await db.fetchrow("SELECT parse_status, summary FROM resumes WHERE id = $1", resume)
    assert (row["parse_status"], row["summary"]) == ("pending", None)
    assert not await db.fetchval("SELECT fit_scores_stale FROM users WHERE id = $1", user)


async def test_without_a_key_the_offline_model_answers_and_says_so(standin: StandIn, db: asyncpg.Connection,
                                                                   database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    standin.reset()
    monkeypatch.delenv("SARVAM_API_KEY", raising=False)
    monkeypatch.delenv("TALVIX_LLM_API_KEY", raising=False)
    _, resume = await insert_resume(db)
    await run_until_finished(database_url, db)
    assert standin.requests == []
    summary = await db.fetchval("SELECT summary FROM resumes WHERE id = $1", resume)
    assert summary == offline_summary(RESUME).model_dump()
    assert summary["years_experience"] == 6.0 and "python" in summary["skills"]
    metadata = await db.fetchval("SELECT metadata FROM agent_logs")
    assert (metadata["model"], metadata["offline"]) == (OFFLINE_MODEL, True)


async def test_resume_files_must_stay_inside_the_storage_root(provider: StandIn, db: asyncpg.Connection,
                                                              database_url: str, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STORAGE_ROOT", str(tmp_path / "storage"))
    (tmp_path / "storage" / "resumes").mkdir(parents=True)
    (tmp_path / "storage" / "resumes" / "cv.txt").write_text(RESUME)
    provider.reply(SUMMARY)
    _, good = await insert_resume(db, text=None, path="resumes/cv.txt")
    _, bad = await insert_resume(db, text=None, path="../../etc/passwd")
    await run_until_finished(database_url, db)
    assert await db.fetchval("SELECT parse_status FROM resumes WHERE id = $1", good) == "parsed"
    assert await db.fetchval("SELECT parse_status FROM resumes WHERE id = $1", bad) == "pending"
    assert "outside the storage root" in await db.fetchval(
        "SELECT error_message FROM agent_logs WHERE status = 'failed'")
