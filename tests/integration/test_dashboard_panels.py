"""Talvix's own dashboard panels, plugged into the engine's dashboard: the LinkedIn budget, paused
users, and the applications auto-apply could not send, with a screenshot only operators can open."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest
from aiohttp.test_utils import TestClient, TestServer

from listeners import http_api
from listeners.registry import Agent, Context
from tests.support.apply import new_application
from tests.support.workers import running_worker

ADMIN = "dashboard-secret-" + "p" * 16
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 16


async def noop(ctx: Context) -> int:
    return 0


@pytest.fixture
async def client(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[TestClient]:
    monkeypatch.setenv("STORAGE_ROOT", str(tmp_path))
    async with running_worker(database_url, [Agent("noop", noop)], agent_secret="agent-" + "q" * 20, admin_secret=ADMIN) as worker:
        async with TestClient(TestServer(http_api.build_app(worker))) as client:
            yield client


async def test_the_products_panels_show_its_tables(client: TestClient, db: asyncpg.Connection, tmp_path: Path) -> None:
    uid, app = await new_application(db, "https://boards.greenhouse.io/acme/jobs/1", "greenhouse")
    await db.execute(
        "UPDATE job_applications SET auto_status = 'failed_captcha', failure_note = 'a captcha', "
        "screenshot_path = $2 WHERE id = $1",
        app,
        f"screenshots/{app}.png",
    )
    await db.execute("UPDATE users SET auto_apply_paused = true, auto_apply_paused_reason = 'too many failures' WHERE id = $1", uid)
    await db.execute("SELECT talvix.reserve_linkedin_unit((now() AT TIME ZONE 'UTC')::date)")
    (tmp_path / "screenshots").mkdir()
    (tmp_path / "screenshots" / f"{app}.png").write_bytes(PNG)

    origin = {"Origin": str(client.make_url("/")).rstrip("/")}
    screenshot = f"/dashboard/screenshots/{app}.png"
    assert (await client.get(screenshot)).status == 401  # operators only
    await client.post("/dashboard/login", data={"secret": ADMIN}, headers=origin, allow_redirects=False)
    panels = {p["key"]: p for p in (await (await client.get("/dashboard/data")).json())["panels"]}

    budget = panels["linkedin_budget"]
    assert budget["meter"] == ["used", "day_limit"] and budget["rows"][0]["used"] == 1
    assert [r["auto_apply_paused_reason"] for r in panels["paused_users"]["rows"]] == ["too many failures"]
    (failure,) = panels["auto_apply_failures"]["rows"]
    assert (failure["application_id"], failure["auto_status"]) == (str(app), "failed_captcha")
    assert panels["auto_apply_failures"]["links"]["screenshot"].format(**failure) == screenshot
    shot = await client.get(screenshot)
    assert shot.status == 200 and await shot.read() == PNG
    assert (await client.get("/dashboard/screenshots/..%2F..%2Fetc%2Fpasswd.png")).status == 404
