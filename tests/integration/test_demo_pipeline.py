"""The demo agents end to end through real triggers: rows in, scores and a shortlist out."""

from __future__ import annotations

import asyncpg

from handlers.demo import agents as demo
from listeners import database
from listeners.registry import REGISTRY
from tests.support.waiting import wait_for
from tests.support.workers import running_worker


async def test_postings_flow_through_two_agents_and_a_deleted_row_fails_precisely(
    db: asyncpg.Connection, database_url: str
) -> None:
    await db.execute((database.sql_dir() / "demo" / "schema.sql").read_text())
    # Inserted and deleted before any worker runs: its event must fail with a precise message.
    gone = await db.fetchval("INSERT INTO demo.job_postings (title, company) VALUES ('Gone', 'X') RETURNING id")
    await db.execute("DELETE FROM demo.job_postings WHERE id = $1", gone)
    rows = [("Python backend", "A", "postgres sql remote"), ("Painter", "B", "walls"), ("", "C", "no title")]
    await db.executemany("INSERT INTO demo.job_postings (title, company, description) VALUES ($1, $2, $3)", rows)
    agents = [REGISTRY["demo_keyword_scorer"], REGISTRY["demo_shortlister"]]
    async with running_worker(database_url, agents):
        await wait_for(
            lambda: db.fetchval("SELECT count(*) = 0 FROM talvix.events WHERE status IN ('pending', 'running')"), timeout=10
        )
        await wait_for(lambda: db.fetchval("SELECT count(*) FROM demo.shortlist"), timeout=10)
    scores = dict(
        await db.fetch("SELECT p.title, s.score FROM demo.keyword_scores s JOIN demo.job_postings p ON p.id = s.posting_id")
    )
    assert scores == {title: demo.keyword_score(title, desc)[0] for title, _, desc in rows if title}
    shortlisted = [
        r["title"] for r in await db.fetch("SELECT p.title FROM demo.shortlist s JOIN demo.job_postings p ON p.id = s.posting_id")
    ]
    assert shortlisted == [t for t, s in scores.items() if s >= 60]
    logs = {
        (r["agent_name"], r["status"], r["error_message"])
        for r in await db.fetch("SELECT agent_name, status, error_message FROM agent_logs WHERE status <> 'completed'")
    }
    assert logs == {
        ("demo_keyword_scorer", "failed", f"PermanentError: job posting {gone} no longer exists"),
        ("demo_keyword_scorer", "skipped", f"job posting {gone + 3} has no title"),
    }
