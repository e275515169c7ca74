"""retention_cleanup: daily (21:30 UTC, 03:00 in India, by default: a row of talvix.schedules), what
has been kept long enough goes. Every period is a row of talvix.limits.

- Notifications past their `expires_at` (the session sweep used to delete them; now only this does).
- Learning signals past their expiry, through `talvix.delete_expired_learning_signals()` (the
  hook migration 027 declared and migration 029, which creates the table, fills).
- Tailored documents (the Markdown resume, the letter, their PDF and DOCX) of applications that
  ended: a sent one's (`submitted`, `needs_check`) `tailored_documents_sent_keep_days` (90) after
  its last change, since the user may be called about it weeks later; an unsent one's after
  `tailored_documents_unsent_keep_days` (7). Applications still in the pipeline keep theirs. The
  files go first, then the row forgets the paths (`files_expired_at` says when), in one
  transaction that holds the rows, so nothing re-queues them in between.
- Screenshots older than `screenshots_keep_days` (7), by the file's own time, except those of
  applications a person still has to check (`needs_check`); the rows forget the path.
- Orphans, once older than `orphan_files_keep_hours` (24): documents of applications (or users)
  that were deleted, and descriptions (`jds/`) of jobs that were deleted.

Every path is resolved inside the storage root (a row's path that would leave it is counted in
`refused_paths` and left alone). Running it twice deletes nothing twice: what is gone is gone,
and rows without paths are not read again.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import UUID

from handlers import queries
from handlers.skills import schedules, storage
from listeners import Context, PermanentError, agent

AGENT = "retention_cleanup"
BATCH = 500  # applications whose documents are deleted per transaction
CHUNK = 1000  # ids or fingerprints per existence query


@dataclass
class Tally:
    files_deleted: int = 0
    refused_paths: int = 0
    refused: list[str] = field(default_factory=list)  # the first few, for the log

    def refuse(self, path: str) -> None:
        self.refused_paths += 1
        if len(self.refused) < 5:
            self.refused.append(path[:200])


def document_paths(row: Any) -> list[str]:
    """Every file an application's documents are: the sources and each rendered kind."""
    paths = [p for p in (row["tailored_resume_path"], row["cover_letter_path"]) if p]
    for kinds in (row["document_files"] or {}).values():
        paths += [p for p in (kinds or {}).values() if isinstance(p, str)]
    return paths


def delete_files(relative_paths: Iterable[str], tally: Tally) -> None:
    """Delete each file (gone already is fine), then its folder when that is the application's own
    (tailored/<user>/<application>/) and now empty."""
    folders: set[Path] = set()
    for relative in relative_paths:
        try:
            path = storage.resolve(relative)
        except PermanentError:
            tally.refuse(relative)
            continue
        try:
            path.unlink()
            tally.files_deleted += 1
        except FileNotFoundError:
            pass
        if path.parent.parent.parent == storage.root() / "tailored":
            folders.add(path.parent)
    for folder in folders:
        try:
            folder.rmdir()
        except OSError:  # not empty, or gone: either way nothing of ours is left to do
            pass


def entries(folder: Path) -> Iterator[os.DirEntry[str]]:
    if folder.is_dir():
        with os.scandir(folder) as found:
            yield from found


def age_seconds(path: Path) -> float:
    """Seconds since `path` (a file, or the newest file in a folder) was written; 0 when it is gone."""
    try:
        files = [p for p in path.rglob("*") if p.is_file()] if path.is_dir() else [path]
        newest = max((p.stat().st_mtime for p in files), default=0.0)
    except FileNotFoundError:
        return 0.0
    return time.time() - newest


def remove(path: Path) -> int:
    """Delete a file or a folder; how many files went."""
    if path.is_dir():
        count = sum(1 for p in path.rglob("*") if p.is_file())
        shutil.rmtree(path, ignore_errors=True)
        return count
    try:
        path.unlink()
        return 1
    except FileNotFoundError:
        return 0


def as_uuid(name: str) -> UUID | None:
    try:
        return UUID(name)
    except ValueError:
        return None


def application_files() -> dict[UUID, list[Path]]:
    """Everything under tailored/ and cover-letters/ by the application it belongs to:
    tailored/<user>/<application>.md and …/<application>/, cover-letters/<user>/<application>.txt."""
    found: dict[UUID, list[Path]] = {}
    root = storage.root()
    for kind in ("tailored", "cover-letters"):
        for user in entries(root / kind):
            if not user.is_dir():
                continue
            for entry in entries(Path(user.path)):
                app = as_uuid(entry.name.split(".", 1)[0])
                if app is not None:
                    found.setdefault(app, []).append(Path(entry.path))
    return found


