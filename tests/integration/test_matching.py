"""The fit scorer's candidate search (handlers/skills/matcher.py) on a real Postgres: full text
everywhere, vectors fused by reciprocal rank where pgvector and an embeddings endpoint exist, and the
whole chain from a scrape_runs row to scored jobs and queued applications, in one delta pass."""

from __future__ import annotations

import importlib.util
import logging
import os
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest

from handlers.skills import matcher
from listeners import REGISTRY, LocalPostgres, database, load_settings, migrations
from tests.support.embeddings_standin import EmbeddingsAPI, cosine
from tests.support.job_board_apis import JobBoardAPIs
from tests.support.waiting import wait_for
from tests.support.workers import running_worker

REPO = Path(__file__).resolve().parents[2]
SKILLS = {"skills": ["python", "postgresql", "kafka"], "titles": ["Backend Engineer"], "seniority": "mid"}


async def candidate(db: asyncpg.Connection, summary: dict | None = None, roles: tuple[str, ...] = ()) -> uuid.UUID:
    user = uuid.uuid4()
    await db.execute(
        "INSERT INTO users (id, email, tier, auto_apply_enabled, fit_score_threshold) VALUES ($1, $2, 'professional', true, 75)",
        user,
        f"{user}@x.dev",
    )
    await db.execute(
        "INSERT INTO resumes (user_id, raw_text, parse_status, summary, parsed_at) VALUES ($1, 'x', 'parsed', $2, now())",
        user,
        summary or SKILLS,
    )
    for role in roles:
        await db.execute("INSERT INTO user_target_roles (user_id, role_title) VALUES ($1, $2)", user, role)
    return user


async def add_jobs(db: asyncpg.Connection, *jobs: tuple[str, str]) -> dict[str, int]:
    """(title, description) each, as jd_cleaner leaves them; their ids by description."""
    ids = {}
    for i, (title, description) in enumerate(jobs):
        ids[description] = await db.fetchval(
            "INSERT INTO jobs (fingerprint, title, company, apply_url, platform, description, jd_cleaned) "
            "VALUES ($1, $2, 'Co' || $1, 'https://j.example', 'lever', $3, true) RETURNING id",
            f"fp{i}-{uuid.uuid4()}",
            title,
            description,
        )
    return ids


@pytest.fixture
async def pool(database_url: str) -> AsyncIterator[asyncpg.Pool]:
    p = await database.create_pool(load_settings(database_url=database_url), size=4)
    yield p
    await p.close()


JOBS = (
    ("Backend Engineer", "python postgresql kafka streaming"),
    ("Backend Engineer", "python services"),
    ("Backend Engineer", "java spring hibernate"),
    ("Frontend Engineer", "react css"),
    ("Platform Engineer", "kafka operations postgresql tuning"),
)


