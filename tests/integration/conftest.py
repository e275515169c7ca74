"""Fixtures shared by integration tests of several agents."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.support.job_board_apis import JobBoardAPIs

ADZUNA_ID, ADZUNA_KEY = "talvix-test-app", "talvix-test-key"


@pytest.fixture
async def boards(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> AsyncIterator[JobBoardAPIs]:
    apis = JobBoardAPIs(adzuna_app_id=ADZUNA_ID, adzuna_app_key=ADZUNA_KEY)
    runner = await apis.start()
    for name in ("REMOTIVE", "HIMALAYAS", "ADZUNA"):
        monkeypatch.setenv(f"TALVIX_DISCOVERY_{name}_URL", apis.origin)
    monkeypatch.setenv("ADZUNA_APP_ID", ADZUNA_ID)
    monkeypatch.setenv("ADZUNA_APP_KEY", ADZUNA_KEY)
    monkeypatch.setenv("TALVIX_DISCOVERY_FEEDS", f"{apis.origin}/feeds/jobs.rss,{apis.origin}/feeds/jobs.json")
    monkeypatch.setenv("TALVIX_DISCOVERY_BACKOFF_SECONDS", "0.05")
    monkeypatch.setenv("STORAGE_ROOT", str(tmp_path / "storage"))
    yield apis
    await runner.cleanup()
