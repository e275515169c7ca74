"""job_discovery against stand-ins of the real boards (tests/support/job_board_apis.py, built from
their public documentation): a scrape_runs row in, jobs out, politely, and whatever a board does."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import pytest

from listeners import REGISTRY
from tests.integration.conftest import ADZUNA_ID
from tests.support.job_board_apis import JobBoardAPIs
from tests.support.waiting import wait_for
from tests.support.workers import running_worker


async def discover(db: asyncpg.Connection, database_url: str, sources: list[str] | None = None) -> asyncpg.Record:
    """Insert a scrape_runs row, as an operator would, and wait for its run to end."""
    agents = [REGISTRY["job_discovery"]]
    async with running_worker(database_url, agents, lease_seconds=30.0):
        run_id = await db.fetchval("INSERT INTO scrape_runs (requested_by, sources) VALUES ('test', $1) RETURNING id", sources)
        await wait_for(
            lambda: db.fetchval("SELECT status IN ('completed', 'partial', 'failed') FROM scrape_runs WHERE id = $1", run_id),
            timeout=60,
            message="the discovery run ended",
        )
        await wait_for(
            lambda: db.fetchval(
                "SELECT count(*) = 0 FROM talvix.events WHERE agent = 'job_discovery' AND status IN ('pending', 'running')"
            ),
            timeout=30,
        )
    return await db.fetchrow("SELECT * FROM scrape_runs WHERE id = $1", run_id)


async def test_a_run_fills_jobs_from_every_board_and_a_second_run_refreshes_them(
    db: asyncpg.Connection, database_url: str, boards: JobBoardAPIs, tmp_path: Path
) -> None:
    await db.execute("UPDATE baseline_scrape_targets SET is_active = (role_name IN ('Software Engineer', 'Backend Engineer'))")
    run = await discover(db, database_url)
    counts = run["source_counts"]
    assert run["status"] == "completed", run["source_failures"]
    host = boards.origin.split("//")[1]
    assert set(counts) == {"remotive", "himalayas", "adzuna", f"feed:{host}/feeds/jobs.rss", f"feed:{host}/feeds/jobs.json"}
    jobs = await db.fetch("SELECT * FROM jobs")
    assert run["total_new"] == len(jobs) > 0 and run["total_refreshed"] == 0
    # Every board's items were read (a misread field would make them malformed, or a board empty).
    assert run["total_malformed"] == 0 and all(n > 0 for n in counts.values()), counts
    # Dates are this era's, whichever unit the board sends them in.
    now = datetime.now(UTC)
    assert all(now - timedelta(days=400) < j["posted_at"] < now + timedelta(days=1) for j in jobs)
    # The posting every board lists is one job.
    razorpay = [j for j in jobs if j["company"] == "Razorpay" and j["title"] == "Senior Backend Engineer"]
    assert len(razorpay) == 1 and razorpay[0]["city_canonical"] == "bengaluru"
    assert len({j["fingerprint"] for j in jobs}) == len(jobs)
    assert run["total_scraped"] == sum(counts.values()) >= len(jobs)  # duplicates across boards count once
    for job in jobs:
        text = (tmp_path / "storage" / job["jd_path"]).read_text()
        assert text == job["description"] and "<" not in text.replace("<=", "")
        assert job["is_active"] and job["is_new"] and job["source"] in counts
    # Politeness: every request names the product, and Adzuna got its keys.
    assert boards.requests and all("Talvix" in r[3].get("User-Agent", "") for r in boards.requests)
    assert all(r[2].get("app_id") == ADZUNA_ID for r in boards.requests if r[0] == "adzuna")
    # The same boards again: nothing new, every job refreshed, none duplicated.
    before = {j["fingerprint"]: j["last_seen_at"] for j in jobs}
    again = await discover(db, database_url)
    assert (again["total_new"], again["total_refreshed"]) == (0, len(jobs))
    after = {j["fingerprint"]: j["last_seen_at"] for j in await db.fetch("SELECT fingerprint, last_seen_at FROM jobs")}
    assert set(after) == set(before) and all(after[f] > before[f] for f in before)


async def test_a_failing_board_is_recorded_and_the_others_are_written(
    db: asyncpg.Connection, database_url: str, boards: JobBoardAPIs
) -> None:
    boards.fail("remotive", status=500)
    run = await discover(db, database_url, ["remotive", "adzuna"])
    assert run["status"] == "partial"
    assert "HTTP 500" in run["source_failures"]["remotive"] and "adzuna" not in run["source_failures"]
    assert run["source_counts"]["adzuna"] > 0
    assert await db.fetchval("SELECT count(*) FROM jobs WHERE source = 'adzuna'") > 0
    assert await db.fetchval("SELECT count(*) FROM jobs WHERE source = 'remotive'") == 0


async def test_a_429_is_waited_out_as_retry_after_says(db: asyncpg.Connection, database_url: str, boards: JobBoardAPIs) -> None:
    boards.throttle("adzuna", times=1, retry_after=1)
    run = await discover(db, database_url, ["adzuna"])
    assert run["status"] == "completed" and run["source_counts"]["adzuna"] > 0
    asked = [r for r in boards.requests if r[0] == "adzuna"]
    assert len(asked) >= 2  # the refused request, then the same one again


async def test_a_board_that_keeps_refusing_or_hangs_fails_alone(
    db: asyncpg.Connection, database_url: str, boards: JobBoardAPIs, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TALVIX_DISCOVERY_TIMEOUT_SECONDS", "0.5")
    monkeypatch.setenv("TALVIX_DISCOVERY_ATTEMPTS", "2")
    boards.delay("adzuna", seconds=5)
    run = await discover(db, database_url, ["adzuna", "remotive"])
    assert run["status"] == "partial" and "TimeoutError" in run["source_failures"]["adzuna"]
    assert run["source_counts"]["remotive"] > 0


async def test_wrong_adzuna_keys_fail_that_board_at_once(
    db: asyncpg.Connection, database_url: str, boards: JobBoardAPIs, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ADZUNA_APP_KEY", "not-the-key")
    run = await discover(db, database_url, ["adzuna"])
    assert run["status"] == "failed" and run["source_failures"]["adzuna"].startswith("adzuna: HTTP 4")
    assert len([r for r in boards.requests if r[0] == "adzuna"]) == 1  # a refused key is not retried


async def test_malformed_items_are_counted_and_skipped(db: asyncpg.Connection, database_url: str, boards: JobBoardAPIs) -> None:
    boards.add_malformed("himalayas")
    run = await discover(db, database_url, ["himalayas"])
    assert run["status"] == "completed" and run["total_malformed"] > 0
    assert await db.fetchval("SELECT count(*) FROM jobs WHERE source = 'himalayas' AND (title = '' OR company = '')") == 0


async def test_unseen_jobs_go_stale_then_are_deleted(db: asyncpg.Connection, database_url: str, boards: JobBoardAPIs) -> None:
    for days, fp in ((15, "stale-one"), (31, "dead-one"), (1, "fresh-one")):
        await db.execute(
            "INSERT INTO jobs (fingerprint, title, company, apply_url, platform, last_seen_at) "
            "VALUES ($1, 'Old role', 'Old Co', 'https://old.example', 'other', now() - make_interval(days => $2))",
            fp,
            days,
        )
    run = await discover(db, database_url, ["remotive"])
    state = {
        r["fingerprint"]: r["is_active"] for r in await db.fetch("SELECT fingerprint, is_active FROM jobs WHERE company = 'Old Co'")
    }
    assert state == {"stale-one": False, "fresh-one": True}
    assert (run["jobs_marked_stale"], run["jobs_deleted"]) == (1, 1)


async def test_no_configured_board_fails_the_run_with_a_clear_reason(
    db: asyncpg.Connection, database_url: str, boards: JobBoardAPIs
) -> None:
    run = await discover(db, database_url, ["nosuchboard"])
    assert run["status"] == "failed" and "no source is configured" in json.dumps(run["source_failures"])
    log = await db.fetchrow("SELECT status, error_message FROM agent_logs WHERE agent_name = 'job_discovery'")
    assert log["status"] == "failed" and "no job source is configured" in log["error_message"]


async def test_the_schedule_asks_for_a_run_with_a_row_and_queues_the_next(
    db: asyncpg.Connection, database_url: str, boards: JobBoardAPIs
) -> None:
    await db.execute(
        "INSERT INTO talvix.events (agent, payload, dedup_key) VALUES ('job_discovery_schedule', '{}', 'job_discovery_schedule')"
    )
    async with running_worker(database_url, [REGISTRY["job_discovery_schedule"]]):
        await wait_for(lambda: db.fetchval("SELECT count(*) FROM scrape_runs WHERE requested_by = 'schedule'"), timeout=15)
        await wait_for(
            lambda: db.fetchval("SELECT count(*) FROM talvix.events WHERE agent = 'job_discovery_schedule' AND status = 'pending'"),
            timeout=15,
        )
    # The next night's run is pending at the schedule's time (14:30 UTC unless an operator moved it).
    due = await db.fetchval("SELECT run_after FROM talvix.events WHERE agent = 'job_discovery_schedule' AND status = 'pending'")
    minute = await db.fetchval("SELECT utc_minute FROM talvix.schedules WHERE agent = 'job_discovery_schedule'")
    now = datetime.now(UTC)
    assert minute == 870 and due.hour * 60 + due.minute == minute and timedelta(0) < due - now <= timedelta(days=1)
    # the run the schedule asked for is an ordinary job_discovery event
    assert await db.fetchval("SELECT count(*) FROM talvix.events WHERE agent = 'job_discovery'") == 1


async def test_himalayas_dates_in_milliseconds_as_its_data_dictionary_says(
    db: asyncpg.Connection, database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    apis = JobBoardAPIs(himalayas_timestamps="milliseconds")
    runner = await apis.start()
    try:
        monkeypatch.setenv("TALVIX_DISCOVERY_HIMALAYAS_URL", apis.origin)
        monkeypatch.setenv("STORAGE_ROOT", str(tmp_path / "storage"))
        run = await discover(db, database_url, ["himalayas"])
    finally:
        await runner.cleanup()
    assert run["status"] == "completed" and run["source_counts"]["himalayas"] > 0
    now = datetime.now(UTC)
    dates = [r["posted_at"] for r in await db.fetch("SELECT posted_at FROM jobs WHERE source = 'himalayas'")]
    assert dates and all(now - timedelta(days=400) < d < now + timedelta(days=1) for d in dates)
