"""The operators' dashboard in a real headless Chromium: sign-in, numbers that match the database,
live updates, and the retry button."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg
import pytest

from handlers.apply.browser import Browser
from listeners import enqueue
from listeners.registry import Agent
from tests.support.agents import probe_handler
from tests.support.waiting import wait_for
from tests.support.workers import running_worker

pytestmark = pytest.mark.browser
ADMIN = "dashboard-secret-for-tests"


@pytest.fixture
async def dashboard(database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> AsyncIterator[str]:
    monkeypatch.setenv("TALVIX_BROWSER_LOCAL_ONLY", "1")
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    agent = Agent("probe", probe_handler, max_attempts=1)
    async with running_worker(database_url, [agent], http_port=0, agent_secret="agent-secret-x", admin_secret=ADMIN) as worker:
        yield f"http://127.0.0.1:{worker.http_port}"


@contextlib.asynccontextmanager
async def signed_in(dashboard: str) -> AsyncIterator[Browser]:
    """A headless Chromium that has signed in to the dashboard through its form."""
    from selenium.webdriver.common.by import By

    browser = await Browser(headless=True, viewport="1400x1000").start()
    try:
        d = browser.driver
        await browser.run(d.get, f"{dashboard}/dashboard")
        await browser.run(lambda: d.find_element(By.NAME, "secret").send_keys(ADMIN))
        await browser.run(lambda: d.find_element(By.TAG_NAME, "button").click())
        yield browser
    finally:
        await browser.close()


def live(driver: Any) -> Any:
    """A wait on the dashboard, which re-renders its tables as numbers change: an element read just as
    it is replaced is stale, so the wait looks it up again instead of failing."""
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, 15, ignored_exceptions=(StaleElementReferenceException,))


def text_of(driver: Any, selector: str) -> str:
    from selenium.webdriver.common.by import By

    return driver.find_element(By.CSS_SELECTOR, selector).text


async def test_dashboard_refuses_requests_without_the_secret(dashboard: str) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{dashboard}/dashboard") as page:
            assert page.status == 401 and "Admin secret" in await page.text()
        async with http.get(f"{dashboard}/dashboard/data") as data:
            assert data.status == 401
        async with http.post(f"{dashboard}/dashboard/events/1/retry") as retry:
            assert retry.status == 401
        async with http.post(f"{dashboard}/dashboard/login", data={"secret": "wrong"}) as wrong:
            assert wrong.status == 403 and "Wrong secret" in await wrong.text()


async def test_dashboard_shows_live_numbers_and_retries(dashboard: str, db: asyncpg.Connection, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    for _ in range(3):
        await enqueue(db, "probe", {})
    failed = await enqueue(db, "probe", {"behaviour": "raise"})
    await wait_for(lambda: db.fetchval("SELECT count(*) = 4 FROM talvix.events WHERE finished_at IS NOT NULL"))
    async with signed_in(dashboard) as browser:
        d = browser.driver
        cell = "tr[data-agent=probe] td[data-k=day_completed]"

        def shows(expected: str) -> Any:
            return lambda drv: drv.find_elements(By.CSS_SELECTOR, cell) and text_of(drv, cell) == expected

        # The numbers match the database.
        counts = await db.fetchrow(
            "SELECT count(*) FILTER (WHERE status = 'completed') AS c, "
            "count(*) FILTER (WHERE status = 'failed') AS f FROM agent_logs"
        )
        await browser.run(live(d).until, shows(f"{counts['c']} / {counts['f']} / 0"))
        # It updates when new runs finish.
        await enqueue(db, "probe", {})
        await browser.run(live(d).until, shows(f"{counts['c'] + 1} / {counts['f']} / 0"))
        await browser.screenshot(tmp_path / "dashboard.png")
        # The operator fixes the input, then retries the failed event from the page.
        await db.execute("UPDATE talvix.events SET payload = '{}' WHERE id = $1", failed)
        button = f"button[data-retry='{failed}']"
        await browser.run(live(d).until, lambda drv: drv.find_elements(By.CSS_SELECTOR, button))
        # Clicked inside the wait: a button replaced by a re-render just then is found again.
        await browser.run(live(d).until, lambda drv: drv.find_element(By.CSS_SELECTOR, button).click() or True)
        await wait_for(
            lambda: db.fetchval("SELECT status = 'completed' FROM talvix.events WHERE id = $1", failed),
            timeout=15,
            message="the retried event completed",
        )
        await browser.run(live(d).until, shows(f"{counts['c'] + 2} / {counts['f']} / 0"))


async def test_dashboard_cancels_a_pending_event(dashboard: str, db: asyncpg.Connection) -> None:
    from selenium.webdriver.common.by import By

    later = await enqueue(db, "probe", {}, delay_seconds=3600)
    async with signed_in(dashboard) as browser:
        d = browser.driver
        button = f"button[data-cancel='{later}']"
        await browser.run(live(d).until, lambda drv: drv.find_elements(By.CSS_SELECTOR, button))
        # Clicked inside the wait: a button replaced by a re-render just then is found again.
        await browser.run(live(d).until, lambda drv: drv.find_element(By.CSS_SELECTOR, button).click() or True)
        await wait_for(
            lambda: db.fetchval("SELECT status = 'cancelled' FROM talvix.events WHERE id = $1", later),
            timeout=15,
            message="the event was cancelled",
        )
        # The row leaves the "waiting" table, and a second cancel of the same event is refused.
        await browser.run(live(d).until, lambda drv: not drv.find_elements(By.CSS_SELECTOR, button))
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:  # unsafe: cookies for an IP host
        await http.post(f"{dashboard}/dashboard/login", data={"secret": ADMIN})
        async with http.post(f"{dashboard}/dashboard/events/{later}/cancel") as again:
            assert again.status == 409 and "cannot be cancelled" in (await again.json())["error"]
