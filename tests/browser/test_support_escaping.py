"""In a real browser: a report whose User-Agent header and context fields hold script and HTML
shows literally in the support desk's list and report page, and nothing of it runs."""

from __future__ import annotations

import json
import secrets

import pytest
from playwright.sync_api import Dialog, Page, expect

from tests.browser.conftest import LiveServer, sign_in_page

pytestmark = pytest.mark.browser

HOSTILE_UA = (
    'Mozilla/5.0 <script>window.__pwned="ua"</script><img src=x onerror="window.__pwned=1">'
)
HOSTILE = {
    "service": '<script>window.__pwned="service"</script>',
    "page": '"><svg onload="window.__pwned=3">',
    "action": "<img src=x onerror=\"window.__pwned='action'\"> {{7*7}} ${7*7}",
    "error_text": "</textarea></pre><script>window.__pwned=5</script>",
    "login": "javascript:window.__pwned=6//@example.com",
    "company": '<iframe src="javascript:parent.__pwned=7"></iframe>',
}


def _watch(page: Page) -> list[str]:
    ran: list[str] = []

    def on_dialog(dialog: Dialog) -> None:
        ran.append(f"dialog: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("pageerror", lambda exc: ran.append(f"pageerror: {exc}"))
    return ran


def _assert_nothing_ran(page: Page, ran: list[str]) -> None:
    page.wait_for_load_state("load")
    assert page.evaluate("window.__pwned === undefined"), page.evaluate("String(window.__pwned)")
    assert ran == []


def test_hostile_report_shows_literally_in_the_desk(
    page: Page, live_server: LiveServer, desk_agent: tuple[str, str]
) -> None:
    marker = secrets.token_hex(6)
    context = {**HOSTILE, "meter": f"meter-{marker}"}
    created = page.request.post(
        f"{live_server.url}/api/v1/reports",
        data=json.dumps({"context": context, "browser_id": f"hostile_{marker}_browser"}),
        headers={"Content-Type": "application/json", "User-Agent": HOSTILE_UA},
    )
    assert created.status == 201
    code = created.json()["code"]
    ran = _watch(page)
    sign_in_page(page, live_server, desk_agent)

    # The list, found by text in the user's fields.
    page.goto(f"{live_server.url}/support/reports?lang=en&text=meter-{marker}")
    row = page.locator("table.reports tbody tr")
    expect(row).to_have_count(1)
    expect(row.locator("a.code-link")).to_have_text(code)
    note = row.locator("td.note")
    for key in ("service", "page", "login"):
        expect(note).to_contain_text(HOSTILE[key])
    # the compact list keeps the User-Agent in the environment cell's tooltip, as text
    expect(row.locator("td.env")).to_have_attribute("title", HOSTILE_UA)
    _assert_nothing_ran(page, ran)

    # The report page: every field as typed, the UA in the report and the raw payload.
    page.goto(f"{live_server.url}/support/reports/{code}?lang=en")
    context_box = page.get_by_test_id("user-context")
    for value in HOSTILE.values():
        expect(context_box.locator("dd", has_text=value)).to_have_count(1)
        assert value in context_box.inner_text()
    page.locator("details[data-testid=raw-payload] summary").click()
    raw = json.loads(page.locator("pre.raw").inner_text())
    assert raw["context"]["error_text"] == HOSTILE["error_text"]
    expect(page.get_by_test_id("headers")).to_contain_text(HOSTILE_UA)
    assert page.locator("iframe").count() == 0 and page.locator("img[src=x]").count() == 0
    # No template ran either: the action reads exactly as typed, "{{7*7}}" and all, not "49".
    expect(context_box.locator("dd", has_text="{{7*7}}")).to_have_text(HOSTILE["action"])
    _assert_nothing_ran(page, ran)

    # The search box with a hostile query answers with text, too.
    page.get_by_test_id("code-search").fill(HOSTILE["service"])
    page.get_by_test_id("code-search").press("Enter")
    expect(page.get_by_test_id("search-notice")).to_contain_text(HOSTILE["service"])
    _assert_nothing_ran(page, ran)
