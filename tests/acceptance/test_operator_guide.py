"""Every command in the README and the operator's guide (docs/*.md), run as written.

Each document is one scenario on a fresh, empty database: its ```sh and ```sql blocks run in order,
the way an operator would follow them. Rules, so the documents cannot drift from the code:

- every `sh` line runs through bash and must exit 0 (no traceback on stderr either);
- `talvix worker` and `talvix gateway` keep running for the rest of their block (an operator
  runs the next lines in another terminal) and must then stop with exit 0 on SIGTERM;
- `sql` blocks run as one script on the document's database;
- the placeholders an operator replaces (Supabase URLs, ports) are swapped for the test's own, by
  the exact text below, and every such text must still be in the documents;
- example event ids (`talvix retry 1042`) are real events, created just before the first line
  that names them;
- benchmark lines run as written but at a size that proves they work, not one that measures
  (BENCH_SIZES: the exact option text, swapped like the placeholders);
- the only line not run here is `make test`: it is the command that runs this test.
Doppler's servers cannot be reached from here, so `doppler` is tests/support/doppler_standin.py:
`secrets set` and `run --` keep their meaning over a local file.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import signal
import socket
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
import pytest

from listeners import database
from tests.support.waiting import wait_for

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
DOCUMENTS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
NOT_RUN = {"make test": "it is the command that runs this test"}
# A benchmark at the documented size takes minutes (the peers' drain of 5,000 jobs with
# Procrastinate alone ~20 s): the acceptance test proves each line runs, the benchmarks measure.
BENCH_SIZES = {
    "--events 5000": "--events 300",
    "--latency-count 300": "--latency-count 30",
    "--jobs 10000 --users 100": "--jobs 300 --users 5",
}
LONG_RUNNING = re.compile(r"\btalvix (worker|gateway)\b")
GATEWAY_PASSWORD = "a-long-random-password"
# What the documents show an operator, and what the test uses instead.
SUPABASE_URLS = {
    "worker": "postgresql://postgres.abcdefghijklmnop:PASSWORD@aws-0-ap-south-1.pooler.supabase.com:5432/postgres",
    "gateway": f"postgresql://talvix_gateway_login:{GATEWAY_PASSWORD}@db.abcdefghijklmnop.supabase.co:5432/postgres",
}
SECRETS = {
    "AGENT_SECRET": "agent-secret-" + uuid.uuid4().hex,
    "TALVIX_ADMIN_SECRET": "admin-secret-" + uuid.uuid4().hex,
    "AES_SESSION_KEY": os.urandom(32).hex(),
    "SUPABASE_JWT_SECRET": "jwt-secret-" + uuid.uuid4().hex,
}


def failed_event(event_id: int | None = None) -> str:
    """SQL for a fit_scorer event that failed a moment ago (with the example's id, when given)."""
    columns, values = (
        "agent, payload, status, attempts, finished_at, last_error",
        "'fit_scorer', '{}', 'failed', 5, now(), 'example failure'",
    )
    if event_id is None:
        return f"INSERT INTO talvix.events ({columns}) VALUES ({values})"
    return f"INSERT INTO talvix.events (id, {columns}) OVERRIDING SYSTEM VALUE VALUES ({event_id}, {values})"


# Events the documents use as examples, created before the first line that names them.
SEEDS = {
    "1042": failed_event(1042),
    "1043": failed_event(1043),
    "1044": "INSERT INTO talvix.events (id, agent, payload, run_after) "
    "OVERRIDING SYSTEM VALUE VALUES (1044, 'fit_scorer', '{}', now() + interval '1 hour')",
    "--failed-agent fit_scorer": failed_event(),
}


@dataclass
class Block:
    language: str
    source: str  # file:line
    text: str

    def commands(self) -> list[str]:
        """The block's shell lines, continuations joined, comment-only and empty lines dropped; for a
        systemd unit (```ini), its ExecStart line with the unit's paths pointing at this checkout."""
        if self.language == "ini":
            return [
                line.partition("=")[2].replace("/usr/bin/doppler", "doppler").replace("/opt/talvix/.venv/bin/", "")
                for line in self.text.splitlines()
                if line.startswith("ExecStart=")
            ]
        joined = re.sub(r"\\\n\s*", " ", self.text)
        return [line.strip() for line in joined.splitlines() if line.strip() and not line.strip().startswith("#")]


def blocks(document: Path) -> list[Block]:
    found = []
    text = document.read_text()
    for match in re.finditer(r"^```(\w*)\n(.*?)^```", text, flags=re.S | re.M):
        language = match.group(1)
        assert language not in ("bash", "shell", "console", "shell-session"), (
            f"{document.name}: write commands as ```sh so the guide test runs them"
        )
        if language in ("sh", "sql", "ini"):
            line = text[: match.start()].count("\n") + 1
            found.append(Block(language, f"{document.relative_to(REPO)}:{line}", match.group(2)))
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Scenario:
    """One document's run: its database, its environment and what it has seen."""

    database_url: str
    tmp: Path
    conn: asyncpg.Connection
    ports: dict[str, int] = field(default_factory=lambda: {"8080": free_port(), "8081": free_port()})
    seeded: set[str] = field(default_factory=set)
    substitutions_used: set[str] = field(default_factory=set)

    def replacements(self) -> dict[str, str]:
        gateway_url = self.database_url.replace("postgresql://postgres@", f"postgresql://talvix_gateway_login:{GATEWAY_PASSWORD}@")
        return {SUPABASE_URLS["worker"]: self.database_url, SUPABASE_URLS["gateway"]: gateway_url}

    def localise(self, command: str) -> str:
        for documented, ours in self.replacements().items():
            if documented in command:
                self.substitutions_used.add(documented)
                command = command.replace(documented, ours)
        for documented, port in self.ports.items():
            command = re.sub(rf"\b{documented}\b", str(port), command)
        if "talvix bench" in command:
            for documented, ours in BENCH_SIZES.items():
                command = command.replace(documented, ours)
        return command

    def env(self) -> dict[str, str]:
        bin_dir = self.tmp / "bin"
        if not bin_dir.exists():
            bin_dir.mkdir()
            doppler = bin_dir / "doppler"
            doppler.write_text(f'#!/bin/sh\nexec {sys.executable} -m tests.support.doppler_standin "$@"\n')
            doppler.chmod(0o755)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TALVIX_", "DATABASE_URL", "GATEWAY_"))}
        return {
            **env,
            **SECRETS,
            "PATH": f"{bin_dir}:{Path(sys.executable).parent}:{env['PATH']}",
            "PYTHONPATH": str(REPO),
            "DATABASE_URL": self.database_url,
            "TALVIX_GATEWAY_PORT": str(self.ports["8081"]),
            "STORAGE_ROOT": str(self.tmp / "storage"),
            "DOPPLER_STANDIN_STORE": str(self.tmp / "doppler.json"),
            "TALVIX_LOG_LEVEL": "WARNING",
        }

    async def seed(self, command: str) -> None:
        for trigger, sql in SEEDS.items():
            if trigger in command and trigger not in self.seeded:
                await self.conn.execute(sql)
                self.seeded.add(trigger)

    async def listeners(self) -> int:
        return await self.conn.fetchval(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE 'talvix-listener%'"
        )


@contextlib.asynccontextmanager
async def scenario(pg_server: str, tmp: Path) -> AsyncIterator[Scenario]:
    name = f"talvix_guide_{uuid.uuid4().hex[:10]}"
    url = await database.create_database(pg_server, name)  # empty: the documents migrate it themselves
    conn = await database.connect(url)
    await conn.execute("DROP ROLE IF EXISTS talvix_gateway_login")
    try:
        yield Scenario(url, tmp, conn)
    finally:
        await conn.close()
        await database.drop_database(pg_server, name)
        admin = await database.connect(pg_server)
        await admin.execute("DROP ROLE IF EXISTS talvix_gateway_login")
        await admin.close()


def run_line(command: str, env: dict[str, str], source: str, log: Path) -> None:
    with log.open("w+") as out:
        result = subprocess.run(["bash", "-c", command], env=env, cwd=REPO, stdout=out, stderr=subprocess.STDOUT, timeout=900)
        out.seek(0)
        output = out.read()
    assert result.returncode == 0, f"{source}: `{command}` exited {result.returncode}:\n{output[-3000:]}"
    assert "Traceback" not in output, f"{source}: `{command}` printed a traceback:\n{output[-3000:]}"


@contextlib.contextmanager
def long_running(command: str, env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    out = log.open("wb")
    proc = subprocess.Popen(
        ["bash", "-c", command], env=env, cwd=REPO, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        yield proc
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        out.close()


def gateway_listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


async def ready(run: Scenario, command: str, proc: subprocess.Popen[bytes], log: Path, listeners_before: int) -> bool:
    """A gateway is ready when its port accepts connections; a worker, once its LISTEN connection is up."""
    assert proc.poll() is None, f"`{command}` exited {proc.returncode}:\n{log.read_text()[-3000:]}"
    if "talvix gateway" in command:
        return gateway_listening(run.ports["8081"])
    return await run.listeners() > listeners_before


async def run_block(block: Block, run: Scenario) -> None:
    if block.language == "sql":
        await run.seed(block.text)
        try:
            await run.conn.execute(run.localise(block.text))
        except asyncpg.PostgresError as exc:
            raise AssertionError(f"{block.source}: SQL failed: {exc}") from exc
        return
    env = run.env()
    with contextlib.ExitStack() as stack:
        started: list[tuple[str, subprocess.Popen[bytes], Path]] = []
        for i, line in enumerate(block.commands()):
            if line.partition(" #")[0].strip() in NOT_RUN:
                continue
            await run.seed(line)
            command = run.localise(line)
            log = run.tmp / f"{block.source.replace('/', '_')}-{i}.log"
            if not LONG_RUNNING.search(command):
                run_line(command, env, block.source, log)
                continue
            before = await run.listeners()
            proc = stack.enter_context(long_running(command, env, log))
            started.append((line, proc, log))
            await wait_for(
                functools.partial(ready, run, command, proc, log, before),
                timeout=60,
                interval=0.1,
                message=f"{block.source}: `{line}` to be ready",
            )
        for line, proc, log in started:  # stopped as an operator would: SIGTERM, then a clean exit
            os.killpg(proc.pid, signal.SIGTERM)
            code = proc.wait(60)
            assert code == 0, f"{block.source}: `{line}` exited {code} on SIGTERM:\n{log.read_text()[-3000:]}"


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: p.name)
async def test_every_command_in_the_document_runs(document: Path, pg_server: str, tmp_path: Path) -> None:
    found = blocks(document)
    assert found, f"{document.name} has no commands"
    async with scenario(pg_server, tmp_path) as run:
        for block in found:
            await run_block(block, run)
        documented = {url for url in SUPABASE_URLS.values() if url in document.read_text()}
        assert run.substitutions_used == documented


def test_the_guide_exists_and_every_placeholder_is_still_used() -> None:
    text = "\n".join(d.read_text() for d in DOCUMENTS)
    assert (REPO / "docs" / "operations.md") in DOCUMENTS
    unused = [url for url in SUPABASE_URLS.values() if url not in text]
    assert not unused, f"placeholders no document uses any more: {unused}"
    stale = [seed for seed in SEEDS if seed not in text]
    assert not stale, f"example events no document names any more: {stale}"
    for line in NOT_RUN:
        assert line in text
    assert all(size in text for size in BENCH_SIZES), "a benchmark size the test shrinks is no longer documented"
