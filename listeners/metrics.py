"""Prometheus metrics, served at /metrics.

Two kinds: counters and histograms this worker fills as it runs (runs finished, run durations,
event-loop lag), and gauges read from the database once per scrape (events by agent and status,
the oldest due event's age). An application adds gauges of its own tables with `add_gauges`
(Talvix's LinkedIn budget does, in handlers/app/metrics.py).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import Any

import asyncpg
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric

from listeners import queries

# In-process run metrics, filled by the outcome writer and the loop-lag probe.
PROCESS = CollectorRegistry()
RUNS = Counter("talvix_runs", "Agent runs finished by this worker", ["agent", "status"], registry=PROCESS)
LOOP_LAG = Histogram(
    "talvix_event_loop_lag_seconds",
    "How late the worker's event loop woke up (a blocked loop)",
    registry=PROCESS,
    buckets=(0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30),
)
RUN_SECONDS = Histogram(
    "talvix_run_duration_seconds",
    "Agent run duration",
    ["agent"],
    registry=PROCESS,
    buckets=(0.005, 0.025, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300),
)

GaugeReader = Callable[[asyncpg.Connection], Awaitable[Iterable[Metric]]]


async def engine_gauges(conn: asyncpg.Connection) -> list[Metric]:
    events = GaugeMetricFamily(
        "talvix_events",
        "Events by agent and status (pending and running now; finished ones still kept)",
        labels=["agent", "status"],
    )
    oldest = GaugeMetricFamily("talvix_oldest_due_seconds", "Age of the oldest due pending event", labels=["agent"])
    for row in await queries.metrics(conn):
        if row["kind"] == "events":
            events.add_metric([row["agent"], row["status"]], row["value"])
        else:
            oldest.add_metric([row["agent"]], row["value"])
    return [events, oldest]


_gauges: list[GaugeReader] = [engine_gauges]


def add_gauges(reader: GaugeReader) -> None:
    """Read more gauges on every scrape: `reader(conn)` returns prometheus_client metric families."""
    if reader not in _gauges:
        _gauges.append(reader)


class _Snapshot:
    def __init__(self, metrics: list[Metric]) -> None:
        self.metrics = metrics

    def collect(self) -> Any:
        yield from self.metrics


async def exposition(pool: asyncpg.Pool) -> bytes:
    """The /metrics body: this process's metrics, then every gauge read now from the database."""
    read: list[Metric] = []
    async with pool.acquire() as conn:
        for reader in _gauges:
            read.extend(await reader(conn))
    snapshot = CollectorRegistry()
    snapshot.register(_Snapshot(read))
    return generate_latest(PROCESS) + generate_latest(snapshot)
