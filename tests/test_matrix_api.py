"""The portal's apps through the real API, ``GET /api/v1/matrix`` and the public /matrix page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from matrix import PolicyError, default_policy_path
from webapp import create_app

APP_UA = "PortalApp/2.3.1 (iPhone; iOS 17.1) okhttp/4.12"


def post_app(client: FlaskClient, fields: dict[str, str] | None, **extra: object):  # type: ignore[no-untyped-def]  # noqa: E501
    payload: dict[str, object] = {"source": "app", "lang": "en", **extra}
    if fields is not None:
        payload["app"] = fields
    return client.post(
        "/api/v1/reports?include=report,text", json=payload, headers={"User-Agent": APP_UA}
    )


def test_app_report_gets_a_verdict_and_the_same_report(client: FlaskClient) -> None:
    app = {
        "platform": "ios",
        "version": "2.3.1",
        "os_version": "17.1",
        "device_model": "iPhone15,2",
    }
    response = post_app(client, app, context={"page": "Показання", "account": "1234567"})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["verdict"]["status"] == "supported"
    assert body["verdict"]["rule"] == "app:ios"
    env = body["report"]["environment"]
    assert env["browser"] == {"family": "App", "version": "2.3.1", "major": 2}
    assert env["os"]["family"] == "iOS" and env["os"]["version"] == "17.1"
    assert env["device"] == {"type": "mobile", "brand": "Apple", "model": "iPhone15,2"}
    assert set(env["sources"].values()) == {"app"}
    assert env["user_agent"] == APP_UA
    assert "App 2.3.1" in body["text"] and "iOS 17.1" in body["text"]
    # The private JSON view of the stored report says the same.
    code, token = body["view_url"].split("/r/")[1].split("?t=")
    stored = client.get(f"/api/v1/reports/{code}?t={token}").get_json()
    assert stored["source"] == "app"
    assert stored["verdict"] == body["verdict"]
    assert stored["environment"] == env


@pytest.mark.parametrize(
    "fields,status,rule,reason,remedy",
    [
        (
            {"platform": "ios", "version": "0.9", "os_version": "17.1"},
            "unsupported",
            "app:ios",
            "App version 0.9 is outdated: 1.0 or newer is needed.",
            "Update the app: https://apps.apple.com/",
        ),
        (
            {"platform": "ios", "version": "1.0", "os_version": "15.8", "device_model": "iPad13,1"},
            "unsupported",
            "app:ios:os",
            "The app needs iOS 16 or newer; the device has iOS 15.8.",
            "Upgrade iOS to version 16 or newer (https://support.apple.com/ios), or use another device.",
        ),
        (
            {"platform": "android", "version": "1.0.0", "os_version": "8.0"},
            "supported",
            "app:android",
            None,
            None,
        ),
        (
            {"platform": "android", "version": "3.0", "os_version": "7.1.1"},
            "unsupported",
            "app:android:os",
            "The app needs Android 8 or newer; the device has Android 7.1.1.",
            None,
        ),
        (
            {"platform": "android", "os_version": "14"},
            "unknown",
            "app:android",
            None,
            "Update the app: https://play.google.com/store/apps",
        ),
    ],
    ids=["old-app", "old-ios", "android-at-minimums", "old-android", "no-version"],
)
def test_app_verdicts_at_the_edges(
    client: FlaskClient,
    fields: dict[str, str],
    status: str,
    rule: str,
    reason: str | None,
    remedy: str | None,
) -> None:
    verdict = post_app(client, fields).get_json()["verdict"]
    assert (verdict["status"], verdict["rule"]) == (status, rule)
    if reason:
        assert reason in [r["en"] for r in verdict["reasons"]]
    if remedy:
        assert remedy in [r["en"] for r in verdict["remedies"]]


@pytest.mark.parametrize(
    "fields,code,field",
    [
        (None, "schema_required", "$.app"),
        ({}, "schema_required", "$.app.platform"),
        ({"version": "2.0"}, "schema_required", "$.app.platform"),
        ({"platform": "windows"}, "schema_enum", "$.app.platform"),
        ({"platform": "ios", "version": "x" * 300}, "schema_maxLength", "$.app.version"),
    ],
    ids=["no-app", "empty-app", "no-platform", "unknown-platform", "too-long"],
)
def test_bad_app_reports_get_a_json_error(
    client: FlaskClient, fields: dict[str, str] | None, code: str, field: str
) -> None:
    response = post_app(client, fields)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == code
    assert response.get_json()["error"]["field"] == field


def test_matrix_json_is_compact_and_cacheable(client: FlaskClient) -> None:
    response = client.get("/api/v1/matrix")
    assert response.status_code == 200
    data = response.get_json()
    assert data["browsers"]["Chrome"] == {"min": 109, "download": "https://www.google.com/chrome/"}
    assert data["browsers"]["Opera"]["engine_min"] == 109
    assert data["browsers"]["Opera"]["display_min"] == 95
    assert data["browsers"]["Samsung Internet"]["display_min"] == 21
    assert data["browsers"]["Firefox"]["min"] == 115
    assert data["unsupported"] == ["IE", "Opera Mini"]
    assert data["engines"] == {"Blink": 109, "Gecko": 115}
    assert data["systems"]["Windows"]["limited"] == {"versions": ["7", "8", "8.1"]}
    assert data["systems"]["macOS"] == {"min": "11", "frozen": "10.15"}
    assert data["systems"]["iOS"]["engine_follows_os"] is True
    assert set(data["messages"]) == {"supported", "limited", "unsupported", "unknown"}
    assert "Оновіть браузер" in data["messages"]["unsupported"]["uk"]
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "max-age" in response.headers["Cache-Control"]
    assert len(response.data) < 4096
    again = client.get("/api/v1/matrix", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


@pytest.mark.parametrize(
    "url,headers,lang,title,row",
    [
        (
            "/matrix",
            {},
            "uk",
            "Підтримувані браузери та системи",
            "95 або новіша (на основі Chromium 109+)",
        ),
        (
            "/matrix?lang=en",
            {},
            "en",
            "Supported browsers and systems",
            "95 or newer (built on Chromium 109+)",
        ),
        (
            "/matrix",
            {"Accept-Language": "en"},
            "en",
            "Supported browsers and systems",
            "115 or newer",
        ),
    ],
    ids=["uk-default", "en-by-query", "en-by-header"],
)
def test_matrix_page_in_both_languages(
    client: FlaskClient, url: str, headers: dict[str, str], lang: str, title: str, row: str
) -> None:
    html = client.get(url, headers=headers).get_data(as_text=True)
    assert f'<html lang="{lang}">' in html
    assert f"<h1>{title}</h1>" in html
    assert row in html
    for family in (
        "Chrome",
        "Chromium",
        "Edge",
        "Opera",
        "Samsung Internet",
        "Firefox",
        "Safari",
        "IE",
        "Opera Mini",
        "Windows",
        "macOS",
        "iOS",
        "Android",
    ):
        assert f'data-family="{family}"' in html
    assert 'href="https://www.mozilla.org/firefox/new/"' in html


@pytest.fixture
def custom_app(tmp_path: Path) -> Iterator[Flask]:
    text = default_policy_path().read_text(encoding="utf-8")
    text = text.replace("    min: 109          # the last Chrome", "    min: 120          # ")
    text = text.replace(
        "en: Microsoft no longer supports Internet Explorer",
        "en: <script>alert(1)</script> Microsoft no longer supports IE",
    )
    policy = tmp_path / "policy.yaml"
    policy.write_text(text, encoding="utf-8")
    (tmp_path / "releases.csv").write_bytes(
        (default_policy_path().parent / "releases.csv").read_bytes()
    )
    app = create_app(
        {"INSTANCE_PATH": str(tmp_path / "instance"), "TESTING": True, "POLICY_FILE": str(policy)}
    )
    yield app
    app.extensions["browsercheck.store"].close()


def test_page_and_json_follow_the_configured_policy_and_escape_it(custom_app: Flask) -> None:
    client = custom_app.test_client()
    assert client.get("/api/v1/matrix").get_json()["browsers"]["Chrome"]["min"] == 120
    html = client.get("/matrix?lang=en").get_data(as_text=True)
    assert "120 or newer" in html
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Microsoft" in html


def test_the_app_refuses_to_start_with_a_broken_policy(tmp_path: Path) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text("version: 1\nbrowsers:\n  - family: Chrome\n    min: new\n")
    with pytest.raises(PolicyError) as info:
        create_app({"INSTANCE_PATH": str(tmp_path / "instance"), "POLICY_FILE": str(policy)})
    assert str(info.value).startswith(f"{policy}:1: missing 'messages', 'reasons', 'remedies'")
    assert any(
        p.line == 4 and "'new' should be a whole number" in p.message for p in info.value.problems
    )
