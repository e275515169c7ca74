"""`talvix demo`: a worker, demo rows, and the resulting agent_logs — on a private local Postgres
when DATABASE_URL is not set, so it runs on a fresh machine with nothing configured."""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import logging
import os
import secrets
import shutil
import time
from datetime import timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import asyncpg

from handlers.demo import queries
from listeners import (
    REGISTRY,
    LocalPostgres,
    Worker,
    cli,
    connect,
    create_database,
    drop_database,
    enqueue,
    load_settings,
    migrate,
)
from listeners import queries as engine_queries

DEMO_DATABASE = "talvix_demo"
POSTINGS = [
    ("Backend engineer (Python, Postgres)", "Acme", "asyncio services on postgres; remote friendly"),
    ("LLM platform engineer", "Nimbus", "python, llm evaluation, sql, backend"),
    ("Frontend developer", "Pixel", "react and css"),
    ("Automation engineer", "Botly", "selenium and python, remote"),
    ("Data analyst", "Ledger", "excel, dashboards, sql"),
    ("", "Ghost Corp", "a posting with no title: the scorer skips it"),
]
BULK_POSTINGS = 2000


async def _wait_until_settled(conn: asyncpg.Connection, deadline_s: float) -> None:
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        if await queries.busy_events(conn) == 0:
            return
        await asyncio.sleep(0.05)
    raise TimeoutError(f"demo events still pending after {deadline_s:.0f}s")


RESUME = """Asha Rao
Senior Backend Engineer, Acme (2019-2025)
6 years building Python, asyncio and PostgreSQL services on AWS with Docker.
B.Tech Computer Science, IIT Madras
"""
JOBS = [
    ("demo-1", "Senior Backend Engineer", "Nimbus", "remote", "python asyncio postgresql aws docker services"),
    ("demo-2", "Platform Engineer", "Ledger", "hybrid", "python kubernetes aws linux"),
    ("demo-3", "Frontend Developer", "Pixel", "onsite", "react typescript css figma"),
]


async def _pipeline(conn: asyncpg.Connection) -> None:
    """The Talvix pipeline, driven only by inserting rows as the app would."""
    offline = not (os.environ.get("SARVAM_API_KEY") or os.environ.get("TALVIX_LLM_API_KEY"))
    cli.console.print(
        f"[bold]8.[/bold] Talvix pipeline — model: "
        f"{'offline-deterministic (no SARVAM_API_KEY: not an LLM)' if offline else 'Sarvam'}; "
        f"files under {os.environ['STORAGE_ROOT']}"
    )
    user = await queries.add_user(conn)
    await queries.add_resume(conn, user_id=user, text=RESUME)
    await queries.enable_auto_apply(conn, user_id=user)
    await queries.add_jobs(conn, jobs=JOBS)
    await _wait_until_settled(conn, 120)
    cli.print_table(
        "9. What the agents wrote",
        await queries.pipeline_results(conn),
        ["company", "title", "score", "recommendation", "auto_status", "tailored_resume_path", "cover_letter_path"],
    )
    cli.print_table(
        "10. agent_logs for the pipeline",
        await queries.pipeline_logs(conn),
        ["agent_name", "status", "duration_ms", "records_processed", "model", "error_message"],
    )


async def _discovery(conn: asyncpg.Connection) -> None:
    """A discovery run against local stand-ins of Remotive, Himalayas, Adzuna and a job feed (the
    test suite's, built from each board's public documentation), then cleaning and the delta pass."""
    try:
        from tests.support.job_board_apis import JobBoardAPIs
    except ImportError:
        cli.console.print("[bold]11.[/bold] discovery skipped: the boards' stand-ins live in the checkout's tests/ folder")
        return
    boards = JobBoardAPIs(adzuna_app_id="demo-app", adzuna_app_key="demo-key")
    runner = await boards.start()
    try:
        for board in ("REMOTIVE", "HIMALAYAS", "ADZUNA"):
            os.environ[f"TALVIX_DISCOVERY_{board}_URL"] = boards.origin
        os.environ.update(
            ADZUNA_APP_ID="demo-app", ADZUNA_APP_KEY="demo-key", TALVIX_DISCOVERY_FEEDS=f"{boards.origin}/feeds/jobs.rss"
        )
        run_id = await queries.add_scrape_run(conn)
        await _wait_until_settled(conn, 120)
        cli.print_table(
            f"11. A discovery run from the local stand-ins of the boards ({boards.origin}): scrape_runs {run_id}",
            await queries.scrape_run_summary(conn, run_id=run_id),
            ["board", "jobs_listed", "status", "total_new", "total_refreshed", "total_malformed", "failure"],
        )
        cli.print_table(
            "12. Read by jd_cleaner, matched and scored for the candidate in one delta pass",
            await queries.discovered_matches(conn),
            ["source", "company", "title", "city", "role_family", "score", "recommendation", "auto_status"],
        )
    finally:
        await runner.cleanup()


