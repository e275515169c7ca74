"""The worker's HTTP API (off unless TALVIX_HTTP_PORT is set), and the JSON conventions every
Talvix HTTP server shares (the public gateway too).

    POST /api/agents/{agent}   the agent endpoint of CONTRACT.md: X-Agent-Secret, body
                               {agent, user_id, payload}; enqueues an event; ?wait=SECONDS waits for
                               its run and answers {status, duration_ms, records_processed, error}
    GET  /healthz              database reachable, listener alive, last wake-up age
    GET  /metrics              Prometheus text

Every error is JSON with a 4xx status (5xx only for our own faults), and every response goes through
`json_response`, which strips secret columns wherever they appear.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any
from uuid import UUID

import pydantic
from aiohttp import web

from listeners import database, json_body, log_format, metrics, queries
from listeners.enqueue import enqueue
from listeners.run_waiters import FINISHED, RunWaiters

if TYPE_CHECKING:
    from listeners.worker import Worker

log = logging.getLogger("talvix.http")
MAX_BODY_BYTES = 64 * 1024
MAX_WAIT_SECONDS = 300.0
WAITERS_TASK = web.AppKey("waiters_task", asyncio.Task)


def strip_secrets(value: Any) -> Any:
    """Secret fields never leave in a response, at any depth (the contract's stripSensitive, CONTRACT.md, done once
    for every response here)."""
    if isinstance(value, dict):
        return {k: strip_secrets(v) for k, v in value.items() if not log_format.is_secret_field(k)}
    if isinstance(value, list | tuple):
        return [strip_secrets(v) for v in value]
    return value


def json_response(data: Any, status: int = 200) -> web.Response:
    return web.json_response(strip_secrets(data), status=status, dumps=lambda d: json.dumps(d, default=database.json_default))


def error(status: int, message: str) -> web.Response:
    return json_response({"error": message}, status=status)


class Refused(Exception):
    """A request refused with a 4xx: answered as JSON and logged on one line by `json_errors`."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def contract_answer(run: dict[str, Any]) -> dict[str, Any]:
    """A finished run in the contract's body, exactly (CONTRACT.md): the words callers of the
    earlier backend read.
    A skipped run did what it should (nothing), so it is a success."""
    failed = run["status"] == "failed"
    return {
        "status": "failed" if failed else "success",
        "duration_ms": run["duration_ms"],
        "records_processed": None if failed else run["records_processed"],
        "error": (run["error_message"] or "")[:500] if failed else None,
    }


@web.middleware
async def json_errors(request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]) -> web.StreamResponse:
    """aiohttp's own errors (404, 405, 413…) as JSON; an unexpected fault as a JSON 500, logged."""
    try:
        return await handler(request)
    except Refused as exc:
        log.info("refused %s %s: %d %s", request.method, request.path, exc.status, exc.message)
        return error(exc.status, exc.message)
    except web.HTTPRequestEntityTooLarge:
        return error(413, f"body larger than {MAX_BODY_BYTES} bytes")
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        # One line per refused request (a flood of bad input must not flood the log).
        log.info("refused %s %s: %d %s", request.method, request.path, exc.status, exc.reason)
        return error(exc.status, exc.reason)
    except Exception:
        log.exception("unhandled error on %s %s", request.method, request.path)
        return error(500, "internal error")


