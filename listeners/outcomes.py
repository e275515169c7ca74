"""Writes run outcomes in batches: every event's new status and its closed agent_logs row.

Outcomes queue up while a write is in flight and go out together in the next one, so under load
one round trip finishes hundreds of runs, and when idle an outcome is written at once.
A failed write is retried (with backoff) until it succeeds or the worker's lease on those events
runs out; the reaper then recovers them, so an outcome is never silently dropped.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

import asyncpg

from listeners import database

log = logging.getLogger("talvix.outcomes")


@dataclass(frozen=True)
class Outcome:
    event_id: int
    attempt: int
    event_status: str  # completed | failed | skipped | pending (retry)
    log_id: UUID
    log_status: str  # completed | failed | skipped
    duration_ms: int
    records: int | None = None
    error: str | None = None
    retry_in: float = 0.0
    refund_attempt: bool = False  # the run was cut short by shutdown: it does not count
    metadata: dict[str, Any] = field(default_factory=dict)
    agent: str = ""  # for this worker's run metrics; not written


class OutcomeWriter:
    def __init__(self, pool: asyncpg.Pool, worker_id: str, on_written: Callable[[list[Outcome]], None]) -> None:
        self.pool = pool
        self.worker_id = worker_id
        self.on_written = on_written
        self._queue: list[Outcome] = []
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()

    def add(self, outcome: Outcome) -> None:
        self._queue.append(outcome)
        self._idle.clear()
        self._wake.set()

    async def drained(self) -> None:
        """Return once every outcome added so far is written."""
        await self._idle.wait()

    async def run(self) -> None:
        failures = 0
        while True:
            await self._wake.wait()
            self._wake.clear()
            batch, self._queue = self._queue, []
            if not batch:
                self._idle.set()
                continue
            try:
                await self._write(batch)
            except database.CONNECTION_ERRORS as exc:
                failures += 1
                delay = min(5.0, 0.05 * 2**failures) * random.uniform(0.5, 1.0)
                log.warning("could not record %d outcome(s) (%s); retrying in %.2fs", len(batch), exc, delay)
                self._queue = batch + self._queue
                await asyncio.sleep(delay)
                self._wake.set()
                continue
            failures = 0
            self.on_written(batch)
            if self._queue:
                self._wake.set()
            else:
                self._idle.set()

    async def _write(self, batch: list[Outcome]) -> None:
        columns: list[list[Any]] = [[] for _ in range(11)]
        for o in batch:
            row = (o.event_id, o.attempt, o.event_status, o.retry_in, o.error, o.log_id, o.log_status,
                   o.duration_ms, o.records, o.metadata, o.refund_attempt)
            for column, value in zip(columns, row, strict=True):
                column.append(value)
        moved = (await self.pool.fetchrow(database.query("finish"), *columns, self.worker_id))["events_moved"]
        if moved < len(batch):
            log.warning(
                "%d of %d outcome(s) arrived after their lease was taken over; the reaper had already "
                "recovered those events", len(batch) - moved, len(batch),
            )
