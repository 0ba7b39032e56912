"""The collector API: 201 with code and private URL, and every error answer in one JSON shape."""

from __future__ import annotations

import re

import pytest
from flask import url_for
from flask.testing import FlaskClient

from tests.conftest import CHROME_WIN

CODE = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$")


def post(client: FlaskClient, payload: object, **headers: str):  # type: ignore[no-untyped-def]
    return client.post(
        "/api/v1/reports", json=payload, headers={"User-Agent": CHROME_WIN, **headers}
    )


def test_create_report_answers_201_with_code_token_and_verdict(client: FlaskClient) -> None:
    response = post(client, {"lang": "en", "cookieEnabled": True})
    assert response.status_code == 201
    body = response.get_json()
    assert CODE.match(body["code"])
    match = re.fullmatch(r"/r/(.{9})\?t=([A-Za-z0-9_-]+)", body["view_url"])
    assert match and match.group(1) == body["code"]
    assert len(match.group(2)) * 6 >= 128  # token of at least 128 bits
    assert match.group(2).upper() != body["code"].replace("-", "")
    assert body["verdict"]["status"] == "supported"
    # what the check page needs, no more: the text, e-mail and document only when asked for
    assert set(body) == {
        "code",
        "view_url",
        "json_url",
        "outcome",
        "blocking",
        "verdict",
        "findings",
        "display",
        "support_email",
        "answer_url",
        "context_url",
        "screenshot_url",
    }
    code, token = body["code"], match.group(2)
    with client.application.test_request_context():  # the links are what the routes build
        assert body["view_url"] == url_for("public.report_view", code=code, t=token)
        assert body["json_url"] == url_for("collector.show", code=code, t=token)
        assert body["context_url"] == url_for("user_context.context", code=code, t=token)
        assert body["screenshot_url"] == url_for("user_context.screenshot", code=code, t=token)
    document = client.get(body["json_url"]).get_json()
    assert document["environment"]["browser"] == {
        "family": "Chrome",
        "version": "131.0.0.0",
        "major": 131,
    }


def test_text_email_and_report_are_included_when_asked_for(client: FlaskClient) -> None:
    asked = client.post(
        "/api/v1/reports?include=text,email,report,nonsense",
        json={"lang": "en"},
        headers={"User-Agent": CHROME_WIN},
    ).get_json()
    assert "Chrome 131" in asked["text"]
    # the e-mail is short (code, outcome, private link); the full text stays behind the link
    assert asked["code"] in asked["email"]["body"] and "t=" in asked["email"]["body"]
    assert asked["email"]["subject"].endswith(asked["code"])
    assert len(asked["email"]["mailto"]) < 2000
    assert asked["report"]["code"] == asked["code"]
    assert "nonsense" not in asked
    view = client.get(asked["json_url"] + "&include=text,email&lang=uk").get_json()
    assert view["environment"]["browser"]["family"] == "Chrome"
    assert view["code"] in view["email"]["body"] and "Браузер" in view["text"]
    assert "report" not in view  # it is the report


SAFARI_MAC = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Safari/605.1.15"
)
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)


@pytest.mark.parametrize(
    "ua,lang,expected",
    [
        (CHROME_WIN, "uk", {"browser": "Chrome 131.0.0.0", "device": "комп'ютер"}),
        (SAFARI_MAC, "en", {"os": "macOS 10.15.7 or later", "device": "desktop (Apple Mac)"}),
        (SAFARI_MAC, "uk", {"os": "macOS 10.15.7 або новіша"}),
        (IPHONE, "uk", {"os": "iOS 17.5", "device": "смартфон (Apple iPhone)"}),
    ],
    ids=["chrome-uk", "frozen-macos-en", "frozen-macos-uk", "iphone-uk"],
)
def test_display_words_the_environment_in_the_language(
    client: FlaskClient, ua: str, lang: str, expected: dict[str, str]
) -> None:
    # What the check page shows: a frozen OS version is a lower bound, device kinds translated.
    display = post(client, {"lang": lang}, **{"User-Agent": ua}).get_json()["display"]
    assert {key: display[key] for key in expected} == expected


