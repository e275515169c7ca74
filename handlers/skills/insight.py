"""What skill_gap and career_intelligence share: whose run an event is, and whether that user has
anything to compute yet (a parsed resume), with the precise reason when not."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import asyncpg

from listeners import Context, PermanentError, Skip


def user_of(ctx: Context) -> UUID:
    """The user of a watch event on public.users ({"row": {"id": …}}), of a hand-made event
    ({"user_id": …}), or the event's own user (the HTTP API's `user_id`)."""
    payload = ctx.payload
    row: Any = payload.get("row")
    found: Any = None
    if isinstance(row, dict):
        found = row.get("id") if payload.get("table") == "public.users" else row.get("user_id")
    found = found or payload.get("user_id") or ctx.event.user_id
    if not found:
        raise PermanentError(
            f'{ctx.event.agent} needs a user: a watch event on public.users or {{"user_id": …}}, got payload keys {sorted(payload)}'
        )
    try:
        return UUID(str(found))
    except ValueError:
        raise PermanentError(f"{ctx.event.agent} needs a user id, got {str(found)[:80]!r}") from None


def require_parsed_resume(user_id: UUID, state: asyncpg.Record | None) -> None:
    """Skip, saying exactly why, unless the user exists and has a parsed resume."""
    if state is None:
        raise Skip(f"user {user_id} no longer exists")
    if state["has_parsed_resume"]:
        return
    if state["resumes"] == 0:
        raise Skip(f"user {user_id} has no parsed resume: none uploaded yet")
    if state["latest_parse_status"] == "failed":
        reason = str(state["latest_parse_error"] or "no reason recorded")[:200]
        raise Skip(f"user {user_id} has no parsed resume: the latest could not be parsed ({reason})")
    raise Skip(f"user {user_id} has no parsed resume: the latest is still being parsed")
