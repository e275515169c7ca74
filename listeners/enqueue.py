"""Adding work from Python: one events row, which wakes the workers through its NOTIFY trigger."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import asyncpg

from listeners import queries


async def enqueue(
    db: asyncpg.Pool | asyncpg.Connection,
    agent: str,
    payload: dict[str, Any] | None = None,
    *,
    user_id: UUID | str | None = None,
    dedup_key: str | None = None,
    delay_seconds: float = 0.0,
    source: str = "api",
) -> int | None:
    """Insert an event for `agent`; returns its id, or None when `dedup_key` is already pending/running.

    Pass a connection inside a transaction to make the event part of the same commit as the rows
    that justify it (the outbox pattern): both happen, or neither does.
    """
    if isinstance(user_id, str):
        user_id = UUID(user_id)
    return await queries.enqueue(
        db,
        agent=agent,
        payload=payload or {},
        user_id=user_id,
        dedup_key=dedup_key,
        source=source,
        delay_seconds=float(delay_seconds),
    )
