"""``/healthz`` (the process answers) and ``/readyz`` (the database answers)."""

from __future__ import annotations

from pathlib import Path

from flask.testing import FlaskClient

from tests.postgres import free_port
from webapp import create_app


def test_healthz_answers_ok(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


def test_readyz_names_the_database_it_reached(client: FlaskClient, db_url: str | None) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    expected = "postgresql" if db_url else "sqlite"
    assert response.get_json() == {"status": "ready", "database": expected}


def test_readyz_is_503_when_the_database_is_unreachable(tmp_path: Path) -> None:
    closed_port = free_port()  # nothing listens there
    app = create_app(
        {
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "DATABASE_URL": f"postgresql+psycopg://nobody@127.0.0.1:{closed_port}/none",
            "MIGRATE_ON_START": False,
        }
    )
    try:
        client = app.test_client()
        assert client.get("/healthz").status_code == 200  # up, but not ready
        response = client.get("/readyz")
        assert response.status_code == 503
        error = response.get_json()["error"]
        assert error["code"] == "database_unavailable" and error["field"] is None
        assert "OperationalError" in error["message"]
    finally:
        app.extensions["browsercheck.store"].close()
