"""When a user's applications go out: one nightly start time per user, inside a window that is
20:00–06:00 in the user's own time zone (`users.timezone`, India by default).

The start's offset in the window is a stable hash (sha256, never Python's per-process `hash()`) of
the user id and the local date, plus a bounded jitter from the same hash, so a user's start moves
from night to night but every process computes the same one. The window and jitter are rows of
talvix.limits. Outside the window, the next window's start.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import asyncpg

from handlers import queries

INDIA = ZoneInfo("Asia/Kolkata")


@dataclass(frozen=True)
class Window:
    start_minute: int = 20 * 60  # minutes after local midnight
    minutes: int = 600
    jitter_minutes: int = 15
    tz: ZoneInfo = INDIA

    @classmethod
    async def load(cls, db: asyncpg.Pool | asyncpg.Connection, tz: str = "Asia/Kolkata") -> Window:
        """The window from talvix.limits, in time zone `tz` (an IANA name; an unknown one is India's)."""
        rows = await queries.apply_window_limits(db)
        return cls(
            rows.get("apply_window_start_minute", 1200),
            rows.get("apply_window_minutes", 600),
            rows.get("apply_slot_jitter_minutes", 15),
            zone(tz),
        )


def zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "Asia/Kolkata")
    except (ValueError, ZoneInfoNotFoundError):
        return INDIA


def start_on(user_id: UUID, local_date: date, window: Window = Window()) -> datetime:
    """The user's start in the window that opens on `local_date` (local time), as an aware UTC time."""
    digest = hashlib.sha256(f"{user_id}:{local_date.isoformat()}".encode()).digest()
    offset = int.from_bytes(digest[:8], "big") % window.minutes
    span = 2 * window.jitter_minutes + 1
    jitter = int.from_bytes(digest[8:16], "big") % span - window.jitter_minutes
    minute = min(max(offset + jitter, 0), window.minutes - 1)  # the jitter never leaves the window
    opens = datetime.combine(local_date, time(0), window.tz) + timedelta(minutes=window.start_minute)
    return (opens + timedelta(minutes=minute)).astimezone(UTC)


def nightly_start(user_id: UUID, now: datetime, window: Window = Window()) -> datetime:
    """The first of the user's nightly starts still ahead of `now` (a window that opened yesterday
    evening may still be open this morning)."""
    local_today = now.astimezone(window.tz).date()
    for days in (-1, 0, 1):
        start = start_on(user_id, local_today + timedelta(days=days), window)
        if start > now:
            return start
    raise AssertionError("a start always exists within two windows")
