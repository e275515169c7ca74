"""`?wait` on the agent API: callers waiting for their events' runs, served by one poller.

However many requests wait, the database sees one small query per interval (every waiting event
in one `id = ANY(…)`), on the HTTP pool, never the pool that claims and finishes events. When this
worker writes outcomes it pokes the poller, so a run finished here answers at once; a run finished
on another worker is seen at the next interval. The number of waiters is capped: past the cap a
request is answered at once with its event pending (202), not queued.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import asyncpg

from listeners import database, queries

log = logging.getLogger("talvix.http")
FINISHED = ("completed", "failed", "skipped")


class RunWaiters:
    def __init__(self, pool: asyncpg.Pool, limit: int = 200, interval: float = 0.25) -> None:
        self.pool = pool
        self.limit = limit
        self.interval = interval
        self._waiting: dict[int, list[asyncio.Future[dict[str, Any]]]] = {}
        self._latest: dict[int, dict[str, Any]] = {}
        self._poke = asyncio.Event()
        self.polls = 0

    @property
    def count(self) -> int:
        return sum(len(f) for f in self._waiting.values())

    def full(self) -> bool:
        return self.count >= self.limit

    def poke(self) -> None:
        """Outcomes were just written here: look now."""
        if self._waiting:
            self._poke.set()

    async def wait(self, event_id: int, seconds: float) -> dict[str, Any] | None:
        """The event's latest run once it has finished, or the latest seen when `seconds` run out."""
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._waiting.setdefault(event_id, []).append(future)
        self._poke.set()
        try:
            return await asyncio.wait_for(asyncio.shield(future), seconds)
        except TimeoutError:
            return self._latest.get(event_id)
        finally:
            futures = self._waiting.get(event_id, [])
            if future in futures:
                futures.remove(future)
            if not futures:
                self._waiting.pop(event_id, None)
                self._latest.pop(event_id, None)

    async def run(self) -> None:
        """The poller (a side loop of the worker)."""
        while True:
            try:
                await asyncio.wait_for(self._poke.wait(), self.interval)
            except TimeoutError:
                pass
            self._poke.clear()
            if not self._waiting:
                continue
            self.polls += 1
            try:
                rows = await queries.latest_runs(self.pool, event_ids=list(self._waiting))
            except database.CONNECTION_ERRORS as exc:
                log.warning("could not look up waited-for runs: %s", exc)
                continue
            for row in rows:
                run = dict(row)
                self._latest[run["event_id"]] = run
                if run["event_status"] in FINISHED:
                    for future in self._waiting.get(run["event_id"], []):
                        if not future.done():
                            future.set_result(run)
