"""Every error answer of the API: JSON ``{"error": {"code", "message", "field"}}``, a stable code,
the offending field, and the document's Error schema. One case per path to an error."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from jsonschema import Draft202012Validator
from werkzeug.test import TestResponse

from webapp import create_app
from webapp.errors import HTTP_ERROR_CODES
from webapp.openapi import build_document
from webapp.storage.tables import Base

Request = Callable[[FlaskClient], TestResponse]


def _post(data: str | bytes, content_type: str = "application/json") -> Request:
    return lambda client: client.post("/api/v1/reports", data=data, content_type=content_type)


def _nested(levels: int) -> str:
    return '{"x": ' + "[" * levels + "1" + "]" * levels + "}"


# (id, request, status, code, field)
CASES: list[tuple[str, Request, int, str, str | None]] = [
    ("malformed", _post("{not json"), 400, "malformed_json", "$"),
    ("nan", _post('{"devicePixelRatio": NaN}'), 400, "malformed_json", "$"),
    ("infinity", _post('{"devicePixelRatio": -Infinity}'), 400, "malformed_json", "$"),
    ("bad-utf8", _post(b'{"platform": "\xff\xfe\xfd"}'), 400, "malformed_json", "$"),
    ("array", _post("[1, 2]"), 400, "not_an_object", "$"),
    ("string", _post('"report"'), 400, "not_an_object", "$"),
    ("null", _post("null"), 400, "not_an_object", "$"),
    ("deeper-than-decoder", _post("[" * 32_000 + "]" * 32_000), 400, "too_deep", "$"),
    ("deeper-than-limit", _post(_nested(9)), 400, "too_deep", "$.x" + "[0]" * 8),
    (
        "lone-surrogate",
        _post('{"context": {"login": "a\\ud800b"}}'),
        400,
        "invalid_text",
        "$.context.login",
    ),
    ("lone-surrogate-name", _post('{"\\udfff": 1}'), 400, "invalid_text", "$.\\udfff"),
    ("nul-in-text", _post('{"userAgent": "Mozilla\\u0000"}'), 400, "schema_pattern", "$.userAgent"),
    (
        "control-in-line",
        _post('{"context": {"login": "a\\u001bb"}}'),
        400,
        "schema_pattern",
        "$.context.login",
    ),
    (
        "long-string",
        _post('{"context": {"login": "' + "x" * 201 + '"}}'),
        400,
        "schema_maxLength",
        "$.context.login",
    ),
    (
        "long-array",
        _post('{"languages": [' + ",".join(['"uk"'] * 21) + "]}"),
        400,
        "schema_maxItems",
        "$.languages",
    ),
    (
        "unknown-field",
        _post('{"context": {"passport": "x"}}'),
        400,
        "schema_additionalProperties",
        "$.context.passport",
    ),
    (
        "long-unknown-name",
        _post('{"' + "k" * 5000 + '": 1}'),
        400,
        "schema_additionalProperties",
        "$." + "k" * 100,
    ),
    ("unknown-api-path", lambda c: c.get("/api/v2/reports"), 404, "not_found", None),
    ("no-such-report", lambda c: c.get("/api/v1/reports/ZZZZ-ZZZZ?t=x"), 404, "not_found", None),
    ("malformed-code", lambda c: c.get("/api/v1/reports/not-a-code"), 404, "not_found", None),
    ("delete-reports", lambda c: c.delete("/api/v1/reports"), 405, "method_not_allowed", None),
    ("post-build", lambda c: c.post("/api/v1/build", json={}), 405, "method_not_allowed", None),
    ("put-openapi", lambda c: c.put("/api/openapi.json"), 405, "method_not_allowed", None),
    ("too-large", _post('{"page": "' + "x" * 70_000 + '"}'), 413, "body_too_large", "$"),
    ("text-plain", _post("{}", "text/plain"), 415, "unsupported_media_type", "$"),
    (
        "form",
        _post("lang=uk", "application/x-www-form-urlencoded"),
        415,
        "unsupported_media_type",
        "$",
    ),
    (
        "no-content-type",
        lambda c: c.post("/api/v1/reports", data=b"{}"),
        415,
        "unsupported_media_type",
        "$",
    ),
]


@pytest.fixture(scope="module")
def error_schema(tmp_path_factory: pytest.TempPathFactory) -> Draft202012Validator:
    app = create_app({"INSTANCE_PATH": str(tmp_path_factory.mktemp("doc"))})
    document = build_document(app)
    app.extensions["browsercheck.store"].close()
    return Draft202012Validator(document["components"]["schemas"]["Error"])


def assert_error(
    response: TestResponse,
    status: int,
    code: str,
    field: str | None,
    validator: Draft202012Validator,
) -> dict[str, Any]:
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/json"
    body = response.get_json()
    validator.validate(body)
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "field"}
    assert body["error"]["code"] == code
    assert body["error"]["field"] == field
    assert body["error"]["message"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    return body


@pytest.mark.parametrize(
    "request_fn,status,code,field", [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_error_answer(
    client: FlaskClient,
    error_schema: Draft202012Validator,
    request_fn: Request,
    status: int,
    code: str,
    field: str | None,
) -> None:
    response = request_fn(client)
    assert_error(response, status, code, field, error_schema)
    if status == 405:
        assert response.headers["Allow"]


def test_wrong_token_and_missing_report_answer_alike(client: FlaskClient) -> None:
    created = client.post("/api/v1/reports", json={}).get_json()
    code = created["code"]
    wrong = client.get(f"/api/v1/reports/{code}?t=wrong")
    absent = client.get("/api/v1/reports/ZZZZ-ZZZZ?t=wrong")
    assert (wrong.status_code, wrong.data) == (absent.status_code, absent.data)


@pytest.fixture
def limited_app(tmp_path: Path) -> Iterator[Flask]:
    app = create_app({"INSTANCE_PATH": str(tmp_path), "RATELIMIT": "2/minute"})
    yield app
    app.extensions["browsercheck.store"].close()


def test_rate_limited_answer(limited_app: Flask, error_schema: Draft202012Validator) -> None:
    client = limited_app.test_client()
    statuses = [client.post("/api/v1/reports", json={}).status_code for _ in range(3)]
    assert statuses == [201, 201, 429]
    response = client.post("/api/v1/reports", json={})
    assert_error(response, 429, "rate_limited", None, error_schema)
    # Never more than the limit's window (flask-limiter's own reset_at is a second late).
    assert 1 <= int(response.headers["Retry-After"]) <= 60


@pytest.fixture
def broken_app(tmp_path: Path) -> Iterator[Flask]:
    """An app whose database lost its table: every write fails inside SQLAlchemy."""
    app = create_app({"INSTANCE_PATH": str(tmp_path), "PROPAGATE_EXCEPTIONS": False})
    Base.metadata.drop_all(app.extensions["browsercheck.store"].engine)
    yield app
    app.extensions["browsercheck.store"].close()


def test_server_error_answer_says_nothing_of_the_cause(
    broken_app: Flask, error_schema: Draft202012Validator
) -> None:
    response = broken_app.test_client().post(
        "/api/v1/reports", json={"context": {"login": "leak-me@example.com"}}
    )
    assert_error(response, 500, "internal_error", None, error_schema)
    text = response.get_data(as_text=True)
    assert "leak-me" not in text and "INSERT" not in text and "sqlite" not in text.lower()


def test_every_error_status_is_walked() -> None:
    walked = {status for _, _, status, _, _ in CASES} | {429, 500}
    assert {404, 405, 413, 415, 429, 500} <= walked
    stable = {code for _, _, status, code, _ in CASES if status != 400}
    assert stable <= set(HTTP_ERROR_CODES.values())
