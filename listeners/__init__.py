"""Talvix Worker's engine: Postgres LISTEN/NOTIFY events, claimed, run and logged.

Handlers use only what this module exports:

    from listeners import Context, PermanentError, Skip, agent, enqueue
"""

from listeners.enqueue import enqueue
from listeners.registry import Context, Event, PermanentError, Skip, WatchPayload, agent

__all__ = ["Context", "Event", "PermanentError", "Skip", "WatchPayload", "agent", "enqueue"]
