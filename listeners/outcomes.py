"""Writes what the runs' records need: each claimed run's agent_logs row opened ('started'), and
each finished run's outcome (the event's new status, its log row closed).

Openings go out as soon as a claim returns, beside the handlers that are already starting, so a
wake-up waits for the claim alone. A close always waits for its run's opening to be written first.
Outcomes queue up while a write is in flight and go out together in the next one, so under load
one round trip finishes hundreds of runs, and when idle an outcome is written at once.
A failed write is retried (with backoff) until it succeeds or the worker's lease on those events
runs out; the reaper then recovers them, so an outcome is never silently dropped.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import asyncpg

from listeners import database, queries

log = logging.getLogger("talvix.outcomes")


@dataclass(frozen=True)
class Outcome:
    event_id: int
    attempt: int
    agent: str
    event_status: str  # completed | failed | skipped | pending (retry)
    log_status: str  # completed | failed | skipped
    duration_ms: int
    records: int | None = None
    error: str | None = None
    retry_in: float = 0.0
    refund_attempt: bool = False  # the run was cut short by shutdown: it does not count
    metadata: dict[str, Any] = field(default_factory=dict)


class OutcomeWriter:
    def __init__(self, pool: asyncpg.Pool, worker_id: str, on_written: Callable[[list[Outcome]], None]) -> None:
        self.pool = pool
        self.worker_id = worker_id
        self.on_written = on_written
        self._queue: list[Outcome] = []
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._opening: dict[int, asyncio.Task[None]] = {}  # event id → the write opening its run's log

    def open(self, runs: list[tuple[int, int]]) -> None:
        """Open the agent_logs rows of just-claimed runs ((event id, attempt) pairs), in the background."""
        task = asyncio.create_task(self._open(runs), name="talvix-open-runs")
        for event_id, _ in runs:
            self._opening[event_id] = task

        def forget(_task: asyncio.Task[None]) -> None:
            for event_id, _ in runs:
                if self._opening.get(event_id) is task:
                    del self._opening[event_id]

        task.add_done_callback(forget)

    async def opened(self, event_ids: list[int] | None = None) -> None:
        """Return once the openings of these runs (default: all) are written or given up."""
        ids = self._opening if event_ids is None else event_ids
        tasks = {self._opening[i] for i in ids if i in self._opening}
        if tasks:
            await asyncio.wait(tasks)

    async def _open(self, runs: list[tuple[int, int]]) -> None:
        ids, attempts = [r[0] for r in runs], [r[1] for r in runs]
        for failures in range(1, 8):
            try:
                await queries.open_runs(self.pool, event_ids=ids, attempts=attempts, worker_id=self.worker_id)
                return
            except Exception as exc:  # noqa: BLE001 - sorted below
                if not database.transient(exc) or failures == 7:
                    # The close then writes each run's row whole (finish.sql): the record is late, not lost.
                    log.error("could not open the log rows of %d run(s) (%s); they are written when the runs end", len(runs), exc)
                    return
                await asyncio.sleep(database.retry_delay(failures + 1, 0.05, 2.0))

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
                    delay = database.retry_delay(failures + 1, 0.05, 5.0)
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
        replacement = dataclasses.replace(
            bad,
            event_status="failed",
            log_status="failed",
            retry_in=0.0,
            records=None,
            metadata={},
            refund_attempt=False,
            error=f"the run's outcome could not be recorded: {error}"[:500],
        )
        try:
            await self._write([replacement])
        except Exception as exc:  # noqa: BLE001 - nothing more to try here: the lease runs out and the reaper takes it
            log.error("could not record event %d as failed either (%s); the reaper will recover it", bad.event_id, exc)
            return []
        return [replacement]

    async def _write(self, batch: list[Outcome]) -> None:
        await self.opened([o.event_id for o in batch])
        written = await queries.finish(
            self.pool,
            event_ids=[o.event_id for o in batch],
            attempts=[o.attempt for o in batch],
            event_statuses=[o.event_status for o in batch],
            retry_delays=[o.retry_in for o in batch],
            errors=[o.error for o in batch],
            agents=[o.agent for o in batch],
            log_statuses=[o.log_status for o in batch],
            durations_ms=[o.duration_ms for o in batch],
            records=[o.records for o in batch],
            metadata=[o.metadata for o in batch],
            refunds=[o.refund_attempt for o in batch],
            worker_id=self.worker_id,
        )
        moved = written["events_moved"]
        if moved < len(batch):
            log.warning(
                "%d of %d outcome(s) arrived after their lease was taken over; the reaper had already recovered those events",
                len(batch) - moved,
                len(batch),
            )
