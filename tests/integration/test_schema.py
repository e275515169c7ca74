"""sql/schema.sql is exactly what the migrations build (regenerate it with `make schema`)."""

from __future__ import annotations

import difflib

from tests.support.schema import SCHEMA, current_schema


async def test_schema_sql_is_what_the_migrations_build(pg_server: str) -> None:
    built = await current_schema(pg_server)
    kept = SCHEMA.read_text() if SCHEMA.exists() else ""
    diff = "".join(difflib.unified_diff(kept.splitlines(True), built.splitlines(True), "sql/schema.sql", "migrations", n=1))
    assert not diff, f"sql/schema.sql is stale: run `make schema`\n{diff[:4000]}"
