"""Run the engine with nothing of Talvix: its own migrations only, a test agent, its HTTP API.

    python -m tests.support.engine_alone SERVER_DSN

Run in a fresh interpreter (the test suite's own process has imported the product). Prints one JSON
object: what the engine did, which tables exist, and whether anything imported `handlers`.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
import uuid

import aiohttp

import tests.support.agents  # noqa: F401 - registers the probe agent
from listeners import REGISTRY, Worker, connect, create_database, drop_database, enqueue, load_settings, migrate


async def main(server: str) -> dict[str, object]:
    name = f"talvix_engine_alone_{uuid.uuid4().hex[:8]}"
    dsn = await create_database(server, name)
    try:
        conn = await connect(dsn)
        applied = [m.path.name for m in await migrate(conn)]
        settings = load_settings(
            database_url=dsn, worker_id="engine-alone", http_port=0, agent_secret="engine-alone-secret", poll_interval_seconds=60.0
        )
        worker = Worker(settings, {"probe": REGISTRY["probe"]})
        task = asyncio.create_task(worker.run())
        await asyncio.wait_for(worker.started.wait(), 30)
        event_id = await enqueue(conn, "probe", {"records": 2})
        deadline = time.monotonic() + 30
        while await conn.fetchval("SELECT status FROM talvix.events WHERE id = $1", event_id) != "completed":
            if time.monotonic() > deadline:
                raise TimeoutError("the probe event did not complete")
            await asyncio.sleep(0.05)
        async with aiohttp.ClientSession() as http:
            base = f"http://127.0.0.1:{worker.http_port}"
            async with http.get(f"{base}/metrics") as resp:
                metrics = (resp.status, await resp.text())
            async with http.get(f"{base}/healthz") as resp:
                health = resp.status
        worker.stop()
        await task
        tables = [
            r[0]
            for r in await conn.fetch(
                "SELECT schemaname || '.' || tablename FROM pg_tables WHERE schemaname IN ('public', 'talvix') ORDER BY 1"
            )
        ]
        log = await conn.fetchrow("SELECT status, records_processed FROM agent_logs WHERE event_id = $1", event_id)
        await conn.close()
    finally:
        await drop_database(server, name)
    return {
        "applied": applied,
        "tables": tables,
        "log": dict(log) if log else None,
        "metrics_status": metrics[0],
        "metrics_has_events": 'talvix_events{agent="probe",status="completed"} 1.0' in metrics[1],
        "metrics_has_linkedin": "linkedin" in metrics[1],
        "health_status": health,
        "imported_handlers": sorted(m for m in sys.modules if m == "handlers" or m.startswith("handlers.")),
    }


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main(sys.argv[1]))))
