"""Shared fixtures: a clean environment for every test, the app factory with a temporary
instance folder, its client, a CLI runner on the same instance, and signed-in agents (flaskr's
``conftest.py`` and ``AuthActions`` are the model)."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.postgres import PostgresCluster
from webapp import create_app

CHROME_WIN = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)


#: Variables of the test harness itself (where PostgreSQL's programs are, which browsers to
#: drive), not settings of the app: the only BROWSERCHECK_* variables a test may see.
HARNESS_VARIABLES = frozenset({"BROWSERCHECK_PG_BINDIR", "BROWSERCHECK_BROWSERS"})


@pytest.fixture(autouse=True)
def _reset_browsercheck_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test starts without the developer's BROWSERCHECK_* settings (a DATABASE_URL or
    POLICY_FILE of theirs would otherwise be migrated and written to); Flask's own
    ``_reset_os_environ`` is the model. A test sets what it needs with ``monkeypatch``."""
    for name in list(os.environ):
        if name.startswith("BROWSERCHECK_") and name not in HARNESS_VARIABLES:
            monkeypatch.delenv(name)


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[PostgresCluster]:
    """One throwaway PostgreSQL server for the whole run, started when a test first needs it."""
    cluster = PostgresCluster()
    yield cluster
    cluster.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest) -> str | None:
    """Each storage and API test runs on both databases: None is the default (SQLite in the
    instance folder); for PostgreSQL a fresh database on the throwaway server."""
    if request.param == "sqlite":
        return None
    cluster: PostgresCluster = request.getfixturevalue("postgres_cluster")
    return cluster.create_database(f"test_{next(_database_numbers)}")


_database_numbers = itertools.count()


@pytest.fixture
def app(tmp_path: Path, db_url: str | None) -> Iterator[Flask]:
    config: dict[str, object] = {"INSTANCE_PATH": str(tmp_path / "instance"), "TESTING": True}
    if db_url:
        config["DATABASE_URL"] = db_url
    app = create_app(config)
    yield app
    app.extensions["browsercheck.store"].close()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


class CommandRunner:
    """``browsercheck`` commands against the ``app`` fixture's own instance and database."""

    def __init__(self, app: Flask) -> None:
        self.env = {
            "BROWSERCHECK_INSTANCE_PATH": app.instance_path,
            "BROWSERCHECK_DATABASE_URL": app.config["DATABASE_URL"],
        }

    def invoke(self, *args: str, env: dict[str, str] | None = None, **options: Any) -> Result:
        from webapp.cli import main

        return CliRunner().invoke(main, list(args), env={**self.env, **(env or {})}, **options)


@pytest.fixture
def runner(app: Flask) -> CommandRunner:
    return CommandRunner(app)


# --- Support desk (issue 7): an agent account and a signed-in client ---
AGENT_EMAIL = "agent@example.com"
AGENT_PASSWORD = "correct horse battery staple"


def csrf_token(client: FlaskClient, url: str = "/support/login") -> str:
    """The CSRF token of the form on ``url`` (kept in the client's session cookie)."""
    import re

    html = client.get(url).get_data(as_text=True)
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, f"no CSRF token on {url}"
    return match.group(1)


def sign_in(
    client: FlaskClient, email: str = AGENT_EMAIL, password: str = AGENT_PASSWORD, **extra: str
):  # type: ignore[no-untyped-def]
    data = {"email": email, "password": password, "csrf_token": csrf_token(client), **extra}
    return client.post("/support/login", data=data)


class AuthActions:
    """Create an agent, sign in and out through the real forms (flaskr's ``AuthActions``)."""

    def __init__(self, app: Flask, client: FlaskClient) -> None:
        self.app, self.client = app, client

    def create(self, email: str = AGENT_EMAIL, password: str = AGENT_PASSWORD, role: str = "agent"):  # type: ignore[no-untyped-def]
        return self.app.extensions["browsercheck.accounts"].add_user(email, password, role)

    def login(self, email: str = AGENT_EMAIL, password: str = AGENT_PASSWORD) -> TestResponse:
        return sign_in(self.client, email, password)

    def logout(self) -> TestResponse:
        token = csrf_token(self.client, "/support/reports")
        return self.client.post("/support/logout", data={"csrf_token": token})


@pytest.fixture
def auth(app: Flask, client: FlaskClient) -> AuthActions:
    return AuthActions(app, client)


@pytest.fixture
def agent(app: Flask) -> str:
    app.extensions["browsercheck.accounts"].add_user(AGENT_EMAIL, AGENT_PASSWORD, "agent")
    return AGENT_EMAIL


@pytest.fixture
def desk(client: FlaskClient, agent: str) -> FlaskClient:
    """A client signed in as a support agent."""
    assert sign_in(client).status_code == 302
    return client
