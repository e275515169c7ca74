"""The operators' dashboard, served by the worker's HTTP API at /dashboard (TALVIX_ADMIN_SECRET).

One page, no build step: it polls /dashboard/data every 2 seconds and shows, per agent, the runs of
the last hour and day by status, failure rate, p50/p95, backlog, oldest due age and who holds what;
the latest failures; the next pending events; the attached triggers. Failed events can be retried
and pending ones cancelled. An application adds panels of its own tables with `add_panel` (Talvix
shows its LinkedIn budget, the users the guard paused and auto-apply failures with their
screenshots: handlers/app/panels.py) and signed-in routes with `add_route`.

Sign-in: a form posts the admin secret (compared in constant time); the answer is an HttpOnly,
SameSite=Strict cookie (Secure behind TLS) holding when it was issued and an HMAC of that under the
secret, so the secret itself never sits in the browser. A session lasts SESSION_SECONDS and is
re-issued as it is used; a changed secret ends every session. POSTs must come from the dashboard's
own origin (not only SameSite), and wrong sign-ins are slowed down: a few a minute per address, a
few more in all, then 429 with Retry-After.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import asyncpg
from aiohttp import web

from listeners import queries
from listeners.http_api import error, json_response, secret_matches

if TYPE_CHECKING:
    from listeners.worker import Worker

COOKIE = "talvix_admin"
PAGE = Path(__file__).parent / "dashboard.html"


@dataclass(frozen=True)
class Panel:
    """One more table on the dashboard: `read(conn)` returns its rows (dicts of JSON-able values).

    `links` turns a column into a link: column → URL template over the row's values, e.g.
    {"screenshot": "/dashboard/screenshots/{application_id}.png"} (rows whose template values are
    missing show no link). `meter` = (used column, limit column) draws a bar from the first row.
    """

    key: str
    title: str
    columns: list[str]
    read: Callable[[asyncpg.Connection], Awaitable[list[dict[str, Any]]]]
    links: dict[str, str] = field(default_factory=dict)
    meter: tuple[str, str] | None = None


_panels: list[Panel] = []
_routes: list[tuple[str, str, Callable[[web.Request], Awaitable[web.StreamResponse]]]] = []


def add_panel(panel: Panel) -> None:
    if all(p.key != panel.key for p in _panels):
        _panels.append(panel)


def add_route(method: str, path: str, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]) -> None:
    """A route under /dashboard/ that only a signed-in operator reaches (401 otherwise)."""
    if not path.startswith("/dashboard/"):
        raise ValueError(f"dashboard routes live under /dashboard/, not {path}")
    if all(r[1] != path for r in _routes):
        _routes.append((method, path, handler))


SESSION_SECONDS = 8 * 3600
RENEW_AFTER_SECONDS = 3600
WRONG_PER_ADDRESS, WRONG_IN_ALL, WINDOW_SECONDS = 5, 20, 60.0


def session_token(secret: str, issued: int) -> str:
    mac = hmac.new(secret.encode(), f"talvix dashboard session {issued}".encode(), hashlib.sha256).hexdigest()
    return f"{issued}.{mac}"


def session_age(secret: str, token: str, now: float) -> float | None:
    """How old a valid session token is, or None (forged, expired, or from another secret)."""
    issued, _, _ = token.partition(".")
    if not issued.isdigit() or not secret_matches(token, session_token(secret, int(issued))):
        return None
    age = now - int(issued)
    return age if 0 <= age < SESSION_SECONDS else None


class SignInThrottle:
    """Wrong sign-ins in the last minute, per address and in all: past either limit, wait."""

    def __init__(self) -> None:
        self.wrong: list[tuple[float, str]] = []

    def retry_after(self, address: str, now: float) -> float:
        self.wrong = [(t, a) for t, a in self.wrong if now - t < WINDOW_SECONDS]
        mine = [t for t, a in self.wrong if a == address]
        if len(mine) >= WRONG_PER_ADDRESS:
            return WINDOW_SECONDS - (now - mine[0])
        if len(self.wrong) >= WRONG_IN_ALL:
            return WINDOW_SECONDS - (now - self.wrong[0][0])
        return 0.0

    def failed(self, address: str, now: float) -> None:
        self.wrong.append((now, address))


def same_origin(request: web.Request) -> bool:
    """A POST from the dashboard's own page: its Origin (or, without one, its Referer) names this host."""
    from urllib.parse import urlsplit

    source = request.headers.get("Origin") or request.headers.get("Referer")
    if source is None:
        return request.headers.get("Sec-Fetch-Site", "same-origin") in ("same-origin", "none")
    return urlsplit(source).netloc == request.host


def behind_tls(request: web.Request) -> bool:
    return request.secure or request.headers.get("X-Forwarded-Proto", "").lower() == "https"


def agent_row(day: Mapping[str, Any], hour: Mapping[str, Any] | None) -> dict[str, Any]:
    """One agents-table row: the day's stats (rates and p50/p95 are the day's), plus the last hour's counts."""
    row = {k: v for k, v in day.items() if k not in ("completed", "failed", "skipped")}
    for status in ("completed", "failed", "skipped"):
        row[f"day_{status}"] = day[status]
        row[f"hour_{status}"] = hour[status] if hour else 0
    return row


