"""The `talvix` command line (also `python -m listeners`).

Exit codes: 0 success, 1 the operation failed, 2 bad usage or configuration.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib
import json
import logging
import signal
import sys
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta
from typing import Any
from uuid import UUID

import asyncpg
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from listeners import database, log_format, migrations, queries
from listeners.enqueue import enqueue
from listeners.settings import Settings, SettingsError, load_settings

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
# Wide tables when piped or logged; a terminal gets its own width.
console = Console(width=None if sys.stdout.isatty() else 150)
# Progress bars go to stderr and only to a terminal, so piped output and --json stay clean.
progress_console = Console(stderr=True)
log = logging.getLogger("talvix.cli")


def load_handlers(settings: Settings) -> None:
    for module in settings.handler_modules:
        importlib.import_module(module)


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, default=database.json_default, indent=2) + "\n")


def print_table(title: str, rows: Sequence[asyncpg.Record | dict[str, Any]], columns: Sequence[str]) -> None:
    table = Table(title=title, title_justify="left", header_style="bold")
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*("" if row[c] is None else str(row[c]) for c in columns))
    console.print(table)


def progress_bar() -> Progress:
    """A transient progress bar for long operations; shown only when a person watches a terminal."""
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=progress_console,
        transient=True,
        refresh_per_second=4,
        disable=not progress_console.is_terminal,
    )


# ---------------------------------------------------------------------------------------- commands


async def cmd_migrate(args: argparse.Namespace, settings: Settings) -> int:
    load_handlers(settings)  # an application adds its migrations when imported
    conn = await database.connect(settings)
    try:
        with progress_bar() as bar:
            task = bar.add_task("migrating", total=None)

            def starting(migration: migrations.Migration, pending: int) -> None:
                bar.update(task, total=pending, completed=len(started), description=migration.path.name)
                started.append(migration)

            started: list[migrations.Migration] = []
            applied = await migrations.migrate(conn, dry_run=args.dry_run, on_start=starting)
    finally:
        await conn.close()
    verb = "would apply" if args.dry_run else "applied"
    if args.json:
        print_json({verb.replace(" ", "_"): [m.path.name for m in applied]})
    elif applied:
        for m in applied:
            console.print(f"{verb} {m.path.name}")
    else:
        console.print("database is up to date")
    return EXIT_OK


async def cmd_db_status(args: argparse.Namespace, settings: Settings) -> int:
    load_handlers(settings)
    conn = await database.connect(settings)
    try:
        states = await migrations.status(conn)
    finally:
        await conn.close()
    rows = [
        {
            "migration": s.migration.path.name,
            "applied": "yes" if s.applied else "no",
            "note": "CHANGED since applied" if s.changed_since_applied else "",
        }
        for s in states
    ]
    if args.json:
        print_json(rows)
    else:
        print_table("Migrations", rows, ["migration", "applied", "note"])
    return EXIT_FAILED if any(not s.applied or s.changed_since_applied for s in states) else EXIT_OK


async def cmd_worker(args: argparse.Namespace, settings: Settings) -> int:
    from listeners.worker import Worker

    load_handlers(settings)
    worker = Worker(settings)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, worker.stop)
    await worker.run()
    return EXIT_FAILED if worker.crash is not None else EXIT_OK


async def cmd_logs(args: argparse.Namespace, settings: Settings) -> int:
    conn = await database.connect(settings)
    try:
        rows = await queries.recent_logs(
            conn, agent=args.agent, status=args.status, user_id=UUID(args.user) if args.user else None, limit=args.limit
        )
    finally:
        await conn.close()
    if args.json:
        print_json([dict(r) for r in rows])
    else:
        print_table(
            "agent_logs (newest first)",
            rows,
            ["created_at", "agent_name", "status", "duration_ms", "records_processed", "event_id", "error_message"],
        )
    return EXIT_OK


async def cmd_stats(args: argparse.Namespace, settings: Settings) -> int:
    conn = await database.connect(settings)
    try:
        rows = await queries.agent_stats(conn, window=timedelta(hours=args.hours))
    finally:
        await conn.close()
    if args.json:
        print_json([dict(r) for r in rows])
    else:
        print_table(
            f"Agents, last {args.hours:g} h",
            rows,
            [
                "agent",
                "completed",
                "failed",
                "skipped",
                "failure_rate",
                "p50_ms",
                "p95_ms",
                "pending",
                "due",
                "running",
                "oldest_due_seconds",
                "workers",
            ],
        )
    return EXIT_OK


async def cmd_watch(args: argparse.Namespace, settings: Settings) -> int:
    conn = await database.connect(settings)
    try:
        rows = await queries.watch(
            conn,
            table=args.table,
            agent=args.agent,
            operations=[op.strip().upper() for op in args.on.split(",")],
            condition=args.when,
            delay=timedelta(seconds=args.delay),
            columns=args.columns.split(",") if args.columns else None,
            dedup=args.dedup,
        )
    finally:
        await conn.close()
    if args.json:
        print_json([dict(r) for r in rows])
    else:
        print_table("Attached", rows, ["relation", "agent", "operation", "condition", "delay", "columns", "dedup"])
    return EXIT_OK


async def cmd_unwatch(args: argparse.Namespace, settings: Settings) -> int:
    ops = [op.strip().upper() for op in args.on.split(",")] if args.on else None
    conn = await database.connect(settings)
    try:
        removed = await queries.unwatch(conn, table=args.table, agent=args.agent, operations=ops)
    finally:
        await conn.close()
    console.print(f"detached {removed} trigger(s)")
    return EXIT_OK if removed else EXIT_FAILED


async def cmd_triggers(args: argparse.Namespace, settings: Settings) -> int:
    conn = await database.connect(settings)
    try:
        rows = await queries.watches(conn)
    finally:
        await conn.close()
    if args.json:
        print_json([dict(r) for r in rows])
    else:
        print_table("Attached triggers", rows, ["relation", "agent", "operation", "condition", "delay", "columns", "dedup"])
    return EXIT_OK


async def cmd_enqueue(args: argparse.Namespace, settings: Settings) -> int:
    try:
        payload = json.loads(args.payload)
    except json.JSONDecodeError as exc:
        console.print(f"[red]--payload is not valid JSON: {exc}[/red]")
        return EXIT_USAGE
    if not isinstance(payload, dict):
        console.print("[red]--payload must be a JSON object[/red]")
        return EXIT_USAGE
    conn = await database.connect(settings)
    try:
        event_id = await enqueue(
            conn, args.agent, payload, user_id=args.user, dedup_key=args.dedup_key, delay_seconds=args.delay, source="cli"
        )
    finally:
        await conn.close()
    if args.json:
        print_json({"event_id": event_id})
    else:
        console.print(f"enqueued event {event_id}" if event_id else "an event with that dedup key is already pending")
    return EXIT_OK


async def _change_events(action: str, args: argparse.Namespace, settings: Settings, verb: str) -> int:
    conn = await database.connect(settings)
    try:
        ids = list(args.event_ids)
        if getattr(args, "failed_agent", None):
            ids += [r["id"] for r in await queries.failed_events(conn, agent=args.failed_agent, hours=args.hours)]
        change = queries.retry_events if action == "retry" else queries.cancel_events
        rows = await change(conn, event_ids=ids)
    finally:
        await conn.close()
    if args.json:
        print_json({verb: [r["id"] for r in rows], "unchanged": sorted(set(ids) - {r["id"] for r in rows})})
    else:
        console.print(f"{verb} {len(rows)} event(s)" + (f": {', '.join(str(r['id']) for r in rows)}" if rows else ""))
        if len(rows) < len(set(ids)):
            console.print(f"{len(set(ids)) - len(rows)} event(s) were not in a state that allows it")
    return EXIT_OK if rows else EXIT_FAILED


async def cmd_retry(args: argparse.Namespace, settings: Settings) -> int:
    return await _change_events("retry", args, settings, "retried")


async def cmd_cancel(args: argparse.Namespace, settings: Settings) -> int:
    return await _change_events("cancel", args, settings, "cancelled")


async def cmd_bench(args: argparse.Namespace, settings: Settings | None) -> int:
    try:
        suite = importlib.import_module(f"bench.{args.suite}")
    except ModuleNotFoundError as exc:
        if exc.name not in ("bench", f"bench.{args.suite}"):
            raise RuntimeError(f"the benchmarks need the [bench] extra: pip install -e '.[bench]' ({exc})") from exc
        raise RuntimeError(
            "the benchmarks live in the repository's bench/ folder: "
            "run `talvix bench` from an editable install of a checkout (make installs one)"
        ) from exc
    options = [o for o in args.options if o != "--json"]
    as_json = args.json or len(options) < len(args.options)  # --json before or after the suite's name
    try:
        if as_json:
            with contextlib.redirect_stdout(sys.stderr):  # the readable lines; stdout gets only the JSON
                results = await suite.measure(options)
            print_json(results)
        else:
            await suite.measure(options)
    except SystemExit as exc:  # the suite's own argument errors (argparse exits 2) and --help (0)
        return EXIT_USAGE if exc.code else EXIT_OK
    return EXIT_OK


# ---------------------------------------------------------------------------------------- parser

Command = Callable[[argparse.Namespace, Settings], Awaitable[int]]


# The benchmark suites `talvix bench` runs: modules of the repository's bench/ folder. A product adds
# its own with add_bench_suite.
BENCH_SUITES = ["engine", "peers"]


def add_bench_suite(name: str) -> None:
    if name not in BENCH_SUITES:
        BENCH_SUITES.append(name)


def add_command(sub: Any, name: str, func: Command, help_text: str, example: str) -> argparse.ArgumentParser:
    """One subcommand: `func(args, settings)` returns the exit code. Every command takes --json."""
    p: argparse.ArgumentParser = sub.add_parser(
        name, help=help_text, description=f"{help_text}\n\nexample: {example}", formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.set_defaults(func=func, needs_settings=True)
    p.add_argument("--json", action="store_true", help="machine-readable output")
    return p


def build_parser(extend: Callable[[Any], None] | None = None) -> argparse.ArgumentParser:
    """The engine's commands; `extend(subparsers)` adds an application's (see `add_command`)."""
    parser = argparse.ArgumentParser(
        prog="talvix",
        description="Talvix Worker: Postgres LISTEN/NOTIFY agents. Settings come from the environment "
        "(DATABASE_URL, TALVIX_*), e.g. `doppler run -- talvix worker`.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, func: Command, help_text: str, example: str, parent: Any = sub) -> argparse.ArgumentParser:
        return add_command(parent, name, func, help_text, example)

    db = sub.add_parser("db", help="schema migrations").add_subparsers(dest="db_command", required=True, metavar="DB_COMMAND")
    p = add("migrate", cmd_migrate, "apply pending SQL migrations", "talvix db migrate --dry-run", db)
    p.add_argument("--dry-run", action="store_true", help="list what would be applied, change nothing")
    add("status", cmd_db_status, "show which migrations are applied (exit 1 if any is pending)", "talvix db status", db)

    p = add("worker", cmd_worker, "run a worker until SIGTERM/SIGINT", "talvix worker --agents fit_scorer,auto_apply")
    p.add_argument("--agents", help="comma-separated agents to serve (default: TALVIX_AGENTS, else all)")

    p = add("logs", cmd_logs, "recent agent_logs rows", "talvix logs --agent fit_scorer --status failed")
    p.add_argument("--agent")
    p.add_argument("--status", choices=["started", "completed", "failed", "skipped"])
    p.add_argument("--user", help="user id (uuid)")
    p.add_argument("--limit", type=int, default=30)

    p = add("stats", cmd_stats, "per-agent counts, p50/p95 duration, failure rate and backlog", "talvix stats --hours 1")
    p.add_argument("--hours", type=float, default=24.0)

    p = add(
        "watch",
        cmd_watch,
        "attach an agent to a table (talvix.watch)",
        "talvix watch public.job_applications auto_apply --on INSERT,UPDATE --when \"NEW.auto_status = 'queued'\"",
    )
    p.add_argument("table")
    p.add_argument("agent")
    p.add_argument("--on", default="INSERT", help="INSERT, UPDATE and/or DELETE, comma-separated")
    p.add_argument("--when", help="SQL boolean condition over NEW/OLD")
    p.add_argument("--delay", type=float, default=0.0, help="seconds before the event is due")
    p.add_argument("--columns", help="columns copied into the payload (default: primary key and user_id)")
    p.add_argument("--dedup", action="store_true", help="one pending event per row at a time")

    p = add("unwatch", cmd_unwatch, "detach an agent from a table", "talvix unwatch public.job_applications auto_apply")
    p.add_argument("table")
    p.add_argument("agent")
    p.add_argument("--on", help="only these operations")

    add("triggers", cmd_triggers, "list attached agents (talvix.watches)", "talvix triggers")

    p = add("enqueue", cmd_enqueue, "add one event by hand", 'talvix enqueue fit_scorer --payload \'{"mode": "full"}\'')
    p.add_argument("agent")
    p.add_argument("--payload", default="{}")
    p.add_argument("--user")
    p.add_argument("--dedup-key")
    p.add_argument("--delay", type=float, default=0.0)

    p = add(
        "retry",
        cmd_retry,
        "run failed or cancelled events again (attempts start over)",
        "talvix retry 1042 1043   |   talvix retry --failed-agent fit_scorer --hours 2",
    )
    p.add_argument("event_ids", nargs="*", type=int)
    p.add_argument("--failed-agent", help="every failed event of this agent in the last --hours")
    p.add_argument("--hours", type=float, default=24.0)

    p = add("cancel", cmd_cancel, "cancel events that have not started", "talvix cancel 1042")
    p.add_argument("event_ids", nargs="+", type=int)

    p = add(
        "bench",
        cmd_bench,
        "benchmarks that print numbers: the engine alone, or beside PgQueuer and Procrastinate "
        "(in fresh databases on DATABASE_URL's server, else 127.0.0.1:5432, else a private cluster); "
        "results are also written to bench/results/",
        "talvix bench engine drain --events 5000   |   talvix bench peers --skip-latency   |   talvix bench engine --help",
    )
    p.add_argument("suite", choices=BENCH_SUITES)
    p.add_argument("options", nargs=argparse.REMAINDER, help="the suite's own options (talvix bench engine --help)")
    p.set_defaults(needs_settings=False)
    if extend is not None:
        extend(sub)
    return parser


def main(argv: Sequence[str] | None = None, extend: Callable[[Any], None] | None = None) -> int:
    """The engine's command line. An application adds its own commands with `extend(subparsers)`
    (see handlers/app/cli.py); a command that sets `needs_settings=False` runs without the worker's
    settings."""
    args = build_parser(extend).parse_args(argv)
    settings: Settings | None = None
    if args.needs_settings:
        overrides = {"agents": args.agents} if getattr(args, "agents", None) else {}
        try:
            settings = load_settings(**overrides)
        except SettingsError as exc:
            print(f"talvix: {exc}", file=sys.stderr)
            return EXIT_USAGE
        log_format.configure(settings.log_level)
        log_format.protect(settings.database_url, settings.agent_secret, settings.admin_secret)
    else:
        log_format.configure("INFO")
    try:
        code: int = asyncio.run(args.func(args, settings))
        return code
    except (ValueError, SettingsError) as exc:
        print(f"talvix: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except (asyncpg.PostgresError, OSError, RuntimeError) as exc:
        print(f"talvix: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
