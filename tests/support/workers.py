"""Running workers in tests: in this process (most tests) or as real subprocesses (crash tests)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Iterable
from pathlib import Path
from typing import Any

from listeners.registry import Agent
from listeners.settings import load_settings
from listeners.worker import Worker

REPO = Path(__file__).resolve().parents[2]

# Fast loops for tests; poll is slow on purpose so tests prove that NOTIFY (not polling) woke us.
TEST_SETTINGS: dict[str, Any] = {
    "poll_interval_seconds": 60.0,
    "reaper_interval_seconds": 0.5,
    "lease_seconds": 5.0,
    "ping_interval_seconds": 60.0,
    "janitor_interval_seconds": 3600.0,
    "retry_base_seconds": 0.05,
    "retry_max_seconds": 0.2,
    "shutdown_grace_seconds": 5.0,
}


@contextlib.asynccontextmanager
async def running_worker(database_url: str, handlers: Iterable[Agent], **overrides: Any) -> AsyncIterator[Worker]:
    settings = load_settings(database_url=database_url, **{**TEST_SETTINGS, **overrides})
    worker = Worker(settings, {a.name: a for a in handlers})
    task = asyncio.create_task(worker.run())
    started = asyncio.create_task(worker.started.wait())
    done, _ = await asyncio.wait({task, started}, timeout=30, return_when=asyncio.FIRST_COMPLETED)
    if task in done:
        task.result()
    assert started in done, "worker did not start within 30s"
    try:
        yield worker
    finally:
        worker.stop()
        await asyncio.wait_for(task, 60)


class WorkerProcess:
    """`python -m listeners worker` in a subprocess, serving the test agents."""

    def __init__(
        self, database_url: str, log_path: Path, worker_id: str, extra_env: dict[str, str] | None = None, **settings: Any
    ) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("TALVIX_")}
        env.update(
            {
                "DATABASE_URL": database_url,
                "TALVIX_HANDLER_MODULES": "tests.support.agents",
                "TALVIX_WORKER_ID": worker_id,
                "PYTHONPATH": str(REPO),
            }
        )
        for key, value in {**TEST_SETTINGS, **settings}.items():
            env[key.upper() if key.startswith("TEST_") else f"TALVIX_{key.upper()}"] = str(value)
        env.update(extra_env or {})
        self.log_path = log_path
        self._log = open(log_path, "ab")
        # Its own process group: a kill takes the worker's children (Chromium) with it, as a supervisor would.
        self.process = subprocess.Popen(
            [sys.executable, "-m", "listeners", "worker"],
            cwd=REPO,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    @property
    def pid(self) -> int:
        return self.process.pid

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace")

    def kill(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.wait()

    def terminate(self) -> int:
        self.wait_serving()
        self.process.send_signal(signal.SIGTERM)
        return self.wait()

    def wait_serving(self, timeout: float = 30) -> None:
        """Until the worker has started serving (its signal handlers are in place) or has exited: a
        SIGTERM during Python's start-up would kill it before it could stop gracefully."""
        from tests.support.waiting import wait_for_sync

        wait_for_sync(
            lambda: self.process.poll() is not None or " serving " in self.log_text(),
            timeout=timeout,
            interval=0.05,
            message=f"worker {self.process.pid} serving",
        )

    def wait(self, timeout: float = 60) -> int:
        try:
            return self.process.wait(timeout)
        finally:
            self._log.close()

    async def terminate_async(self) -> int:
        await asyncio.to_thread(self.wait_serving)
        self.process.send_signal(signal.SIGTERM)
        return await asyncio.to_thread(self.wait)