def add_routes(app: web.Application, worker: Worker, admin_secret: str) -> None:
    throttle = SignInThrottle()

    def signed_in(request: web.Request) -> bool:
        return session_age(admin_secret, request.cookies.get(COOKIE, ""), time.time()) is not None

    def start_session(response: web.StreamResponse, request: web.Request) -> None:
        response.set_cookie(
            COOKIE,
            session_token(admin_secret, int(time.time())),
            httponly=True,
            samesite="Strict",
            path="/dashboard",
            max_age=SESSION_SECONDS,
            secure=behind_tls(request),
        )

    async def page(request: web.Request) -> web.Response:
        if not signed_in(request):
            return web.Response(text=LOGIN, content_type="text/html", status=401)
        return web.Response(
            text=PAGE.read_text(),
            content_type="text/html",
            headers={
                "Content-Security-Policy": "default-src 'self'; style-src 'unsafe-inline'; "
                "script-src 'unsafe-inline'; img-src 'self'"
            },
        )

    async def login(request: web.Request) -> web.Response:
        if not same_origin(request):
            return error(403, "sign-in must come from the dashboard's own page")
        address, now = request.remote or "unknown", time.time()
        wait = throttle.retry_after(address, now)
        if wait > 0:
            return web.Response(
                text=LOGIN.replace("<!--error-->", "<p class=err>Too many wrong sign-ins: wait a minute.</p>"),
                content_type="text/html",
                status=429,
                headers={"Retry-After": str(int(wait) + 1)},
            )
        form = await request.post()
        if not secret_matches(str(form.get("secret", "")), admin_secret):
            throttle.failed(address, now)
            return web.Response(
                text=LOGIN.replace("<!--error-->", "<p class=err>Wrong secret.</p>"), content_type="text/html", status=403
            )
        response = web.HTTPSeeOther("/dashboard")
        start_session(response, request)
        raise response

    async def data(request: web.Request) -> web.Response:
        if not signed_in(request):
            return error(401, "sign in first")
        assert worker.http_pool is not None
        async with worker.http_pool.acquire() as conn:
            day = await queries.agent_stats(conn, window=timedelta(days=1))
            hour = {r["agent"]: r for r in await queries.agent_stats(conn, window=timedelta(hours=1))}
            failures = await queries.dashboard_failures(conn)
            pending = await queries.dashboard_pending(conn)
            watches = await queries.watches(conn)
            panels = [
                {
                    "key": p.key,
                    "title": p.title,
                    "columns": p.columns,
                    "links": p.links,
                    "meter": p.meter,
                    "rows": await p.read(conn),
                }
                for p in _panels
            ]
        body: dict[str, Any] = {
            "agents": [agent_row(r, hour.get(r["agent"])) for r in day],
            "failures": [dict(r) for r in failures],
            "pending": [dict(r) for r in pending],
            "triggers": [dict(r) for r in watches],
            "panels": panels,
        }
        response = json_response(body)
        age = session_age(admin_secret, request.cookies.get(COOKIE, ""), time.time())
        if age is not None and age > RENEW_AFTER_SECONDS:
            start_session(response, request)  # a session in use is re-issued, so it rotates
        return response

    async def act(request: web.Request) -> web.Response:
        if not signed_in(request):
            return error(401, "sign in first")
        if not same_origin(request):
            return error(403, "actions must come from the dashboard's own page")
        action = request.match_info["action"]
        try:
            event_id = int(request.match_info["event_id"])
        except ValueError:
            return error(400, "event id must be a number")
        assert worker.http_pool is not None
        change = queries.retry_events if action == "retry" else queries.cancel_events
        rows = await change(worker.http_pool, event_ids=[event_id])
        if not rows:
            return error(409, f"event {event_id} cannot be {'retried' if action == 'retry' else 'cancelled'} now")
        return json_response({"event_id": event_id, "action": action})

    def signed_in_only(
        handler: Callable[[web.Request], Awaitable[web.StreamResponse]],
    ) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        async def guarded(request: web.Request) -> web.StreamResponse:
            if not signed_in(request):
                return error(401, "sign in first")
            return await handler(request)

        return guarded

    app.router.add_get("/dashboard", page)
    app.router.add_post("/dashboard/login", login)
    app.router.add_get("/dashboard/data", data)
    app.router.add_post(r"/dashboard/events/{event_id}/{action:retry|cancel}", act)
    for method, path, handler in _routes:
        app.router.add_route(method, path, signed_in_only(handler))


LOGIN = """<!doctype html><html><head><meta charset=utf-8><title>Talvix · sign in</title>
<style>body{font:15px system-ui,sans-serif;background:#f6f7f9;display:grid;place-items:center;height:100vh;margin:0}
form{background:#fff;padding:28px 32px;border-radius:10px;box-shadow:0 1px 3px #0002}
input{font:inherit;padding:8px;border:1px solid #ccd;border-radius:6px;width:260px}
button{font:inherit;margin-left:8px;padding:8px 14px;border:0;border-radius:6px;background:#2457d6;color:#fff}
.err{color:#b42318}</style></head><body><form method=post action=/dashboard/login>
<h2>Talvix Worker</h2><!--error--><input type=password name=secret placeholder="Admin secret" autofocus>
<button>Sign in</button></form></body></html>"""
