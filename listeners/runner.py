"""Runs claimed events through their handlers, under each agent's concurrency limit and timeout.

Every run ends in exactly one Outcome: completed, skipped, failed, or failed-and-retried later
(exponential backoff with jitter). The runner also knows which events this worker holds, so the
lease keeper can renew them and shutdown can hand back the ones that never started.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import asyncpg
import pydantic

from listeners import log_format
from listeners.database import retry_delay
from listeners.enqueue import enqueue
from listeners.outcomes import Outcome, OutcomeWriter
from listeners.registry import Agent, Context, Event, PermanentError, Skip
from listeners.settings import Settings

log = logging.getLogger("talvix.runner")


class RunLogger(logging.LoggerAdapter[logging.Logger]):
    """Prefixes every line a handler logs with its agent, event and attempt."""

    def process(self, msg: Any, kwargs: Any) -> tuple[Any, Any]:
        e = self.extra or {}
        return f"[{e['agent']} event={e['event_id']} attempt={e['attempt']}] {msg}", kwargs


def _encodes(value: Any) -> bool:
    try:
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError, RecursionError):
        return False
    return True


def unwritable(metadata: dict[str, Any]) -> str | None:
    """Why `metadata` cannot be stored as jsonb (a value JSON cannot encode, NaN), or None."""
    if _encodes(metadata):
        return None
    bad = sorted(k for k, v in metadata.items() if not _encodes(v)) if isinstance(metadata, dict) else []
    keys = ", ".join(f"{k!r}: {type(metadata[k]).__name__}" for k in bad)
    return f"the handler put a value in ctx.metadata that cannot be stored as JSON ({keys or 'unknown key'})"


def describe(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


class Runner:
    def __init__(
        self,
        agents: dict[str, Agent],
        pool: asyncpg.Pool,
        settings: Settings,
        outcomes: OutcomeWriter,
        on_capacity: Callable[[str], None],
    ) -> None:
        self.agents = agents
        self.pool = pool
        self.settings = settings
        self.outcomes = outcomes
        self.on_capacity = on_capacity
        self.slots = {name: asyncio.Semaphore(a.concurrency) for name, a in agents.items()}
        # Claimed and not yet recorded, per agent, and of those the finished ones whose outcome is
        # still being written. The claim budget counts runs in hand; finished runs count only past
        # one batch's worth, so the next claim overlaps the outcome write without outrunning it.
        self.outstanding: Counter[str] = Counter()
        self.finished: Counter[str] = Counter()
        self.waiting: dict[int, Event] = {}  # claimed, waiting for a handler slot
        self.running: dict[int, asyncio.Task[None]] = {}
        self.unwritten: dict[int, str] = {}  # finished, outcome not yet recorded: event id → agent
        self.accepting = True
        self._tasks: set[asyncio.Task[None]] = set()

    def held_event_ids(self) -> list[int]:
        """Every event whose lease this worker must keep alive."""
        return [*self.waiting, *self.running, *self.unwritten]

    def submit(self, event: Event) -> None:
        self.outstanding[event.agent] += 1
        self.waiting[event.id] = event
        task = asyncio.create_task(self._run(event), name=f"talvix-run-{event.id}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def stop_accepting(self) -> list[Event]:
        """Stop starting new runs; returns the claimed events that will now never start."""
        self.accepting = False
        return list(self.waiting.values())

    async def wait_running(self, grace_seconds: float) -> None:
        """Let running handlers finish; cancel those still running after `grace_seconds`."""
        if self.running:
            await asyncio.wait(list(self.running.values()), timeout=grace_seconds)
        for task in list(self.running.values()):
            task.cancel()
        remaining = [t for t in self._tasks if not t.done()]
        if remaining:
            await asyncio.wait(remaining, timeout=5)

    def in_hand(self, agent: str) -> int:
        """Claimed and not finished: waiting for a handler slot or running."""
        return self.outstanding[agent] - self.finished[agent]

    def written(self, outcomes: list[Outcome]) -> None:
        freed = set()
        for o in outcomes:
            agent = self.unwritten.pop(o.event_id, None)
            if agent is not None:
                self.outstanding[agent] -= 1
                self.finished[agent] -= 1
                freed.add(agent)
        for agent in freed:
            self.on_capacity(agent)

    async def _run(self, event: Event) -> None:
        agent = self.agents[event.agent]
        recorded = False
        try:
            async with self.slots[agent.name]:
                if not self.accepting:
                    return  # handed back by the shutdown path, which owns it now
                del self.waiting[event.id]
                task = asyncio.current_task()
                assert task is not None
                self.running[event.id] = task
                try:
                    outcome = await self._execute(agent, event)
                finally:
                    del self.running[event.id]
                self.unwritten[event.id] = agent.name
                self.finished[agent.name] += 1
                self.outcomes.add(outcome)
                recorded = True
                self.on_capacity(agent.name)
        finally:
            if not recorded:
                self.outstanding[agent.name] -= 1
                self.on_capacity(agent.name)

    async def _execute(self, agent: Agent, event: Event) -> Outcome:
        run_log = RunLogger(
            logging.getLogger(f"talvix.agent.{agent.name}"), {"agent": agent.name, "event_id": event.id, "attempt": event.attempt}
        )
        ctx = Context(event=event, db=self.pool, settings=self.settings, log=run_log, enqueue=self._enqueue_for(event))
        started = time.monotonic()
        deadline = asyncio.timeout(agent.timeout)

        def outcome(event_status: str, log_status: str, **kw: Any) -> Outcome:
            duration = int((time.monotonic() - started) * 1000)
            problem = unwritable(ctx.metadata)
            if problem is not None:
                # One bad value must fail this run alone, never the batch it would be written with.
                run_log.error("%s", problem)
                return Outcome(event.id, event.attempt, event.agent, "failed", "failed", duration, error=problem[:500])
            # What is stored is read by operators, the dashboard and ?wait callers: never a secret,
            # even when a provider's error message echoes the API key.
            if kw.get("error"):
                kw["error"] = log_format.redactor.redact(kw["error"])
            metadata = log_format.redact_value(ctx.metadata)
            assert isinstance(metadata, dict)
            return Outcome(event.id, event.attempt, event.agent, event_status, log_status, duration, metadata=metadata, **kw)

        try:
            if agent.payload_model is not None:
                try:
                    ctx.input = agent.payload_model.model_validate(event.payload)
                except pydantic.ValidationError as exc:
                    raise PermanentError(
                        f"malformed payload for {agent.name}: "
                        + "; ".join(f"{'.'.join(map(str, e['loc'])) or 'payload'}: {e['msg']}" for e in exc.errors())
                    ) from None
            async with deadline:
                result = await agent.handler(ctx)
            if result is not None and (isinstance(result, bool) or not isinstance(result, int)):
                raise PermanentError(
                    f"handler returned {type(result).__name__} {str(result)[:80]!r}; "
                    "it must return the number of records processed (int) or None"
                )
            return outcome("completed", "completed", records=result)
        except Skip as exc:
            run_log.info("skipped: %s", exc.reason)
            return outcome("skipped", "skipped", error=exc.reason[:500])
        except PermanentError as exc:
            run_log.error("failed permanently: %s", exc)
            message = str(exc) if str(exc).startswith("malformed payload") else describe(exc)
            return outcome("failed", "failed", error=message[:500])
        except asyncio.CancelledError:
            if self.accepting:
                raise
            message = (
                "cancelled: the worker shut down before the run finished "
                f"(grace period {self.settings.shutdown_grace_seconds:g}s); the event will run again"
            )
            run_log.warning("%s", message)
            return outcome("pending", "failed", error=message, refund_attempt=True)
        except TimeoutError as exc:
            # Our own deadline, or a timeout the handler itself ran into (a slow HTTP call…).
            error = f"timed out after {agent.timeout:g}s" if deadline.expired() else describe(exc)
        except Exception as exc:  # noqa: BLE001 - any handler error is recorded, never fatal to the worker
            error = describe(exc)
            run_log.exception("attempt %d/%d failed", event.attempt, event.max_attempts)
        if event.attempt >= event.max_attempts:
            return outcome("failed", "failed", error=f"{error} (attempt {event.attempt} of {event.max_attempts}, giving up)"[:500])
        base = agent.retry_base_seconds if agent.retry_base_seconds is not None else self.settings.retry_base_seconds
        cap = agent.retry_max_seconds if agent.retry_max_seconds is not None else self.settings.retry_max_seconds
        delay = retry_delay(event.attempt, base, cap)
        return outcome(
            "pending",
            "failed",
            retry_in=delay,
            error=f"{error} (attempt {event.attempt} of {event.max_attempts}, retrying in {delay:.1f}s)"[:500],
        )

    def _enqueue_for(self, event: Event) -> Callable[..., Any]:
        async def follow_up(agent: str, payload: dict[str, Any] | None = None, **kwargs: Any) -> int | None:
            kwargs.setdefault("user_id", event.user_id)
            kwargs.setdefault("source", f"agent:{event.agent}")
            return await enqueue(self.pool, agent, payload or {}, **kwargs)

        return follow_up