SCHEDULED = ["subscription_expiry", "apply_counts_reset", "fit_score_expiry", "retention_cleanup", "career_insight_refresh"]
REST_OF_TALVIX = [
    "skill_gap",
    "career_intelligence",
    "daily_coach",
    "notification_delivery",
    "follow_up",
    "follow_up_reply",
    "linkedin_notes",
    "feedback_calibrator",
    *SCHEDULED,
]


async def _linkedin_stand_in(conn: asyncpg.Connection, user: UUID) -> tuple[Any, Any] | None:
    """The LinkedIn profile stand-in (tests/support/linkedin_network_site.py) with the recruiter's
    profile, and the candidate's session for it stored sealed, so linkedin_notes sends the drafted
    note in a real Chromium. None (and the note stays a draft) without the checkout's tests/ or a
    browser on this machine."""
    from handlers.apply.browser import chromium_path, driver_path

    try:
        from tests.support.linkedin_network_site import LinkedInNetworkSite
    except ImportError:
        return None
    if not (shutil.which(chromium_path()) and shutil.which(driver_path()) and shutil.which("Xvfb")):
        return None
    from handlers.skills.session_crypto import load_key, seal

    recruiter = {"name": "Priya Sharma", "headline": "Talent Acquisition", "state": "2nd"}
    site = LinkedInNetworkSite(members={"priya-recruiter": recruiter})
    runner = await site.start()
    # A demo-only session key when none is set: it seals the stand-in's cookie, nothing else.
    key = os.environ.setdefault("AES_SESSION_KEY", secrets.token_hex(32))
    os.environ.update(
        TALVIX_LINKEDIN_ORIGIN=site.origin,
        TALVIX_BROWSER_LOCAL_ONLY="1",  # Chromium reaches 127.0.0.1 only
        TALVIX_BROWSER_PAGE_DELAY="0.2,0.5",
        TALVIX_BROWSER_FIELD_DELAY="0.1,0.3",
    )
    cookies = [{"name": "li_at", "value": site.token, "domain": ".linkedin.com", "path": "/"}]
    sealed = seal(load_key(key), cookies, user_id=str(user), platform="linkedin")
    await queries.add_linkedin_session(conn, user_id=user, ciphertext=sealed.ciphertext, iv=sealed.iv)
    return site, runner


async def _rest_of_talvix(conn: asyncpg.Connection) -> None:
    """One run of each remaining agent for the demo's candidate. Email goes to a local SMTP server
    (the test suite's, aiosmtpd): the coach's message through notification_delivery, and an
    emailed follow-up to a recruiter."""
    try:
        from tests.support.smtp_server import SMTPServer
    except ImportError:
        cli.console.print("[bold]13.[/bold] the rest of Talvix skipped: the local SMTP server lives in the checkout's tests/")
        return
    logging.getLogger("mail.log").setLevel(logging.ERROR)  # the local SMTP server's own chatter
    smtp = SMTPServer("demo-relay", "demo-relay-password")
    smtp.start()
    linkedin = None
    try:
        os.environ.update(
            TALVIX_SMTP_HOST="127.0.0.1",
            TALVIX_SMTP_PORT=str(smtp.port),
            TALVIX_SMTP_USERNAME="demo-relay",
            SMTP_PASSWORD="demo-relay-password",
            TALVIX_SMTP_FROM="Talvix <hello@talvix.example>",
            TALVIX_SMTP_STARTTLS="false",
        )
        user = await queries.demo_user(conn)
        answered = await queries.prepare_rest_of_talvix(conn, user_id=user)
        linkedin = await _linkedin_stand_in(conn, user)
        await queries.queue_agent(conn, agent="daily_coach", payload={"user_id": str(user)})
        await queries.queue_agent(conn, agent="feedback_calibrator", payload={"run_type": "daily"})
        for name in ["follow_up", *SCHEDULED]:
            await queries.queue_agent(conn, agent=name, payload={})
        await _wait_until_settled(conn, 120)
        await queries.add_reply(conn, application_id=answered)
        await _wait_until_settled(conn, 60)
        cli.print_table(
            "13. The rest of Talvix: one run of each",
            await queries.rest_of_talvix_logs(conn, agents=REST_OF_TALVIX),
            ["agent_name", "status", "records_processed", "said"],
        )
        if linkedin is None:
            said = "no browser or LinkedIn stand-in here: the LinkedIn note stays a draft"
        else:
            said = f"the LinkedIn stand-in received {len(linkedin[0].invitations)} invitation(s) with a note"
        cli.print_table(
            f"14. What they left for the candidate ({len(smtp.mails)} emails reached the local SMTP server: "
            f"{', '.join(m.rcpt_tos[0] for m in smtp.mails)}; {said})",
            await queries.rest_of_talvix_outputs(conn, user_id=user),
            ["agent", "result"],
        )
    finally:
        smtp.stop()
        if linkedin is not None:
            await linkedin[1].cleanup()


