"""Embedding: /embed.js, the policy its banner reads, and CORS only for the configured origins."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from diagnostics import detect_environment
from diagnostics.models import LANGUAGES
from matrix import evaluate_policy, load_policy
from matrix.summary import policy_summary
from probes import embed_probe_source, embed_source, probe_source
from webapp import create_app
from webapp.embed import EMBED_WORDS, embed_probe_script, origin_patterns
from webapp.i18n import STRINGS

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


def served_script(client: FlaskClient, url: str, ua: str) -> TestResponse:
    """GET ``url`` as the browser ``ua``, checked as every embed script must be served: loadable
    by isolated hosts (CORP), revalidated (no-cache + ETag: 304), varying with the browser."""
    response = client.get(url, headers={"User-Agent": ua})
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Cross-Origin-Resource-Policy"] == "cross-origin"
    assert response.headers["Cache-Control"] == "no-cache"
    assert {"User-Agent", "Sec-CH-UA"} <= set(response.vary)
    again = client.get(url, headers={"User-Agent": ua, "If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
    return response


def test_embed_js_is_the_small_always_on_part(client: FlaskClient) -> None:
    response = served_script(client, "/embed.js", CURRENT_UA)
    body = response.get_data(as_text=True)
    assert body == embed_source()
    assert len(gzip.compress(response.data, compresslevel=9)) <= ALWAYS_ON_BUDGET
    assert ".BrowserCheck" in body and "data-" in body
    assert "/embed/probe.js" in body and "cookieWorks" not in body  # the probe is not in it
    assert "browsercheck-banner" not in body  # a supported browser gets no banner code


def test_an_outdated_browser_gets_a_banner_loader_within_the_budget(client: FlaskClient) -> None:
    response = served_script(client, "/embed.js", OUTDATED_UA)
    body = response.get_data(as_text=True)
    assert body == embed_source(outdated=True) != embed_source()
    assert "/embed/banner.js" in body and "browsercheck-banner" not in body  # code fetched apart
    assert len(gzip.compress(response.data, compresslevel=9)) <= ALWAYS_ON_BUDGET
    supported = client.get("/embed.js", headers={"User-Agent": CURRENT_UA})
    assert "/embed/banner.js" not in supported.get_data(as_text=True)
    assert response.headers["ETag"] != supported.headers["ETag"]  # a cache keeps them apart


def test_the_banner_script_carries_its_data(client: FlaskClient) -> None:
    body = served_script(client, "/embed/banner.js", OUTDATED_UA).get_data(as_text=True)
    assert "browsercheck-banner" in body and "__BROWSERCHECK_OUTDATED__" not in body
    message = load_policy().messages["unsupported"]
    assert json.dumps(message.en) in body and json.dumps(message.uk, ensure_ascii=True) in body
    assert '"status":"unsupported"' in body
    # Asked for by a supported browser, the banner has no data and shows nothing.
    current = client.get("/embed/banner.js", headers={"User-Agent": CURRENT_UA})
    assert '"status"' not in current.get_data(as_text=True)


def test_embed_probe_is_loaded_on_demand(client: FlaskClient) -> None:
    response = client.get("/embed/probe.js")
    assert response.status_code == 200
    assert response.headers["Cross-Origin-Resource-Policy"] == "cross-origin"
    body = response.get_data(as_text=True)
    assert body == embed_probe_script()
    assert "function cookieWorks(" in body and "BC.evidence" in body
    # The texts of a failed send are the pages' own (webapp/i18n.py), in every language.
    assert "__BROWSERCHECK_WORDS__" in embed_probe_source()
    assert "__BROWSERCHECK_WORDS__" not in body
    for key in EMBED_WORDS:
        for lang in LANGUAGES:
            assert json.dumps(STRINGS[key].get(lang), ensure_ascii=True) in body


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


# The banner's decision is the server's own: the policy evaluated on the detected environment.
VERDICT_UAS = {  # noqa: E501 - User-Agents are long
    "chrome-131-win10": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    "chrome-100-win10": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/100.0.0.0 Safari/537.36",
    "chrome-131-win7": "Mozilla/5.0 (Windows NT 6.1; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    "firefox-102": "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:102.0) Gecko/20100101 Firefox/102.0",
    "firefox-128": "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
    "safari-15-mac": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/15.6 Safari/605.1.15",
    "safari-17-mac": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
    "safari-ios-15": "Mozilla/5.0 (iPhone; CPU iPhone OS 15_8 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/15.6 Mobile/15E148 Safari/604.1",
    "safari-ios-17": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
    "edge-131": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
    "edge-100": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/100.0.0.0 Safari/537.36 Edg/100.0.1185.29",
    "opera-on-chromium-100": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/100.0.4896.127 Safari/537.36 OPR/86.0.4363.59",
    "opera-on-chromium-130": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 OPR/115.0.0.0",
    "samsung-on-chromium-92": "Mozilla/5.0 (Linux; Android 11; SM-A515F) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/16.0 Chrome/92.0.4515.166 Mobile Safari/537.36",
    "samsung-on-chromium-121": "Mozilla/5.0 (Linux; Android 13; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36",
    "chrome-android-7": "Mozilla/5.0 (Linux; Android 7.0; SM-G930F) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
    "chrome-android-frozen": "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
    "ie-11": "Mozilla/5.0 (Windows NT 10.0; WOW64; Trident/7.0; rv:11.0) like Gecko",
    "opera-mini": "Opera/9.80 (J2ME/MIDP; Opera Mini/9.80 (S60; SymbOS; Opera Mobi/23.348; U; en) Presto/2.5.25 Version/10.54",
    "unknown-browser": "NotABrowser/1.0",
}


@pytest.mark.parametrize("ua", list(VERDICT_UAS.values()), ids=list(VERDICT_UAS))
def test_banner_only_for_browsers_the_policy_calls_outdated(client: FlaskClient, ua: str) -> None:
    body = client.get("/embed.js", headers={"User-Agent": ua}).get_data(as_text=True)
    banner = client.get("/embed/banner.js", headers={"User-Agent": ua}).get_data(as_text=True)
    outdated = evaluate_policy(load_policy(), detect_environment(ua)).status == "unsupported"
    assert ("/embed/banner.js" in body) is outdated
    assert ('"status":"unsupported"' in banner) is outdated
