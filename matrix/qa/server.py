"""Run the web app as a real server process on a free port (for the QA matrix and browser tests).

``python -m webapp serve`` is started as a subprocess, so this module imports nothing from webapp.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LiveServer:
    """``python -m webapp serve`` in a subprocess with its own instance folder.

    ``instance`` is the instance folder (a temporary one, removed on ``stop()``, when None); the
    server's output goes to ``instance/server.log``. Raises RuntimeError with that log when the
    server does not answer within ``timeout`` seconds. ``port`` fixes the port (a server restarted
    on the port of a stopped one, under a page still open); default: a free one. ``stop()`` is
    idempotent.
    """

    def __init__(
        self,
        instance: Path | None = None,
        env: dict[str, str] | None = None,
        timeout: float = 30.0,
        args: tuple[str, ...] = (),
        port: int | None = None,
    ) -> None:
        self._tempdir = None if instance else tempfile.TemporaryDirectory(prefix="browsercheck-")
        instance = instance or Path(self._tempdir.name) / "instance"  # type: ignore[union-attr]
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = instance / "server.log"
        instance.mkdir(parents=True, exist_ok=True)
        environ = {**os.environ, "BROWSERCHECK_INSTANCE_PATH": str(instance), **(env or {})}
        self._log_file = open(self.log, "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "webapp", "serve", "--port", str(self.port), *args],
            env=environ,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: kill() reaches gunicorn's workers
        )
        deadline = time.monotonic() + timeout
        while True:
            try:
                urllib.request.urlopen(self.url + "/api/v1/build", timeout=1).close()
                break
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    log = self.log.read_text()
                    self.stop()
                    raise RuntimeError("server did not start:\n" + log) from None
                time.sleep(0.1)

    def __enter__(self) -> LiveServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def kill(self) -> None:
        """SIGKILL the server and all its worker processes at once, as a crash would."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:  # the workers too: none may keep the port
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)
        if not self._log_file.closed:
            self._log_file.close()
        if self._tempdir is not None:
            self._tempdir.cleanup()
            self._tempdir = None
