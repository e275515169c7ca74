"""When a user's applications go out: one nightly slot per user, 20:00–06:00 India time by default.

The slot's offset in the window is a stable hash (sha256, never Python's per-process `hash()`) of
the user id and the local date, plus a bounded jitter from the same hash, so a user's slot moves
from night to night but every process computes the same one. The window and jitter are rows of
talvix.limits. Outside the window, the next window's slot.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

import asyncpg

INDIA = ZoneInfo("Asia/Kolkata")


@dataclass(frozen=True)
class Window:
    start_minute: int = 20 * 60  # minutes after local midnight
    minutes: int = 600
    jitter_minutes: int = 15
    tz: ZoneInfo = INDIA

    @classmethod
    async def load(cls, db: asyncpg.Pool | asyncpg.Connection, tz: str = "Asia/Kolkata") -> Window:
        rows = dict(await db.fetch("SELECT name, value FROM talvix.limits WHERE name = ANY($1)",
                                   ["apply_window_start_minute", "apply_window_minutes", "apply_slot_jitter_minutes"]))
        return cls(rows.get("apply_window_start_minute", 1200), rows.get("apply_window_minutes", 600),
                   rows.get("apply_slot_jitter_minutes", 15), ZoneInfo(tz))


def slot_for(user_id: UUID, local_date: date, window: Window = Window()) -> datetime:
    """The user's slot in the window that opens on `local_date` (local time), as an aware UTC time."""
    digest = hashlib.sha256(f"{user_id}:{local_date.isoformat()}".encode()).digest()
    offset = int.from_bytes(digest[:8], "big") % window.minutes
    span = 2 * window.jitter_minutes + 1
    jitter = int.from_bytes(digest[8:16], "big") % span - window.jitter_minutes
    minute = min(max(offset + jitter, 0), window.minutes - 1)  # the jitter never leaves the window
    opens = datetime.combine(local_date, time(0), window.tz) + timedelta(minutes=window.start_minute)
    return (opens + timedelta(minutes=minute)).astimezone(UTC)


def next_slot(user_id: UUID, now: datetime, window: Window = Window()) -> datetime:
    """The first of the user's slots that is still ahead of `now` (a window that opened yesterday
    evening may still be open this morning)."""
    local_today = now.astimezone(window.tz).date()
    for days in (-1, 0, 1):
        slot = slot_for(user_id, local_today + timedelta(days=days), window)
        if slot > now:
            return slot
    raise AssertionError("a slot always exists within two windows")
