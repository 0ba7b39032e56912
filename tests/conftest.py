"""Shared fixtures: the app factory with a temporary instance folder, its client and CLI runner."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.postgres import PostgresCluster
from webapp import create_app

CHROME_WIN = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)


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


@pytest.fixture
def agent(app: Flask) -> str:
    app.extensions["browsercheck.accounts"].add_user(AGENT_EMAIL, AGENT_PASSWORD, "agent")
    return AGENT_EMAIL


@pytest.fixture
def desk(client: FlaskClient, agent: str) -> FlaskClient:
    """A client signed in as a support agent."""
    assert sign_in(client).status_code == 302
    return client
