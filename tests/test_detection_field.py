"""Issue 16: signals as they arrive in the field, end to end (collector, report, CLI, batch)."""

from __future__ import annotations

import io
import json
import tomllib
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient

from diagnostics.batch import BatchDetector
from diagnostics.inapp import (
    BROWSER_PACKAGES,
    BROWSER_WEBVIEWS,
    WEBVIEW_APPS,
    app_from_requested_with,
)
from matrix import load_policy
from webapp.cli import main

ROOT = Path(__file__).resolve().parents[1]
WEBVIEW = (
    "Mozilla/5.0 (Linux; Android 14; SM-A546B Build/UP1A.231005.007; wv) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Version/4.0 Chrome/131.0.6778.135 Mobile Safari/537.36"
)
REDUCED_ANDROID = (
    "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36"
)
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)
#: Desktop Chromium on Linux emulating an iPhone (DevTools device mode without metadata).
EMULATED_IPHONE_HINTS = {
    "Sec-CH-UA": '"Chromium";v="131", "Not_A Brand";v="24"',
    "Sec-CH-UA-Mobile": "?0",
    "Sec-CH-UA-Platform": '"Linux"',
}


def _report(client: FlaskClient, ua: str, headers: dict[str, str], payload: Any = None) -> Any:
    body = client.post(
        "/api/v1/reports?include=report", json=payload or {}, headers={"User-Agent": ua, **headers}
    ).get_json()
    body["environment"] = body["report"]["environment"]  # the 201 carries it only when asked
    code, token = body["view_url"].split("/r/")[1].split("?t=")
    return body, client.get(f"/api/v1/reports/{code}?t={token}").get_json()


def test_x_requested_with_names_the_app_and_the_policy_limits_it(client: FlaskClient) -> None:
    body, stored = _report(client, WEBVIEW, {"X-Requested-With": "org.telegram.messenger"})
    assert body["environment"]["in_app"] == "Telegram"
    assert body["environment"]["sources"]["in_app"] == "headers"
    assert body["verdict"]["status"] == "limited"
    assert stored["environment"]["in_app"] == "Telegram"  # the header was kept for the report
    assert "in_app_browser" in {f["id"] for f in stored["findings"]}


def test_a_browsers_own_package_is_not_an_app(client: FlaskClient) -> None:
    body, _ = _report(client, REDUCED_ANDROID, {"X-Requested-With": "com.android.chrome"})
    assert body["environment"]["in_app"] is None
    assert body["verdict"]["status"] == "supported"


def test_emulation_gives_one_reading_and_the_finding_in_both_languages(
    client: FlaskClient,
) -> None:
    body, stored = _report(client, IPHONE, EMULATED_IPHONE_HINTS)
    env = body["environment"]
    assert (env["browser"]["family"], env["engine"]["family"]) == ("Chromium", "Blink")
    assert (env["os"]["family"], env["device"]["type"], env["device"]["model"]) == (
        "Linux",
        "desktop",
        None,
    )
    finding = next(f for f in stored["findings"] if f["id"] == "signals_inconsistent")
    assert "Safari on iOS, phone" in finding["title"]["en"]
    assert "Chromium on Linux, computer" in finding["title"]["en"]
    assert "Safari в iOS, телефон" in finding["title"]["uk"]
    assert "DevTools" in finding["remedy"]["en"] and "DevTools" in finding["remedy"]["uk"]


def test_a_coherent_report_has_no_signals_finding(client: FlaskClient) -> None:
    _, stored = _report(client, IPHONE, {}, {"maxTouchPoints": 5})
    assert "signals_inconsistent" not in {f["id"] for f in stored["findings"]}


def test_unquoted_hints_reach_the_report(client: FlaskClient) -> None:
    body, _ = _report(
        client,
        REDUCED_ANDROID,
        {"Sec-CH-UA-Platform": "Android", "Sec-CH-UA-Platform-Version": "15.0.0"},
    )
    assert (body["environment"]["os"]["major"], body["environment"]["os"]["approximate"]) == (
        15,
        False,
    )


def test_batch_hints_key_takes_the_js_object() -> None:
    lines = [
        {"ua": REDUCED_ANDROID, "hints": {"platformVersion": "14.0.0", "model": "SM-X710"}},
        {"ua": REDUCED_ANDROID, "hints": {"Sec-CH-UA-Platform-Version": "13", "mobile": "?1"}},
        {"ua": REDUCED_ANDROID, "hints": "not an object"},
    ]
    out = io.StringIO()
    data = "\n".join(json.dumps(line) for line in lines).encode() + b"\n"
    BatchDetector().run(io.BytesIO(data), out)
    first, second, bad = (json.loads(line) for line in out.getvalue().splitlines())
    assert (first["os"]["major"], first["device"]["type"], first["device"]["model"]) == (
        14,
        "tablet",
        "SM-X710",
    )
    assert first["sources"]["os"] == "hints-js"
    assert second["os"]["major"] == 13
    assert bad["error"]["field"] == "$.hints"


