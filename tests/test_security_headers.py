"""Headers on every answer: CSP with a fresh nonce on pages, nosniff, Referrer-Policy, no framing,
no-store on private pages; /probe.js stays loadable from other origins."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)


def _csp(header: str) -> dict[str, str]:
    return {d.split(" ", 1)[0]: d.partition(" ")[2] for d in header.split("; ")}


def _private_url(client: FlaskClient) -> str:
    return str(client.post("/api/v1/reports", json={"lang": "en"}).get_json()["view_url"])


def _page_urls(app: Flask, client: FlaskClient) -> list[str]:
    """Every GET route without arguments that answers HTML, plus a private report page."""
    urls = [
        rule.rule
        for rule in app.url_map.iter_rules()
        if "GET" in (rule.methods or ()) and not rule.arguments
    ]
    pages = [url for url in urls if client.get(url, follow_redirects=True).mimetype == "text/html"]
    return [*pages, _private_url(client), "/r/ZZZZ-ZZZZ?t=x", "/no-such-page"]


def test_every_page_has_a_nonce_policy(app: Flask, client: FlaskClient) -> None:
    urls = _page_urls(app, client)
    assert "/check" in urls
    for url in urls:
        response = client.get(url, follow_redirects=True)
        assert response.mimetype == "text/html", url
        policy = _csp(response.headers["Content-Security-Policy"])
        nonce = re.fullmatch(r"'self' 'nonce-([A-Za-z0-9_-]{22,})'", policy["script-src"])
        assert nonce, (url, policy)
        assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
        assert policy["default-src"] == "'none'" and policy["object-src"] == "'none'"
        assert policy["frame-ancestors"] == "'none'" and policy["base-uri"] == "'none'"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "no-referrer"
        html = response.get_data(as_text=True)
        for attributes in SCRIPT_TAG.findall(html):
            assert "src=" in attributes, (url, "inline script")  # no inline script at all
            assert f'nonce="{nonce.group(1)}"' in attributes, (url, attributes)
        assert not re.search(r"\son[a-z]+\s*=", html, re.IGNORECASE), (url, "inline handler")


def test_nonce_is_fresh_per_request(client: FlaskClient) -> None:
    nonces = {
        _csp(client.get("/check").headers["Content-Security-Policy"])["script-src"]
        for _ in range(5)
    }
    assert len(nonces) == 5


@pytest.mark.parametrize("path", ["/r/", "/api/v1/reports/"], ids=["page", "json"])
def test_private_answers_are_never_stored(client: FlaskClient, path: str) -> None:
    url = _private_url(client).replace("/r/", path)
    for candidate in (url, url.replace("?t=", "?t=x"), f"{path}ZZZZ-ZZZZ"):
        assert client.get(candidate).headers["Cache-Control"] == "no-store", candidate


def test_support_pages_are_never_stored(client: FlaskClient) -> None:
    # Whatever the support desk serves (even its 404), no browser or proxy may keep it.
    assert client.get("/support/").headers["Cache-Control"] == "no-store"


def test_probe_script_is_embeddable_cross_origin(client: FlaskClient) -> None:
    response = client.get("/probe.js")
    assert response.mimetype == "text/javascript"
    assert response.headers["Cross-Origin-Resource-Policy"] == "cross-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" not in response.headers  # host pages set their own
    assert "X-Frame-Options" not in response.headers


@pytest.mark.parametrize("url", ["/api/v1/build", "/api/openapi.json", "/api/v1/reports/x"])
def test_json_answers_cannot_run_anything(client: FlaskClient, url: str) -> None:
    response = client.get(url)
    assert response.mimetype == "application/json"
    assert _csp(response.headers["Content-Security-Policy"])["default-src"] == "'none'"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
