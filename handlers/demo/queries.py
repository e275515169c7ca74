"""The demo's statements: one typed function per file in `sql/demo/queries/`."""

from __future__ import annotations

from uuid import UUID

import asyncpg

from listeners import sql_folder, sql_statement


def _sql(name: str) -> str:
    """The text of `sql/demo/queries/<name>.sql`."""
    return sql_statement(name, "demo")


async def _rows(conn: asyncpg.Connection, name: str, *args: object) -> list[asyncpg.Record]:
    rows: list[asyncpg.Record] = await conn.fetch(_sql(name), *args)
    return rows


async def create_schema(conn: asyncpg.Connection) -> None:
    """The demo's two tables and the watches that attach its agents to them."""
    await conn.execute((sql_folder() / "demo" / "schema.sql").read_text())


async def busy_events(conn: asyncpg.Connection) -> int:
    return int(await conn.fetchval(_sql("busy_events")))


async def add_user(conn: asyncpg.Connection) -> UUID:
    user_id: UUID = await conn.fetchval(_sql("add_user"))
    return user_id


async def enable_auto_apply(conn: asyncpg.Connection, *, user_id: UUID) -> None:
    await conn.execute(_sql("enable_auto_apply"), user_id)


async def add_resume(conn: asyncpg.Connection, *, user_id: UUID, text: str) -> None:
    await conn.execute(_sql("add_resume"), user_id, text)


async def add_jobs(conn: asyncpg.Connection, *, jobs: list[tuple[str, str, str, str, str]]) -> None:
    """(fingerprint, title, company, work mode, description) each."""
    await conn.executemany(_sql("add_job"), jobs)


async def add_postings(conn: asyncpg.Connection, *, postings: list[tuple[str, str, str]]) -> None:
    """(title, company, description) each."""
    await conn.executemany(_sql("add_posting"), postings)


async def add_bulk_postings(conn: asyncpg.Connection, *, count: int) -> None:
    await conn.execute(_sql("add_bulk_postings"), count)


async def runs_since(conn: asyncpg.Connection, *, seconds: float) -> int:
    return int(await conn.fetchval(_sql("runs_since"), seconds))


async def pipeline_results(conn: asyncpg.Connection) -> list[asyncpg.Record]:
    return await _rows(conn, "pipeline_results")


async def pipeline_logs(conn: asyncpg.Connection) -> list[asyncpg.Record]:
    return await _rows(conn, "pipeline_logs")


async def first_run_of_each_kind(conn: asyncpg.Connection) -> list[asyncpg.Record]:
    return await _rows(conn, "first_run_of_each_kind")


async def shortlist(conn: asyncpg.Connection) -> list[asyncpg.Record]:
    return await _rows(conn, "shortlist")


# ------------------------------------------------------------------------------ the demo's agents


async def posting(db: asyncpg.Pool, *, posting_id: int) -> asyncpg.Record | None:
    row: asyncpg.Record | None = await db.fetchrow(_sql("posting"), posting_id)
    return row


async def save_keyword_score(db: asyncpg.Pool, *, posting_id: int, score: int, matched: list[str]) -> None:
    await db.execute(_sql("save_keyword_score"), posting_id, score, matched)


async def shortlist_posting(db: asyncpg.Pool, *, posting_id: int) -> int:
    """1 when the posting was added to the shortlist, 0 when it already was."""
    status: str = await db.execute(_sql("shortlist_posting"), posting_id)
    return int(status.split()[-1])


async def add_scrape_run(conn: asyncpg.Connection) -> int:
    return int(await conn.fetchval(_sql("add_scrape_run")))


async def scrape_run_summary(conn: asyncpg.Connection, *, run_id: int) -> list[asyncpg.Record]:
    return await _rows(conn, "scrape_run_summary", run_id)


async def discovered_matches(conn: asyncpg.Connection) -> list[asyncpg.Record]:
    return await _rows(conn, "discovered_matches")


async def demo_user(conn: asyncpg.Connection) -> UUID:
    user_id: UUID = await conn.fetchval(_sql("demo_user"))
    return user_id


async def prepare_rest_of_talvix(conn: asyncpg.Connection, *, user_id: UUID) -> UUID:
    """The application whose recruiter answered."""
    application: UUID = await conn.fetchval(_sql("prepare_rest_of_talvix"), user_id)
    return application


async def add_linkedin_session(conn: asyncpg.Connection, *, user_id: UUID, ciphertext: str, iv: str) -> None:
    await conn.execute(_sql("add_linkedin_session"), user_id, ciphertext, iv)


async def add_reply(conn: asyncpg.Connection, *, application_id: UUID) -> None:
    await conn.execute(_sql("add_reply"), application_id)


async def queue_agent(conn: asyncpg.Connection, *, agent: str, payload: dict[str, object]) -> None:
    await conn.execute(_sql("queue_agent"), agent, payload)


async def rest_of_talvix_logs(conn: asyncpg.Connection, *, agents: list[str]) -> list[asyncpg.Record]:
    return await _rows(conn, "rest_of_talvix_logs", agents)


async def rest_of_talvix_outputs(conn: asyncpg.Connection, *, user_id: UUID) -> list[asyncpg.Record]:
    return await _rows(conn, "rest_of_talvix_outputs", user_id)
