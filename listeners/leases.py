"""Lease keeper: renews the lease of every event this worker holds, a third of a lease apart.

It runs in a thread of its own, with its own event loop and connection, so a handler that blocks
the worker's event loop (a heavy import, a CPU-bound parse) cannot starve the leases of the events
this worker is still running: another worker's reaper takes an event back only when its worker
is really gone. A worker that dies stops renewing; its leases run out and the reaper hands the
events to others.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Callable

import asyncpg

from listeners import database, queries
from listeners.settings import Settings

log = logging.getLogger("talvix.leases")


class LeaseKeeper:
    def __init__(self, settings: Settings, held: Callable[[], list[int]]) -> None:
        self.settings = settings
        self.held = held  # called from the keeper's thread: it must only read
        self.renewals = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._main, name="talvix-leases", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _main(self) -> None:
        asyncio.run(self._renew_until_stopped())

    async def _renew_until_stopped(self) -> None:
        conn: asyncpg.Connection | None = None
        interval = self.settings.lease_seconds / 3
        try:
            while not await asyncio.to_thread(self._stop.wait, interval):
                held = self.held()
                if not held:
                    continue
                try:
                    if conn is None or conn.is_closed():
                        conn = await database.connect(self.settings, server_settings=database.BOOKKEEPING_SETTINGS)
                    await queries.renew_leases(
                        conn, event_ids=held, worker_id=self.settings.worker_id, lease_seconds=self.settings.lease_seconds
                    )
                    self.renewals += 1
                except Exception as exc:  # noqa: BLE001 - keep renewing: a lost connection is opened again next time
                    log.warning("could not renew %d lease(s): %s", len(held), exc)
                    if conn is not None:
                        with contextlib.suppress(Exception):
                            await conn.close()
                    conn = None
        finally:
            if conn is not None:
                with contextlib.suppress(Exception):
                    await conn.close()