def chunks(items: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


async def expire_documents(ctx: Context, limits: dict[str, int], tally: Tally) -> int:
    """Applications whose documents were deleted."""
    applications = 0
    while True:
        async with ctx.db.acquire() as conn, conn.transaction():
            rows = await queries.expired_documents(
                conn,
                sent_days=limits.get("tailored_documents_sent_keep_days", 90),
                unsent_days=limits.get("tailored_documents_unsent_keep_days", 7),
                limit=BATCH,
            )
            paths = [path for row in rows for path in document_paths(row)]
            await asyncio.to_thread(delete_files, paths, tally)
            await queries.forget_documents(conn, application_ids=[row["id"] for row in rows])
        applications += len(rows)
        if len(rows) < BATCH:
            return applications


async def expire_screenshots(ctx: Context, keep_days: int, tally: Tally) -> dict[str, int]:
    keep_seconds = keep_days * 86400
    folder = storage.root() / "screenshots"
    old = await asyncio.to_thread(
        lambda: [Path(e.path) for e in entries(folder) if e.is_file() and age_seconds(Path(e.path)) > keep_seconds]
    )
    ids = [app for app in (as_uuid(p.stem) for p in old) if app is not None]
    in_check: set[UUID] = set()
    for chunk in chunks(ids):
        in_check |= await queries.applications_in_check(ctx.db, application_ids=chunk)
    doomed = [p for p in old if as_uuid(p.stem) not in in_check]

    def delete() -> list[str]:
        gone = []
        for path in doomed:
            if age_seconds(path) > keep_seconds:  # not taken again since it was listed
                tally.files_deleted += remove(path)
                gone.append(f"screenshots/{path.name}")
        return gone

    gone = await asyncio.to_thread(delete)
    forgotten = 0
    for chunk in chunks(gone):
        forgotten += await queries.forget_screenshots(ctx.db, paths=chunk)
    return {
        "screenshots_deleted": len(gone),
        "screenshots_kept_for_check": len(old) - len(doomed),
        "screenshot_rows_forgotten": forgotten,
    }


async def delete_orphans(ctx: Context, keep_hours: int, tally: Tally) -> dict[str, int]:
    keep_seconds = keep_hours * 3600
    by_application = await asyncio.to_thread(application_files)
    known: set[UUID] = set()
    for chunk in chunks(list(by_application)):
        known |= await queries.existing_applications(ctx.db, application_ids=chunk)
    orphan_documents = [p for app, paths in by_application.items() if app not in known for p in paths]

    descriptions = await asyncio.to_thread(lambda: [Path(e.path) for e in entries(storage.root() / "jds") if e.is_file()])
    fingerprints: set[str] = set()
    for chunk in chunks([p.stem for p in descriptions]):
        fingerprints |= await queries.existing_job_fingerprints(ctx.db, fingerprints=chunk)
    orphan_descriptions = [p for p in descriptions if p.stem not in fingerprints]

    def delete(paths: list[Path]) -> int:
        count = 0
        for path in paths:
            if age_seconds(path) > keep_seconds:  # a file written just now may not have its row yet
                count += 1
                tally.files_deleted += remove(path)
        return count

    return {
        "orphan_documents_deleted": await asyncio.to_thread(delete, orphan_documents),
        "orphan_descriptions_deleted": await asyncio.to_thread(delete, orphan_descriptions),
    }


@agent(AGENT, concurrency=1, timeout=1800, max_attempts=3)
async def retention_cleanup(ctx: Context) -> int:
    await schedules.queue_next_run(ctx)
    limits = await queries.retention_limits(ctx.db)
    tally = Tally()
    notifications = await queries.delete_expired_notifications(ctx.db)
    signals = await queries.delete_expired_learning_signals(ctx.db)
    documents = await expire_documents(ctx, limits, tally)
    screenshots = await expire_screenshots(ctx, limits.get("screenshots_keep_days", 7), tally)
    orphans = await delete_orphans(ctx, limits.get("orphan_files_keep_hours", 24), tally)
    if tally.refused:
        ctx.log.warning("left %d path(s) outside the storage root alone, e.g. %s", tally.refused_paths, tally.refused)
    ctx.metadata.update(
        notifications_deleted=notifications,
        learning_signals_deleted=signals,
        applications_documents_deleted=documents,
        **screenshots,
        **orphans,
        files_deleted=tally.files_deleted,
        refused_paths=tally.refused_paths,
    )
    return notifications + (signals or 0) + tally.files_deleted
