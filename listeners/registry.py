"""How handlers plug into the engine.

A handler is an async function decorated with `@agent(...)`; importing its module registers it.
The engine never imports a handler by name: it imports the modules listed in the
`TALVIX_HANDLER_MODULES` setting and serves whatever registered itself.

    @agent("fit_scorer", concurrency=10, timeout=120, max_attempts=5)
    async def fit_scorer(ctx: Context) -> int:
        ...
        return records_processed
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal
from uuid import UUID

import pydantic

if TYPE_CHECKING:
    import asyncpg

    from listeners.settings import Settings

AGENT_NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")


class WatchPayload(pydantic.BaseModel):
    """The payload a talvix.watch trigger writes. Agents subclass it to type `row` (the primary key,
    user_id, and any columns the watch names)."""

    table: str
    op: Literal["INSERT", "UPDATE", "DELETE"]
    row: dict[str, Any]


class UUIDRow(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="ignore")
    id: UUID


class UUIDRowEvent(WatchPayload):
    """A watch payload from a table whose primary key is a uuid `id`."""

    row: UUIDRow  # type: ignore[assignment]


class Skip(Exception):
    """Raise to end a run as `skipped` (nothing to do, a gate said no); it is not retried."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class PermanentError(Exception):
    """Raise for a failure that retrying cannot fix (bad input, a missing row): fails at once."""


@dataclass(frozen=True)
class Event:
    """One claimed unit of work, as the handler sees it."""

    id: int
    agent: str
    payload: dict[str, Any]
    user_id: UUID | None
    attempt: int
    max_attempts: int
    created_at: datetime
    source: str | None


Enqueue = Callable[..., Awaitable["int | None"]]


@dataclass
class Context:
    """Everything a handler gets for one run."""

    event: Event
    db: asyncpg.Pool
    settings: Settings
    log: logging.LoggerAdapter[logging.Logger]
    enqueue: Enqueue
    # The payload validated against the agent's payload_model, when it declares one.
    input: pydantic.BaseModel | None = None
    # Extra facts for this run's agent_logs.metadata (model, token counts…). Never put secrets here.
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def payload(self) -> dict[str, Any]:
        return self.event.payload

    @property
    def attempt(self) -> int:
        return self.event.attempt

    async def release_dedup_key(self) -> None:
        """For handlers that process "everything new so far": call it before reading. Work arriving
        from then on queues as one new pending event instead of being folded into this running one,
        so nothing can slip in between the read and the end of the run."""
        from listeners import queries

        await queries.release_dedup_key(self.db, event_id=self.event.id)


Handler = Callable[[Context], Awaitable["int | None"]]
# Runs once when a worker starts serving the agent, before its first claim: import heavy libraries,
# clean up what a dead predecessor left on this host. An exception stops the worker's start-up.
Setup = Callable[[], Awaitable[None]]


@dataclass(frozen=True)
class Agent:
    name: str
    handler: Handler
    concurrency: int = 10
    timeout: float = 300.0
    max_attempts: int = 5
    payload_model: type[pydantic.BaseModel] | None = None
    # Retry backoff for this agent; None takes the worker's settings.
    retry_base_seconds: float | None = None
    retry_max_seconds: float | None = None
    setup: Setup | None = None


REGISTRY: dict[str, Agent] = {}


def agent(
    name: str,
    *,
    concurrency: int = 10,
    timeout: float = 300.0,
    max_attempts: int = 5,
    payload_model: type[pydantic.BaseModel] | None = None,
    retry_base_seconds: float | None = None,
    retry_max_seconds: float | None = None,
    setup: Setup | None = None,
) -> Callable[[Handler], Handler]:
    """Register the decorated coroutine function as the handler of agent `name`."""
    if not AGENT_NAME.match(name):
        raise ValueError(f"invalid agent name {name!r}: lower-case letters, digits and _, starting with a letter")
    if concurrency < 1 or timeout <= 0 or max_attempts < 1:
        raise ValueError(f"agent {name!r}: concurrency and max_attempts must be >= 1 and timeout > 0")

    def register(handler: Handler) -> Handler:
        existing = REGISTRY.get(name)
        if existing is not None and existing.handler is not handler:
            raise ValueError(f"agent {name!r} is registered twice ({existing.handler.__qualname__})")
        REGISTRY[name] = Agent(
            name, handler, concurrency, timeout, max_attempts, payload_model, retry_base_seconds, retry_max_seconds, setup
        )
        return handler

    return register
