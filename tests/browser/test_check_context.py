"""In a real browser: the check page's optional form adds context and a screenshot to the report,
the probe's browser id links reports of one browser, and the agent sees all of it."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import LiveServer, sign_in_page

pytestmark = pytest.mark.browser


def _check(page: Page, url: str) -> str:
    page.goto(url)
    expect(page.get_by_test_id("result")).to_be_visible(timeout=15000)
    return page.get_by_test_id("report-code").inner_text()


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (20, 120, 200)).save(out, "PNG")
    return out.getvalue()


def test_user_adds_context_and_screenshot_and_the_agent_sees_them(
    browser: Browser, live_server: LiveServer, desk_agent: tuple[str, str]
) -> None:
    user = browser.new_context()
    page = user.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    earlier = _check(page, f"{live_server.url}/check?lang=uk")
    # a reload shows the same report; "Check again" makes a second one from the same browser
    assert _check(page, f"{live_server.url}/check?lang=uk") == earlier
    page.get_by_test_id("check-again").click()
    expect(page.get_by_test_id("report-code")).not_to_have_text(earlier, timeout=15000)
    code = page.get_by_test_id("report-code").inner_text()
    assert code != earlier

    page.get_by_test_id("context-details").locator("summary").click()
    page.fill("#ctx-service", "Особистий кабінет")
    page.fill("#ctx-error_text", "Рахунок не завантажується")
    page.fill("#ctx-meter", "GM-0042")
    page.set_input_files(
        "#ctx-screenshot", files=[{"name": "screen.png", "mimeType": "image/png", "buffer": _png()}]
    )
    page.click("#ctx-save")
    expect(page.get_by_test_id("context-status")).to_have_text("Додано до звіту.")
    assert "Рахунок не завантажується" in page.locator("#r-text").input_value()
    # the e-mail carries the code and the private link; what was typed is in the report
    assert code in (page.locator("#email").get_attribute("href") or "")
    assert "GM-0042" not in (page.locator("#email").get_attribute("href") or "").replace("%2D", "-")

    # A file over the limit is refused in the page, before any upload.
    page.set_input_files(
        "#ctx-screenshot",
        files=[
            {"name": "big.png", "mimeType": "image/png", "buffer": b"\0" * (5 * 1024 * 1024 + 1)}
        ],
    )
    page.click("#ctx-save")
    expect(page.get_by_test_id("context-status")).to_contain_text("5 МБ")
    assert errors == []
    user.close()

    agent = browser.new_context()
    desk = agent.new_page()
    sign_in_page(desk, live_server, desk_agent)
    desk.get_by_test_id("code-search").fill(code.lower().replace("-", ""))
    desk.get_by_test_id("code-search").press("Enter")
    desk.wait_for_url(f"**/support/reports/{code}*")
    context = desk.get_by_test_id("user-context")
    expect(context).to_contain_text("Рахунок не завантажується")
    expect(context).to_contain_text("GM-0042")
    shot = desk.get_by_test_id("screenshot")
    expect(shot).to_be_visible()
    assert desk.evaluate("el => el.naturalWidth", shot.element_handle()) == 64
    expect(desk.get_by_test_id("same-browser")).to_contain_text(earlier)
    agent.close()


def test_anonymous_agent_pages_redirect_to_login(page: Page, live_server: LiveServer) -> None:
    page.goto(f"{live_server.url}/support/stats")
    assert "/support/login" in page.url
    expect(page.locator("#password")).to_be_visible()
