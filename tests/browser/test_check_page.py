"""End to end in a real browser: /check runs the probe, shows a report, the JSON view matches."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import LiveServer

pytestmark = pytest.mark.browser

CODE = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$")
ENGINE_FAMILY = {"chromium": "Blink", "firefox": "Gecko", "webkit": "WebKit"}
BROWSER_FAMILY = {"chromium": "Chromium", "firefox": "Firefox", "webkit": "Safari"}


def _run_check(page: Page, url: str) -> dict[str, str]:
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(url)
    expect(page.get_by_test_id("result")).to_be_visible(timeout=15000)
    assert errors == []
    return {
        "code": page.get_by_test_id("report-code").inner_text(),
        "browser": page.get_by_test_id("browser").inner_text(),
        "link": page.get_by_test_id("private-link").get_attribute("href") or "",
    }


@pytest.mark.parametrize("lang,verdict_word", [("uk", "Підтримується"), ("en", "Supported")])
def test_check_page_reports_the_real_browser(
    page: Page, browser: Browser, browser_name: str, live_server: LiveServer,
    lang: str, verdict_word: str,
) -> None:
    shown = _run_check(page, f"{live_server.url}/check?lang={lang}")
    major = int(browser.version.split(".")[0])
    assert CODE.match(shown["code"])
    assert shown["browser"].startswith(f"{BROWSER_FAMILY[browser_name]} {major}.")
    expect(page.get_by_test_id("verdict")).to_contain_text(verdict_word)
    assert page.locator("html").get_attribute("lang") == lang

    # The private JSON view says the same as the page.
    json_url = shown["link"].replace("/r/", "/api/v1/reports/")
    data = page.request.get(live_server.url + json_url).json()
    assert data["code"] == shown["code"]
    env = data["environment"]
    assert env["browser"]["family"] == BROWSER_FAMILY[browser_name]
    assert env["browser"]["major"] == major
    assert env["engine"]["family"] == ENGINE_FAMILY[browser_name]
    assert env["device"]["type"] == "desktop"
    assert data["verdict"]["status"] == "supported"

    # The private HTML view opens with the token and shows the same code.
    page.goto(live_server.url + shown["link"])
    expect(page.get_by_test_id("report-code")).to_have_text(shown["code"])


def test_report_downloads_and_email(page: Page, live_server: LiveServer) -> None:
    shown = _run_check(page, f"{live_server.url}/check?lang=en")
    mailto = page.locator("#email").get_attribute("href") or ""
    assert mailto.startswith("mailto:")
    assert shown["code"] in mailto
    with page.expect_download() as info:
        page.locator("#download-txt").click()
    text = info.value.path().read_text(encoding="utf-8")
    assert shown["code"] in text and "Browser:" in text
    with page.expect_download() as info:
        page.locator("#download-json").click()
    assert f'"code": "{shown["code"]}"' in info.value.path().read_text(encoding="utf-8")


def test_private_view_needs_the_token(page: Page, live_server: LiveServer) -> None:
    shown = _run_check(page, f"{live_server.url}/check")
    code = shown["code"]
    assert page.request.get(f"{live_server.url}/r/{code}").status == 404
    assert page.request.get(f"{live_server.url}/r/{code}?t=wrong").status == 404
    assert page.request.get(f"{live_server.url}/r/ZZZZ-ZZZZ?t=wrong").status == 404
