"""The app's JSON (webapp/jsonio.py): orjson-encoded, with the answers Flask's own JSON gives."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from flask import Flask, jsonify
from flask.testing import FlaskClient

from webapp.jsonio import OrjsonProvider, init_app


@dataclass
class Point:
    x: int
    label: str


@pytest.fixture
def flask_app() -> Flask:
    """A bare Flask app with our provider (the app factory's own is checked below)."""
    app = Flask("orjson")
    init_app(app)
    return app


def stdlib_flask() -> Flask:
    app = Flask("stdlib")
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    return app


def test_the_app_factory_uses_orjson(client: FlaskClient) -> None:
    assert isinstance(client.application.json, OrjsonProvider)
    answer = client.post("/api/v1/reports", data="[", content_type="application/json")
    assert answer.status_code == 400 and answer.get_data().startswith(b'{"error":{"code":')


def test_answers_equal_flasks_own(flask_app: Flask) -> None:
    """UTF-8 without escapes, sorted keys, Flask's dates and dataclasses, compact."""
    value = {
        "b": "Підтримується <script>",
        "a": [1, 2.5, None, True],
        "when": datetime(2026, 11, 30, 12, 0, tzinfo=UTC),
        "point": Point(3, "ї"),
        "nested": {"z": 1, "y": {"é": "ñ"}},
    }
    reference = stdlib_flask()
    with reference.app_context():
        expected = jsonify(value).get_data()
    with flask_app.app_context():
        body = jsonify(value).get_data()
    compact = json.dumps(
        json.loads(expected), ensure_ascii=False, sort_keys=True, separators=(",", ":")
    )
    assert body == compact.encode("utf-8")  # byte for byte, keys in Flask's (sorted) order
    assert "Підтримується".encode() in body and b"\\u" not in body
    assert b'"when":"Mon, 30 Nov 2026 12:00:00 GMT"' in body  # Flask's HTTP date, not ISO


def test_what_orjson_refuses_is_encoded_by_the_standard_library(flask_app: Flask) -> None:
    huge = 10**30  # past 64 bits: orjson raises, the standard library does not
    with flask_app.app_context():
        assert json.loads(jsonify({"n": huge}).get_data()) == {"n": huge}
        assert flask_app.json.dumps({"n": -huge}) == '{"n":-1000000000000000000000000000000}'


def test_explicit_options_keep_the_standard_librarys_meaning(flask_app: Flask) -> None:
    with flask_app.app_context():
        assert flask_app.json.dumps({"b": 1, "a": "ї"}, indent=2) == json.dumps(
            {"a": "ї", "b": 1}, ensure_ascii=False, indent=2
        )


def test_debug_answers_are_indented_as_flasks(flask_app: Flask) -> None:
    flask_app.debug = True
    with flask_app.app_context():
        body = jsonify({"a": {"b": 1}}).get_data(as_text=True)
    assert body == '{\n  "a": {\n    "b": 1\n  }\n}\n'
