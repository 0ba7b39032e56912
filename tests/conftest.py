"""Shared fixtures: the app factory with a temporary instance folder, its client and CLI runner."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from webapp import create_app

CHROME_WIN = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    app = create_app({"INSTANCE_PATH": str(tmp_path / "instance"), "TESTING": True})
    yield app
    app.extensions["browsercheck.store"].close()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()
