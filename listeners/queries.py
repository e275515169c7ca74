"""Every statement the engine runs: one typed function per file in `sql/engine/queries/`.

The SQL stays in its file (readable, lintable, the same text `psql` would run); the function names
its parameters, so a call reads `queries.claim(db, agents=…, counts=…)` and never depends on the
order of `$1…$n`. `db` is anything asyncpg can run a statement on: a connection or a pool.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, TypeAlias
from uuid import UUID

import asyncpg

from listeners.database import query

Db: TypeAlias = "asyncpg.Pool[Any] | asyncpg.Connection[Any]"
Rows: TypeAlias = "list[asyncpg.Record]"


async def _fetch(db: Db, name: str, *args: object) -> Rows:
    rows: Rows = await db.fetch(query(name), *args)
    return rows


# ---------------------------------------------------------------------------------------- events


async def enqueue(
    db: Db,
    *,
    agent: str,
    payload: dict[str, Any],
    user_id: UUID | None,
    dedup_key: str | None,
    source: str | None,
    delay_seconds: float,
) -> int | None:
    """The new event's id, or None when a pending or running event holds the same dedup key."""
    event_id: int | None = await db.fetchval(query("enqueue"), agent, payload, user_id, dedup_key, source, delay_seconds)
    return event_id


async def claim(
    db: Db,
    *,
    agents: Sequence[str],
    counts: Sequence[int],
    max_attempts: Sequence[int],
    worker_id: str,
    lease_seconds: float,
) -> Rows:
    return await _fetch(db, "claim", list(agents), list(counts), list(max_attempts), worker_id, lease_seconds)


async def claim_agent(db: Db, *, agent: str, count: int, max_attempts: int, worker_id: str, lease_seconds: float) -> Rows:
    return await _fetch(db, "claim_agent", agent, count, max_attempts, worker_id, lease_seconds)


async def open_runs(db: Db, *, event_ids: Sequence[int], attempts: Sequence[int], worker_id: str) -> None:
    await db.execute(query("open_runs"), list(event_ids), list(attempts), worker_id)


async def finish(
    db: Db,
    *,
    event_ids: Sequence[int],
    attempts: Sequence[int],
    event_statuses: Sequence[str],
    retry_delays: Sequence[float],
    errors: Sequence[str | None],
    agents: Sequence[str],
    log_statuses: Sequence[str],
    durations_ms: Sequence[int],
    records: Sequence[int | None],
    metadata: Sequence[dict[str, Any]],
    refunds: Sequence[bool],
    worker_id: str,
) -> asyncpg.Record:
    """events_moved, logs_closed, logs_written_whole."""
    row: asyncpg.Record = await db.fetchrow(
        query("finish"),
        list(event_ids),
        list(attempts),
        list(event_statuses),
        list(retry_delays),
        list(errors),
        list(agents),
        list(log_statuses),
        list(durations_ms),
        list(records),
        list(metadata),
        list(refunds),
        worker_id,
    )
    return row


async def release(db: Db, *, event_ids: Sequence[int], attempts: Sequence[int], worker_id: str) -> asyncpg.Record:
    """released, logs_removed."""
    row: asyncpg.Record = await db.fetchrow(query("release"), list(event_ids), list(attempts), worker_id)
    return row


async def renew_leases(db: Db, *, event_ids: Sequence[int], worker_id: str, lease_seconds: float) -> None:
    await db.execute(query("renew_leases"), list(event_ids), worker_id, lease_seconds)


async def reap_expired_leases(db: Db) -> Rows:
    return await _fetch(db, "reap_expired_leases")


async def fail_unknown_agents(db: Db, *, agents: Sequence[str] | None) -> Rows:
    return await _fetch(db, "fail_unknown_agents", None if agents is None else list(agents))


async def next_due(db: Db, *, agents: Sequence[str]) -> datetime | None:
    due: datetime | None = await db.fetchval(query("next_due"), list(agents))
    return due


async def release_dedup_key(db: Db, *, event_id: int) -> None:
    await db.execute(query("release_dedup_key"), event_id)


async def latest_runs(db: Db, *, event_ids: Sequence[int]) -> Rows:
    return await _fetch(db, "latest_runs", list(event_ids))


