"""The dashboard's sign-in against the attacks a browser session faces: cross-site POSTs, guessing,
stolen or stale cookies."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient, TestServer

from listeners import dashboard, http_api
from listeners.registry import Agent, Context
from tests.support.workers import running_worker

ADMIN = "dashboard-secret-" + "x" * 16


async def noop(ctx: Context) -> int:
    return 0


@pytest.fixture
async def client(database_url: str) -> AsyncIterator[TestClient]:
    async with running_worker(database_url, [Agent("noop", noop)], agent_secret="agent-" + "y" * 20, admin_secret=ADMIN) as worker:
        async with TestClient(TestServer(http_api.build_app(worker))) as client:
            yield client


def origin(client: TestClient) -> dict[str, str]:
    return {"Origin": str(client.make_url("/")).rstrip("/")}


async def test_a_cross_site_post_is_refused_even_with_a_session(client: TestClient) -> None:
    signed = await client.post("/dashboard/login", data={"secret": ADMIN}, headers=origin(client), allow_redirects=False)
    assert signed.status == 303
    evil = {"Origin": "https://evil.example"}
    assert (await client.post("/dashboard/events/1/retry", headers=evil)).status == 403
    assert (await client.post("/dashboard/login", data={"secret": ADMIN}, headers=evil, allow_redirects=False)).status == 403
    assert (await client.post("/dashboard/events/1/retry", headers=origin(client))).status == 409  # allowed, nothing to retry


async def test_the_session_cookie_expires_and_is_secure_behind_tls(client: TestClient) -> None:
    signed = await client.post(
        "/dashboard/login", data={"secret": ADMIN}, allow_redirects=False, headers={**origin(client), "X-Forwarded-Proto": "https"}
    )
    cookie = signed.cookies[dashboard.COOKIE]
    assert int(cookie["max-age"]) == dashboard.SESSION_SECONDS and cookie["secure"] and cookie["httponly"]
    assert ADMIN not in cookie.value
    # A session older than its lifetime, or signed with another secret, is no session.
    old = dashboard.session_token(ADMIN, int(time.time()) - dashboard.SESSION_SECONDS - 1)
    forged = dashboard.session_token("another-secret-" + "z" * 16, int(time.time()))
    for token in (old, forged, "1700000000.deadbeef", "garbage"):
        client.session.cookie_jar.clear()
        resp = await client.get("/dashboard/data", cookies={dashboard.COOKIE: token})
        assert resp.status == 401, token


async def test_a_session_in_use_is_reissued(client: TestClient) -> None:
    aging = dashboard.session_token(ADMIN, int(time.time()) - dashboard.RENEW_AFTER_SECONDS - 5)
    resp = await client.get("/dashboard/data", cookies={dashboard.COOKIE: aging})
    assert resp.status == 200
    fresh = resp.cookies[dashboard.COOKIE].value
    assert fresh != aging and dashboard.session_age(ADMIN, fresh, time.time()) < 5


async def test_wrong_sign_ins_are_slowed_down(client: TestClient) -> None:
    statuses = []
    for _ in range(dashboard.WRONG_PER_ADDRESS + 3):
        resp = await client.post("/dashboard/login", data={"secret": "guess"}, headers=origin(client))
        statuses.append(resp.status)
    assert statuses[: dashboard.WRONG_PER_ADDRESS] == [403] * dashboard.WRONG_PER_ADDRESS
    assert set(statuses[dashboard.WRONG_PER_ADDRESS :]) == {429}
    limited = await client.post("/dashboard/login", data={"secret": ADMIN}, headers=origin(client), allow_redirects=False)
    assert limited.status == 429 and int(limited.headers["Retry-After"]) > 0  # even the right one waits
