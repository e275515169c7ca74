"""The HTTP API of the worker and the public gateway, over real HTTP, a real worker and Postgres."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import jwt
import pytest
from aiohttp.test_utils import TestClient, TestServer

from handlers.app.gateway import GatewaySettings
from handlers.app.gateway import build_app as build_gateway
from handlers.skills.session_crypto import SealedSession, open_session
from listeners import http_api
from listeners.registry import Agent, Context, PermanentError
from listeners.settings import SettingsError, load_settings
from tests.support.workers import running_worker

SECRET = "agent-secret-for-tests-" + uuid.uuid4().hex


async def echo(ctx: Context) -> int:
    if ctx.payload.get("fail"):
        raise PermanentError("asked to fail")
    return len(ctx.payload)


@pytest.fixture
async def api(database_url: str) -> AsyncIterator[TestClient]:
    async with running_worker(database_url, [Agent("echo", echo)], agent_secret=SECRET) as worker:
        async with TestClient(TestServer(http_api.build_app(worker))) as client:
            yield client


def headers(secret: str | None = SECRET) -> dict[str, str]:
    return {"X-Agent-Secret": secret} if secret is not None else {}


async def test_agent_endpoint_runs_and_waits(api: TestClient, db: asyncpg.Connection) -> None:
    user = str(uuid.uuid4())
    resp = await api.post(
        "/api/agents/echo?wait=10", headers=headers(), json={"agent": "echo", "user_id": user, "payload": {"a": 1, "b": 2}}
    )
    body = await resp.json()
    assert resp.status == 200
    # The contract's body, exactly (CONTRACT.md): nothing more, nothing renamed.
    assert set(body) == {"status", "duration_ms", "records_processed", "error"}
    assert body["status"] == "success" and body["records_processed"] == 2 and body["error"] is None
    assert body["duration_ms"] >= 0
    log = await db.fetchrow("SELECT * FROM agent_logs WHERE agent_name = 'echo'")
    assert (log["status"], str(log["user_id"]), log["duration_ms"]) == ("completed", user, body["duration_ms"])


async def test_agent_endpoint_reports_failure_with_agent_logs_words(api: TestClient) -> None:
    resp = await api.post("/api/agents/echo?wait=10", headers=headers(), json={"payload": {"fail": True}})
    body = await resp.json()
    assert (resp.status, body["status"], body["error"]) == (200, "failed", "PermanentError: asked to fail")
    assert body["records_processed"] is None and set(body) == {"status", "duration_ms", "records_processed", "error"}


async def test_without_wait_the_event_is_accepted(api: TestClient, db: asyncpg.Connection) -> None:
    resp = await api.post("/api/agents/echo", headers=headers(), json={})
    body = await resp.json()
    assert resp.status == 202 and body["status"] == "pending"
    assert await db.fetchval("SELECT source FROM talvix.events WHERE id = $1", body["event_id"]) == "http"


@pytest.mark.parametrize(
    ("secret", "status", "message"),
    [(None, 401, "missing X-Agent-Secret header"), ("wrong", 403, "forbidden"), (SECRET[:-1], 403, "forbidden")],
    ids=["missing", "wrong", "one character short"],
)
async def test_agent_secret_is_required_and_checked(api: TestClient, secret: str | None, status: int, message: str) -> None:
    resp = await api.post("/api/agents/echo", headers=headers(secret), json={})
    assert resp.status == status
    assert await resp.json() == {"error": message}  # no detail about the expected secret


@pytest.mark.parametrize(
    ("path", "body", "status", "message"),
    [
        ("/api/agents/nope", {}, 404, "unknown agent 'nope'"),
        ("/api/agents/echo", b"{not json", 400, "body is not valid JSON"),
        ("/api/agents/echo", {"payload": [1, 2]}, 400, "payload: Input should be a valid dictionary"),
        ("/api/agents/echo", {"user_id": "not-a-uuid"}, 400, "user_id: Input should be a valid UUID"),
        ("/api/agents/echo", {"agent": "other"}, 400, "body names agent 'other' but the URL names 'echo'"),
        ("/api/agents/echo", {"surprise": 1}, 400, "surprise: Extra inputs are not permitted"),
        ("/api/agents/echo?wait=lots", {}, 400, "wait must be a number of seconds"),
        ("/api/agents/echo?wait=9999", {}, 400, "wait must be between 0 and 300 seconds"),
        ("/api/agents/echo", b"x" * (http_api.MAX_BODY_BYTES + 1), 413, "body larger than"),
    ],
)
async def test_bad_requests_get_json_4xx(api: TestClient, path: str, body: Any, status: int, message: str) -> None:
    kwargs = {"data": body} if isinstance(body, bytes) else {"json": body}
    resp = await api.post(path, headers=headers(), **kwargs)
    assert resp.status == status
    assert message in (await resp.json())["error"]


async def test_unknown_route_and_method_are_json(api: TestClient) -> None:
    assert (await api.get("/nope")).status == 404
    resp = await api.get("/api/agents/echo")
    assert resp.status == 405 and "error" in await resp.json()


async def test_healthz_and_metrics(api: TestClient, db: asyncpg.Connection) -> None:
    await api.post("/api/agents/echo?wait=10", headers=headers(), json={"payload": {"x": 1}})
    await db.execute("SELECT talvix.reserve_linkedin_action()")
    health = await api.get("/healthz")
    body = await health.json()
    assert health.status == 200 and body["status"] == "ok" and body["listener_connected"] and body["database"]
    assert body["last_wakeup_age_seconds"] is not None
    text = await (await api.get("/metrics")).text()
    assert 'talvix_events{agent="echo",status="completed"} 1.0' in text
    assert "talvix_linkedin_actions_used 1.0" in text and "talvix_linkedin_actions_limit 1500.0" in text
    assert 'talvix_runs_total{agent="echo",status="completed"}' in text
    assert "talvix_run_duration_seconds_bucket" in text


def test_http_api_refuses_to_start_without_agent_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AGENT_SECRET", raising=False)
    with pytest.raises(SettingsError, match="AGENT_SECRET is required when TALVIX_HTTP_PORT is set"):
        load_settings(database_url="postgresql://x@h/db", http_port=8080)


def test_serializer_strips_secrets_at_any_depth() -> None:
    data = {
        "id": 1,
        "session_encrypted": "x",
        "nested": [{"session_iv": "y", "ok": True, "deeper": {"oauth_refresh_token": "z", "cookies": [1], "keep": "k"}}],
    }
    assert http_api.strip_secrets(data) == {"id": 1, "nested": [{"ok": True, "deeper": {"keep": "k"}}]}


# --------------------------------------------------------------------------------- the gateway

JWT_SECRET = "jwt-secret-" + uuid.uuid4().hex
AES_KEY = os.urandom(32).hex()


def token(sub: str, **overrides: Any) -> str:
    claims = {"sub": sub, "aud": "authenticated", "role": "authenticated", "exp": int(time.time()) + 600, **overrides}
    return jwt.encode(claims, JWT_SECRET, algorithm="HS256")


@pytest.fixture
async def gateway(database_url: str, db: asyncpg.Connection) -> AsyncIterator[tuple[TestClient, str]]:
    """The gateway connected as a login that is only a member of talvix_gateway."""
    login = f"talvix_gw_{uuid.uuid4().hex[:8]}"
    await db.execute(f"CREATE ROLE {login} LOGIN IN ROLE talvix_gateway")
    gateway_url = database_url.replace("postgresql://postgres@", f"postgresql://{login}@")
    settings = GatewaySettings(GATEWAY_DATABASE_URL=gateway_url, SUPABASE_JWT_SECRET=JWT_SECRET, AES_SESSION_KEY=AES_KEY)
    pool = await asyncpg.create_pool(gateway_url, min_size=1, max_size=2)
    try:
        async with TestClient(TestServer(build_gateway(settings, pool))) as client:
            yield client, gateway_url
    finally:
        await pool.close()
        await db.execute(f"DROP OWNED BY {login}; DROP ROLE {login}")


CAPTURE = {
    "cookies": [{"name": "li_at", "value": "AQEDAT-secret", "domain": ".linkedin.com", "path": "/", "expires": 1893456000}],
    "user_agent": "Mozilla/5.0 (X11; Linux x86_64)",
    "viewport": "1366x768",
}


async def test_gateway_stores_an_encrypted_session_for_the_token_user(gateway: tuple, db: asyncpg.Connection) -> None:
    client, _ = gateway
    user = uuid.uuid4()
    await db.execute("INSERT INTO users (id, email) VALUES ($1, 'u@x.dev')", user)
    resp = await client.post("/api/connections/linkedin", json=CAPTURE, headers={"Authorization": f"Bearer {token(str(user))}"})
    body = await resp.json()
    assert resp.status == 201
    assert set(body["connection"]) == {"id", "platform", "is_valid", "estimated_expires_at", "captured_at"}
    assert "AQEDAT" not in await resp.text()
    row = await db.fetchrow("SELECT * FROM user_connections WHERE user_id = $1", user)
    assert row["session_version"] == 2 and "AQEDAT" not in row["session_encrypted"]
    assert row["estimated_expires_at"].timestamp() == 1893456000
    cookies = open_session(
        bytes.fromhex(AES_KEY),
        SealedSession(row["session_encrypted"], row["session_iv"], 2),
        user_id=str(user),
        platform="linkedin",
    )
    assert cookies[0]["value"] == "AQEDAT-secret"


@pytest.mark.parametrize(
    ("auth", "message"),
    [
        (None, "missing bearer token"),
        (lambda u: token(u, exp=int(time.time()) - 5), "token expired"),
        (
            lambda u: jwt.encode(
                {"sub": u, "aud": "authenticated", "exp": int(time.time()) + 60}, "wrong-secret-" * 3, algorithm="HS256"
            ),
            "invalid token",
        ),
        (
            lambda u: jwt.encode({"sub": u, "aud": "authenticated", "exp": int(time.time()) + 60}, None, algorithm="none"),
            "invalid token",
        ),
        (lambda u: token(u, aud="anon"), "invalid token"),
        (lambda u: token("not-a-uuid"), "invalid token"),
        (lambda u: token(u, role="service_role"), "invalid token"),
        (lambda u: token(u, role="anon"), "invalid token"),
        (
            lambda u: jwt.encode({"sub": u, "aud": "authenticated", "exp": int(time.time()) + 60}, JWT_SECRET, algorithm="HS256"),
            "invalid token",
        ),  # no role claim at all
    ],
)
async def test_gateway_refuses_bad_tokens(gateway: tuple, db: asyncpg.Connection, auth: Any, message: str) -> None:
    client, _ = gateway
    user = str(uuid.uuid4())
    resp = await client.post(
        "/api/connections/linkedin", json=CAPTURE, headers={"Authorization": f"Bearer {auth(user)}"} if auth else {}
    )
    assert resp.status == 401 and (await resp.json())["error"] == message
    assert await db.fetchval("SELECT count(*) FROM user_connections") == 0


@pytest.mark.parametrize(
    ("platform", "body", "status", "message"),
    [
        ("myspace", CAPTURE, 404, "unknown platform 'myspace'"),
        ("linkedin", {**CAPTURE, "viewport": "huge"}, 400, "viewport: String should match pattern"),
        ("linkedin", {**CAPTURE, "cookies": []}, 400, "cookies: List should have at least 1 item"),
        ("linkedin", {**CAPTURE, "session_encrypted": "x"}, 400, "Extra inputs are not permitted"),
    ],
)
async def test_gateway_rejects_bad_requests(
    gateway: tuple, db: asyncpg.Connection, platform: str, body: Any, status: int, message: str
) -> None:
    client, _ = gateway
    user = uuid.uuid4()
    await db.execute("INSERT INTO users (id, email) VALUES ($1, 'u@x.dev')", user)
    resp = await client.post(f"/api/connections/{platform}", json=body, headers={"Authorization": f"Bearer {token(str(user))}"})
    assert resp.status == status and message in (await resp.json())["error"]


async def test_gateway_for_a_token_without_account(gateway: tuple) -> None:
    client, _ = gateway
    resp = await client.post(
        "/api/connections/indeed", json=CAPTURE, headers={"Authorization": f"Bearer {token(str(uuid.uuid4()))}"}
    )
    assert resp.status == 404 and (await resp.json())["error"] == "no Talvix account for this token's user"


async def test_gateway_role_cannot_read_any_table(gateway: tuple) -> None:
    _, gateway_url = gateway
    conn = await asyncpg.connect(gateway_url)
    try:
        for table in [
            "users",
            "user_connections",
            "user_oauth_tokens",
            "agent_logs",
            "job_applications",
            "talvix.events",
            "talvix.limits",
            "system_daily_limits",
        ]:
            with pytest.raises(asyncpg.InsufficientPrivilegeError):
                await conn.fetch(f"SELECT * FROM {table}")
    finally:
        await conn.close()


# Bodies that Python would parse but Postgres cannot store, or that would stall the parser.
MALFORMED: list[tuple[str, bytes, dict[str, str], str]] = [
    ("NUL in a string", b'{"payload": {"q": "a\\u0000b"}}', {}, "contains a NUL character"),
    ("invalid UTF-8", b'{"payload": {"q": "\xff\xfe"}}', {}, "not valid UTF-8"),
    ("lone surrogate", b'{"payload": {"q": "\\ud800"}}', {}, "lone surrogate"),
    ("NaN", b'{"payload": {"x": NaN}}', {}, "NaN is not a JSON number"),
    ("huge exponent", b'{"payload": {"x": 1e999999}}', {}, "out of range"),
    ("5,000-digit integer", b'{"payload": {"x": ' + b"9" * 5000 + b"}}", {}, "digits"),
    ("nesting 2,000 deep", b'{"payload": {"x": ' + b"[" * 2000 + b"]" * 2000 + b"}}", {}, "nested more than"),
    ("unknown charset", b'{"payload": {}}', {"Content-Type": "application/json; charset=x-unknown"}, "charset"),
]


@pytest.mark.parametrize(("case", "raw", "extra", "message"), MALFORMED, ids=[m[0] for m in MALFORMED])
async def test_malformed_bodies_are_a_precise_400_and_nothing_is_stored(
    api: TestClient,
    db: asyncpg.Connection,
    caplog: pytest.LogCaptureFixture,
    case: str,
    raw: bytes,
    extra: dict[str, str],
    message: str,
) -> None:
    caplog.set_level("INFO", logger="talvix.http")
    resp = await api.post("/api/agents/echo", data=raw, headers={**headers(), "Content-Type": "application/json", **extra})
    body = await resp.json()
    assert resp.status == 400 and message in body["error"], body
    assert "Traceback" not in await resp.text()
    assert await db.fetchval("SELECT count(*) FROM talvix.events") == 0
    assert len([r for r in caplog.records if r.name == "talvix.http"]) == 1  # one line per refused request


@pytest.mark.parametrize(("case", "raw", "extra", "message"), MALFORMED, ids=[m[0] for m in MALFORMED])
async def test_the_gateway_refuses_the_same_bodies(
    gateway: tuple, db: asyncpg.Connection, case: str, raw: bytes, extra: dict[str, str], message: str
) -> None:
    client, _ = gateway
    user = uuid.uuid4()
    await db.execute("INSERT INTO users (id, email) VALUES ($1, 'u@x.dev')", user)
    resp = await client.post(
        "/api/connections/linkedin",
        data=raw,
        headers={"Authorization": f"Bearer {token(str(user))}", "Content-Type": "application/json", **extra},
    )
    assert resp.status == 400 and message in (await resp.json())["error"]
    assert await db.fetchval("SELECT count(*) FROM user_connections") == 0


@pytest.mark.parametrize(
    ("cookie", "message"),
    [
        ({"expires": 1e20}, "less than or equal"),
        ({"expires": -1e12}, "greater than or equal"),
        ({"value": "a\u0000b"}, "NUL"),
    ],
)
async def test_the_gateway_refuses_impossible_cookies(gateway: tuple, db: asyncpg.Connection, cookie: dict, message: str) -> None:
    client, _ = gateway
    user = uuid.uuid4()
    await db.execute("INSERT INTO users (id, email) VALUES ($1, 'u@x.dev')", user)
    body = {**CAPTURE, "cookies": [{**CAPTURE["cookies"][0], **cookie}]}
    resp = await client.post("/api/connections/linkedin", json=body, headers={"Authorization": f"Bearer {token(str(user))}"})
    assert resp.status == 400 and message in (await resp.json())["error"]
    nul_agent = await client.post(
        "/api/connections/linkedin",
        json={**CAPTURE, "user_agent": "Mozilla\u0000"},
        headers={"Authorization": f"Bearer {token(str(user))}"},
    )
    assert nul_agent.status == 400
    assert await db.fetchval("SELECT count(*) FROM user_connections") == 0


async def test_the_gateway_takes_json_only(gateway: tuple, db: asyncpg.Connection) -> None:
    client, _ = gateway
    user = uuid.uuid4()
    await db.execute("INSERT INTO users (id, email) VALUES ($1, 'u@x.dev')", user)
    import json as json_module

    resp = await client.post(
        "/api/connections/linkedin",
        data=json_module.dumps(CAPTURE),
        headers={"Authorization": f"Bearer {token(str(user))}", "Content-Type": "text/plain"},
    )
    assert resp.status == 415
    assert await db.fetchval("SELECT count(*) FROM user_connections") == 0


async def test_many_waiting_requests_share_one_poller_off_the_engines_pool(database_url: str, db: asyncpg.Connection) -> None:
    import asyncio

    async with running_worker(database_url, [Agent("echo", echo)], agent_secret=SECRET) as worker:
        async with TestClient(TestServer(http_api.build_app(worker))) as client:
            assert worker.http_pool is not None and worker.http_pool is not worker.pool
            waits = [
                asyncio.create_task(client.post("/api/agents/echo?wait=5", headers=headers(), json={"payload": {"i": i}}))
                for i in range(150)
            ]
            health = await client.get("/healthz")
            responses = await asyncio.gather(*waits)
            assert health.status == 200
            assert [r.status for r in responses] == [200] * 150
            bodies = [await r.json() for r in responses]
            assert {b["status"] for b in bodies} == {"success"}
            # One query per poll for every waiter together (it was one query per waiter every 20 ms).
            assert worker.waiters is not None and worker.waiters.polls < 60