async def _demo(dsn: str, keep_running: bool) -> int:
    settings = load_settings(
        database_url=dsn,
        worker_id="demo-worker",
        reaper_interval_seconds=1.0,
        retry_base_seconds=0.2,
        handler_modules=["handlers", "handlers.demo.agents"],
    )
    for module in settings.handler_modules:
        importlib.import_module(module)
    conn = await connect(dsn)
    try:
        applied = await migrate(conn)
        cli.console.print(f"[bold]1.[/bold] schema ready ({len(applied)} migration(s) applied now)")
        await queries.create_schema(conn)
        cli.print_table(
            "2. Attached triggers (talvix.watches)",
            await engine_queries.watches(conn),
            ["relation", "agent", "operation", "condition"],
        )

        worker = Worker(settings, dict(REGISTRY))
        worker_task = asyncio.create_task(worker.run())
        await asyncio.wait_for(worker.started.wait(), 30)
        cli.console.print("[bold]3.[/bold] worker started; inserting demo rows")

        await queries.add_postings(conn, postings=POSTINGS)
        # Bad input the system must survive: a malformed payload and an agent nobody serves.
        await enqueue(
            conn,
            "demo_keyword_scorer",
            {"table": "demo.job_postings", "op": "INSERT", "row": {"id": "abc"}},
            source="demo: malformed payload",
        )
        await enqueue(conn, "resume_parser_v0", {"note": "no handler has this name"}, source="demo: unknown agent")
        await _wait_until_settled(conn, 60)

        started = time.monotonic()
        await queries.add_bulk_postings(conn, count=BULK_POSTINGS)
        await _wait_until_settled(conn, 120)
        elapsed = time.monotonic() - started
        runs = await queries.runs_since(conn, seconds=elapsed + 1)
        cli.console.print(
            f"[bold]4.[/bold] one INSERT of {BULK_POSTINGS} postings → {runs} runs "
            f"(scorer + shortlister) finished in {elapsed:.2f}s"
        )

        cli.print_table(
            "5. agent_logs: the demo rows (first run of each kind)",
            await queries.first_run_of_each_kind(conn),
            ["agent_name", "status", "duration_ms", "records_processed", "event_id", "error_message"],
        )
        cli.print_table(
            "6. Shortlist (written by demo_shortlister)",
            await queries.shortlist(conn),
            ["title", "company", "note"],
        )
        cli.print_table(
            "7. talvix stats",
            await engine_queries.agent_stats(conn, window=timedelta(hours=1)),
            ["agent", "completed", "failed", "skipped", "failure_rate", "p50_ms", "p95_ms", "pending"],
        )

        await _pipeline(conn)
        await _discovery(conn)
        await _rest_of_talvix(conn)

        if keep_running:
            cli.console.print("worker still running on", dsn, "- Ctrl-C to stop")
            with contextlib.suppress(asyncio.CancelledError):
                await worker_task
        worker.stop()
        await worker_task
        cli.console.print("[bold]15.[/bold] worker stopped gracefully")
    finally:
        await conn.close()
    return cli.EXIT_OK


async def run(keep_running: bool = False) -> int:
    # Agents write files under STORAGE_ROOT (/storage in production); the demo keeps its own.
    os.environ.setdefault("STORAGE_ROOT", str(Path.cwd() / ".talvix" / "storage"))
    server = os.environ.get("DATABASE_URL")
    if server:
        # Never the configured database itself: the demo drops and re-creates its own beside it.
        cli.console.print(
            f"using the server in DATABASE_URL, in a database of its own: {DEMO_DATABASE} "
            "(dropped and re-created; your database is not touched)"
        )
        return await _demo_database(server, keep_running)
    data_dir = Path(os.environ.get("TALVIX_DEMO_PGDATA", Path.cwd() / ".talvix" / "postgres"))
    cli.console.print(f"no DATABASE_URL: starting a private PostgreSQL in {data_dir}")
    with LocalPostgres(data_dir) as pg:
        return await _demo_database(pg.dsn, keep_running)


async def _demo_database(server: str, keep_running: bool) -> int:
    await drop_database(server, DEMO_DATABASE)
    return await _demo(await create_database(server, DEMO_DATABASE), keep_running)
