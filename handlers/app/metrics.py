"""Talvix's gauges on /metrics, beside the engine's: today's fleet-wide LinkedIn budget (UTC day)."""

from __future__ import annotations

import asyncpg
from prometheus_client.core import GaugeMetricFamily, Metric

from handlers import queries
from listeners import add_gauges


async def linkedin_gauges(conn: asyncpg.Connection) -> list[Metric]:
    used = GaugeMetricFamily("talvix_linkedin_actions_used", "LinkedIn actions used today (UTC)")
    limit = GaugeMetricFamily("talvix_linkedin_actions_limit", "LinkedIn actions allowed today (UTC)")
    row = await queries.linkedin_budget_today(conn)
    if row is not None:
        used.add_metric([], float(row["used"]))
        limit.add_metric([], float(row["day_limit"]))
    return [used, limit]


def register() -> None:
    add_gauges(linkedin_gauges)
