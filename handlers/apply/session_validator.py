"""session_validator: put the user's stored platform session into the browser and prove it works.

Decrypt (handlers/session_crypto), open the platform's origin, inject the cookies, `del` the
plaintext at once, then look for a logged-in marker. Not logged in: `failed_session`, the
connection's failure counter +1, and at 3 failures in a row the connection becomes invalid and the
user's auto-apply pauses. Logged in: the counter resets.

Settings: AES_SESSION_KEY; TALVIX_LINKEDIN_ORIGIN (https://www.linkedin.com; tests point it at a
fixture site).
"""

from __future__ import annotations

import os
from typing import Any, Literal
from urllib.parse import urlsplit
from uuid import UUID

import asyncpg

from handlers import queries
from handlers.apply.browser import Browser, wait_until
from handlers.apply.outcome import ApplyOutcome
from handlers.skills.session_crypto import SealedSession, SessionCryptoError, load_key, open_session
from listeners import PermanentError

MAX_CONSECUTIVE_FAILURES = 3
# Markers of a signed-in LinkedIn page (the global navigation's "Me" menu) and of its sign-in walls.
LOGGED_IN = ".global-nav__me, #global-nav, [data-test-global-nav-me]"
AUTH_WALL = ("/authwall", "/login", "/uas/login", "/checkpoint/lg")


def origin() -> str:
    return os.environ.get("TALVIX_LINKEDIN_ORIGIN", "https://www.linkedin.com").rstrip("/")


def _inject(driver: Any, cookies: list[dict[str, Any]]) -> None:
    host = urlsplit(driver.current_url).hostname or ""
    for cookie in cookies:
        entry = {"name": cookie["name"], "value": cookie["value"], "path": cookie.get("path") or "/"}
        domain = (cookie.get("domain") or "").lstrip(".")
        if domain and (host == domain or host.endswith("." + domain)):
            entry["domain"] = cookie["domain"]  # else a host-only cookie for the page we are on
        expiry = cookie.get("expires") or cookie.get("expiry")
        if expiry:
            entry["expiry"] = int(expiry)
        driver.add_cookie(entry)


def _signed_in(driver: Any) -> bool:
    from selenium.webdriver.common.by import By

    def state(d: Any) -> str | Literal[False]:
        if any(part in urlsplit(d.current_url).path for part in AUTH_WALL):
            return "wall"
        if d.find_elements(By.CSS_SELECTOR, LOGGED_IN):
            return "in"
        return False

    try:
        return wait_until(driver, 10, state) == "in"
    except Exception:  # noqa: BLE001 - no marker within the wait: treat as not signed in
        return False


async def record_failure(db: asyncpg.Pool | asyncpg.Connection, user_id: UUID, platform: str, reason: str) -> int:
    failures = await queries.session_failed(db, user_id=user_id, platform=platform, invalid_after=MAX_CONSECUTIVE_FAILURES)
    if failures is not None and failures >= MAX_CONSECUTIVE_FAILURES:
        await queries.pause_auto_apply(
            db, user_id=user_id, reason=f"{platform} session failed {failures} times in a row ({reason}): reconnect it"
        )
    return failures or 0


async def sign_in(db: asyncpg.Pool | asyncpg.Connection, browser: Browser, user_id: UUID, platform: str) -> None:
    """Load the stored session into the browser; raises ApplyOutcome('failed_session') if it does not work."""
    row = await queries.sealed_session(db, user_id=user_id, platform=platform)
    if row is None or not row["is_valid"]:
        raise ApplyOutcome("failed_session", f"no valid {platform} session: the user must reconnect it")
    try:
        key = load_key(os.environ.get("AES_SESSION_KEY"))
        cookies = open_session(
            key,
            SealedSession(row["session_encrypted"], row["session_iv"], row["session_version"]),
            user_id=str(user_id),
            platform=platform,
        )
    except SessionCryptoError as exc:
        await record_failure(db, user_id, platform, str(exc))
        raise ApplyOutcome("failed_session", f"the stored session cannot be opened: {exc}") from None
    if isinstance(cookies, dict):
        cookies = cookies.get("cookies", [])
    driver = browser.driver
    try:
        await browser.run(driver.get, origin() + "/")
        await browser.run(_inject, driver, cookies)
    finally:
        del cookies  # the decrypted session lives no longer than the injection
    await browser.run(driver.get, origin() + "/feed/")
    if not await browser.run(_signed_in, driver):
        failures = await record_failure(db, user_id, platform, "signed out")
        raise ApplyOutcome("failed_session", f"the {platform} session is signed out (failure {failures} in a row)")
    await queries.session_worked(db, user_id=user_id, platform=platform)


def require_key() -> None:
    if not os.environ.get("AES_SESSION_KEY"):
        raise PermanentError("AES_SESSION_KEY is not set: LinkedIn sessions cannot be opened")
