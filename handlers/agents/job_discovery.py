"""job_discovery: fill public.jobs from public job boards, one discovery run (a scrape_runs row) at a time.

A run reads every configured board (handlers/discovery) for every active search target (the
baseline targets and the roles users target), all boards at once with `asyncio.gather`, each board
politely and on its own: a board that fails is recorded in the run's `source_failures` and the run
ends `partial`, never `failed` for that alone. Postings become jobs by fingerprint (normalised
company + title + city) in one `INSERT … ON CONFLICT` per batch: a new job is inserted (which wakes
fit_scorer for the whole batch), a known one refreshed. Each description is stored as text under
the storage root (`jds/<fingerprint>.txt`). Then jobs unseen for 14 days go inactive and those
unseen for 30 are deleted (both days are rows of talvix.limits).

job_discovery_schedule runs nightly at a UTC minute kept in talvix.limits: it inserts a
scrape_runs row, exactly as an operator would, and queues itself for the next night.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp

from handlers import queries
from handlers.discovery.postings import Posting
from handlers.discovery.sources import DiscoverySettings, Source, Target, configured
from handlers.skills import schedules, storage
from handlers.skills.http_client import PoliteClient, ServiceError
from listeners import Context, PermanentError, Skip, agent, load

SCHEDULE = "job_discovery_schedule"
BATCH = 500  # jobs per INSERT … ON CONFLICT


def _run_id(payload: dict[str, Any]) -> int:
    try:
        return int(payload["row"]["id"])
    except (KeyError, TypeError, ValueError):
        raise PermanentError(f"job_discovery needs a scrape_runs row id in payload.row.id, got {payload!r}"[:300]) from None


async def read_board(
    session: aiohttp.ClientSession, board: Source, targets: list[Target], limit: int, settings: DiscoverySettings
) -> tuple[list[Posting], int, int]:
    """Everything one board lists for the targets: (postings, malformed items, requests made).
    Raises ServiceError when the board cannot be read at all."""
    client = PoliteClient(
        session,
        board.name,
        requests_per_minute=board.requests_per_minute,
        timeout_seconds=settings.timeout_seconds,
        attempts=settings.attempts,
        backoff_seconds=settings.backoff_seconds,
    )
    postings: list[Posting] = []
    malformed = 0
    for target in targets:
        found = await board.fetch(client, target, limit)
        postings += found.postings
        malformed += found.malformed
    return postings, malformed, client.requests


def job_row(posting: Posting, jd_path: str) -> dict[str, Any]:
    return {
        "fingerprint": posting.fingerprint,
        "title": posting.title.strip()[:300],
        "company": posting.company.strip()[:200],
        "company_canonical": posting.company_canonical,
        "location": posting.location.strip()[:200] or None,
        "city_canonical": posting.city_canonical,
        "work_mode": posting.mode,
        "apply_url": posting.apply_url,
        "platform": posting.platform,
        "description": posting.description[:20000],
        "posted_at": posting.posted_at.isoformat() if posting.posted_at else None,
        "source": posting.source,
        "source_job_id": posting.source_job_id,
        "salary_min": posting.salary_min,
        "salary_max": posting.salary_max,
        "salary_currency": posting.salary_currency,
        "jd_path": jd_path,
    }


def store_descriptions(rows: list[dict[str, Any]]) -> None:
    """Each description as text under the storage root, written atomically (a reader never sees half)."""
    for row in rows:
        path = storage.resolve(row["jd_path"])
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".tmp")
        partial.write_text(row["description"])
        partial.replace(path)


@agent("job_discovery", concurrency=1, timeout=1800, max_attempts=3)
async def job_discovery(ctx: Context) -> int:
    run_id = _run_id(ctx.payload)
    run = await queries.scrape_run(ctx.db, run_id=run_id)
    if run is None:
        raise PermanentError(f"scrape run {run_id} no longer exists")
    if run["status"] in ("completed", "partial"):
        raise Skip(f"scrape run {run_id} already ran ({run['status']})")
    settings = load(DiscoverySettings)
    boards = [b for b in configured(settings) if run["sources"] is None or b.name in run["sources"]]
    if not boards:
        await queries.finish_scrape_run(
            ctx.db,
            run_id=run_id,
            status="failed",
            scraped=0,
            new=0,
            refreshed=0,
            malformed=0,
            source_counts={},
            source_failures={"*": "no source is configured"},
            stale=None,
            deleted=None,
        )
        raise PermanentError("no job source is configured (TALVIX_DISCOVERY_SOURCES, ADZUNA_APP_ID/KEY, TALVIX_DISCOVERY_FEEDS)")
    await queries.start_scrape_run(ctx.db, run_id=run_id)
    targets = [Target(r["role"], r["location"]) for r in await queries.discovery_targets(ctx.db)]
    limit = (await queries.discovery_limits(ctx.db)).get("job_discovery_max_per_source", 500)

    async with aiohttp.ClientSession() as session:
        results = await asyncio.gather(*(read_board(session, b, targets, limit, settings) for b in boards), return_exceptions=True)
    counts: dict[str, int] = {}
    failures: dict[str, str] = {}
    malformed = requests = 0
    unique: dict[str, Posting] = {}
    for board, result in zip(boards, results, strict=True):
        if isinstance(result, ServiceError):
            failures[board.name] = str(result)[:500]
            ctx.log.warning("source %s failed: %s", board.name, result)
            continue
        if isinstance(result, BaseException):
            if isinstance(result, asyncio.CancelledError):
                raise result
            failures[board.name] = f"{type(result).__name__}: {result}"[:500]
            ctx.log.error("source %s failed unexpectedly", board.name, exc_info=result)
            continue
        postings, bad, made = result
        counts[board.name] = len(postings)
        malformed += bad
        requests += made
        for posting in postings:
            unique.setdefault(posting.fingerprint, posting)  # the first board to list a job keeps it

    rows = [job_row(p, f"jds/{p.fingerprint}.txt") for p in unique.values()]
    await asyncio.to_thread(store_descriptions, rows)
    new = refreshed = 0
    for start in range(0, len(rows), BATCH):
        written = await queries.upsert_jobs(ctx.db, jobs=rows[start : start + BATCH])
        new += written["new"]
        refreshed += written["refreshed"]
    retired = await queries.retire_unseen_jobs(ctx.db)
    await queries.targets_scraped(ctx.db, roles=[t.role for t in targets])
    status = "completed" if not failures else ("partial" if counts else "failed")
    await queries.finish_scrape_run(
        ctx.db,
        run_id=run_id,
        status=status,
        scraped=sum(counts.values()),
        new=new,
        refreshed=refreshed,
        malformed=malformed,
        source_counts=counts,
        source_failures=failures,
        stale=retired["stale"],
        deleted=retired["deleted"],
    )
    ctx.metadata.update(
        run_id=run_id,
        status=status,
        sources=counts,
        failures=sorted(failures),
        new=new,
        refreshed=refreshed,
        malformed=malformed,
        requests=requests,
        targets=len(targets),
    )
    if status == "failed":
        raise PermanentError(f"every source failed: {json.dumps(failures)[:400]}")
    return new + refreshed


@agent(SCHEDULE, concurrency=1, timeout=60, max_attempts=3)
async def job_discovery_schedule(ctx: Context) -> int:
    await schedules.queue_next_run(ctx)
    run_id = await queries.schedule_scrape_run(ctx.db)
    ctx.metadata.update(scrape_run_id=run_id)
    return 1
