"""Writes run outcomes in batches: every event's new status and its closed agent_logs row.

Outcomes queue up while a write is in flight and go out together in the next one, so under load
one round trip finishes hundreds of runs, and when idle an outcome is written at once.
A failed write is retried (with backoff) until it succeeds or the worker's lease on those events
runs out; the reaper then recovers them, so an outcome is never silently dropped.
"""

from __future__ import annotations

import asyncio
import dataclasses
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
            except Exception as exc:  # noqa: BLE001 - sorted below: retried, or split so the rest are written
                if database.transient(exc):
                    failures += 1
                    delay = min(5.0, 0.05 * 2**failures) * random.uniform(0.5, 1.0)
                    log.warning("could not record %d outcome(s) (%s); retrying in %.2fs", len(batch), exc, delay)
                    self._queue = batch + self._queue
                    await asyncio.sleep(delay)
                    self._wake.set()
                    continue
                batch = await self._write_apart(batch, exc)
            failures = 0
            self.on_written(batch)
            if self._queue:
                self._wake.set()
            else:
                self._idle.set()

    async def _write_apart(self, batch: list[Outcome], error: Exception) -> list[Outcome]:
        """A batch the database refused for a reason other than the connection: write it in halves,
        so one outcome that cannot be stored never holds back the others. That one is recorded as a
        failed run with the reason instead. Returns what was written (or replaced)."""
        if len(batch) > 1:
            middle = len(batch) // 2
            written = []
            for half in (batch[:middle], batch[middle:]):
                try:
                    await self._write(half)
                    written += half
                except Exception as exc:  # noqa: BLE001 - the same sorting, one level down
                    if database.transient(exc):
                        self._queue = half + self._queue  # the connection went: retried whole
                    else:
                        written += await self._write_apart(half, exc)
            return written
        (bad,) = batch
        log.error("could not record the outcome of event %d (%s); recording it as failed", bad.event_id, error)
        replacement = dataclasses.replace(bad, event_status="failed", log_status="failed", retry_in=0.0, records=None,
                                          metadata={}, refund_attempt=False,
                                          error=f"the run's outcome could not be recorded: {error}"[:500])
        try:
            await self._write([replacement])
        except Exception as exc:  # noqa: BLE001 - nothing more to try here: the lease runs out and the reaper takes it
            log.error("could not record event %d as failed either (%s); the reaper will recover it", bad.event_id, exc)
            return []
        return [replacement]

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