def test_parse_takes_hints_and_the_requested_with_header() -> None:
    result = CliRunner().invoke(
        main,
        [
            "parse",
            REDUCED_ANDROID,
            "--hints",
            '{"platformVersion": "15.0.0"}',
            "--header",
            "X-Requested-With: com.viber.voip",
        ],
    )
    assert result.exit_code == 0, result.output
    env = json.loads(result.output)
    assert (env["os"]["major"], env["in_app"]) == (15, "Viber")
    bad = CliRunner().invoke(main, ["parse", REDUCED_ANDROID, "--hints", "[1]"])
    assert bad.exit_code == 2 and "--hints" in bad.output


# The issue names these apps; matrix/policy.yaml's in-app names are the ones the table must use.
NAMED_APPS = [
    "Facebook",
    "Messenger",
    "Instagram",
    "Telegram",
    "Viber",
    "WhatsApp",
    "TikTok",
    "Gmail",
    "Google App",
    "Yandex App",
    "Snapchat",
    "LinkedIn",
    "X (Twitter)",
    "Pinterest",
    "LINE",
    "WeChat",
]


def test_the_app_table_covers_the_named_apps_in_the_policys_words() -> None:
    apps, browser_webviews, browsers = WEBVIEW_APPS, BROWSER_WEBVIEWS, BROWSER_PACKAGES
    assert set(NAMED_APPS) <= set(apps.values())
    policy_apps = set(load_policy().in_app.apps)  # type: ignore[union-attr]
    assert {name for name in apps.values() if name in NAMED_APPS} <= policy_apps | {"Gmail"}
    assert {"Samsung Internet", "Mi Browser"} <= set(browser_webviews.values())
    assert not set(apps) & set(browsers) and not set(browser_webviews) & set(browsers)


@pytest.mark.parametrize(
    "value,web_view,found",
    [
        ("com.whatsapp", True, ("app", "WhatsApp")),
        (" com.facebook.orca ", False, ("app", "Messenger")),
        ("com.sec.android.app.sbrowser", True, ("app", "Samsung Internet")),
        ("com.sec.android.app.sbrowser", False, ("browser", "Samsung Internet")),
        ("com.android.chrome", True, ("browser", "Chrome")),
        ("XMLHttpRequest", True, None),
        ("ua.example.unknown", True, None),
        ("com.whatsapp<script>", True, None),
        ("", True, None),
    ],
)
def test_requested_with_values(value: str, web_view: bool, found: Any) -> None:
    assert app_from_requested_with(value, web_view) == found


def test_data_files_are_shipped_with_the_package() -> None:
    # the tables are read as package resources: an installed wheel must carry them
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = pyproject["tool"]["setuptools"]["package-data"]["diagnostics"]
    shipped = {p.name for pattern in patterns for p in (ROOT / "diagnostics").glob(pattern)}
    assert shipped == {"webview_apps.yaml", "device_models.yaml"}


@pytest.mark.parametrize(
    "probe,found",
    [
        ({"maxTouchPoints": 5, "screen": {"width": 800, "height": 1280}}, "tablet"),
        ({"maxTouchPoints": 5, "screen": {"width": 599.5, "height": 1000}}, "phone"),
        ({"maxTouchPoints": 0, "screen": {"width": 800, "height": 1280}}, None),  # no touch
        ({"maxTouchPoints": True, "screen": {"width": 800, "height": 1280}}, None),
        ({"maxTouchPoints": 5, "screen": {"width": "800", "height": 1280}}, None),
        ({"maxTouchPoints": 5, "screen": {"width": 0, "height": 1280}}, None),
        ({"maxTouchPoints": 5, "screen": [800, 1280]}, None),
        ({"maxTouchPoints": 5}, None),
        (None, None),
    ],
)
def test_screen_class_reads_only_a_real_touch_screen(probe: Any, found: str | None) -> None:
    from diagnostics.devices import screen_class

    assert screen_class(probe) == found


@pytest.mark.parametrize(
    "model,found",
    [
        ("SM-X710", "tablet"),
        ("Lenovo TB-X306F", "tablet"),
        ("KFTRWI", "tablet"),
        ("Pixel Tablet", "tablet"),
        ("Pixel 7", "phone"),
        ("SM-S918B", "phone"),
        ("Nokia G42", None),
        ("", None),
        (None, None),
    ],
)
def test_model_class_by_prefix(model: str | None, found: str | None) -> None:
    from diagnostics.devices import model_class

    assert model_class(model) == found