async def failed_events(db: Db, *, agent: str, hours: float) -> Rows:
    return await _fetch(db, "failed_events", agent, hours)


async def retry_events(db: Db, *, event_ids: Sequence[int]) -> Rows:
    return await _fetch(db, "retry_events", list(event_ids))


async def cancel_events(db: Db, *, event_ids: Sequence[int]) -> Rows:
    return await _fetch(db, "cancel_events", list(event_ids))


# --------------------------------------------------------------------------------------- workers


async def register_agents(
    db: Db, *, names: Sequence[str], concurrency: Sequence[int], timeouts: Sequence[float], max_attempts: Sequence[int]
) -> None:
    await db.execute(query("register_agents"), list(names), list(concurrency), list(timeouts), list(max_attempts))


async def register_worker(db: Db, *, worker_id: str, hostname: str, pid: int, agents: Sequence[str]) -> None:
    await db.execute(query("register_worker"), worker_id, hostname, pid, list(agents))


async def worker_stopped(db: Db, *, worker_id: str) -> None:
    await db.execute(query("worker_stopped"), worker_id)


async def ping(db: Db, *, token: str, worker_id: str) -> None:
    """NOTIFY the worker's own listener with `token`, and record its heartbeat."""
    await db.execute(query("ping"), token, worker_id)


async def alive(db: Db) -> None:
    await db.fetchval(query("alive"))


# ------------------------------------------------------------------------------- what operators read


async def agent_stats(db: Db, *, window: timedelta) -> Rows:
    return await _fetch(db, "agent_stats", window)


async def recent_logs(db: Db, *, agent: str | None, status: str | None, user_id: UUID | None, limit: int) -> Rows:
    return await _fetch(db, "recent_logs", agent, status, user_id, limit)


async def watches(db: Db) -> Rows:
    return await _fetch(db, "watches")


async def watch(
    db: Db,
    *,
    table: str,
    agent: str,
    operations: Sequence[str],
    condition: str | None,
    delay: timedelta,
    columns: Sequence[str] | None,
    dedup: bool,
) -> Rows:
    return await _fetch(
        db, "watch", table, agent, list(operations), condition, delay, None if columns is None else list(columns), dedup
    )


async def unwatch(db: Db, *, table: str, agent: str, operations: Sequence[str] | None) -> int:
    removed: int = await db.fetchval(query("unwatch"), table, agent, None if operations is None else list(operations))
    return removed


async def dashboard_failures(db: Db) -> Rows:
    return await _fetch(db, "dashboard_failures")


async def dashboard_pending(db: Db) -> Rows:
    return await _fetch(db, "dashboard_pending")


async def metrics(db: Db) -> Rows:
    return await _fetch(db, "metrics")


# ------------------------------------------------------------------------------------ housekeeping


async def janitor_owned_by_cron(db: Db) -> bool:
    # Two statements: the second cannot even be prepared where pg_cron is not installed.
    return bool(await db.fetchval(query("pg_cron_installed"))) and bool(await db.fetchval(query("janitor_cron_job")))


async def delete_expired(db: Db) -> tuple[int, int]:
    """(agent_logs rows, events) deleted."""
    row = await db.fetchrow(query("delete_expired"))
    return int(row["agent_logs_deleted"]), int(row["events_deleted"])


async def try_advisory_lock(db: Db, *, key: int) -> bool:
    return bool(await db.fetchval(query("try_advisory_lock"), key))


async def advisory_lock(db: Db, *, key: int) -> None:
    await db.execute(query("advisory_lock"), key)


async def advisory_unlock(db: Db, *, key: int) -> None:
    await db.execute(query("advisory_unlock"), key)


async def migrations_table_exists(db: Db) -> bool:
    return bool(await db.fetchval(query("migrations_table_exists")))


async def applied_migrations(db: Db) -> dict[int, str]:
    """version → checksum of the file that was applied."""
    return {r["version"]: r["checksum"] for r in await db.fetch(query("applied_migrations"))}


async def record_migration(db: Db, *, version: int, name: str, checksum: str) -> None:
    await db.execute(query("record_migration"), version, name, checksum)
