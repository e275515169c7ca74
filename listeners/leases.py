"""Lease keeper: renews the lease of every event this worker holds, a third of a lease apart.

A worker that dies stops renewing; its leases run out and the reaper hands the events to others.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from listeners import database

if TYPE_CHECKING:
    from listeners.worker import Worker

log = logging.getLogger("talvix.leases")


async def run(worker: Worker) -> None:
    assert worker.pool and worker.runner
    settings = worker.settings
    while True:
        await asyncio.sleep(settings.lease_seconds / 3)
        held = worker.runner.held_event_ids()
        if not held:
            continue
        try:
            await worker.pool.execute(database.query("renew_leases"), held, settings.worker_id, settings.lease_seconds)
        except database.CONNECTION_ERRORS as exc:
            log.warning("could not renew %d lease(s): %s", len(held), exc)
