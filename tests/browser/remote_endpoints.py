"""Remote browser endpoints on loopback ports, for tests/browser/test_matrix_remote.py and
benchmarks/matrix_remote.py: a ``playwright run-server``, Debian's chromedriver and WebKitWebDriver.

The Playwright server has no browsers of Playwright's own here: :func:`connect_value` puts the
system browsers' launch options in the URL (browsercheck sends them in the
``x-playwright-launch-options`` header), and the server runs with ``--unsafe`` to accept them.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from matrix.qa.engines import CHROMIUM_ARGS, SYSTEM_BINARIES, VirtualDisplay
from matrix.qa.server import free_port

CHROMEDRIVER = ("/usr/bin/chromedriver", "chromium-driver")
WEBKITWEBDRIVER = (SYSTEM_BINARIES["webkit"][0], "webkit2gtk-driver")
#: goog:chromeOptions for chromedriver: the system Chromium, as matrix/qa/engines.py launches it.
CHROME_OPTIONS = {
    "binary": SYSTEM_BINARIES["chromium"][0],
    "args": ["--headless=new", *CHROMIUM_ARGS],
}


class EndpointMissing(RuntimeError):
    """The program of an endpoint is not installed (make test installs it)."""


class Endpoint:
    """A server process on a loopback port (its output in ``log``); ``stop()`` is idempotent."""

    def __init__(
        self, args: list[str], port: int, log: Path, env: dict[str, str] | None = None
    ) -> None:
        self.port, self.log = port, log
        self._log = open(log, "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            args, stdout=self._log, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})}
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"{args[0]} did not start:\n{log.read_text()}") from None
                time.sleep(0.1)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
        self._log.close()


def _program(path: str, package: str) -> str:
    if not Path(path).exists():
        raise EndpointMissing(f"{path} is missing: apt-get install {package}")
    return path


@contextmanager
def playwright_server(folder: Path) -> Iterator[Endpoint]:
    """``python -m playwright run-server --unsafe`` on a free port."""
    port = free_port()
    args = [sys.executable, "-m", "playwright", "run-server", "--host", "127.0.0.1"]
    server = Endpoint([*args, "--port", str(port), "--unsafe"], port, folder / "run-server.log")
    try:
        yield server
    finally:
        server.stop()


@contextmanager
def chromedriver(folder: Path) -> Iterator[Endpoint]:
    """Debian's chromedriver on a free port."""
    port = free_port()
    driver = Endpoint(
        [_program(*CHROMEDRIVER), f"--port={port}"], port, folder / "chromedriver.log"
    )
    try:
        yield driver
    finally:
        driver.stop()


@contextmanager
def webkit_driver(folder: Path) -> Iterator[Endpoint]:
    """WebKitWebDriver on a free port, under an Xvfb of its own when there is no display."""
    program = _program(*WEBKITWEBDRIVER)
    display = None if os.environ.get("DISPLAY") else VirtualDisplay()
    env = {"DISPLAY": display.display} if display else {}
    port = free_port()
    try:
        driver = Endpoint([program, f"--port={port}"], port, folder / "webkitwebdriver.log", env)
        try:
            yield driver
        finally:
            driver.stop()
    finally:
        if display:
            display.close()


def connect_value(engine: str, server: Endpoint) -> str:
    """``ENGINE=WS_URL`` for ``--connect``, with the system browser's launch options
    (DEVELOPERS.md: Chromium's flags, Firefox over BiDi)."""
    options: dict[str, Any] = {"executablePath": SYSTEM_BINARIES[engine][0]}
    if engine == "chromium":
        options["args"] = list(CHROMIUM_ARGS)
    else:
        options["channel"] = "moz-firefox"
    return f"{engine}=ws://127.0.0.1:{server.port}/?launch-options={json.dumps(options)}"
