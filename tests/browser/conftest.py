"""Real-browser tests: a real server process on a free port, browsers resolved by matrix.qa.engines."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from threading import Thread
from typing import Any
from urllib.request import Request, urlopen

import pytest

from matrix.qa.engines import ENGINES, BrowserSession, EngineHub, EngineMissing, resolve_engine
from matrix.qa.server import LiveServer, free_port  # noqa: F401 - re-exported for browser tests


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    server = LiveServer(tmp_path_factory.mktemp("live") / "instance")
    yield server
    server.stop()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: Any) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    server = item.funcargs.get("live_server") if hasattr(item, "funcargs") else None
    if report.failed and isinstance(server, LiveServer) and server.log.exists():
        report.sections.append(("live server log", server.log.read_text()[-5000:]))


@pytest.fixture(scope="session")
def browser_type_launch_args(
    browser_type_launch_args: dict[str, Any], playwright: Any, browser_name: str
) -> dict[str, Any]:
    """Playwright's own browser where installed, else the system's (see matrix/qa/engines.py)."""
    launch = resolve_engine(playwright, browser_name)
    if isinstance(launch, EngineMissing):
        pytest.fail(launch.reason)  # make test installs every engine: missing is a failure
    return {**browser_type_launch_args, **launch.launch_kwargs}


@pytest.fixture(scope="session")
def engine_hub(playwright: Any) -> Iterator[EngineHub]:
    """Sessions on every engine, sharing pytest-playwright's Playwright instance."""
    hub = EngineHub(playwright)
    yield hub
    hub.close()


@pytest.fixture(params=ENGINES)
def session(request: pytest.FixtureRequest, engine_hub: EngineHub) -> Iterator[BrowserSession]:
    """A fresh browser session in each engine: Chromium, Firefox and WebKit.

    A missing engine fails the test (``make test`` installs all three); it is never skipped.
    """
    opened = engine_hub.open(request.param)
    yield opened
    opened.close()


# --- Support desk (issue 7): an agent account in the live server's database, made by the CLI ---
DESK_EMAIL = "desk-agent@example.com"
DESK_PASSWORD = "browser test passphrase 42"


@pytest.fixture(scope="session")
def desk_agent(live_server: LiveServer) -> tuple[str, str]:
    """``browsercheck users add`` run against the live server's instance folder."""
    result = subprocess.run(
        [sys.executable, "-m", "webapp", "users", "add", DESK_EMAIL, "--password", DESK_PASSWORD],
        env={**os.environ, "BROWSERCHECK_INSTANCE_PATH": str(live_server.log.parent)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return DESK_EMAIL, DESK_PASSWORD


def create_report(server: LiveServer, payload: dict[str, Any]) -> dict[str, Any]:
    """``POST /api/v1/reports`` to the live server from the test (no browser): the 201 body."""
    request = Request(
        f"{server.url}/api/v1/reports",
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urlopen(request, timeout=10) as response:
        created: dict[str, Any] = json.load(response)
    return created


def sign_in_page(page: Any, server: LiveServer, agent: tuple[str, str]) -> None:
    """Sign ``page`` in to the support desk through the login form."""
    page.goto(f"{server.url}/support/login?lang=en")
    page.fill("#email", agent[0])
    page.fill("#password", agent[1])
    page.click("form.login button[type=submit]")
    page.wait_for_url(f"{server.url}/support/reports*")


class StaticHost:
    """A second origin: ``http.server`` serving a folder on another free port; close() is idempotent."""

    def __init__(
        self, root: Path, handler_class: type[SimpleHTTPRequestHandler] | None = None
    ) -> None:
        self.root = root
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        handler = partial(handler_class or QuietHandler, directory=str(root))
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), handler)
        self.thread = Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        if self.thread.is_alive():
            self.server.shutdown()
            self.thread.join(10)
        self.server.server_close()


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the parent's name
        pass
