"""The dedicated LISTEN connection: wakes the worker, reconnects after any drop, proves it is alive.

NOTIFY is only a wake-up. Whatever happened while the connection was down is found by the sweep
the worker runs on every (re)connect, so a lost notification delays work but never loses it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

import asyncpg

from listeners import database, queries
from listeners.settings import Settings

CHANNEL = "talvix_events"
PING_PREFIX = "ping:"
log = logging.getLogger("talvix.notifier")


class Notifier:
    """Keeps one connection LISTENing on CHANNEL and hands each agent name it hears to `on_wake`."""

    def __init__(self, settings: Settings, on_wake: Callable[[str], None], on_connect: Callable[[], None]) -> None:
        self.settings = settings
        self.on_wake = on_wake
        self.on_connect = on_connect
        self.connected = asyncio.Event()
        self.last_wakeup_at: float | None = None  # time.time() of the last notification heard
        self.last_ping_rtt: float | None = None
        self.last_ping_ok_at: float | None = None
        self.reconnects = 0
        self._conn: asyncpg.Connection | None = None
        self._lost = asyncio.Event()
        self._pings: dict[str, asyncio.Future[float]] = {}
        self._ping_seq = 0

    async def run(self) -> None:
        """Connect, listen, and start again with backoff whenever the connection is lost."""
        failures = 0
        while True:
            try:
                self._conn = await database.connect(
                    self.settings,
                    timeout=10,
                    server_settings={"application_name": f"talvix-listener {self.settings.worker_id}"[:63]},
                )
                self._lost.clear()
                self._conn.add_termination_listener(lambda _conn: self._lost.set())
                await self._conn.add_listener(CHANNEL, self._heard)
            except database.CONNECTION_ERRORS as exc:
                failures += 1
                delay = database.retry_delay(min(failures, 10) + 1, 0.2, self.settings.reconnect_max_seconds)
                log.warning("listener cannot connect (%s); retrying in %.1fs", _short(exc), delay)
                await self._close()
                await asyncio.sleep(delay)
                continue
            if failures or self.reconnects:
                log.info("listener connected again after %d failed attempt(s); sweeping for missed events", failures)
            failures = 0
            self.connected.set()
            self.on_connect()
            try:
                await self._lost.wait()
            finally:
                self.connected.clear()
                await self._close()
            self.reconnects += 1
            log.warning("listener connection lost; reconnecting")

    def _heard(self, _conn: object, _pid: int, _channel: str, payload: str) -> None:
        self.last_wakeup_at = time.time()
        if payload.startswith(PING_PREFIX):
            future = self._pings.pop(payload, None)
            if future is not None and not future.done():
                future.set_result(time.monotonic())
            return
        self.on_wake(payload)

    async def ping(self, pool: asyncpg.Pool) -> float:
        """NOTIFY ourselves through the server and wait to hear it: the listener is provably alive
        (the same statement records the worker's heartbeat).

        A ping that does not come back in time drops the connection, which makes `run` reconnect.
        Returns the round trip in seconds.
        """
        await asyncio.wait_for(self.connected.wait(), self.settings.ping_timeout_seconds)
        self._ping_seq += 1
        token = f"{PING_PREFIX}{self.settings.worker_id}:{self._ping_seq}"
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self._pings[token] = future
        sent = time.monotonic()
        try:
            await queries.ping(pool, token=token, worker_id=self.settings.worker_id)
            heard = await asyncio.wait_for(future, self.settings.ping_timeout_seconds)
        except TimeoutError:
            log.warning("listener did not hear its own ping within %.1fs; reconnecting", self.settings.ping_timeout_seconds)
            self._lost.set()
            raise
        finally:
            self._pings.pop(token, None)
        self.last_ping_rtt = heard - sent
        self.last_ping_ok_at = time.time()
        return self.last_ping_rtt

    async def _close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None and not conn.is_closed():
            try:
                await asyncio.wait_for(conn.close(), 2)
            except database.CONNECTION_ERRORS:
                conn.terminate()

    async def close(self) -> None:
        await self._close()


def _short(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}".splitlines()[0][:200]
