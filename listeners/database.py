"""Database access: connections, pools, and the engine's SQL kept in `sql/engine/queries/*.sql`."""

from __future__ import annotations

import functools
import json
import random
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit
from uuid import UUID

import asyncpg

from listeners.settings import Settings

# What a lost, restarting or overloaded server makes asyncpg raise (OSError covers refused
# connections and timeouts). Every background loop that meets one logs it and tries again later;
# none of them may die of it. InternalClientError is asyncpg's own state error on a connection the
# server cut mid-operation (seen during a server restart).
CONNECTION_ERRORS: tuple[type[Exception], ...] = (
    OSError,
    asyncpg.PostgresError,
    asyncpg.InterfaceError,
    asyncpg.InternalClientError,
)
CONNECTION_ERRORS_OR_TIMEOUT: tuple[type[Exception], ...] = (TimeoutError, *CONNECTION_ERRORS)


def retry_delay(attempt: int, base: float, cap: float) -> float:
    """Backoff before try number `attempt + 1`: doubles each time up to `cap`, with jitter in its
    upper half, so a burst of failures does not retry in lockstep (runs, writes, reconnects, boards)."""
    ceiling = min(cap, base * 2 ** (attempt - 1))
    return random.uniform(ceiling / 2, ceiling)


def transient(exc: BaseException) -> bool:
    """Whether `exc` means the connection or the server is (for now) unavailable, so the same
    statement may succeed when tried again, as opposed to a statement the database refuses."""
    if isinstance(exc, OSError | TimeoutError | asyncpg.ConnectionDoesNotExistError | asyncpg.PostgresConnectionError):
        return True
    if isinstance(exc, asyncpg.PostgresError):
        # 08 connection, 53 insufficient resources, 57 operator intervention (shutdown), 40001/40P01 retryable
        state = getattr(exc, "sqlstate", "") or ""
        return state[:2] in ("08", "53", "57") or state in ("40001", "40P01")
    # A client-side data error (a value the codec cannot encode) is not the connection's fault.
    return isinstance(exc, asyncpg.InterfaceError | asyncpg.InternalClientError) and not isinstance(exc, asyncpg.DataError)


# Session settings for the connections that run the engine's own statements (claims, outcomes,
# leases), never for handlers' writes.
BOOKKEEPING_SETTINGS = {
    # A commit lost in a server crash only means an event runs again, which at-least-once delivery
    # allows anyway; not waiting for the WAL flush takes about 0.6 ms off every wake-up.
    "synchronous_commit": "off",
    # After five runs Postgres may switch a prepared statement to a generic plan; for the claim and
    # outcome statements that plan walks the dead rows a drain leaves behind and gets slower with
    # every batch (measured: 1.0 → 4.7 ms per outcome write over a 50,000-event drain, flat at
    # 1.0 ms with custom plans). Planning each time costs ~0.2 ms and stays flat.
    "plan_cache_mode": "force_custom_plan",
}


def sql_dir() -> Path:
    """The `sql/` folder: beside the package in a checkout, inside it in an installed wheel."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "sql", here.parent / "sql"):
        if (candidate / "engine").is_dir():
            return candidate
    raise FileNotFoundError(f"no sql/ folder found next to {here}")


@functools.cache
def query(name: str, part: str = "engine") -> str:
    """The text of `sql/<part>/queries/<name>.sql` (`part` is engine, or product for Talvix's own)."""
    return (sql_dir() / part / "queries" / f"{name}.sql").read_text()


async def _init_connection(conn: asyncpg.Connection) -> None:
    # jsonb in and out as Python objects; timestamps come back timezone-aware (UTC) from asyncpg.
    for type_name in ("json", "jsonb"):
        await conn.set_type_codec(type_name, encoder=json.dumps, decoder=json.loads, schema="pg_catalog")


async def connect(settings: Settings | str, **kwargs: object) -> asyncpg.Connection:
    """One connection with the project's codecs (the listener uses its own, dedicated)."""
    dsn = settings if isinstance(settings, str) else settings.database_url
    cache = kwargs.pop("statement_cache_size", None)
    if cache is None:
        cache = 100 if isinstance(settings, str) else settings.statement_cache_size
    server_settings = {"timezone": "UTC", **kwargs.pop("server_settings", {})}  # type: ignore[dict-item]
    conn = await asyncpg.connect(dsn, statement_cache_size=cache, server_settings=server_settings, **kwargs)
    await _init_connection(conn)
    return conn


async def create_pool(
    settings: Settings, *, bookkeeping: bool = False, size: int | None = None, cached_plans: bool = False
) -> asyncpg.Pool:
    """A worker pool: `bookkeeping=True` for the engine's own statements, else the handlers' pool.

    The engine's pool runs with BOOKKEEPING_SETTINGS. Handlers get a pool with the server's durable
    defaults, because their writes are the product.
    """

    async def init(conn: asyncpg.Connection) -> None:
        await _init_connection(conn)

    async def keep_session(conn: asyncpg.Connection) -> None:
        # asyncpg's default reset (unlock all, CLOSE ALL, UNLISTEN *, RESET ALL) is one more round trip
        # on every release, on the claim path too. Engine and handler code keeps no session state:
        # settings go in SET LOCAL inside a transaction, advisory locks are released where taken.
        return None

    server_settings = {"timezone": "UTC", "application_name": f"talvix {settings.worker_id}"[:63]}
    if bookkeeping:
        server_settings.update(BOOKKEEPING_SETTINGS)
    if cached_plans:
        del server_settings["plan_cache_mode"]
    return await asyncpg.create_pool(
        settings.database_url,
        min_size=1 if bookkeeping or size else 2,
        max_size=size or (4 if bookkeeping else settings.pool_size),
        statement_cache_size=settings.statement_cache_size,
        init=init,
        reset=keep_session,
        server_settings=server_settings,
    )


def json_default(value: Any) -> Any:
    """Database values in JSON (the CLI's --json, the HTTP API): uuids and timestamps as strings,
    intervals as seconds, numerics as numbers."""
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, timedelta):
        return value.total_seconds()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"cannot serialise {type(value).__name__}")


def with_database(dsn: str, name: str) -> str:
    """The same server URL (credentials and ?options kept), pointing at database `name`."""
    parts = urlsplit(dsn)
    return urlunsplit(parts._replace(path=f"/{name}"))


async def create_database(server_dsn: str, name: str, template: str | None = None) -> str:
    """Create database `name` (optionally a copy of `template`) on that server; returns its URL.
    Names come from our own code (demo, tests, benchmarks), never from users.

    The one statement kept in Python: a database's name is an identifier, which no bind parameter
    can carry, so no file in sql/ could hold it."""
    admin = await asyncpg.connect(server_dsn)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    finally:
        await admin.close()
    return with_database(server_dsn, name)


async def drop_database(server_dsn: str, name: str) -> None:
    admin = await asyncpg.connect(server_dsn)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()
