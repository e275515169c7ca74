"""`talvix demo`: a worker, demo rows, and the resulting agent_logs — on a private local Postgres
when DATABASE_URL is not set, so it runs on a fresh machine with nothing configured."""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import os
import time
from datetime import timedelta
from pathlib import Path

import asyncpg

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
    query,
    sql_folder,
)

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
        # Work scheduled for later (an application's nightly slot) does not count as unsettled.
        busy = await conn.fetchval(
            "SELECT count(*) FROM talvix.events WHERE status = 'running' OR (status = 'pending' AND run_after <= now())"
        )
        if busy == 0:
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
    user = await conn.fetchval(
        "INSERT INTO public.users (email, full_name, profile) VALUES "
        "('asha@example.com', 'Asha Rao', '{\"years_experience\": 6}') RETURNING id"
    )
    await conn.execute("INSERT INTO public.resumes (user_id, raw_text) VALUES ($1, $2)", user, RESUME)
    await conn.execute("UPDATE public.users SET auto_apply_enabled = true WHERE id = $1", user)
    await conn.executemany(
        "INSERT INTO public.jobs (fingerprint, title, company, work_mode, apply_url, platform, description) "
        "VALUES ($1, $2, $3, $4, 'https://jobs.example/' || $1, 'greenhouse', $5)",
        JOBS,
    )
    await _wait_until_settled(conn, 120)
    cli.print_table(
        "9. What the agents wrote",
        await conn.fetch(
            "SELECT j.company, j.title, s.score, s.recommendation, a.auto_status, a.tailored_resume_path, a.cover_letter_path "
            "FROM public.job_fit_scores s JOIN public.jobs j ON j.id = s.job_id "
            "LEFT JOIN public.job_applications a ON a.job_id = s.job_id AND a.user_id = s.user_id ORDER BY s.score DESC"
        ),
        ["company", "title", "score", "recommendation", "auto_status", "tailored_resume_path", "cover_letter_path"],
    )
    cli.print_table(
        "10. agent_logs for the pipeline",
        await conn.fetch(
            "SELECT agent_name, status, duration_ms, records_processed, metadata->>'model' AS model, error_message "
            "FROM public.agent_logs WHERE agent_name IN ('resume_intelligence', 'fit_scorer', 'document_tailor') "
            "ORDER BY created_at"
        ),
        ["agent_name", "status", "duration_ms", "records_processed", "model", "error_message"],
    )


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
        await conn.execute((sql_folder() / "demo" / "schema.sql").read_text())
        cli.print_table(
            "2. Attached triggers (talvix.watches)",
            await conn.fetch(query("watches")),
            ["relation", "agent", "operation", "condition"],
        )

        worker = Worker(settings, dict(REGISTRY))
        worker_task = asyncio.create_task(worker.run())
        await asyncio.wait_for(worker.started.wait(), 30)
        cli.console.print("[bold]3.[/bold] worker started; inserting demo rows")

        await conn.executemany("INSERT INTO demo.job_postings (title, company, description) VALUES ($1, $2, $3)", POSTINGS)
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
        await conn.execute(
            "INSERT INTO demo.job_postings (title, company, description) "
            "SELECT 'Role ' || i, 'Bulk Co', CASE WHEN i % 4 = 0 THEN 'python postgres sql remote' ELSE 'misc' END "
            "FROM generate_series(1, $1) AS i",
            BULK_POSTINGS,
        )
        await _wait_until_settled(conn, 120)
        elapsed = time.monotonic() - started
        runs = await conn.fetchval(
            "SELECT count(*) FROM public.agent_logs WHERE created_at > now() - make_interval(secs => $1)", elapsed + 1
        )
        cli.console.print(
            f"[bold]4.[/bold] one INSERT of {BULK_POSTINGS} postings → {runs} runs "
            f"(scorer + shortlister) finished in {elapsed:.2f}s"
        )

        cli.print_table(
            "5. agent_logs: the demo rows (first run of each kind)",
            await conn.fetch(
                "SELECT DISTINCT ON (agent_name, status, coalesce(error_message, '')) agent_name, status, duration_ms, "
                "records_processed, event_id, error_message FROM public.agent_logs "
                "ORDER BY agent_name, status, coalesce(error_message, ''), created_at"
            ),
            ["agent_name", "status", "duration_ms", "records_processed", "event_id", "error_message"],
        )
        cli.print_table(
            "6. Shortlist (written by demo_shortlister)",
            await conn.fetch(
                "SELECT p.title, p.company, s.note FROM demo.shortlist s JOIN demo.job_postings p ON p.id = s.posting_id "
                "WHERE p.company <> 'Bulk Co' ORDER BY p.id"
            ),
            ["title", "company", "note"],
        )
        cli.print_table(
            "7. talvix stats",
            await conn.fetch(query("agent_stats"), timedelta(hours=1)),
            ["agent", "completed", "failed", "skipped", "failure_rate", "p50_ms", "p95_ms", "pending"],
        )

        await _pipeline(conn)

        if keep_running:
            cli.console.print("worker still running on", dsn, "- Ctrl-C to stop")
            with contextlib.suppress(asyncio.CancelledError):
                await worker_task
        worker.stop()
        await worker_task
        cli.console.print("[bold]11.[/bold] worker stopped gracefully")
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
