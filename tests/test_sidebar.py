"""Report cards for a ticket's text: code finding, the desk's sidebar page and its framing
rules, and the signed Help Scout Dynamic App endpoint."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import AGENT_EMAIL, AGENT_PASSWORD, CHROME_WIN, sign_in
from tests.payloads import probe_payload
from webapp import create_app
from webapp.integrations.cards import codes_in

HELPSCOUT_SECRET = "hs-app-secret-key"


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("Re: report ABCD-2345 please", ["ABCD2345"]),
        ("code abcd2345, and again ABCD-2345", ["ABCD2345"]),
        ("typed as 0OI1-LL11", ["0011" + "1111"]),
        ("two: code 7K3M-Q9TB and zzzzzzzz", ["7K3MQ9TB", "ZZZZZZZZ"]),
        ("too long ABCD23456 or inside xABCD-2345", []),
        ("not letters: AB#D-23_5", []),
    ],
    ids=["dashed", "once", "confusables", "two", "not-a-word", "punctuation"],
)
def test_codes_in_text(text: str, codes: list[str]) -> None:
    assert codes_in(text) == codes


def post_report(client: FlaskClient) -> dict[str, Any]:
    created: dict[str, Any] = client.post(
        "/api/v1/reports", json=probe_payload(CHROME_WIN), headers={"User-Agent": CHROME_WIN}
    ).get_json()
    return created


def test_the_sidebar_is_for_signed_in_agents(client: FlaskClient) -> None:
    response = client.get("/support/sidebar?text=ABCD-2345")
    assert response.status_code == 302 and "/support/login" in response.headers["Location"]


def test_the_sidebar_shows_a_card_per_report_in_the_text(
    client: FlaskClient, desk: FlaskClient
) -> None:
    first, second = post_report(client), post_report(client)
    text = f"Subject: help! {first['code'].lower().replace('-', '')} <b>x</b> {second['code']}"
    response = desk.get("/support/sidebar", query_string={"text": text, "lang": "en"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.count('data-testid="report-card"') == 2
    assert f'data-code="{first["code"]}"' in html and f'data-code="{second["code"]}"' in html
    assert f"/support/reports/{first['code']}" in html
    assert "<b>x</b>" not in html and "&lt;b&gt;x&lt;/b&gt;" in html  # the text is escaped
    for finding in first["findings"][:3]:
        assert finding["remedy"]["en"].split("<")[0][:20] in html
    empty = desk.get("/support/sidebar", query_string={"text": "nothing", "lang": "uk"})
    assert "У тексті немає кодів" in empty.get_data(as_text=True)
    # not framable by anyone unless configured
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


@pytest.fixture
def configured(tmp_path: Path) -> Iterator[Flask]:
    app = create_app(
        {
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "TESTING": True,
            "SIDEBAR_FRAME_ANCESTORS": ["https://desk.example", "https://other.example"],
            "HELPSCOUT_SECRET": HELPSCOUT_SECRET,
            "PUBLIC_URL": "https://check.example",
        }
    )
    app.extensions["browsercheck.accounts"].add_user(AGENT_EMAIL, AGENT_PASSWORD, "agent")
    yield app
    app.extensions["browsercheck.store"].close()


def test_the_sidebar_is_framable_by_the_configured_origins_only(configured: Flask) -> None:
    client = configured.test_client()
    assert sign_in(client).status_code == 302
    response = client.get("/support/sidebar?text=x")
    policy = response.headers["Content-Security-Policy"]
    assert "frame-ancestors https://desk.example https://other.example" in policy
    assert "'none'" not in policy.split("frame-ancestors")[1]
    assert "X-Frame-Options" not in response.headers
    other = client.get("/support/reports")  # the rest of the desk still refuses framing
    assert other.headers["X-Frame-Options"] == "DENY"


def helpscout_post(client: FlaskClient, document: Any, signature: str | None = None) -> Any:
    body = json.dumps(document).encode()
    if signature is None:  # Help Scout's algorithm: base64(HMAC-SHA1(secret, body))
        digest = hmac.new(HELPSCOUT_SECRET.encode(), body, hashlib.sha1).digest()
        signature = base64.b64encode(digest).decode()
    return client.post(
        "/integrations/helpscout",
        data=body,
        headers={"X-HelpScout-Signature": signature, "Content-Type": "application/json"},
    )


def test_helpscout_gets_cards_for_the_codes_in_the_subject(configured: Flask) -> None:
    client = configured.test_client()
    report = post_report(client)
    document = {
        "ticket": {"id": 1, "number": 42, "subject": f"Can't pay — code {report['code']}"},
        "customer": {"email": "olena@example.com"},
    }
    response = helpscout_post(client, document)
    assert response.status_code == 200
    html = response.get_json()["html"]
    assert f'data-code="{report["code"]}"' in html
    assert f"https://check.example/support/reports/{report['code']}" in html


@pytest.mark.parametrize(
    "signature",
    ["", "bm90IGEgc2lnbmF0dXJl", base64.b64encode(b"x" * 20).decode()],
    ids=["missing", "garbage", "forged"],
)
def test_helpscout_refuses_a_wrong_signature(configured: Flask, signature: str) -> None:
    response = helpscout_post(configured.test_client(), {"ticket": {"subject": "x"}}, signature)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "bad_signature"


def test_helpscout_is_off_without_a_secret(client: FlaskClient) -> None:
    response = helpscout_post(client, {"ticket": {"subject": "x"}})
    assert response.status_code == 404


def helpscout_app(tmp_path: Path, match_email: bool) -> Flask:
    app = create_app(
        {
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "TESTING": True,
            "HELPSCOUT_SECRET": HELPSCOUT_SECRET,
            "HELPSCOUT_MATCH_EMAIL": match_email,
        }
    )
    return app


def report_with_context(client: FlaskClient, context: dict[str, str]) -> str:
    created = post_report(client)
    assert client.post(created["context_url"], json=context).status_code == 200
    code: str = created["code"]
    return code


@pytest.mark.parametrize("match_email", [True, False], ids=["on", "off"])
def test_helpscout_matches_the_customers_email_only_when_allowed(
    tmp_path: Path, match_email: bool
) -> None:
    app = helpscout_app(tmp_path, match_email)
    try:
        client = app.test_client()
        mine = report_with_context(client, {"login": " Olena@Example.com "})
        other = report_with_context(client, {"login": "someone@example.com"})
        mentioned = report_with_context(client, {"error_text": "olena@example.com can't log in"})
        in_subject = post_report(client)["code"]
        document = {
            "ticket": {"subject": f"Re: {in_subject}"},
            "customer": {"email": "olena@example.com", "emails": ["olena@example.com"]},
        }
        html = helpscout_post(client, document).get_json()["html"]
        shown = re.findall(r'data-code="([^"]+)"', html)
        if match_email:  # the subject's first, then the login that is the customer's e-mail
            assert shown == [in_subject, mine]
        else:
            assert shown == [in_subject]
        assert other not in shown and mentioned not in shown  # only the login field, exactly
    finally:
        app.extensions["browsercheck.store"].close()


def test_helpscout_matching_is_off_by_default() -> None:
    from webapp.config import settings_from_env

    assert settings_from_env({})["HELPSCOUT_MATCH_EMAIL"] is False
