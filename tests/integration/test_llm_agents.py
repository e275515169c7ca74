"""LLM agents end to end: real CrewAI, a real HTTP stand-in for the provider, rows through triggers."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import pytest

from handlers.agents.resume_intelligence import offline_summary
from handlers.skills.llm import OFFLINE_MODEL
from listeners import enqueue
from listeners.registry import REGISTRY
from tests.support.llm_standin import Slow, StandIn
from tests.support.waiting import wait_for
from tests.support.workers import running_worker

RESUME = """Asha Rao
Senior Backend Engineer, Acme (2019–2025)
Backend Developer, Beta Labs
6 years building Python, asyncio and PostgreSQL services on AWS with Docker.
B.Tech Computer Science, IIT Madras
"""
SUMMARY = {
    "skills": ["python", "asyncio", "postgresql", "aws", "docker"],
    "years_experience": 6,
    "seniority": "senior",
    "titles": ["Senior Backend Engineer", "Backend Developer"],
    "education": ["B.Tech Computer Science, IIT Madras"],
    "persona": "professional",
}


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
    """A user and their resume: text, or `path`, a file name under their own upload folder
    (resumes/<user id>/), which the caller writes with upload()."""
    user = uuid.uuid4()
    await db.execute("INSERT INTO users (id, email, fit_scores_stale) VALUES ($1, $2, false)", user, f"{user}@x.dev")
    resume = await db.fetchval(
        "INSERT INTO resumes (user_id, raw_text, storage_path) VALUES ($1, $2, $3) RETURNING id",
        user,
        text,
        f"resumes/{user}/{path}" if path else None,
    )
    return user, resume


def upload(storage: Path, user: uuid.UUID, name: str) -> Path:
    """Where the app's upload of `name` for `user` lands (the folder is made)."""
    folder = storage / "resumes" / str(user)
    folder.mkdir(parents=True, exist_ok=True)
    return folder / name


def serving(*agents: str) -> dict:
    """Register every agent, as production workers do, and serve only these."""
    return {"handlers": REGISTRY.values(), "agents": list(agents)}


async def settled(db: asyncpg.Connection, *agents: str) -> bool:
    return await db.fetchval("SELECT count(*) = 0 FROM talvix.events WHERE finished_at IS NULL AND agent = ANY($1)", list(agents))


async def run_until_finished(database_url: str, db: asyncpg.Connection) -> None:
    async with running_worker(database_url, **serving("resume_intelligence")):
        await wait_for(lambda: settled(db, "resume_intelligence"), timeout=60, message="resume event finished")


async def test_resume_insert_leads_to_summary_through_the_trigger(
    provider: StandIn, db: asyncpg.Connection, database_url: str
) -> None:
    provider.reply(SUMMARY)
    user, resume = await insert_resume(db)
    await run_until_finished(database_url, db)
    row = await db.fetchrow("SELECT parse_status, summary FROM resumes WHERE id = $1", resume)
    assert row["parse_status"] == "parsed" and row["summary"] == {**SUMMARY, "years_experience": 6.0, "skill_years": {}}
    assert await db.fetchval("SELECT fit_scores_stale FROM users WHERE id = $1", user)
    (request,) = provider.requests
    assert request["model"] == "sarvam-m"
    assert request["reasoning_effort"] == "medium"  # Think mode
    assert request["response_format"]["type"] == "json_schema"
    assert request["response_format"]["json_schema"]["name"] == "ResumeSummary"
    assert "6 years building Python" in request["messages"][-1]["content"]
    log = await db.fetchrow("SELECT status, metadata FROM agent_logs WHERE agent_name = 'resume_intelligence'")
    assert log["status"] == "completed"
    assert (log["metadata"]["model"], log["metadata"]["offline"], log["metadata"]["total_tokens"]) == ("sarvam-m", False, 150)


