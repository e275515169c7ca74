"""The one way Talvix calls someone else's HTTP API: politely, with an answer or a precise error.

Used by job discovery (each board), the embeddings endpoint, and the delivery channels. Per service:
at most `requests_per_minute` requests (aiolimiter), each with a timeout; a 429 or 503 waits what
its Retry-After says (capped), other 5xx and connection errors back off exponentially with jitter;
after `attempts` tries the last error is raised as ServiceError. Any other 4xx is raised at once,
since asking again will not help. Every request names the product in its User-Agent.
"""

from __future__ import annotations

import asyncio
import email.utils
import json as jsonlib
import time
from collections.abc import Mapping
from typing import Any

import aiohttp
from aiolimiter import AsyncLimiter

from listeners import retry_delay

USER_AGENT = "TalvixWorker/1.0 (+https://talvix.app/bot)"
RETRY_AFTER_CAP_SECONDS = 60.0


class ServiceError(Exception):
    """A service did not give a usable answer (after its retries). `status` is the last HTTP status
    (None for a connection error or timeout) and `body` what the service said, parsed when JSON;
    `retryable` says whether a later attempt might succeed; `unsent` that the request certainly never
    reached the service (no connection could be made), so sending it again cannot duplicate it."""

    def __init__(
        self, message: str, *, status: int | None = None, body: Any = None, retryable: bool = False, unsent: bool = False
    ) -> None:
        super().__init__(message)
        self.status = status
        self.body = body
        self.retryable = retryable
        self.unsent = unsent


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


def _decoded(text: str, kind: str) -> Any:
    if "json" in kind:
        try:
            return jsonlib.loads(text)
        except ValueError:
            return text
    return text


class PoliteClient:
    def __init__(
        self,
        session: aiohttp.ClientSession,
        service: str,
        *,
        requests_per_minute: float,
        timeout_seconds: float,
        attempts: int = 3,
        backoff_seconds: float = 1.0,
    ) -> None:
        self.session = session
        self.service = service
        self.limiter = AsyncLimiter(max(1.0, requests_per_minute), 60)
        self.timeout = aiohttp.ClientTimeout(total=timeout_seconds)
        self.attempts = attempts
        self.backoff_seconds = backoff_seconds
        self.requests = 0

    async def get(self, url: str, params: Mapping[str, str | int] | None = None) -> tuple[int, str, Any]:
        return await self.request("GET", url, params=params)

    async def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, str | int] | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> tuple[int, str, Any]:
        """(status, content type, body) of a 2xx answer: JSON decoded when the service sent JSON,
        else the text. Raises ServiceError when the service keeps failing or refuses the request."""
        last: ServiceError = ServiceError(f"{self.service}: no attempt made")
        sent = {"User-Agent": USER_AGENT, "Accept": "*/*", **(headers or {})}
        for attempt in range(1, self.attempts + 1):
            async with self.limiter:
                self.requests += 1
                try:
                    async with self.session.request(
                        method, url, params=params, json=json, timeout=self.timeout, headers=sent
                    ) as resp:
                        kind = resp.headers.get("Content-Type", "")
                        text = await resp.text()
                        if 200 <= resp.status < 300:
                            if "json" in kind:
                                try:
                                    return resp.status, kind, await resp.json(content_type=None)
                                except ValueError as exc:
                                    raise ServiceError(
                                        f"{self.service}: the answer is not valid JSON ({exc})", status=resp.status
                                    ) from None
                            return resp.status, kind, text
                        said = text[:200].strip()
                        last = ServiceError(
                            f"{self.service}: HTTP {resp.status}" + (f": {said}" if said else ""),
                            status=resp.status,
                            body=_decoded(text, kind),
                            retryable=resp.status in (429, 503) or resp.status >= 500,
                        )
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
                        raise last  # other 4xx: asking again will not help
                except (aiohttp.ClientError, TimeoutError) as exc:
                    detail = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
                    # Refused or timed out while connecting: the request never left. Anything later
                    # (a read timeout, a dropped connection) may have been received.
                    unsent = isinstance(exc, aiohttp.ClientConnectorError | aiohttp.ConnectionTimeoutError)
                    last = ServiceError(f"{self.service}: {detail}", retryable=True, unsent=unsent)
                    if attempt < self.attempts:
                        await asyncio.sleep(self._backoff(attempt))
        raise ServiceError(
            f"{self.service}: gave up after {self.attempts} attempts ({str(last).removeprefix(self.service + ': ')})",
            status=last.status,
            body=last.body,
            retryable=True,
            unsent=last.unsent,
        )

    def _backoff(self, attempt: int) -> float:
        return retry_delay(attempt, self.backoff_seconds, RETRY_AFTER_CAP_SECONDS)