async def test_full_text_ranks_what_the_resume_names_and_only_the_best_reach_the_model(
    db: asyncpg.Connection, pool: asyncpg.Pool, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.delenv("TALVIX_EMBEDDINGS_BASE_URL", raising=False)
    monkeypatch.setattr(matcher, "_said", set())
    user = await candidate(db)
    ids = await add_jobs(db, *JOBS)
    metadata: dict = {}
    with caplog.at_level(logging.INFO, logger="handlers.skills.matcher"):
        rows = await matcher.candidates(pool, user_id=None, job_ids=list(ids.values()), rescore=False, top_k=3, metadata=metadata)
        again = await matcher.candidates(pool, user_id=user, job_ids=None, rescore=False, top_k=3, metadata={})
    assert [r["job_id"] for r in rows] == [r["job_id"] for r in again]
    # The title the resume holds, with three of its skills, first; the same title with one skill,
    # then alone; a job naming only skills after those; a job naming none last (kept out at top_k 3).
    j = ids
    assert [r["job_id"] for r in rows] == [j["python postgresql kafka streaming"], j["python services"], j["java spring hibernate"]]
    assert all(r["text_rank"] == r["place"] and r["vector_rank"] is None for r in rows)
    assert all(abs(float(r["rrf_score"]) - 1 / (60 + r["text_rank"])) < 1e-9 for r in rows)
    everything = await matcher.candidates(pool, user_id=user, job_ids=None, rescore=False, top_k=10, metadata={})
    assert [r["job_id"] for r in everything][3:] == [j["kafka operations postgresql tuning"], j["react css"]]
    assert everything[-1]["text_rank"] is None and everything[-1]["rrf_score"] == 0
    # Said once, in the log and in every run's metadata.
    said = [r.getMessage() for r in caplog.records if "full text alone" in r.getMessage()]
    assert len(said) == 1 and "TALVIX_EMBEDDINGS_BASE_URL" in said[0]
    assert metadata["matching"] == "full_text" and "TALVIX_EMBEDDINGS_BASE_URL" in metadata["matching_note"]


async def test_filters_come_before_ranking(db: asyncpg.Connection, pool: asyncpg.Pool) -> None:
    user = await candidate(db, roles=("backend engineer",))
    ids = await add_jobs(db, *JOBS)
    await db.execute(
        "INSERT INTO user_company_prefs (user_id, company, pref_type) SELECT $1, company, 'blacklist' FROM jobs WHERE id = $2",
        user,
        ids["python postgresql kafka streaming"],
    )
    await db.execute(
        "INSERT INTO job_fit_scores (user_id, job_id, score, label, recommendation) VALUES ($1, $2, 50, 'fair', 'skip')",
        user,
        ids["python services"],
    )
    rows = await matcher.candidates(pool, user_id=user, job_ids=None, rescore=False, top_k=10, metadata={})
    # Blacklisted, already scored, and titles outside the target roles are never candidates.
    assert [r["job_id"] for r in rows] == [ids["java spring hibernate"]]
    assert rows[0]["text_rank"] == 1  # it names none of the skills, but its title is the resume's
    rescan = await matcher.candidates(pool, user_id=user, job_ids=None, rescore=True, top_k=10, metadata={})
    assert {r["job_id"] for r in rescan} == {ids["java spring hibernate"], ids["python services"]}


async def test_an_embeddings_endpoint_without_pgvector_is_full_text_and_says_why(
    db: asyncpg.Connection, pool: asyncpg.Pool, monkeypatch: pytest.MonkeyPatch
) -> None:
    await db.execute("DROP EXTENSION IF EXISTS vector CASCADE")  # as on a server without pgvector
    async with EmbeddingsAPI(api_key="sk-test-key") as api:
        monkeypatch.setenv("TALVIX_EMBEDDINGS_BASE_URL", api.base_url)
        monkeypatch.setenv("TALVIX_EMBEDDINGS_API_KEY", "sk-test-key")
        await candidate(db)
        await add_jobs(db, *JOBS)
        metadata: dict = {}
        rows = await matcher.candidates(pool, user_id=None, job_ids=None, rescore=False, top_k=3, metadata=metadata)
        assert len(rows) == 3 and metadata["matching"] == "full_text"
        assert metadata["matching_note"] == "pgvector is not installed in schema extensions"
        assert api.requests == []  # nothing embedded that could not be compared


# -------------------------------------------------------------------------------- with pgvector


def pgvector_bindir() -> Path:
    """PostgreSQL with pgvector from the pgserver wheel (a dev dependency): Debian's PostgreSQL 15
    here has no pgvector package, and Supabase, the production database, has it."""
    spec = importlib.util.find_spec("pgserver")
    assert spec and spec.submodule_search_locations, "pgserver (a dev dependency) is not installed"
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"


@pytest.fixture(scope="module")
def pgvector_server() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="talvix-test-pgvector-", dir="/var/tmp") as folder:
        os.chmod(folder, 0o755)  # the postgres OS user runs the server when the tests run as root
        with LocalPostgres(Path(folder) / "data", fast=True, bindir=pgvector_bindir()) as pg:
            yield pg.dsn


