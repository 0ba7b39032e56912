"""Findings for every probe signal, with remedies that name the user's own browser's menus."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from diagnostics import collect_findings, detect_environment
from diagnostics.remedies import browser_kind, clear_site_data

UA = {
    "chrome-win": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    "chrome-android": "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
    "chrome-ios": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1",
    "firefox-win": "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0",
    "firefox-android": "Mozilla/5.0 (Android 14; Mobile; rv:128.0) Gecko/128.0 Firefox/128.0",
    "firefox-ios": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/131.0 Mobile/15E148 Safari/605.1.15",
    "safari-mac": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
    "safari-ios": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
    "edge-win": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
    "edge-android": "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36 EdgA/131.0.0.0",
    "samsung": "Mozilla/5.0 (Linux; Android 13; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36",
    "opera-win": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 OPR/115.0.0.0",
    "opera-android": "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Mobile Safari/537.36 OPR/86.0.0.0",
    "unknown": "NotABrowser/1.0",
}

HEALTHY: dict[str, Any] = {
    "cookieEnabled": True,
    "storage": {
        "localStorage": True,
        "sessionStorage": True,
        "cookies": True,
        "indexedDB": True,
        "cacheStorage": True,
    },
    "online": True,
    "build": {"page": "abc", "current": "abc"},
    "serviceWorker": {"supported": True, "controlled": False},
    "network": {"effectiveType": "4g", "rtt": 50, "requestRttMs": 12},
    "cache": {"storage": []},
}


def env(name: str):  # type: ignore[no-untyped-def]
    return detect_environment(UA[name])


def ids(name: str, **changes: Any) -> list[str]:
    return [f.id for f in collect_findings(env(name), {**HEALTHY, **changes})]


@pytest.mark.parametrize(
    "name,kind,platform,needle_uk,needle_en",
    [
        (
            "chrome-win",
            "chrome",
            "desktop",
            "Налаштування сайту",
            '"Site settings" → "Delete data"',
        ),
        ("chrome-android", "chrome", "android", "Усі сайти", "All sites"),
        ("chrome-ios", "chrome", "ios", "Очистити дані веб-перегляду", "Clear Browsing Data"),
        (
            "firefox-win",
            "firefox",
            "desktop",
            "Очистити файли cookie і дані сайту",
            "Clear cookies and site data",
        ),
        (
            "firefox-android",
            "firefox",
            "android",
            "Видалити дані перегляду",
            "Delete browsing data",
        ),
        ("firefox-ios", "firefox", "ios", "Керування даними", "Data Management"),
        ("safari-mac", "safari", "desktop", "Керувати даними вебсайтів", "Manage Website Data"),
        ("safari-ios", "safari", "ios", "Дані вебсайтів", "Website Data"),
        ("edge-win", "edge", "desktop", "edge://settings/siteData", "edge://settings/siteData"),
        ("edge-android", "edge", "android", "Очистити дані браузера", "Clear browsing data"),
        ("samsung", "samsung", "android", "Особисті дані перегляду", "Personal browsing data"),
        ("opera-win", "opera", "desktop", "Opera:", "Opera:"),
        ("opera-android", "opera", "android", "значок профілю", "profile icon"),
        ("unknown", "other", "desktop", "Ctrl+Shift+Delete", "Ctrl+Shift+Delete"),
    ],
    ids=lambda v: v if isinstance(v, str) and len(v) < 20 else None,
)
def test_clear_data_remedy_names_the_browsers_own_menus(
    name: str, kind: str, platform: str, needle_uk: str, needle_en: str
) -> None:
    assert browser_kind(env(name)) == (kind, platform)
    remedy = clear_site_data(env(name))
    assert needle_uk in remedy.uk and needle_en in remedy.en


def test_healthy_payload_has_no_findings() -> None:
    assert ids("chrome-win") == []


@pytest.mark.parametrize(
    "changes,expected",
    [
        ({"build": {"page": "old", "current": "new"}}, ["stale_build"]),
        (
            {
                "build": {"page": "old", "current": "new"},
                "serviceWorker": {"supported": True, "controlled": True},
            },
            ["stale_build", "service_worker_outdated"],
        ),
        (
            {"serviceWorker": {"supported": True, "controlled": True, "waiting": True}},
            ["service_worker_outdated"],
        ),
        ({"cookieEnabled": False}, ["cookies_disabled"]),
        ({"storage": {**HEALTHY["storage"], "cookies": False}}, ["cookies_disabled"]),
        (
            {
                "storage": {
                    "localStorage": False,
                    "sessionStorage": False,
                    "cookies": False,
                    "indexedDB": False,
                }
            },
            ["cookies_disabled", "storage_blocked"],
        ),
        (
            {
                "storage": {**HEALTHY["storage"], "indexedDB": False},
                "cache": {"storageError": "SecurityError"},
            },
            ["private_mode"],
        ),
        ({"storage": {**HEALTHY["storage"], "localStorage": False}}, ["private_mode"]),
        ({"online": False}, ["offline"]),
        ({"network": {"effectiveType": "2g"}}, ["slow_network"]),
        ({"network": {"requestRttMs": 2500}}, ["slow_network"]),
        (
            {"errors": [{"kind": "error", "message": "x is not defined"}], "errorsDropped": 4},
            ["page_errors"],
        ),
        ({"source": "noscript"}, ["javascript_off"]),
    ],
    ids=[
        "stale-build",
        "stale-build-through-worker",
        "worker-waiting",
        "cookie-enabled-false",
        "cookie-write-fails",
        "all-site-data-blocked",
        "private-firefox",
        "private-old-safari",
        "offline",
        "slow-2g",
        "slow-measured",
        "page-errors",
        "javascript-off",
    ],
)
def test_each_signal_has_its_finding(changes: dict[str, Any], expected: list[str]) -> None:
    assert sorted(ids("chrome-win", **changes)) == sorted(expected)


def test_findings_are_bilingual_and_browser_specific() -> None:
    for name in ("firefox-win", "safari-ios"):
        data = {
            **HEALTHY,
            "build": {"page": "a", "current": "b"},
            "cookieEnabled": False,
            "source": "noscript",
        }
        for finding in collect_findings(env(name), data):
            assert finding.title.uk and finding.title.en and finding.remedy.uk and finding.remedy.en
            assert finding.title.uk != finding.title.en
    stale = collect_findings(env("safari-ios"), {"build": {"page": "a", "current": "b"}})[0]
    assert "Website Data" in stale.remedy.en and "Дані вебсайтів" in stale.remedy.uk
    off = collect_findings(env("firefox-win"), {"source": "noscript"})[0]
    assert "javascript.enabled" in off.remedy.en


def test_page_errors_count_includes_dropped() -> None:
    found = collect_findings(
        env("chrome-win"), {"errors": [{"kind": "error", "message": "m"}] * 20, "errorsDropped": 7}
    )
    assert "(27" in found[0].title.en


def test_noscript_report_says_javascript_is_off(client: FlaskClient) -> None:
    response = client.post("/check/noscript?lang=en", headers={"User-Agent": UA["firefox-win"]})
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'data-finding="javascript_off"' in page
    assert "JavaScript is off" in page and "javascript.enabled" in page
