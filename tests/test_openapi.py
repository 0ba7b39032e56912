"""GET /api/openapi.json: a valid OpenAPI 3.1 document naming every route, whose payload schema
is probes/schema.json itself."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from probes import payload_schema
from webapp.openapi import PRIVATE_BLUEPRINTS

PAYLOADS: list[tuple[str, Any]] = [
    ("empty", {}),
    (
        "probe",
        {
            "schema_version": 1,
            "source": "web",
            "lang": "uk",
            "userAgentData": {"brands": [{"brand": "Chromium", "version": "131"}]},
            "screen": {"width": 1920, "height": 1080},
            "context": {"login": "a@b.c"},
        },
    ),
    ("bad-brand", {"userAgentData": {"brands": [{"brand": "x" * 201, "version": "1"}]}}),
    ("bad-context", {"context": {"login": "a\u0000b"}}),
    ("unknown", {"tracking": 1}),
    ("bad-size", {"screen": {"width": -1}}),
]


@pytest.fixture
def document(client: FlaskClient) -> dict[str, Any]:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    body: dict[str, Any] = response.get_json()
    return body


def test_document_is_valid_openapi_3_1(document: dict[str, Any]) -> None:
    assert document["openapi"].startswith("3.1")
    validate(document)  # openapi-spec-validator: the whole document, every schema in it


def test_every_route_and_method_is_described(app: Flask, document: dict[str, Any]) -> None:
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith(PRIVATE_BLUEPRINTS):
            assert not any(p.startswith("/support") for p in document["paths"])
            continue
        path = rule.rule.replace("<path:", "<").replace("<", "{").replace(">", "}")
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}:
            operation = document["paths"][path][method.lower()]
            assert operation["summary"] and operation["responses"], (path, method)


def test_api_errors_are_described_with_the_error_shape(document: dict[str, Any]) -> None:
    create = document["paths"]["/api/v1/reports"]["post"]["responses"]
    for status in ("400", "413", "415", "429", "500"):
        schema = create[status]["content"]["application/json"]["schema"]
        assert schema == {"$ref": "#/components/schemas/Error"}, status
    assert create["429"]["headers"]["Retry-After"]["required"] is True


def _embedded_validator(document: dict[str, Any]) -> Draft202012Validator:
    """A validator for ReportPayload as the document holds it, references resolved inside it."""
    registry: Registry = Registry().with_resource(
        "urn:openapi", DRAFT202012.create_resource(document)
    )
    return Draft202012Validator(
        {"$ref": "urn:openapi#/components/schemas/ReportPayload"}, registry=registry
    )


@pytest.mark.parametrize("payload", [p for _, p in PAYLOADS], ids=[i for i, _ in PAYLOADS])
def test_embedded_payload_schema_is_the_probe_schema(
    document: dict[str, Any], payload: Any
) -> None:
    embedded = _embedded_validator(document)
    original = Draft202012Validator(payload_schema())
    assert embedded.is_valid(payload) == original.is_valid(payload)
    described = document["components"]["schemas"]["ReportPayload"]
    assert described["properties"].keys() == payload_schema()["properties"].keys()
    assert "$id" not in described  # the file's base URI would re-anchor its references
