"""The one way discovery reads a board: politely, and never letting one board fail the run.

Per board: at most `requests_per_minute` requests (aiolimiter), each with a timeout; a 429 or 503
waits what its Retry-After says (capped), other 5xx and connection errors back off exponentially
with jitter; after `attempts` tries the board's error is raised as SourceError, which the run
records against that board alone. Every request names the product in its User-Agent.
"""

from __future__ import annotations

import asyncio
import email.utils
import time
from collections.abc import Mapping
from typing import Any

import aiohttp
from aiolimiter import AsyncLimiter

from listeners import retry_delay

USER_AGENT = "TalvixWorker/1.0 (job discovery; +https://talvix.app/bot)"
RETRY_AFTER_CAP_SECONDS = 60.0


class SourceError(Exception):
    """A board could not be read this run (after its retries): recorded, and the run goes on."""


def retry_after_seconds(value: str | None, now: float) -> float | None:
    """A Retry-After header as seconds: either a number of seconds or an HTTP date."""
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - now)


class PoliteClient:
    def __init__(
        self,
        session: aiohttp.ClientSession,
        source: str,
        *,
        requests_per_minute: float,
        timeout_seconds: float,
        attempts: int = 3,
        backoff_seconds: float = 1.0,
    ) -> None:
        self.session = session
        self.source = source
        self.limiter = AsyncLimiter(max(1.0, requests_per_minute), 60)
        self.timeout = aiohttp.ClientTimeout(total=timeout_seconds)
        self.attempts = attempts
        self.backoff_seconds = backoff_seconds
        self.requests = 0

    async def get(self, url: str, params: Mapping[str, str | int] | None = None) -> tuple[int, str, Any]:
        """(status, content type, body) of a successful GET: JSON decoded when the board sent JSON,
        else the text. Raises SourceError when the board keeps failing or refuses the request."""
        last = "no attempt made"
        for attempt in range(1, self.attempts + 1):
            async with self.limiter:
                self.requests += 1
                try:
                    async with self.session.get(
                        url, params=params, timeout=self.timeout, headers={"User-Agent": USER_AGENT, "Accept": "*/*"}
                    ) as resp:
                        kind = resp.headers.get("Content-Type", "")
                        if resp.status == 200:
                            text = await resp.text()
                            if "json" in kind:
                                try:
                                    return resp.status, kind, await resp.json(content_type=None)
                                except ValueError as exc:
                                    raise SourceError(f"{self.source}: the answer is not valid JSON ({exc})") from None
                            return resp.status, kind, text
                        body = (await resp.text())[:200].strip()
                        last = f"HTTP {resp.status}" + (f": {body}" if body else "")
                        if resp.status in (429, 503):
                            wait = retry_after_seconds(resp.headers.get("Retry-After"), time.time())
                            if attempt < self.attempts:
                                await asyncio.sleep(
                                    min(wait if wait is not None else self._backoff(attempt), RETRY_AFTER_CAP_SECONDS)
                                )
                            continue
                        if resp.status >= 500:
                            if attempt < self.attempts:
                                await asyncio.sleep(self._backoff(attempt))
                            continue
                        raise SourceError(f"{self.source}: {last}")  # 4xx: asking again will not help
                except (aiohttp.ClientError, TimeoutError) as exc:
                    last = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
                    if attempt < self.attempts:
                        await asyncio.sleep(self._backoff(attempt))
        raise SourceError(f"{self.source}: gave up after {self.attempts} attempts ({last})")

    def _backoff(self, attempt: int) -> float:
        return retry_delay(attempt, self.backoff_seconds, RETRY_AFTER_CAP_SECONDS)
