"""Shared fixtures: a real PostgreSQL server, and a fresh migrated database for every test.

The server is, in order: TALVIX_TEST_DATABASE_URL; the machine's PostgreSQL on 127.0.0.1:5432;
else a private cluster this session starts (and stops) in a temporary folder.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest

import handlers  # noqa: F401 - the product: its migrations, agents and extensions
from listeners import database, migrations
from listeners.local_postgres import LocalPostgres

REPO = Path(__file__).resolve().parent.parent


async def _reachable(dsn: str) -> bool:
    try:
        conn = await asyncpg.connect(dsn, timeout=3)
    except (TimeoutError, OSError, asyncpg.PostgresError):
        return False
    await conn.close()
    return True


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    configured = os.environ.get("TALVIX_TEST_DATABASE_URL")
    if configured:
        yield configured
        return
    machine = "postgresql://postgres@127.0.0.1:5432/postgres"
    if asyncio.run(_reachable(machine)):
        yield machine
        return
    with tempfile.TemporaryDirectory(prefix="talvix-test-pg-", dir="/var/tmp") as folder:
        os.chmod(folder, 0o755)
        with LocalPostgres(Path(folder) / "data", fast=True) as pg:
            yield pg.dsn


@pytest.fixture(scope="session")
def template_database(pg_server: str) -> Iterator[str]:
    name = f"talvix_tpl_{os.getpid()}"

    async def create() -> None:
        await database.drop_database(pg_server, name)
        conn = await database.connect(await database.create_database(pg_server, name))
        # Supabase's default privileges first, so what holds in the tests holds on Supabase.
        await conn.execute((REPO / "tests" / "support" / "supabase_defaults.sql").read_text())
        await migrations.migrate(conn)
        # Tests start from an empty queue (migration 010 queues the first daily session sweep).
        await conn.execute("DELETE FROM talvix.events")
        await conn.close()

    asyncio.run(create())
    yield name
    asyncio.run(database.drop_database(pg_server, name))


@pytest.fixture
async def database_url(pg_server: str, template_database: str) -> AsyncIterator[str]:
    """A fresh database with every migration applied, dropped after the test."""
    name = f"talvix_t_{uuid.uuid4().hex[:12]}"
    yield await database.create_database(pg_server, name, template=template_database)
    await database.drop_database(pg_server, name)


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[asyncpg.Connection]:
    conn = await database.connect(database_url)
    yield conn
    with contextlib.suppress(Exception):
        await conn.close()


@pytest.fixture
async def linkedin(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> AsyncIterator[Any]:
    """The LinkedIn imitation (tests/support/linkedin_site.py), with this test's browser environment
    and the session key its stored sessions are sealed with."""
    from tests.support.apply import KEY_HEX, browser_environment
    from tests.support.linkedin_site import LinkedInSite

    browser_environment(monkeypatch, tmp_path)
    site = LinkedInSite()
    runner = await site.start()
    monkeypatch.setenv("AES_SESSION_KEY", KEY_HEX)
    monkeypatch.setenv("TALVIX_LINKEDIN_ORIGIN", site.origin)
    yield site
    await runner.cleanup()
