"""jd_cleaner on a real Postgres with the offline reader: a batch of new jobs in, each job's skills,
role family, seniority, work mode and summary out, boilerplate left behind."""

from __future__ import annotations

import asyncpg

from handlers.agents.jd_cleaner import offline_clean, strip_boilerplate
from listeners import REGISTRY
from tests.support.waiting import wait_for
from tests.support.workers import running_worker

JOBS = [
    (
        "Senior Backend Engineer",
        "Razorpay",
        "Bengaluru",
        "unknown",
        "We build payment rails in Python and Go on PostgreSQL.\n\nYou will own APIs on AWS with Docker.\n\n"
        "Nice to have: Kubernetes and Kafka.\n\nRazorpay is an equal opportunity employer and values diversity.",
    ),
    ("Frontend Developer (Hybrid)", "Pixel", "Pune", "unknown", "React and TypeScript, hybrid, 3 days in office."),
    ("Data Analyst Intern", "Ledger", "Remote", "remote", "Excel, SQL and dashboards. How to apply: click apply now."),
]


async def test_a_batch_of_new_jobs_is_read_once(db: asyncpg.Connection, database_url: str) -> None:
    await db.executemany(
        "INSERT INTO jobs (fingerprint, title, company, location, work_mode, apply_url, platform, description) "
        "VALUES (md5($1 || $2), $1, $2, $3, $4, 'https://jobs.example/' || md5($1), 'other', $5)",
        JOBS,
    )
    async with running_worker(database_url, [REGISTRY["jd_cleaner"]]):
        await wait_for(lambda: db.fetchval("SELECT bool_and(jd_cleaned) FROM jobs"), timeout=30, message="jobs cleaned")
    jobs = {r["title"]: r for r in await db.fetch("SELECT * FROM jobs")}
    skills = {
        (r["title"], r["skill"]): r["required"]
        for r in await db.fetch("SELECT j.title, s.skill, s.required FROM job_skills s JOIN jobs j ON j.id = s.job_id")
    }
    backend = jobs["Senior Backend Engineer"]
    assert (backend["role_family"], backend["seniority_level"]) == ("backend", "senior")
    assert {s for (t, s), req in skills.items() if t == backend["title"] and req} >= {"python", "go", "postgresql", "aws", "docker"}
    assert {s for (t, s), req in skills.items() if t == backend["title"] and not req} == {"kubernetes", "kafka"}
    assert "equal opportunity" not in backend["jd_summary"] and backend["jd_summary"].startswith("We build payment rails")
    frontend = jobs["Frontend Developer (Hybrid)"]
    assert (frontend["role_family"], frontend["work_mode"]) == ("frontend", "hybrid")
    intern = jobs["Data Analyst Intern"]
    assert (intern["seniority_level"], intern["work_mode"], intern["role_family"]) == ("intern", "remote", "data_engineering")
    log = await db.fetchrow("SELECT status, records_processed, metadata FROM agent_logs WHERE agent_name = 'jd_cleaner'")
    assert log["status"] == "completed" and log["records_processed"] == 3 and log["metadata"]["offline"]
    # Jobs added later are read by the next run; the ones read already are not read again.
    await db.execute(
        "INSERT INTO jobs (fingerprint, title, company, apply_url, platform, description) "
        "VALUES ('later', 'QA Engineer', 'Acme', 'https://jobs.example/later', 'other', 'Selenium and Python tests.')"
    )
    async with running_worker(database_url, [REGISTRY["jd_cleaner"]]):
        await wait_for(lambda: db.fetchval("SELECT bool_and(jd_cleaned) FROM jobs"), timeout=30, message="later job cleaned")
    runs = await db.fetch("SELECT records_processed FROM agent_logs WHERE agent_name = 'jd_cleaner' ORDER BY created_at")
    assert [r["records_processed"] for r in runs] == [3, 1]


def test_boilerplate_goes_before_the_model_sees_the_text() -> None:
    text = "Build APIs.\n\nWe are an equal opportunity employer.\n\nHow to apply: send a CV.\n\nUse Python."
    assert strip_boilerplate(text) == "Build APIs.\n\nUse Python."


def test_the_offline_reader_is_deterministic() -> None:
    job = {"id": 7, "title": "Lead DevOps Engineer", "description": "Terraform, AWS and Kubernetes. Bonus: Go.", "work_mode": None}
    first, second = offline_clean(job), offline_clean(job)
    assert first == second and (first.role_family, first.seniority) == ("devops", "lead")
    assert "go" in first.nice and "go" not in first.required
