"""How an apply attempt ends when it does not submit, and the human pacing between actions."""

from __future__ import annotations

import asyncio
import os
import random
from dataclasses import dataclass

# The named outcomes an adapter may end with (job_applications.auto_status).
FAILED = ("failed_captcha", "failed_session", "failed_not_found", "failed_closed", "needs_check")
NOT_SENT = ("skipped", "already_applied")


class ApplyOutcome(Exception):
    """How an apply attempt ended when it did not submit; `status` is the application's auto_status."""

    def __init__(self, status: str, message: str) -> None:
        assert status in FAILED + NOT_SENT, status
        super().__init__(message)
        self.status = status


def short_reason(exc: BaseException) -> str:
    """One line for a browser error: Selenium's message without its stack dump or session details."""
    message = getattr(exc, "msg", None) or str(exc)
    first = next((line.strip() for line in str(message).splitlines() if line.strip()), "")
    first = first.split("(Session info:")[0].strip()
    return f"{type(exc).__name__}: {first}"[:300] if first else type(exc).__name__


@dataclass(frozen=True)
class Pace:
    """Human pacing: seconds between page loads, between fields, and between two LinkedIn notes of one
    account (the earlier system's 45–90 s for an invitation). Settings "low,high"; tests shrink them."""

    page: tuple[float, float] = (2.0, 6.0)
    field: tuple[float, float] = (0.5, 2.0)
    note: tuple[float, float] = (45.0, 90.0)

    @classmethod
    def from_env(cls) -> Pace:
        def pair(name: str, default: tuple[float, float]) -> tuple[float, float]:
            raw = os.environ.get(name)
            if not raw:
                return default
            low, _, high = raw.partition(",")
            return float(low), float(high or low)

        return cls(
            pair("TALVIX_BROWSER_PAGE_DELAY", cls.page),
            pair("TALVIX_BROWSER_FIELD_DELAY", cls.field),
            pair("TALVIX_LINKEDIN_NOTE_DELAY", cls.note),
        )

    async def after_page(self) -> None:
        await asyncio.sleep(random.uniform(*self.page))

    async def after_field(self) -> None:
        await asyncio.sleep(random.uniform(*self.field))

    async def after_note(self) -> None:
        await asyncio.sleep(random.uniform(*self.note))
