"""In real Chromium and Firefox: one report per visit of the check page (reload, Back and the
language switch show the same code and keep what the user typed; the server stores one report),
"Check again" makes a new one, a failed send offers "Try again" with the text built in the page,
and the report page works as a way on to support (copy, downloads, Space on them)."""

from __future__ import annotations

import sqlite3
import time

import pytest
from playwright.sync_api import Browser, Page, Route, expect
from playwright.sync_api import Error as PlaywrightError

from tests.browser.conftest import LiveServer

pytestmark = pytest.mark.browser


def stored_reports(server: LiveServer) -> int:
    database = server.log.parent / "browsercheck.db"
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM reports").fetchone()[0])


def shown_code(page: Page) -> str:
    expect(page.get_by_test_id("result")).to_be_visible(timeout=15000)
    return page.get_by_test_id("report-code").inner_text()


def back_to_code(page: Page, lang: str) -> str:
    """Back, then the code the page shows once it is in ``lang``. Read by evaluate: Playwright's
    go_back and locators wait forever over Firefox's BiDi for a page restored from the
    back-forward cache (the page itself is there at once)."""
    page.evaluate("setTimeout(function () { history.back(); }, 10)")
    deadline, shown = time.monotonic() + 15, ""
    while time.monotonic() < deadline:
        time.sleep(0.2)
        try:
            shown = page.evaluate(
                "document.documentElement.lang + ' ' + (document.getElementById('result').hidden"
                " ? '' : document.getElementById('r-code').textContent)"
            )
        except PlaywrightError:  # the evaluation met the navigation (or a page still loading)
            continue
        if shown.startswith(lang + " ") and len(shown) > len(lang) + 1:
            return str(shown.split(" ", 1)[1])
    raise AssertionError(f"no report shown after Back (last: {shown!r})")


def test_reload_back_and_language_switch_show_one_report(
    browser: Browser, live_server: LiveServer
) -> None:
    context = browser.new_context()
    page = context.new_page()
    before = stored_reports(live_server)
    page.goto(f"{live_server.url}/check?lang=uk")
    code = shown_code(page)
    expect(page.get_by_test_id("outcome")).to_contain_text("працю")
    page.get_by_test_id("context-details").locator("summary").click()
    page.fill("#ctx-service", "Особистий кабінет")
    page.fill("#ctx-error_text", "Кнопка «Оплатити» не реагує")

    page.reload()
    assert shown_code(page) == code
    expect(page.locator("#ctx-service")).to_have_value("Особистий кабінет")

    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert shown_code(page) == code
    expect(page.get_by_test_id("outcome")).to_contain_text("work")  # worded in English now
    expect(page.locator("#ctx-error_text")).to_have_value("Кнопка «Оплатити» не реагує")

    assert back_to_code(page, "uk") == code
    page.reload()
    assert shown_code(page) == code
    assert stored_reports(live_server) - before == 1  # one report, not four

    page.get_by_test_id("check-again").click()
    expect(page.get_by_test_id("report-code")).not_to_have_text(code, timeout=15000)
    new_code = shown_code(page)
    assert new_code != code and stored_reports(live_server) - before == 2
    expect(page.locator("#ctx-service")).to_have_value("")  # a new report starts empty
    page.reload()
    assert shown_code(page) == new_code
    context.close()


def test_a_failed_send_offers_try_again_and_the_text(
    browser: Browser, live_server: LiveServer
) -> None:
    context = browser.new_context()
    page = context.new_page()
    answered: list[int] = []

    def busy_once(route: Route) -> None:
        # busy for the first send and its three automatic retries (issue 15), then free
        if route.request.method == "POST" and len(answered) < 4:
            answered.append(429)
            route.fulfill(
                status=429,
                content_type="application/json",
                headers={"Retry-After": "0"},
                body='{"error": {"code": "rate_limited", "message": "too many", "field": null}}',
            )
            return
        route.continue_()

    page.route("**/api/v1/reports?*", busy_once)  # the check page asks ?include=text,email
    page.goto(f"{live_server.url}/check?lang=en")
    failed = page.get_by_test_id("send-failed")
    expect(failed).to_be_visible(timeout=15000)
    expect(page.get_by_test_id("failed-reason")).to_contain_text("Too many checks")
    assert "User-Agent: " in page.get_by_test_id("failed-text").input_value()
    assert "HTTP 429" in page.get_by_test_id("failed-text").input_value()
    expect(failed.get_by_test_id("support-address")).to_contain_text("support@example.com")
    page.get_by_test_id("try-again").click()
    assert len(shown_code(page)) == 9
    expect(failed).to_be_hidden()
    context.close()


def test_report_page_copy_and_download_by_keyboard(
    browser: Browser, browser_name: str, live_server: LiveServer
) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{live_server.url}/check?lang=en")
    code = shown_code(page)
    page.goto(live_server.url + (page.get_by_test_id("private-link").get_attribute("href") or ""))
    expect(page.get_by_test_id("outcome")).to_be_visible()
    expect(page.get_by_test_id("support-address")).to_contain_text("support@example.com")
    mailto = page.get_by_test_id("email").get_attribute("href") or ""
    assert mailto.startswith("mailto:") and code in mailto and len(mailto) < 2000
    expect(page.locator("#copy")).to_be_visible()  # shown once the script runs
    page.locator("#copy").click()
    expect(page.locator("#copy-status")).not_to_be_empty()
    if browser_name == "chromium":  # downloads are not reported over Firefox's BiDi
        page.get_by_test_id("download-txt").focus()
        with page.expect_download() as info:
            page.keyboard.press(" ")
        assert code in info.value.path().read_text(encoding="utf-8")
    else:
        href = page.get_by_test_id("download-txt").get_attribute("href") or ""
        response = page.request.get(live_server.url + href)
        assert code in response.text()
    context.close()