@pytest.fixture
async def vector_db(pgvector_server: str) -> AsyncIterator[tuple[asyncpg.Connection, asyncpg.Pool]]:
    name = f"talvix_vec_{uuid.uuid4().hex[:8]}"
    url = await database.create_database(pgvector_server, name)
    conn = await database.connect(url)
    await conn.execute((REPO / "tests" / "support" / "supabase_defaults.sql").read_text())
    await migrations.migrate(conn)
    p = await database.create_pool(load_settings(database_url=url), size=4)
    yield conn, p
    await p.close()
    await conn.close()
    await database.drop_database(pgvector_server, name)


@pytest.fixture
async def embeddings(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[EmbeddingsAPI]:
    async with EmbeddingsAPI(api_key="sk-test-key") as api:
        monkeypatch.setenv("TALVIX_EMBEDDINGS_BASE_URL", api.base_url)
        monkeypatch.setenv("TALVIX_EMBEDDINGS_API_KEY", "sk-test-key")
        monkeypatch.setenv("TALVIX_EMBEDDINGS_BATCH_SIZE", "2")
        yield api


async def test_vectors_and_full_text_are_fused_by_reciprocal_rank(
    vector_db: tuple[asyncpg.Connection, asyncpg.Pool], embeddings: EmbeddingsAPI
) -> None:
    db, pool = vector_db
    assert await db.fetchval("SELECT to_regtype('extensions.vector') IS NOT NULL"), "the migration installs pgvector"
    user = await candidate(db)
    ids = await add_jobs(db, *JOBS)
    metadata: dict = {}
    rows = await matcher.candidates(pool, user_id=None, job_ids=None, rescore=False, top_k=4, metadata=metadata)
    assert metadata["matching"] == "hybrid" and metadata["embedded_jobs"] == len(JOBS) and metadata["embedded_users"] == 1
    assert len(embeddings.requests) == 1 + 3  # the user, then five jobs two at a time
    # Vector ranks follow cosine similarity of the stored vectors (computed here, independently).
    stored = {r["job_id"]: r["embedding"] for r in await db.fetch("SELECT job_id, embedding FROM job_embeddings")}
    mine = await db.fetchval("SELECT embedding FROM user_embeddings WHERE user_id = $1", user)
    by_similarity = sorted(stored, key=lambda j: (-cosine(mine, stored[j]), j))
    ranked = {r["job_id"]: r["vector_rank"] for r in rows}
    assert all(ranked[j] == by_similarity.index(j) + 1 for j in ranked)
    # Fused: each job's score is the sum of 1/(60 + rank) over the rankings it is in, best first.
    for r in rows:
        expected = sum(1 / (60 + rank) for rank in (r["text_rank"], r["vector_rank"]) if rank is not None)
        assert abs(float(r["rrf_score"]) - expected) < 1e-9
    assert [float(r["rrf_score"]) for r in rows] == sorted((float(r["rrf_score"]) for r in rows), reverse=True)
    assert ids["react css"] not in ranked or ranked[ids["react css"]] == len(JOBS)
    # Only what changed is embedded again.
    await db.execute("UPDATE jobs SET title = 'Senior Backend Engineer' WHERE id = $1", ids["python services"])
    again: dict = {}
    await matcher.candidates(pool, user_id=None, job_ids=None, rescore=False, top_k=4, metadata=again)
    assert (again["embedded_jobs"], again["embedded_users"]) == (1, 0)


async def test_a_failing_embeddings_endpoint_leaves_the_pass_to_full_text(
    vector_db: tuple[asyncpg.Connection, asyncpg.Pool], embeddings: EmbeddingsAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    db, pool = vector_db
    monkeypatch.setenv("TALVIX_EMBEDDINGS_API_KEY", "sk-wrong-key")
    await candidate(db)
    await add_jobs(db, *JOBS)
    metadata: dict = {}
    rows = await matcher.candidates(pool, user_id=None, job_ids=None, rescore=False, top_k=3, metadata=metadata)
    assert len(rows) == 3 and all(r["vector_rank"] is None for r in rows)
    assert metadata["matching"] == "full_text" and "401" in metadata["matching_note"]
    assert "sk-wrong-key" not in str(metadata)
    assert await db.fetchval("SELECT count(*) FROM job_embeddings") == 0


# ------------------------------------------------------------------------------- the whole chain


async def test_a_discovery_run_ends_in_scores_and_queued_applications_in_one_delta_pass(
    db: asyncpg.Connection, database_url: str, boards: JobBoardAPIs, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SARVAM_API_KEY", raising=False)
    monkeypatch.delenv("TALVIX_LLM_API_KEY", raising=False)
    monkeypatch.delenv("TALVIX_EMBEDDINGS_BASE_URL", raising=False)
    await db.execute("UPDATE baseline_scrape_targets SET is_active = (role_name IN ('Software Engineer', 'Backend Engineer'))")
    backend = await candidate(db, {**SKILLS, "skills": ["python", "go", "postgresql", "kafka", "aws"]})
    data = await candidate(db, {**SKILLS, "skills": ["python", "spark", "airflow", "sql"], "titles": ["Data Engineer"]})
    agents = [REGISTRY[name] for name in ("job_discovery", "jd_cleaner", "fit_scorer")]
    async with running_worker(database_url, agents, lease_seconds=30.0):
        run = await db.fetchval("INSERT INTO scrape_runs (requested_by) VALUES ('test') RETURNING id")
        await wait_for(
            lambda: db.fetchval(
                "SELECT (SELECT status = 'completed' FROM scrape_runs WHERE id = $1) "
                "AND NOT EXISTS (SELECT 1 FROM jobs WHERE matched_at IS NULL) "
                "AND NOT EXISTS (SELECT 1 FROM talvix.events WHERE status IN ('pending', 'running'))",
                run,
            ),
            timeout=120,
            message="discovery, cleaning and matching finished",
        )
    jobs = await db.fetchval("SELECT count(*) FROM jobs")
    assert jobs == await db.fetchval("SELECT total_new FROM scrape_runs WHERE id = $1", run) > 0
    # Every new job was in exactly one delta pass, after jd_cleaner had read it.
    passes = await db.fetch("SELECT metadata FROM agent_logs WHERE agent_name = 'fit_scorer' AND status = 'completed'")
    assert sum(p["metadata"]["jobs"] for p in passes) == jobs
    assert all(p["metadata"]["mode"] == "delta" for p in passes)
    assert len(passes) <= await db.fetchval("SELECT count(*) FROM agent_logs WHERE agent_name = 'jd_cleaner'")
    assert await db.fetchval("SELECT bool_and(jd_cleaned) FROM jobs")
    # Both users got scores, each only for jobs that rank for them; the best ones were queued.
    for user in (backend, data):
        scored = await db.fetchval("SELECT count(*) FROM job_fit_scores WHERE user_id = $1", user)
        assert 0 < scored <= jobs
    queued = await db.fetch(
        "SELECT a.user_id, s.score, s.recommendation FROM job_applications a "
        "JOIN job_fit_scores s USING (user_id, job_id) WHERE a.auto_status = 'queued'"
    )
    assert queued and all(q["score"] >= 75 and q["recommendation"] == "apply" for q in queued)
    # The same boards again: nothing new, so nothing is scored again.
    before = await db.fetchval("SELECT count(*) FROM job_fit_scores")
    async with running_worker(database_url, agents, lease_seconds=30.0):
        again = await db.fetchval("INSERT INTO scrape_runs (requested_by) VALUES ('test') RETURNING id")
        await wait_for(
            lambda: db.fetchval(
                "SELECT status = 'completed' AND NOT EXISTS (SELECT 1 FROM talvix.events WHERE status IN ('pending', 'running')) "
                "FROM scrape_runs WHERE id = $1",
                again,
            ),
            timeout=60,
        )
    assert await db.fetchval("SELECT total_new FROM scrape_runs WHERE id = $1", again) == 0
    assert await db.fetchval("SELECT count(*) FROM job_fit_scores") == before
