"""The public "Supported browsers and systems" page in a real browser against a live server."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from matrix.qa.engines import BrowserSession
from tests.browser.conftest import LiveServer

pytestmark = pytest.mark.browser


def test_matrix_page_renders_the_policy_in_both_languages(
    page: Page, live_server: LiveServer
) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{live_server.url}/matrix?lang=uk")  # Playwright's browser asks for en-US
    expect(page.locator("h1")).to_have_text("Підтримувані браузери та системи")
    assert page.locator("html").get_attribute("lang") == "uk"

    summary = page.request.get(f"{live_server.url}/api/v1/matrix").json()
    listed = [f for f, rule in summary["browsers"].items() if rule.get("status") != "unsupported"]
    rows = page.get_by_test_id("browsers").locator("tbody tr")
    expect(rows).to_have_count(len(listed))
    shown = [rows.nth(i).get_attribute("data-family") for i in range(len(listed))]
    assert sorted(f or "" for f in shown) == sorted(listed)
    expect(page.locator('[data-testid="browsers"] tr[data-family="Opera"] td').first).to_have_text(
        "95 або новіша (на основі Chromium 109+)"
    )
    expect(page.get_by_test_id("unsupported")).to_contain_text("Opera Mini")
    expect(page.locator('[data-testid="systems"] tr[data-family="Windows"]')).to_contain_text(
        "7, 8, 8.1: Ваша операційна система більше не отримує оновлень безпеки."
    )

    page.get_by_role("link", name="English").click()
    expect(page.locator("h1")).to_have_text("Supported browsers and systems")
    assert page.locator("html").get_attribute("lang") == "en"
    expect(page.locator('[data-testid="systems"] tr[data-family="macOS"]')).to_contain_text(
        "Browsers may report macOS 10.15 even on a newer system"
    )
    download = page.locator('[data-testid="browsers"] tr[data-family="Firefox"] a')
    expect(download).to_have_attribute("href", "https://www.mozilla.org/firefox/new/")

    page.get_by_role("link", name="Check my browser").first.click()
    expect(page).to_have_url(f"{live_server.url}/check?lang=en")
    assert errors == []


def test_the_compact_json_judges_this_browser_as_supported(
    page: Page, live_server: LiveServer
) -> None:
    """What the in-page banner does: fetch /api/v1/matrix and compare the real browser."""
    page.goto(f"{live_server.url}/matrix?lang=en")
    decided = page.evaluate(r"""async () => {
        const policy = await (await fetch('/api/v1/matrix')).json();
        const ua = navigator.userAgent;
        const chromium = /Chrom(?:e|ium)\/(\d+)/.exec(ua);
        const firefox = /Firefox\/(\d+)/.exec(ua);
        if (chromium) return {major: +chromium[1], min: policy.browsers.Chromium.min};
        if (firefox) return {major: +firefox[1], min: policy.browsers.Firefox.min};
        const safari = /Version\/(\d+)[.\d]* Safari\//.exec(ua);
        if (safari) return {major: +safari[1], min: policy.browsers.Safari.min};
        return {major: null, min: null};
    }""")
    assert decided["min"] in (109, 115, 16)
    assert decided["major"] >= decided["min"]


def test_matrix_page_in_every_engine(session: BrowserSession, live_server: LiveServer) -> None:
    """Chromium, Firefox and WebKit all show the same table from the policy."""
    session.goto(f"{live_server.url}/matrix?lang=en")
    session.wait_visible("[data-testid=browsers]")
    assert session.text("h1") == "Supported browsers and systems"
    assert session.text('[data-testid=browsers] tr[data-family="Opera"] td') == (
        "95 or newer (built on Chromium 109+)"
    )
    assert "7, 8, 8.1: Your operating system no longer gets security updates." in session.text(
        '[data-testid=systems] tr[data-family="Windows"]'
    )
    assert session.errors() == []
