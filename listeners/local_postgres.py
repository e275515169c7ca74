"""A private PostgreSQL server for the demo and for tests on machines that have no server running.

It uses the machine's own PostgreSQL binaries (Debian's `postgresql` package), creates a cluster
with `initdb`, and runs it on 127.0.0.1 on a free port. `initdb` and `postgres` refuse to run as
root, so as root they run as the `postgres` OS user.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
from pathlib import Path


class LocalPostgresError(RuntimeError):
    pass


def find_bindir() -> Path:
    """The newest installed PostgreSQL's bin folder."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name))
    for folder in reversed(candidates):
        if Path(folder, "initdb").exists() and Path(folder, "pg_ctl").exists():
            return Path(folder)
    found = shutil.which("pg_ctl")
    if found and Path(found).with_name("initdb").exists():
        return Path(found).parent
    raise LocalPostgresError(
        "no PostgreSQL server binaries found (looked in /usr/lib/postgresql/*/bin and PATH); "
        "install Debian's `postgresql` package, or set DATABASE_URL to an existing server"
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class LocalPostgres:
    """`with LocalPostgres(folder) as pg: pg.dsn` starts (creating if needed) and stops a cluster."""

    def __init__(self, data_dir: Path, port: int | None = None, fast: bool = False, bindir: Path | None = None) -> None:
        self.data_dir = Path(data_dir).resolve()
        self.port = port or free_port()
        self.fast = fast  # tests only: no fsync, since the cluster is thrown away
        self.bindir = bindir or find_bindir()
        self._as_postgres = os.geteuid() == 0

    @property
    def dsn(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        command = [str(self.bindir / args[0]), *args[1:]]
        if self._as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if check and result.returncode != 0:
            raise LocalPostgresError(f"{args[0]} failed ({result.returncode}): {result.stderr.strip() or result.stdout.strip()}")
        return result

    def _prepare_dir(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if self._as_postgres:
            user = pwd.getpwnam("postgres")
            os.chown(self.data_dir, user.pw_uid, user.pw_gid)
            os.chmod(self.data_dir, 0o700)
            probe = subprocess.run(["runuser", "-u", "postgres", "--", "test", "-w", str(self.data_dir)], check=False)
            if probe.returncode != 0:
                raise LocalPostgresError(
                    f"the postgres OS user cannot write {self.data_dir} (a parent folder is not searchable by it); "
                    "choose a folder it can reach"
                )

    def start(self) -> str:
        self._prepare_dir()
        if not (self.data_dir / "PG_VERSION").exists():
            self._run("initdb", "-D", str(self.data_dir), "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8")
        options = [f"-p {self.port}", "-c listen_addresses=127.0.0.1", f"-k {self.data_dir}", "-c max_connections=200"]
        if self.fast:
            options += ["-c fsync=off", "-c full_page_writes=off"]
        self._run(
            "pg_ctl",
            "-D",
            str(self.data_dir),
            "-l",
            str(self.data_dir / "server.log"),
            "-o",
            " ".join(options),
            "-w",
            "-t",
            "60",
            "start",
        )
        return self.dsn

    def stop(self, mode: str = "fast") -> None:
        if (self.data_dir / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(self.data_dir), "-m", mode, "-w", "stop", check=False)

    def restart(self) -> None:
        """Stop and start again on the same port (fault tests)."""
        self.stop("fast")
        self.start()

    def __enter__(self) -> LocalPostgres:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        with contextlib.suppress(LocalPostgresError):
            self.stop()
