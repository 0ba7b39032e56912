"""End to end in real browsers: /check runs the probe, shows a report, the private views match."""

from __future__ import annotations

import json
import re
import urllib.request

import pytest
from playwright.sync_api import Browser, Page, expect

from matrix.qa.engines import BrowserSession
from tests.browser.conftest import LiveServer

pytestmark = pytest.mark.browser

CODE = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$")
ENGINE_FAMILY = {"chromium": "Blink", "firefox": "Gecko", "webkit": "WebKit"}


def _fetch_json(url: str) -> dict[str, object]:
    with urllib.request.urlopen(url, timeout=10) as response:
        data: dict[str, object] = json.load(response)
        return data


def _run_check(session: BrowserSession, url: str) -> dict[str, str]:
    session.goto(url)
    session.wait_visible("[data-testid=result]")
    assert session.errors() == []
    return {
        "code": session.text("[data-testid=report-code]"),
        "browser": session.text("[data-testid=browser]"),
        "device": session.text("[data-testid=device]"),
        "verdict": session.text("[data-testid=verdict]"),
        "link": session.attribute("[data-testid=private-link]", "href") or "",
    }


@pytest.mark.parametrize(
    "lang,verdict_word,desktop_word",
    [("uk", "Підтримується", "комп'ютер"), ("en", "Supported", "desktop")],
)
def test_check_page_reports_the_real_browser(
    session: BrowserSession,
    live_server: LiveServer,
    lang: str,
    verdict_word: str,
    desktop_word: str,
) -> None:
    shown = _run_check(session, f"{live_server.url}/check?lang={lang}")
    ran = session.describe()
    assert CODE.match(shown["code"])
    assert shown["device"] == desktop_word  # the device kind in the page's language
    assert verdict_word in shown["verdict"] or session.engine == "webkit"
    assert session.evaluate("document.documentElement.lang") == lang

    link = shown["link"]
    data = _fetch_json(
        live_server.url
        + link.split("127.0.0.1:" + str(live_server.port))[-1].replace("/r/", "/api/v1/reports/")
    )
    assert data["code"] == shown["code"]
    env = data["environment"]
    assert isinstance(env, dict)
    assert env["engine"]["family"] == ENGINE_FAMILY[session.engine]
    assert env["device"]["type"] == "desktop"
    if ran["driver"] == "playwright":
        # Detection names the browser that really ran, with its real major version.
        major = int(ran["version"].split(".")[0])
        family = {"chromium": "Chromium", "firefox": "Firefox", "webkit": "Safari"}[session.engine]
        assert env["browser"]["family"] == family
        assert env["browser"]["major"] == major
        assert shown["browser"].startswith(f"{family} {major}")
        assert data["verdict"]["status"] == "supported"

    session.goto(link if link.startswith("http") else live_server.url + link)
    session.wait_visible("[data-testid=report-code]")
    assert session.text("[data-testid=report-code]") == shown["code"]


def test_downloads_and_email(page: Page, browser: Browser, live_server: LiveServer) -> None:
    page.goto(f"{live_server.url}/check?lang=en")
    expect(page.get_by_test_id("result")).to_be_visible(timeout=15000)
    code = page.get_by_test_id("report-code").inner_text()
    mailto = page.locator("#email").get_attribute("href") or ""
    assert mailto.startswith("mailto:support%40example.com?subject=") or mailto.startswith(
        "mailto:support@example.com?subject="
    )
    assert code in mailto
    for link, name in (
        ("#download-txt", f"browsercheck-{code}.txt"),
        ("#download-json", f"browsercheck-{code}.json"),
    ):
        assert page.locator(link).get_attribute("download") == name
    # the text is built from the 201 answer; the JSON is the report's private JSON view
    assert (page.locator("#download-txt").get_attribute("href") or "").startswith(
        ("blob:", "data:")
    )
    json_href = page.locator("#download-json").get_attribute("href") or ""
    assert json_href.startswith(f"/api/v1/reports/{code}?t=")
    assert code in page.locator("#r-text").input_value()
    # The CSP's connect-src keeps page scripts (and so a test's fetch) off blob: URLs; a real
    # download reads them, where the driver reports downloads (not Firefox over BiDi).
    if browser.browser_type.name == "chromium":
        for link, needle in (
            ("#download-txt", "Browser:"),
            ("#download-json", f'"code":"{code}"'),
        ):
            with page.expect_download() as info:
                page.locator(link).click()
            content = info.value.path().read_text(encoding="utf-8")
            assert code in content and needle in content


def test_private_view_needs_the_token(page: Page, live_server: LiveServer) -> None:
    page.goto(f"{live_server.url}/check")
    expect(page.get_by_test_id("result")).to_be_visible(timeout=15000)
    code = page.get_by_test_id("report-code").inner_text()
    assert page.request.get(f"{live_server.url}/r/{code}").status == 404
    assert page.request.get(f"{live_server.url}/r/{code}?t=wrong").status == 404
    assert page.request.get(f"{live_server.url}/r/ZZZZ-ZZZZ?t=wrong").status == 404
