"""A run's session advisory locks (an application's, a LinkedIn account's), held on a connection of
the run's own.

Postgres drops a session lock with its connection, so a worker killed mid-run (SIGKILL included)
leaves nothing locked. At the end of the run the locks are released together; the pool keeps
sessions as they are, so a connection whose release failed is closed, never reused still locked.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from handlers import queries
from listeners import Context


@asynccontextmanager
async def run_locks(ctx: Context) -> AsyncIterator[Any]:
    """The connection to take this run's locks on (queries.try_lock_*)."""
    async with ctx.db.acquire() as connection:
        try:
            yield connection
        finally:
            try:
                await queries.unlock_run_locks(connection)
            except BaseException:
                connection.terminate()
                raise
