"""Numbered SQL migrations, applied in order and recorded in the database.

The engine's are in `sql/engine/migrations/`; an application adds its own folder with `add_folder`
(Talvix's product does, from `sql/product/migrations/`, when `handlers` is imported). All folders
share one sequence of numbers, so a database built from engine and product has one order, and
the engine alone applies just its own. Each file runs in its own transaction under an advisory lock, so two workers starting at once
cannot apply the same migration twice, and a failing file leaves nothing half-applied. A file
already applied whose text has since changed is reported, never re-run.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import asyncpg

from listeners import queries
from listeners.database import query, sql_dir

# Any constant shared by every Talvix process; it only has to differ from other apps' locks.
MIGRATION_LOCK = 7_347_101


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    path: Path

    @property
    def sql(self) -> str:
        return self.path.read_text()

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.path.read_bytes()).hexdigest()


@dataclass(frozen=True)
class MigrationStatus:
    migration: Migration
    applied: bool
    changed_since_applied: bool


ENGINE_FOLDER = sql_dir() / "engine" / "migrations"
_folders: list[Path] = [ENGINE_FOLDER]


def add_folder(folder: Path) -> None:
    """Migrate `folder` too (an application's own schema), merged with the engine's by number."""
    if folder not in _folders:
        _folders.append(folder)


def folders() -> list[Path]:
    return list(_folders)


def available(search: list[Path] | None = None) -> list[Migration]:
    """Migrations on disk in `search` (default: every added folder), ordered by number (`007_name.sql`)."""
    found = []
    for folder in search or _folders:
        for path in sorted(folder.glob("*.sql")):
            number, _, name = path.stem.partition("_")
            if not number.isdigit():
                raise ValueError(f"migration file {path.name} must start with its number, like 001_name.sql")
            found.append(Migration(int(number), name, path))
    versions = [m.version for m in found]
    if len(versions) != len(set(versions)):
        raise ValueError(f"two migration files share a number in {', '.join(map(str, search or _folders))}")
    return sorted(found, key=lambda m: m.version)


async def status(conn: asyncpg.Connection) -> list[MigrationStatus]:
    applied = await queries.applied_migrations(conn) if await queries.migrations_table_exists(conn) else {}
    return [
        MigrationStatus(m, m.version in applied, m.version in applied and applied[m.version] != m.checksum) for m in available()
    ]


async def migrate(
    conn: asyncpg.Connection, dry_run: bool = False, on_start: Callable[[Migration, int], None] | None = None
) -> list[Migration]:
    """Apply every pending migration; returns the ones applied (or that would be, with dry_run).
    `on_start(migration, pending_count)` is called before each one (the CLI's progress bar)."""
    if dry_run:
        return [s.migration for s in await status(conn) if not s.applied]
    await queries.advisory_lock(conn, key=MIGRATION_LOCK)
    try:
        await conn.execute(query("create_migrations_table"))
        done = []
        pending = [state.migration for state in await status(conn) if not state.applied]
        for migration in pending:
            if on_start:
                on_start(migration, len(pending))
            async with conn.transaction():
                await conn.execute(query("migration_timeouts"))
                try:
                    await conn.execute(migration.sql)
                except asyncpg.PostgresError as exc:
                    raise RuntimeError(f"migration {migration.path.name} failed: {exc}") from exc
                await queries.record_migration(conn, version=migration.version, name=migration.name, checksum=migration.checksum)
            done.append(migration)
        return done
    finally:
        await queries.advisory_unlock(conn, key=MIGRATION_LOCK)