def test_client_hints_headers_are_merged(client: FlaskClient) -> None:
    body = post(
        client,
        {},
        **{"Sec-CH-UA-Platform": '"Windows"', "Sec-CH-UA-Platform-Version": '"15.0.0"'},
    ).get_json()
    environment = client.get(body["json_url"]).get_json()["environment"]
    assert environment["os"]["major"] == 11
    assert environment["sources"]["os"] == "hints-header"


def test_codes_are_unique(client: FlaskClient) -> None:
    codes = {post(client, {}).get_json()["code"] for _ in range(30)}
    assert len(codes) == 30


def test_json_view_needs_the_token(client: FlaskClient) -> None:
    body = post(client, {"lang": "uk"}).get_json()
    code, token = body["view_url"].split("/r/")[1].split("?t=")
    ok = client.get(f"/api/v1/reports/{code}?t={token}")
    assert ok.status_code == 200 and ok.get_json()["code"] == body["code"]
    assert ok.headers["Cache-Control"] == "no-store"
    wrong = client.get(f"/api/v1/reports/{code}?t=x{token}")
    absent = client.get(f"/api/v1/reports/ZZZZ-ZZZZ?t={token}")
    assert wrong.status_code == absent.status_code == 404
    assert wrong.get_json() == absent.get_json()  # nothing tells a wrong token from no report


@pytest.mark.parametrize(
    "kwargs,status,code,field",
    [
        ({"data": "{not json", "content_type": "application/json"}, 400, "malformed_json", "$"),
        ({"data": "[1, 2]", "content_type": "application/json"}, 400, "not_an_object", "$"),
        ({"data": "lang=uk", "content_type": "text/plain"}, 415, "unsupported_media_type", "$"),
        (
            {"data": "{}", "content_type": "application/x-www-form-urlencoded"},
            415,
            "unsupported_media_type",
            "$",
        ),
        (
            {"data": '{"a": "' + "x" * 70000 + '"}', "content_type": "application/json"},
            413,
            "body_too_large",
            "$",
        ),
        ({"json": {"screen": {"width": "wide"}}}, 400, "schema_type", "$.screen.width"),
        ({"json": {"lang": "de"}}, 400, "schema_enum", "$.lang"),
        ({"json": {"tracking_id": 1}}, 400, "schema_additionalProperties", "$.tracking_id"),
        ({"json": {"languages": ["x"] * 50}}, 400, "schema_maxItems", "$.languages"),
        ({"json": {"userAgent": "x" * 3000}}, 400, "schema_maxLength", "$.userAgent"),
        (
            {"json": {"userAgentData": {"brands": [{"brand": "A"}]}}},
            400,
            "schema_required",
            "$.userAgentData.brands[0].version",
        ),
    ],
    ids=[
        "malformed",
        "array",
        "text-plain",
        "form",
        "too-large",
        "wrong-type",
        "bad-enum",
        "unknown-field",
        "too-many-items",
        "too-long",
        "missing-required",
    ],
)
def test_error_answers_name_code_and_field(
    client: FlaskClient, kwargs: dict[str, object], status: int, code: str, field: str
) -> None:
    response = client.post("/api/v1/reports", **kwargs)  # type: ignore[arg-type]
    assert response.status_code == status
    error = response.get_json()["error"]
    assert error["code"] == code
    assert error["field"] == field
    assert error["message"]


def test_hostile_user_agent_is_stored_and_escaped(client: FlaskClient) -> None:
    hostile = "Mozilla/5.0 <script>alert(1)</script><img src=x onerror=alert(2)>"
    body = client.post(
        "/api/v1/reports?include=text", json={}, headers={"User-Agent": hostile}
    ).get_json()
    assert body["verdict"]["status"] == "unknown"
    page = client.get(body["view_url"])
    assert page.status_code == 200
    assert b"<script>alert(1)" not in page.data and b"<img src=x" not in page.data
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in page.data
    assert hostile in body["text"]  # the plain text shows it literally


def test_unknown_browser_gets_polite_unknown(client: FlaskClient) -> None:
    body = client.post("/api/v1/reports", json={}, headers={"User-Agent": "NotABrowser/1.0"})
    verdict = body.get_json()["verdict"]
    assert verdict["status"] == "unknown"
    assert "could not recognise" in verdict["message"]["en"]
