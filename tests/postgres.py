"""A throwaway PostgreSQL server for tests and benchmarks: initdb + pg_ctl in a temporary folder.

Uses Debian's ``postgresql`` package (scripts/install-test-deps.sh installs it). PostgreSQL will
not run as root, so as root the cluster belongs to the ``postgres`` user and every server
command runs through ``runuser``. The server listens on 127.0.0.1 on a free port with trust
authentication for the ``postgres`` role, and is removed with its folder by ``close()``.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import psycopg

SERVER_USER = "postgres"
#: Settings for tests: nothing to keep across a power cut, so skip the flushes that cost time.
FAST = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"


class PostgresMissing(RuntimeError):
    """PostgreSQL's server programs are not installed."""


def find_bindir() -> Path:
    """The folder with initdb and pg_ctl: $BROWSERCHECK_PG_BINDIR, else Debian's newest."""
    configured = os.environ.get("BROWSERCHECK_PG_BINDIR")
    candidates = (
        [configured]
        if configured
        else sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]))
    )
    for candidate in reversed(candidates):
        if (Path(candidate) / "initdb").exists():
            return Path(candidate)
    raise PostgresMissing(
        "PostgreSQL's initdb was not found: run `bash scripts/install-test-deps.sh` as root "
        "(Debian's postgresql package) or set BROWSERCHECK_PG_BINDIR"
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PostgresCluster:
    """One PostgreSQL server of our own; ``close()`` stops it and deletes it (idempotent).

    ``durable=False`` (tests) turns off fsync; benchmarks keep PostgreSQL's defaults."""

    def __init__(self, durable: bool = False) -> None:
        self.bindir = find_bindir()
        self.root = Path(tempfile.mkdtemp(prefix="browsercheck-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.port = free_port()
        self._as_root = os.geteuid() == 0
        self._closed = False
        if self._as_root:
            shutil.chown(self.root, SERVER_USER)
        try:
            self._run(
                "initdb",
                "-D",
                str(self.data),
                "-U",
                SERVER_USER,
                "--auth=trust",
                "--encoding=UTF8",
                "--no-locale",
                "--no-sync",
            )
            self._options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1"
            self._options += "" if durable else " " + FAST
            self.start()
        except BaseException:
            self.close()
            raise

    def start(self) -> None:
        """Start the server (again, after :meth:`stop`); returns once it accepts connections."""
        self._run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60",
            "-o", self._options, "start",
        )  # fmt: skip

    def stop(self) -> None:
        """Stop the server at once, as a crash or a failover would (``-m immediate``)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def _run(self, program: str, *args: str) -> None:
        command = [str(self.bindir / program), *args]
        if self._as_root:
            command = ["runuser", "-u", SERVER_USER, "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            log = self.log.read_text() if self.log.exists() else ""
            raise RuntimeError(f"{program} failed:\n{done.stdout}{done.stderr}{log}")

    def url(self, database: str = "postgres") -> str:
        """SQLAlchemy URL of ``database`` on this server (psycopg 3)."""
        return f"postgresql+psycopg://{SERVER_USER}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        """Create an empty database and return its URL."""
        dsn = f"host=127.0.0.1 port={self.port} user={SERVER_USER} dbname=postgres"
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        if (self.data / "postmaster.pid").exists():
            try:
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
            except RuntimeError:
                pass  # removing the folder below is what matters now
        shutil.rmtree(self.root, ignore_errors=True)
