"""Database access: connections, pools and the SQL kept in `sql/queries/*.sql`."""

from __future__ import annotations

import functools
import json
from pathlib import Path

import asyncpg

from listeners.settings import Settings


def sql_dir() -> Path:
    """The `sql/` folder: beside the package in a checkout, inside it in an installed wheel."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "sql", here.parent / "sql"):
        if (candidate / "migrations").is_dir():
            return candidate
    raise FileNotFoundError(f"no sql/ folder found next to {here}")


@functools.cache
def query(name: str) -> str:
    """The text of `sql/queries/<name>.sql`."""
    return (sql_dir() / "queries" / f"{name}.sql").read_text()


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
    conn = await asyncpg.connect(dsn, statement_cache_size=cache, **kwargs)
    await _init_connection(conn)
    await conn.execute("SET TIME ZONE 'UTC'")
    return conn


async def create_pool(settings: Settings, **kwargs: object) -> asyncpg.Pool:
    """The worker's pool for claims, outcomes and handler queries."""

    async def init(conn: asyncpg.Connection) -> None:
        await _init_connection(conn)

    return await asyncpg.create_pool(
        settings.database_url,
        min_size=2,
        max_size=settings.pool_size,
        statement_cache_size=settings.statement_cache_size,
        init=init,
        server_settings={"timezone": "UTC", "application_name": f"talvix {settings.worker_id}"[:63]},
        **kwargs,
    )