async def test_no_think_override_sends_null_reasoning_and_its_model(
    provider: StandIn, db: asyncpg.Connection, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
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


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ([500] * 20, "500"),
        (["this is not json"] * 20, "does not fit ResumeSummary"),
        ([{**SUMMARY, "years_experience": 99}] * 20, "does not fit ResumeSummary"),
    ],
)
async def test_provider_failures_end_in_a_failed_run_without_partial_rows(
    provider: StandIn, db: asyncpg.Connection, database_url: str, answers: list, message: str
) -> None:
    provider.reply(*answers)
    user, resume = await insert_resume(db)
    await run_until_finished(database_url, db)
    event = await db.fetchrow("SELECT status, attempts, last_error FROM talvix.events WHERE agent = 'resume_intelligence'")
    assert event["status"] == "failed" and event["attempts"] == 3
    assert message in event["last_error"]
    row = await db.fetchrow("SELECT parse_status, summary FROM resumes WHERE id = $1", resume)
    assert (row["parse_status"], row["summary"]) == ("pending", None)
    assert not await db.fetchval("SELECT fit_scores_stale FROM users WHERE id = $1", user)


async def test_without_a_key_the_offline_model_answers_and_says_so(
    standin: StandIn, db: asyncpg.Connection, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    standin.reset()
    monkeypatch.delenv("SARVAM_API_KEY", raising=False)
    monkeypatch.delenv("TALVIX_LLM_API_KEY", raising=False)
    _, resume = await insert_resume(db)
    await run_until_finished(database_url, db)
    assert standin.requests == []
    summary = await db.fetchval("SELECT summary FROM resumes WHERE id = $1", resume)
    assert summary == offline_summary(RESUME).model_dump()
    assert summary["years_experience"] == 6.0 and "python" in summary["skills"]
    metadata = await db.fetchval("SELECT metadata FROM agent_logs WHERE agent_name = 'resume_intelligence'")
    assert (metadata["model"], metadata["offline"]) == (OFFLINE_MODEL, True)


async def test_a_resume_file_must_be_the_users_own_upload(
    provider: StandIn, db: asyncpg.Connection, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STORAGE_ROOT", str(tmp_path / "storage"))
    provider.reply(SUMMARY)
    owner, good = await insert_resume(db, text=None, path="cv.txt")
    upload(tmp_path / "storage", owner, "cv.txt").write_text(RESUME)
    # Another user's file, a climb out of the folder, anything outside resumes/<own id>/: refused at insert.
    for path in [
        f"resumes/{owner}/cv.txt",
        "../../etc/passwd",
        f"resumes/{uuid.uuid4()}/../{owner}/cv.txt",
        "resumes/cv.txt",
        "tailored/x.md",
    ]:
        other = uuid.uuid4()
        await db.execute("INSERT INTO users (id, email) VALUES ($1, $2)", other, f"{other}@x.dev")
        with pytest.raises(asyncpg.CheckViolationError, match="resumes_storage_path_own_upload"):
            await db.execute("INSERT INTO resumes (user_id, storage_path) VALUES ($1, $2)", other, path)
    await run_until_finished(database_url, db)
    assert await db.fetchval("SELECT parse_status FROM resumes WHERE id = $1", good) == "parsed"


async def test_pdf_resumes_are_parsed_and_unreadable_ones_tell_the_user_why(
    db: asyncpg.Connection, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.integration.test_resume_files import RESUME as RESUME_LINES
    from tests.integration.test_resume_files import encrypt, write_pdf

    monkeypatch.delenv("SARVAM_API_KEY", raising=False)
    monkeypatch.delenv("TALVIX_LLM_API_KEY", raising=False)
    monkeypatch.setenv("STORAGE_ROOT", str(tmp_path / "storage"))
    first, readable = await insert_resume(db, text=None, path="cv.pdf")
    second, locked = await insert_resume(db, text=None, path="locked.pdf")
    write_pdf(upload(tmp_path / "storage", first, "cv.pdf"), RESUME_LINES)
    encrypt(upload(tmp_path / "storage", first, "cv.pdf"), upload(tmp_path / "storage", second, "locked.pdf"), user_password="1234")
    await run_until_finished(database_url, db)
    parsed = await db.fetchrow("SELECT parse_status, summary FROM resumes WHERE id = $1", readable)
    assert parsed["parse_status"] == "parsed"
    assert parsed["summary"]["years_experience"] == 6.0 and "postgresql" in parsed["summary"]["skills"]
    refused = await db.fetchrow("SELECT parse_status, parse_error FROM resumes WHERE id = $1", locked)
    assert refused["parse_status"] == "failed" and "password-protected" in refused["parse_error"]
    assert (
        await db.fetchval(
            "SELECT count(*) FROM agent_logs WHERE agent_name = 'resume_intelligence' "
            "AND status = 'failed' AND error_message LIKE '%password-protected%'"
        )
        == 1
    )


# ------------------------------------------------------------------------------------ fit_scorer


def score_jobs_in_prompt(body: dict) -> dict:
    """The stand-in's answer to a fit request: a score per JOB id it was shown (higher ids score higher)."""
    ids = [int(i) for i in re.findall(r"JOB (\d+):", body["messages"][-1]["content"])]
    return {
        "scores": [
            {
                "job_id": i,
                "score": 60 + (i % 4) * 10,
                "label": "good",
                "recommendation": "apply" if 60 + (i % 4) * 10 >= 75 else "consider",
                "reasons": ["python"],
                "missing_skills": ["go"],
            }
            for i in ids
        ]
    }


async def score_until_settled(db: asyncpg.Connection, database_url: str) -> None:
    """Do what jd_cleaner does once it has read the new jobs (mark them read, queue the delta pass),
    then run a worker serving fit_scorer until its events are settled."""
    await db.execute("UPDATE jobs SET jd_cleaned = true WHERE NOT jd_cleaned")
    await enqueue(db, "fit_scorer", {"mode": "delta"}, dedup_key="fit_scorer:delta")
    async with running_worker(database_url, **serving("fit_scorer")):
        await wait_for(lambda: settled(db, "fit_scorer"), timeout=60, message="fit scoring finished")


async def make_candidate(db: asyncpg.Connection, **profile: object) -> uuid.UUID:
    user = uuid.uuid4()
    await db.execute(
        "INSERT INTO users (id, email, tier, auto_apply_enabled, fit_score_threshold, profile) "
        "VALUES ($1, $2, 'professional', true, 75, $3)",
        user,
        f"{user}@x.dev",
        dict(profile),
    )
    await db.execute(
        "INSERT INTO resumes (user_id, raw_text, parse_status, summary, parsed_at) VALUES ($1, 'x', 'parsed', $2, now())",
        user,
        SUMMARY,
    )
    return user


async def test_bulk_jobs_insert_scores_in_batches_and_queues_applications(
    provider: StandIn, db: asyncpg.Connection, database_url: str
) -> None:
    user = await make_candidate(db)
    await db.execute("INSERT INTO user_company_prefs (user_id, company, pref_type) VALUES ($1, 'EvilCorp', 'blacklist')", user)
    for _ in range(4):
        provider.reply(score_jobs_in_prompt)
    await db.execute(
        "INSERT INTO jobs (fingerprint, title, company, apply_url, platform, description) "
        "SELECT 'fp' || i, 'Backend Engineer ' || i, CASE WHEN i = 3 THEN 'EvilCorp' ELSE 'Co' || i END, "
        "'https://jobs.example/' || i, 'greenhouse', 'python postgres' FROM generate_series(1, 20) i"
    )
    # One bulk insert, one event (for jd_cleaner, which queues the scorer's delta pass when done).
    assert await db.fetchval("SELECT count(*) FROM talvix.events WHERE agent = 'jd_cleaner'") == 1
    await score_until_settled(db, database_url)
    assert await db.fetchval("SELECT status FROM talvix.events WHERE agent = 'fit_scorer'") == "completed"
    # The blacklisted company's job never reached the model; the rest went 8 at most per call, No-Think.
    shown = [int(i) for r in provider.requests for i in re.findall(r"JOB (\d+):", r["messages"][-1]["content"])]
    blacklisted = await db.fetchval("SELECT id FROM jobs WHERE company = 'EvilCorp'")
    assert blacklisted not in shown and len(shown) == 19 == len(set(shown))
    assert all(len(re.findall(r"JOB \d+:", r["messages"][-1]["content"])) <= 8 for r in provider.requests)
    assert all(r["reasoning_effort"] is None for r in provider.requests)
    scores = dict(await db.fetch("SELECT job_id, score FROM job_fit_scores WHERE user_id = $1", user))
    assert scores == {i: 60 + (i % 4) * 10 for i in shown}
    queued = {
        r["job_id"]
        for r in await db.fetch("SELECT job_id FROM job_applications WHERE user_id = $1 AND auto_status = 'queued'", user)
    }
    assert queued == {i for i, s in scores.items() if s >= 75}
    metadata = await db.fetchval("SELECT metadata FROM agent_logs WHERE agent_name = 'fit_scorer'")
    assert metadata["calls"] == len(provider.requests) and metadata["queued_applications"] == len(queued)


async def test_model_skipping_a_job_fails_the_run_and_the_next_pass_scores_its_jobs(
    provider: StandIn, db: asyncpg.Connection, database_url: str
) -> None:
    await make_candidate(db)
    provider.reply(*[lambda body: {"scores": score_jobs_in_prompt(body)["scores"][1:]}] * 5)
    await db.execute(
        "INSERT INTO jobs (fingerprint, title, company, apply_url, platform) "
        "SELECT 'fp' || i, 'Engineer', 'Co', 'https://j.example', 'lever' FROM generate_series(1, 3) i"
    )
    await score_until_settled(db, database_url)
    event = await db.fetchrow("SELECT status, last_error FROM talvix.events WHERE agent = 'fit_scorer'")
    assert event["status"] == "failed" and "but was asked for" in event["last_error"]
    assert await db.fetchval("SELECT count(*) FROM job_fit_scores") == 0
    # The failed pass left its jobs unmatched: the next delta pass scores them.
    assert await db.fetchval("SELECT count(*) FROM jobs WHERE matched_at IS NULL") == 3
    provider.reply(score_jobs_in_prompt)
    await score_until_settled(db, database_url)
    assert await db.fetchval("SELECT count(*) FROM job_fit_scores") == 3
    assert await db.fetchval("SELECT count(*) FROM jobs WHERE matched_at IS NULL") == 0


async def test_offline_pipeline_resume_to_queued_application(
    standin: StandIn, db: asyncpg.Connection, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    standin.reset()
    monkeypatch.delenv("SARVAM_API_KEY", raising=False)
    monkeypatch.delenv("TALVIX_LLM_API_KEY", raising=False)
    await db.executemany(
        "INSERT INTO jobs (fingerprint, title, company, apply_url, platform, description) VALUES ($1, $2, $3, $4, $5, $6)",
        [
            ("a", "Senior Backend Engineer", "Acme", "https://a.example", "greenhouse", "python asyncio postgresql aws docker"),
            ("b", "Frontend Developer", "Pixel", "https://b.example", "lever", "react css figma typescript"),
        ],
    )
    user = uuid.uuid4()
    await db.execute("INSERT INTO users (id, email, tier) VALUES ($1, 'o@x.dev', 'professional')", user)
    await db.execute("INSERT INTO resumes (user_id, raw_text) VALUES ($1, $2)", user, RESUME)
    await db.execute("UPDATE users SET auto_apply_enabled = true WHERE id = $1", user)
    async with running_worker(database_url, **serving("resume_intelligence", "fit_scorer")):
        await wait_for(lambda: db.fetchval("SELECT count(*) = 2 FROM job_fit_scores"), timeout=60, message="scores")
        await wait_for(lambda: settled(db, "resume_intelligence", "fit_scorer"), timeout=60, message="pipeline settled")
    assert standin.requests == []
    scores = dict(await db.fetch("SELECT j.company, s.score FROM job_fit_scores s JOIN jobs j ON j.id = s.job_id"))
    assert scores["Acme"] >= 75 > scores["Pixel"]
    assert [
        r["company"]
        for r in await db.fetch(
            "SELECT j.company FROM job_applications a JOIN jobs j ON j.id = a.job_id WHERE a.auto_status = 'queued'"
        )
    ] == ["Acme"]
    assert not await db.fetchval("SELECT fit_scores_stale FROM users WHERE id = $1", user)


# ------------------------------------------------------------------------------- document_tailor


async def test_queued_application_gets_documents_and_becomes_ready(
    provider: StandIn, db: asyncpg.Connection, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STORAGE_ROOT", str(tmp_path / "storage"))
    user = await make_candidate(db)
    job = await db.fetchval(
        "INSERT INTO jobs (fingerprint, title, company, apply_url, platform, description) "
        "VALUES ('t1', 'Backend Engineer', 'Acme', 'https://a.example', 'greenhouse', 'python') RETURNING id"
    )
    docs = {
        "resume_markdown": "# Asha Rao\n\n" + "Python and PostgreSQL services. " * 5,
        "cover_letter": "Dear Acme team,\n\n" + "I build reliable backends. " * 5,
    }
    provider.reply(docs)
    app = await db.fetchval("INSERT INTO job_applications (user_id, job_id) VALUES ($1, $2) RETURNING id", user, job)
    async with running_worker(database_url, **serving("document_tailor")):
        await wait_for(lambda: settled(db, "document_tailor"), timeout=60, message="tailoring finished")
    row = await db.fetchrow("SELECT auto_status, tailored_resume_path, cover_letter_path FROM job_applications WHERE id = $1", app)
    assert row["auto_status"] == "ready"
    assert row["tailored_resume_path"] == f"tailored/{user}/{app}.md"
    assert (tmp_path / "storage" / row["tailored_resume_path"]).read_text() == docs["resume_markdown"]
    assert (tmp_path / "storage" / row["cover_letter_path"]).read_text() == docs["cover_letter"]
    (request,) = provider.requests
    assert request["reasoning_effort"] == "medium" and request["response_format"]["json_schema"]["name"] == "TailoredDocuments"
    assert "Backend Engineer at Acme" in request["messages"][-1]["content"]


async def test_tailoring_failure_leaves_the_application_queued(
    provider: StandIn, db: asyncpg.Connection, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STORAGE_ROOT", str(tmp_path / "storage"))
    user = await make_candidate(db)
    job = await db.fetchval(
        "INSERT INTO jobs (fingerprint, title, company, apply_url, platform) "
        "VALUES ('t2', 'Engineer', 'Beta', 'https://b.example', 'lever') RETURNING id"
    )
    provider.reply(*[{"resume_markdown": "too short", "cover_letter": "x"}] * 5)
    app = await db.fetchval("INSERT INTO job_applications (user_id, job_id) VALUES ($1, $2) RETURNING id", user, job)
    async with running_worker(database_url, **serving("document_tailor")):
        await wait_for(lambda: settled(db, "document_tailor"), timeout=60, message="tailoring finished")
    assert await db.fetchval("SELECT auto_status FROM job_applications WHERE id = $1", app) == "queued"
    assert "does not fit TailoredDocuments" in await db.fetchval(
        "SELECT last_error FROM talvix.events WHERE agent = 'document_tailor'"
    )
    assert not (tmp_path / "storage" / "tailored").exists()


# --------------------------------------------------------------------------------- form_answerer


async def test_form_answerer_asks_the_model_only_what_the_profile_cannot_answer(provider: StandIn) -> None:
    from handlers.apply.form_answerer import Question, answer
    from handlers.skills.llm import LLMOutputError, load_llm_settings

    settings = load_llm_settings()
    profile = {"full_name": "Asha Rao", "email": "asha@x.dev", "years_experience": 6}
    assert (await answer(Question(label="Email"), profile, settings)).source == "profile"
    assert provider.requests == []
    provider.reply({"value": "Kubernetes"})
    result = await answer(
        Question(label="Which orchestrator do you prefer?", kind="select", options=["Nomad", "Kubernetes"]), profile, settings
    )
    assert (result.value, result.source) == ("Kubernetes", "model")
    (request,) = provider.requests
    assert request["reasoning_effort"] is None  # No-Think
    assert "asha@x.dev" not in request["messages"][-1]["content"]  # contact details never go to the model
    provider.reply({"value": "Docker Swarm"})
    with pytest.raises(LLMOutputError, match="does not fit a select field"):
        await answer(Question(label="Which orchestrator?", kind="select", options=["Nomad", "Kubernetes"]), profile, settings)


@pytest.mark.parametrize("failure", ["down", "slow"])
async def test_provider_down_or_too_slow_fails_cleanly(
    provider: StandIn, db: asyncpg.Connection, database_url: str, monkeypatch: pytest.MonkeyPatch, failure: str
) -> None:
    from listeners.local_postgres import free_port

    if failure == "down":  # nothing listens there: connection refused
        monkeypatch.setenv("TALVIX_LLM_BASE_URL", f"http://127.0.0.1:{free_port()}/v1")
    else:  # answers after the per-agent timeout
        monkeypatch.setenv("TALVIX_LLM_AGENTS", '{"resume_intelligence": {"timeout_seconds": 0.3, "max_retries": 0}}')
        provider.reply(*[Slow(2.0, SUMMARY)] * 3)
    _user, resume = await insert_resume(db)
    await run_until_finished(database_url, db)
    event = await db.fetchrow("SELECT status, attempts, last_error FROM talvix.events WHERE agent = 'resume_intelligence'")
    assert (event["status"], event["attempts"]) == ("failed", 3)
    assert re.search(r"connect|timed? ?out", event["last_error"], re.IGNORECASE), event["last_error"]
    assert await db.fetchval("SELECT parse_status FROM resumes WHERE id = $1", resume) == "pending"


def test_registering_the_agents_never_imports_crewai() -> None:
    import subprocess
    import sys

    probe = "import sys, handlers; print(sorted(m for m in sys.modules if m.split('.')[0] in ('crewai', 'openai')))"
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, cwd=Path(__file__).resolve().parents[2]
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


async def test_pre_filter_keeps_wrong_city_work_mode_and_role_away_from_the_model(
    provider: StandIn, db: asyncpg.Connection, database_url: str
) -> None:
    user = await make_candidate(db, work_modes=["remote", "hybrid"], cities=["Bengaluru"])
    await db.execute("INSERT INTO user_target_roles (user_id, role_title) VALUES ($1, 'backend engineer')", user)
    rows = [
        ("ok-remote", "Backend Engineer", "remote", "Delhi"),
        ("ok-city", "Senior Backend Engineer", "hybrid", "Bengaluru, KA"),
        ("onsite", "Backend Engineer", "onsite", "Bengaluru"),
        ("far", "Backend Engineer", "hybrid", "Pune"),
        ("role", "Data Analyst", "remote", None),
    ]
    await db.executemany(
        "INSERT INTO jobs (fingerprint, title, company, work_mode, location, apply_url, platform) "
        "VALUES ($1, $2, 'Co', $3, $4, 'https://j.example', 'lever')",
        rows,
    )
    provider.reply(score_jobs_in_prompt)
    await score_until_settled(db, database_url)
    shown = {int(i) for r in provider.requests for i in re.findall(r"JOB (\d+):", r["messages"][-1]["content"])}
    expected = {r["id"] for r in await db.fetch("SELECT id FROM jobs WHERE fingerprint IN ('ok-remote', 'ok-city')")}
    assert shown == expected


async def test_out_of_range_fit_score_fails_without_rows(provider: StandIn, db: asyncpg.Connection, database_url: str) -> None:
    await make_candidate(db)
    provider.reply(*[lambda body: {"scores": [{**s, "score": 150} for s in score_jobs_in_prompt(body)["scores"]]}] * 5)
    await db.execute(
        "INSERT INTO jobs (fingerprint, title, company, apply_url, platform) "
        "VALUES ('x', 'Engineer', 'Co', 'https://j.example', 'lever')"
    )
    await score_until_settled(db, database_url)
    event = await db.fetchrow("SELECT status, last_error FROM talvix.events WHERE agent = 'fit_scorer'")
    assert event["status"] == "failed" and "less than or equal to 100" in event["last_error"]
    assert await db.fetchval("SELECT count(*) FROM job_fit_scores") == 0
    assert await db.fetchval("SELECT count(*) FROM job_applications") == 0


async def test_one_user_cannot_set_off_unbounded_model_work(
    db: asyncpg.Connection, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SARVAM_API_KEY", raising=False)
    monkeypatch.delenv("TALVIX_LLM_API_KEY", raising=False)
    monkeypatch.setenv("TALVIX_LLM_USER_RUNS_PER_HOUR", "3")
    user, _ = await insert_resume(db)
    for _ in range(5):
        await db.execute("INSERT INTO resumes (user_id, raw_text) VALUES ($1, $2)", user, RESUME)
    _, other_resume = await insert_resume(db)  # another user is not held back by this one
    async with running_worker(database_url, **serving("resume_intelligence")):
        await wait_for(
            lambda: db.fetchval(
                "SELECT count(*) = 7 FROM agent_logs WHERE agent_name = 'resume_intelligence' "
                "AND status IN ('completed', 'skipped')"
            ),
            timeout=60,
            message="every run ended",
        )
    assert await db.fetchval("SELECT count(*) FROM resumes WHERE user_id = $1 AND parse_status = 'parsed'", user) == 3
    assert await db.fetchval("SELECT parse_status FROM resumes WHERE id = $1", other_resume) == "parsed"
    waiting = await db.fetch(
        "SELECT run_after - now() AS wait FROM talvix.events WHERE agent = 'resume_intelligence' AND status = 'pending'"
    )
    assert len(waiting) == 3 and all(w["wait"].total_seconds() > 500 for w in waiting)  # queued again, not dropped
    reasons = await db.fetch("SELECT error_message FROM agent_logs WHERE status = 'skipped'")
    assert len(reasons) == 3 and all("limit 3" in r["error_message"] for r in reasons)


async def test_jd_cleaner_asks_no_think_once_per_batch_and_keeps_the_tokens(
    provider: StandIn, db: asyncpg.Connection, database_url: str
) -> None:
    ids = [
        await db.fetchval(
            "INSERT INTO jobs (fingerprint, title, company, apply_url, platform, description) "
            "VALUES ($1, 'Backend Engineer', 'Acme', 'https://jobs.example/' || $1, 'other', "
            "'Python services. We are an equal opportunity employer.') RETURNING id",
            f"jd-{i}",
        )
        for i in range(3)
    ]

    def answer(body: dict) -> dict:
        prompt = body["messages"][-1]["content"]
        assert "equal opportunity" not in prompt  # boilerplate is cut before the model sees it
        return {
            "jobs": [
                {
                    "job_id": i,
                    "required": [" Python ", "python", "PostgreSQL"],
                    "nice": ["Kubernetes"],
                    "role_family": "backend",
                    "seniority": "mid",
                    "work_mode": "remote",
                    "summary": "Builds Python services.",
                }
                for i in ids
            ]
        }

    provider.reply(answer)
    async with running_worker(database_url, **serving("jd_cleaner")):
        await wait_for(lambda: settled(db, "jd_cleaner"), timeout=60, message="jd_cleaner finished")
    (request,) = provider.requests
    assert request["reasoning_effort"] is None  # No-Think
    assert request["response_format"]["json_schema"]["name"] == "CleanedJobs"
    skills = await db.fetch("SELECT skill, required FROM job_skills WHERE job_id = $1 ORDER BY skill", ids[0])
    assert [(r["skill"], r["required"]) for r in skills] == [("kubernetes", False), ("postgresql", True), ("python", True)]
    assert await db.fetchval("SELECT count(*) FROM jobs WHERE jd_cleaned AND role_family = 'backend' AND work_mode = 'remote'") == 3
    log = await db.fetchrow("SELECT status, metadata FROM agent_logs WHERE agent_name = 'jd_cleaner'")
    assert log["status"] == "completed" and log["metadata"]["total_tokens"] == 150 and not log["metadata"]["offline"]


async def test_jd_cleaner_refuses_values_outside_the_schema(provider: StandIn, db: asyncpg.Connection, database_url: str) -> None:
    job = await db.fetchval(
        "INSERT INTO jobs (fingerprint, title, company, apply_url, platform, description) "
        "VALUES ('jd-bad', 'Engineer', 'Acme', 'https://jobs.example/bad', 'other', 'Python.') RETURNING id"
    )
    bad = {
        "jobs": [
            {
                "job_id": job,
                "required": [],
                "nice": [],
                "role_family": "wizardry",
                "seniority": "mid",
                "work_mode": "remote",
                "summary": "x",
            }
        ]
    }
    provider.reply(*[bad] * 20)
    async with running_worker(database_url, **serving("jd_cleaner")):
        await wait_for(lambda: settled(db, "jd_cleaner"), timeout=60, message="jd_cleaner gave up")
    event = await db.fetchrow("SELECT status, last_error FROM talvix.events WHERE agent = 'jd_cleaner'")
    assert event["status"] == "failed" and "does not fit CleanedJobs" in event["last_error"]
    assert await db.fetchval("SELECT jd_cleaned OR role_family IS NOT NULL FROM jobs WHERE id = $1", job) is False
