"""Embedding: /embed.js, the policy its banner reads, and CORS only for the configured origins."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from matrix import load_policy
from matrix.summary import policy_summary
from probes import embed_probe_source, embed_source, probe_source
from webapp import create_app
from webapp.embed import origin_patterns

HOST = "http://127.0.0.1:8123"
PREFLIGHT = {
    "Access-Control-Request-Method": "POST",
    "Access-Control-Request-Headers": "content-type",
}


@pytest.fixture
def cors_app(tmp_path: Path) -> Iterator[Flask]:
    app = create_app(
        {
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "TESTING": True,
            "CORS_ORIGINS": [HOST, "https://portal.example"],
        }
    )
    yield app
    app.extensions["browsercheck.store"].close()


@pytest.fixture
def cors_client(cors_app: Flask) -> FlaskClient:
    return cors_app.test_client()


@pytest.mark.parametrize(
    "origin",
    [HOST, "https://portal.example", "HTTPS://PORTAL.EXAMPLE"],
    ids=["http-port", "https", "case-insensitive"],
)
def test_preflight_for_json_post_from_an_allowed_origin(
    cors_client: FlaskClient, origin: str
) -> None:
    response = cors_client.options("/api/v1/reports", headers={"Origin": origin, **PREFLIGHT})
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == origin
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    assert "content-type" in response.headers["Access-Control-Allow-Headers"].lower()
    assert "Origin" in response.headers["Vary"]


@pytest.mark.parametrize(
    "origin",
    [
        "https://evil.example",
        "https://portal.example.evil.example",
        "http://portal.example",
        "null",
        "https://portal.example:444",
    ],
    ids=["other-site", "suffix", "other-scheme", "opaque", "other-port"],
)
def test_other_origins_get_no_cors_headers(cors_client: FlaskClient, origin: str) -> None:
    preflight = cors_client.options("/api/v1/reports", headers={"Origin": origin, **PREFLIGHT})
    assert "Access-Control-Allow-Origin" not in preflight.headers
    post = cors_client.post("/api/v1/reports", json={}, headers={"Origin": origin})
    assert "Access-Control-Allow-Origin" not in post.headers


def test_allowed_origin_can_post_and_read_the_answer(cors_client: FlaskClient) -> None:
    response = cors_client.post("/api/v1/reports", json={"lang": "en"}, headers={"Origin": HOST})
    assert response.status_code == 201
    assert response.headers["Access-Control-Allow-Origin"] == HOST
    assert "Access-Control-Allow-Credentials" not in response.headers  # no cookies cross-origin
    build = cors_client.get("/api/v1/build", headers={"Origin": HOST})
    assert build.headers["Access-Control-Allow-Origin"] == HOST


def test_without_the_setting_nothing_is_cross_origin(client: FlaskClient) -> None:
    response = client.options("/api/v1/reports", headers={"Origin": HOST, **PREFLIGHT})
    assert "Access-Control-Allow-Origin" not in response.headers


def test_pages_never_get_cors_headers(cors_client: FlaskClient) -> None:
    assert (
        "Access-Control-Allow-Origin"
        not in cors_client.get("/check", headers={"Origin": HOST}).headers
    )


@pytest.mark.parametrize(
    "value",
    ["*", "https://portal.example/path", "portal.example", "https://*.example", "ftp://x.example"],
    ids=["wildcard", "with-path", "no-scheme", "pattern", "ftp"],
)
def test_a_setting_that_is_not_an_origin_is_refused(value: str, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="BROWSERCHECK_CORS_ORIGINS"):
        create_app({"INSTANCE_PATH": str(tmp_path), "CORS_ORIGINS": [value]})


def test_origin_patterns_match_exactly() -> None:
    (pattern,) = origin_patterns(["http://[::1]:8000"])  # brackets are not a regex here
    assert pattern.match("http://[::1]:8000") and not pattern.match("http://[::1]:80001")


#: Browsers the shipped policy supports and calls outdated (matrix/policy.yaml).
CURRENT_UA = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)"
    " Chrome/131.0.0.0 Safari/537.36"
)
OUTDATED_UA = "Mozilla/5.0 (Windows NT 10.0; WOW64; Trident/7.0; rv:11.0) like Gecko"
ALWAYS_ON_BUDGET = 3072


def test_embed_js_is_the_small_always_on_part(client: FlaskClient) -> None:
    response = client.get("/embed.js", headers={"User-Agent": CURRENT_UA})
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Cross-Origin-Resource-Policy"] == "cross-origin"
    assert response.headers["Cache-Control"] == "no-cache"
    assert {"User-Agent", "Sec-CH-UA"} <= set(response.vary)
    body = response.get_data(as_text=True)
    assert body == embed_source()
    assert len(gzip.compress(response.data, compresslevel=9)) <= ALWAYS_ON_BUDGET
    assert ".BrowserCheck" in body and "data-" in body
    assert "/embed/probe.js" in body and "cookieWorks" not in body  # the probe is not in it
    assert "browsercheck-banner" not in body  # a supported browser gets no banner code
    again = client.get(
        "/embed.js", headers={"User-Agent": CURRENT_UA, "If-None-Match": response.headers["ETag"]}
    )
    assert again.status_code == 304


def test_an_outdated_browser_gets_the_banner_with_its_data(client: FlaskClient) -> None:
    body = client.get("/embed.js", headers={"User-Agent": OUTDATED_UA}).get_data(as_text=True)
    assert "browsercheck-banner" in body and "__BROWSERCHECK_OUTDATED__" not in body
    message = load_policy().messages["unsupported"]
    assert json.dumps(message.en) in body and json.dumps(message.uk, ensure_ascii=True) in body
    assert '"status":"unsupported"' in body


def test_embed_probe_is_loaded_on_demand(client: FlaskClient) -> None:
    response = client.get("/embed/probe.js")
    assert response.status_code == 200
    assert response.headers["Cross-Origin-Resource-Policy"] == "cross-origin"
    body = response.get_data(as_text=True)
    assert body == embed_probe_source()
    assert "function cookieWorks(" in body and "BC.evidence" in body


def test_served_scripts_are_minified_but_keep_their_names(client: FlaskClient) -> None:
    served = client.get("/probe.js").get_data(as_text=True)
    assert served == probe_source()
    assert "Every check runs in its own try/catch" not in served  # comments gone
    assert "function cookieWorks(" in served  # names kept: readable stack traces for support


def test_banner_policy_is_the_public_matrix_json(client: FlaskClient) -> None:
    """GET /api/v1/matrix (one public policy endpoint): small and cacheable."""
    response = client.get("/api/v1/matrix")
    assert response.status_code == 200
    assert "max-age=300" in response.headers["Cache-Control"]
    assert response.get_json() == policy_summary(load_policy())
    assert len(gzip.compress(response.data)) < 2048
    assert client.get("/api/v1/matrix/compact").status_code == 404
