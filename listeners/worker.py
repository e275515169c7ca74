"""The worker: one process that listens, claims, runs and records.

    notifier ──wake──► claim loop ──► runner (handlers) ──► outcome writer
                          ▲                                     │
                          └────── capacity freed ◄──────────────┘
    background: lease keeper · reaper · janitor · listener ping

`Worker.run()` returns after `stop()` (SIGTERM/SIGINT in the CLI): claiming stops, running handlers
get the grace period, claimed events that never started go back to pending, and every outcome is
written before the connections close.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import os
import socket
import time
from collections import Counter
from collections.abc import Coroutine
from datetime import UTC, datetime
from typing import Any

import asyncpg

from listeners import database, http_api, janitor, log_format, loop_lag, metrics, queries, reaper
from listeners.leases import LeaseKeeper
from listeners.notifier import Notifier
from listeners.outcomes import OutcomeWriter
from listeners.registry import REGISTRY, Agent, Event
from listeners.run_waiters import RunWaiters
from listeners.runner import Runner
from listeners.settings import Settings

log = logging.getLogger("talvix.worker")


class Worker:
    def __init__(self, settings: Settings, agents: dict[str, Agent] | None = None) -> None:
        self.settings = settings
        log_format.protect(settings.database_url, settings.agent_secret, settings.admin_secret)
        log_format.protect_environment()
        registry = dict(agents if agents is not None else REGISTRY)
        if not registry:
            raise ValueError("no agents are registered: check TALVIX_HANDLER_MODULES")
        unknown = sorted(set(settings.agents) - set(registry))
        if unknown:
            raise ValueError(
                f"TALVIX_AGENTS names unknown agent(s) {', '.join(unknown)}; registered: {', '.join(sorted(registry))}"
            )
        self.registry = registry
        self.served = {n: registry[n] for n in (settings.agents or sorted(registry))}
        self.pool: asyncpg.Pool | None = None  # the engine's bookkeeping (asynchronous commit)
        # One connection for claims of a single agent, with Postgres' plan cache on: the wake-up's
        # claim then skips planning (~0.5 ms of a ~1 ms round trip, measured by `talvix bench engine`).
        self.claim_pool: asyncpg.Pool | None = None
        self.handler_pool: asyncpg.Pool | None = None  # what handlers get as ctx.db (durable)
        self.http_pool: asyncpg.Pool | None = None  # the HTTP API's and dashboard's reads, apart from both
        self.waiters: RunWaiters | None = None
        self.notifier = Notifier(settings, self._heard, self._connected)
        self.runner: Runner | None = None
        self.outcomes: OutcomeWriter | None = None
        self.started = asyncio.Event()
        self._stopping = asyncio.Event()
        self._wake = asyncio.Event()
        # Per agent: bumped by every notification, so a claim that raced one knows to look again.
        self._notified: Counter[str] = Counter()
        self._maybe_more: dict[str, bool] = {name: True for name in self.served}
        self._unknown_heard: set[str] = set()
        self.reaper_wake = asyncio.Event()
        self.crash: BaseException | None = None  # set when a background loop died of a bug
        self.http_port: int | None = None  # where the HTTP API listens, once started
        self._next_due: float | None = None
        self.claims = 0
        self.claimed = 0

    # ------------------------------------------------------------------ lifecycle

    async def run(self) -> None:
        self.pool = await database.create_pool(self.settings, bookkeeping=True)
        self.claim_pool = await database.create_pool(self.settings, bookkeeping=True, size=1, cached_plans=True)
        self.handler_pool = await database.create_pool(self.settings)
        self.outcomes = OutcomeWriter(self.pool, self.settings.worker_id, self._written)
        self.runner = Runner(self.served, self.handler_pool, self.settings, self.outcomes, self._capacity_freed)
        await self._register()
        for served in self.served.values():
            if served.setup is not None:
                await served.setup()
        background = [
            self._spawn(self.notifier.run(), "notifier"),
            self._spawn(self.outcomes.run(), "outcomes"),
            self._spawn(loop_lag.run(metrics.LOOP_LAG.observe), "loop_lag"),
            self._spawn(reaper.run(self.pool, self.settings, self.reaper_wake, self.take_unknown_heard), "reaper"),
            self._spawn(janitor.run(self.pool, self.settings.janitor_interval_seconds), "janitor"),
            self._spawn(self._ping_loop(), "ping"),
        ]
        self.leases = LeaseKeeper(self.settings, self.runner.held_event_ids)
        self.leases.start()
        log.info("worker %s serving %s", self.settings.worker_id, ", ".join(self.served))
        http = await http_api.start(self) if self.settings.http_port is not None else None
        self.http_port = http.addresses[0][1] if http is not None else None
        try:
            await asyncio.wait_for(self.notifier.connected.wait(), 30)
            self.started.set()
            claim = self._spawn(self._claim_loop(), "claim")
            stop = asyncio.create_task(self._stopping.wait())
            done, _ = await asyncio.wait({claim, stop}, return_when=asyncio.FIRST_COMPLETED)
            if claim in done:
                claim.result()  # a crashed claim loop is a bug: surface it
            claim.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await claim
            await self._shutdown()
        finally:
            if http is not None:
                await http.cleanup()
            for task in background:
                task.cancel()
            await asyncio.gather(*background, return_exceptions=True)
            await asyncio.to_thread(self.leases.stop)
            await self.notifier.close()
            await self.pool.close()
            await self.claim_pool.close()
            await self.handler_pool.close()
            log.info("worker %s stopped", self.settings.worker_id)

    def stop(self) -> None:
        """Begin a graceful shutdown (safe to call from a signal handler)."""
        if not self._stopping.is_set():
            log.info("shutdown requested: no new claims; running handlers have %gs to finish", self.settings.shutdown_grace_seconds)
        self._stopping.set()
        self._wake.set()

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    async def _shutdown(self) -> None:
        assert self.runner and self.outcomes and self.pool
        unstarted = self.runner.stop_accepting()
        if unstarted:
            try:
                # An opening written after the release would leave a 'started' row nobody closes.
                await self.outcomes.opened([e.id for e in unstarted])
                handed_back = await queries.release(
                    self.pool,
                    event_ids=[e.id for e in unstarted],
                    attempts=[e.attempt for e in unstarted],
                    worker_id=self.settings.worker_id,
                )
                released = handed_back["released"]
                log.info("handed back %d claimed event(s) that had not started", released)
            except database.CONNECTION_ERRORS as exc:
                log.error("could not hand back %d unstarted event(s) (%s); their leases will", len(unstarted), exc)
        await self.runner.wait_running(self.settings.shutdown_grace_seconds)
        try:
            async with asyncio.timeout(30):
                await self.outcomes.drained()
            await queries.worker_stopped(self.pool, worker_id=self.settings.worker_id)
        except database.CONNECTION_ERRORS_OR_TIMEOUT as exc:
            # Their leases run out and another worker's reaper recovers those events.
            log.error("could not record every outcome before stopping (%s); leases will recover them", exc)

    async def _register(self) -> None:
        assert self.pool
        agents = list(self.registry.values())
        async with self.pool.acquire() as conn:
            await queries.register_agents(
                conn,
                names=[a.name for a in agents],
                concurrency=[a.concurrency for a in agents],
                timeouts=[float(a.timeout) for a in agents],
                max_attempts=[a.max_attempts for a in agents],
            )
            await queries.register_worker(
                conn,
                worker_id=self.settings.worker_id,
                hostname=socket.gethostname(),
                pid=os.getpid(),
                agents=list(self.served),
            )

    def _spawn(self, coro: Coroutine[Any, Any, None], name: str) -> asyncio.Task[None]:
        task = asyncio.create_task(coro, name=f"talvix-{name}")

        def crashed(t: asyncio.Task[None]) -> None:
            if not t.cancelled() and t.exception() is not None:
                # A bug, not a lost connection (loops survive those): stop loudly, exit non-zero,
                # and let the supervisor start a fresh worker; leases hand our events to others.
                self.crash = t.exception()
                log.critical("background loop %s crashed: %r; stopping the worker", name, t.exception(), exc_info=t.exception())
                self.stop()

        task.add_done_callback(crashed)
        return task

    # ------------------------------------------------------------------ wake-ups

    def _heard(self, agent: str) -> None:
        if agent in self.served:
            self._notified[agent] += 1
            self._maybe_more[agent] = True
            self._wake.set()
        elif agent not in self.registry:
            self._unknown_heard.add(agent)
            self.reaper_wake.set()

    def _connected(self) -> None:
        # (Re)connected: anything inserted while we were deaf is found by this sweep.
        for name in self.served:
            self._maybe_more[name] = True
        self._wake.set()

    def _capacity_freed(self, agent: str) -> None:
        if self._maybe_more.get(agent) and self._free(agent) >= self._low_water(agent):
            self._wake.set()

    def _written(self, outcomes: list[Any]) -> None:
        assert self.runner
        self.runner.written(outcomes)
        if self.waiters is not None:
            self.waiters.poke()
        for o in outcomes:
            metrics.RUNS.labels(o.agent, o.log_status).inc()
            metrics.RUN_SECONDS.labels(o.agent).observe(o.duration_ms / 1000)
        # A retry scheduled later than our timer would otherwise wait for the next poll.
        self._next_due = None

    def take_unknown_heard(self) -> list[str]:
        names, self._unknown_heard = sorted(self._unknown_heard), set()
        return names

    # ------------------------------------------------------------------ claiming

    def _target(self, agent: str) -> int:
        a = self.served[agent]
        return a.concurrency + math.ceil(a.concurrency * self.settings.prefetch_factor)

    def _low_water(self, agent: str) -> int:
        return max(1, self._target(agent) // 2)

    def _free(self, agent: str) -> int:
        assert self.runner
        target = self._target(agent)
        # Runs in hand count in full; finished runs waiting for their outcome write only beyond one
        # target's worth (backpressure on a slow writer), so claiming overlaps writing.
        return target - self.runner.in_hand(agent) - max(0, self.runner.finished[agent] - target)

    def _wanted(self) -> dict[str, int]:
        assert self.runner
        wanted = {}
        for name in self.served:
            free = self._free(name)
            # Claim in batches: wait until half the room is free, unless nothing is in hand at all.
            if self._maybe_more[name] and free > 0 and (free >= self._low_water(name) or self.runner.in_hand(name) == 0):
                wanted[name] = free
        return wanted

    async def _claim_loop(self) -> None:
        assert self.pool and self.runner and self.outcomes
        while not self.stopping:
            wanted = self._wanted()
            if wanted:
                seen = dict(self._notified)
                names = list(wanted)
                try:
                    rows = await self._claim(names, wanted)
                except database.CONNECTION_ERRORS as exc:
                    log.warning("claim failed (%s); retrying", exc)
                    await self._sleep(1.0)
                    continue
                self.claims += 1
                self.claimed += len(rows)
                got = Counter(r["agent"] for r in rows)
                for row in rows:
                    self.runner.submit(
                        Event(
                            id=row["id"],
                            agent=row["agent"],
                            payload=row["payload"],
                            user_id=row["user_id"],
                            attempt=row["attempts"],
                            max_attempts=row["max_attempts"],
                            created_at=row["created_at"],
                            source=row["source"],
                        )
                    )
                if rows:
                    self.outcomes.open([(r["id"], r["attempts"]) for r in rows])
                drained = [n for n in names if got[n] < wanted[n] and self._notified[n] == seen.get(n, 0)]
                for name in drained:
                    self._maybe_more[name] = False
                if drained:
                    await self._schedule_next_due()
                continue
            timeout = self.settings.poll_interval_seconds
            if self._next_due is not None:
                timeout = max(0.0, min(timeout, self._next_due - time.time()))
            woke = await self._sleep(timeout)
            if not woke:
                # Fallback poll or a delayed event fell due: look at every agent again.
                for name in self.served:
                    self._maybe_more[name] = True
                self._next_due = None

    async def _claim(self, names: list[str], wanted: dict[str, int]) -> list[asyncpg.Record]:
        assert self.pool and self.claim_pool
        if len(names) == 1:
            (name,) = names
            return await queries.claim_agent(
                self.claim_pool,
                agent=name,
                count=wanted[name],
                max_attempts=self.served[name].max_attempts,
                worker_id=self.settings.worker_id,
                lease_seconds=self.settings.lease_seconds,
            )
        return await queries.claim(
            self.pool,
            agents=names,
            counts=[wanted[n] for n in names],
            max_attempts=[self.served[n].max_attempts for n in names],
            worker_id=self.settings.worker_id,
            lease_seconds=self.settings.lease_seconds,
        )

    async def _schedule_next_due(self) -> None:
        assert self.pool
        due = await queries.next_due(self.pool, agents=list(self.served))
        self._next_due = due.timestamp() if due is not None else None
        if due is not None and due <= datetime.now(UTC):
            for name in self.served:
                self._maybe_more[name] = True

    async def _sleep(self, seconds: float) -> bool:
        """Wait for a wake-up or `seconds`; True when woken."""
        try:
            await asyncio.wait_for(self._wake.wait(), seconds)
        except TimeoutError:
            return False
        finally:
            self._wake.clear()
        return True

    # ------------------------------------------------------------------ listener health

    async def _ping_loop(self) -> None:
        assert self.pool
        while True:
            await asyncio.sleep(self.settings.ping_interval_seconds)
            try:
                await self.notifier.ping(self.pool)
            except database.CONNECTION_ERRORS as exc:
                log.warning("listener health check failed: %s", exc)