class AgentRequest(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    agent: str | None = None
    user_id: UUID | None = None
    payload: dict[str, Any] = pydantic.Field(default_factory=dict)


def secret_matches(given: str, expected: str) -> bool:
    """Constant-time comparison, so response timing does not reveal how much of a guess was right."""
    return hmac.compare_digest(given.encode(), expected.encode())


async def read_json(request: web.Request) -> Any:
    try:
        return await json_body.read(request)
    except json_body.BadBody as exc:
        raise Refused(400, str(exc)) from None


def build_app(worker: Worker) -> web.Application:
    settings = worker.settings
    assert settings.agent_secret is not None
    expected_secret = settings.agent_secret.get_secret_value()

    async def run_agent(request: web.Request) -> web.Response:
        given = request.headers.get("X-Agent-Secret")
        if not given:
            raise Refused(401, "missing X-Agent-Secret header")
        if not secret_matches(given, expected_secret):
            raise Refused(403, "forbidden")
        name = request.match_info["agent"]
        if name not in worker.registry:
            raise Refused(404, f"unknown agent {name!r}")
        wait = 0.0
        if "wait" in request.query:
            try:
                wait = float(request.query["wait"])
            except ValueError:
                raise Refused(400, "wait must be a number of seconds") from None
            if not 0 <= wait <= MAX_WAIT_SECONDS:
                raise Refused(400, f"wait must be between 0 and {MAX_WAIT_SECONDS:g} seconds")
        try:
            body = AgentRequest.model_validate(await read_json(request))
        except pydantic.ValidationError as exc:
            raise Refused(400, "; ".join(f"{'.'.join(map(str, e['loc'])) or 'body'}: {e['msg']}" for e in exc.errors())) from None
        if body.agent is not None and body.agent != name:
            raise Refused(400, f"body names agent {body.agent!r} but the URL names {name!r}")
        assert worker.http_pool is not None and worker.waiters is not None
        if wait and worker.waiters.full():
            wait = 0.0  # past the cap of concurrent waiters: answered at once, the event still queued
        event_id = await enqueue(worker.http_pool, name, body.payload, user_id=body.user_id, source="http")
        assert event_id is not None  # no dedup key: always a new event
        run = await worker.waiters.wait(event_id, wait) if wait else None
        if run is None or run["event_status"] not in FINISHED:
            return json_response({"status": "pending", "event_id": event_id}, status=202)
        return json_response(contract_answer(run))

    async def healthz(request: web.Request) -> web.Response:
        now = time.time()
        database_ok = False
        if worker.http_pool is not None:  # None while the app is starting or stopping
            try:
                async with asyncio.timeout(2):
                    await queries.alive(worker.http_pool)
                database_ok = True
            except database.CONNECTION_ERRORS_OR_TIMEOUT:
                pass
        notifier = worker.notifier
        listening = notifier.connected.is_set()
        body = {
            "status": "ok" if database_ok and listening else "unhealthy",
            "worker_id": settings.worker_id,
            "agents": sorted(worker.served),
            "database": database_ok,
            "listener_connected": listening,
            "listener_reconnects": notifier.reconnects,
            "last_wakeup_age_seconds": None if notifier.last_wakeup_at is None else round(now - notifier.last_wakeup_at, 3),
            "last_ping_ok_age_seconds": None if notifier.last_ping_ok_at is None else round(now - notifier.last_ping_ok_at, 3),
            "last_ping_rtt_ms": None if notifier.last_ping_rtt is None else round(notifier.last_ping_rtt * 1000, 3),
            "running": len(worker.runner.running) if worker.runner else 0,
        }
        return json_response(body, status=200 if body["status"] == "ok" else 503)

    async def prometheus(request: web.Request) -> web.Response:
        assert worker.http_pool is not None
        text = await metrics.exposition(worker.http_pool)
        return web.Response(body=text, content_type="text/plain", charset="utf-8", headers={"X-Content-Type-Options": "nosniff"})

    async def open_reads(app: web.Application) -> None:
        # The API's reads and ?wait get a small pool of their own: a flood of requests can never
        # take the connections that claim and finish events.
        worker.http_pool = await database.create_pool(settings, size=2)
        worker.waiters = RunWaiters(worker.http_pool)
        app[WAITERS_TASK] = asyncio.create_task(worker.waiters.run(), name="talvix-waiters")

    async def close_reads(app: web.Application) -> None:
        app[WAITERS_TASK].cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await app[WAITERS_TASK]
        if worker.http_pool is not None:
            await worker.http_pool.close()
        worker.http_pool, worker.waiters = None, None

    app = web.Application(client_max_size=MAX_BODY_BYTES, middlewares=[json_errors])
    app.on_startup.append(open_reads)
    app.on_cleanup.append(close_reads)
    app.router.add_post("/api/agents/{agent}", run_agent)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", prometheus)
    if settings.admin_secret is not None:
        from listeners import dashboard

        dashboard.add_routes(app, worker, settings.admin_secret.get_secret_value())
    return app


async def start(worker: Worker) -> web.AppRunner:
    runner = web.AppRunner(build_app(worker), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, worker.settings.http_host, worker.settings.http_port)
    await site.start()
    log.info("HTTP API on http://%s:%s", worker.settings.http_host, runner.addresses[0][1])
    return runner
