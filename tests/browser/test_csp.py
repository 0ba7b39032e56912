"""In a real browser: content injected into a report cannot run script on any page showing it.

Two layers are proved apart. Escaping: hostile strings sent as the User-Agent, the context, the
client hints and other payload values come back as literal text on the private report page and
on the check page's result. The CSP: markup that does get into a page (injected here on purpose,
as an escaping bug would) is refused -- and a control run with the CSP bypassed shows the same
injection does run, so the assertion can fail.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from matrix.qa.engines import EngineMissing, resolve_engine
from tests.browser.conftest import LiveServer

pytestmark = pytest.mark.browser

#: Each piece, if it ever ran, would set window.__pwned.
HOSTILE = (
    '<script>window.__pwned="script"</script><img src=x onerror="window.__pwned=\'img\'">'
    '"><svg onload="window.__pwned=\'svg\'"></svg>javascript:window.__pwned="url"'
)
HOSTILE_UA = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36 " + HOSTILE
)
CONTEXT = {
    "service": HOSTILE[:200],
    "page": "javascript:window.__pwned='href'",
    "action": HOSTILE,
    "error_text": HOSTILE + "\n" + HOSTILE,
    "login": "<b onmouseover=window.__pwned=1>me</b>@example.com",
}

#: A browser whose client hints are hostile (window.__hostile is set first).
FAKE_HINTS = """(() => {
  const value = window.__hostile, brands = [{brand: 'Microsoft Edge', version: value}];
  const hints = {brands: brands, mobile: false, platform: value, getHighEntropyValues: () =>
    Promise.resolve({fullVersionList: brands, platformVersion: value, model: value})};
  Object.defineProperty(navigator, 'userAgentData', {get: () => hints});
})();"""


class Watch:
    """Everything a page could do if script ran: dialogs, errors, CSP reports."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.csp: list[str] = []
        page.on("dialog", lambda dialog: (self.dialogs.append(dialog.message), dialog.dismiss()))
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        page.on(
            "console",
            lambda msg: (
                self.csp.append(msg.text) if "Content Security Policy" in msg.text else None
            ),
        )

    def pwned(self) -> Any:
        return self.page.evaluate("window.__pwned")

    def assert_inert(self) -> None:
        assert self.pwned() is None
        assert self.dialogs == [] and self.errors == []
        assert self.csp == []  # nothing even tried to run: the strings stayed text
        assert self.page.locator("img[src='x'], svg[onload], b[onmouseover]").count() == 0
        assert self.page.locator("a[href^='javascript:' i]").count() == 0
        for script in self.page.locator("script").all():  # only ours, each with the nonce
            assert script.get_attribute("src") and script.get_attribute("nonce") is not None


@pytest.fixture
def hostile_context(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(user_agent=HOSTILE_UA)
    yield context
    context.close()


def _hostile_report(page: Page, live_server: LiveServer) -> dict[str, Any]:
    answer = page.request.post(
        f"{live_server.url}/api/v1/reports",
        headers={
            "User-Agent": HOSTILE_UA,
            "Sec-CH-UA": '"Microsoft Edge";v="<img src=x onerror=window.__pwned=7>"',
        },
        data={
            "lang": "en",
            "context": CONTEXT,
            "timeZone": HOSTILE[:200],
            "languages": [HOSTILE[:200]],
            "userAgentData": {"platform": HOSTILE[:200], "model": HOSTILE[:200]},
        },
    )
    assert answer.status == 201, answer.text()
    body: dict[str, Any] = answer.json()
    return body


@pytest.mark.parametrize("lang", ["en", "uk"])
def test_private_report_page_shows_injected_text_literally(
    page: Page, live_server: LiveServer, lang: str
) -> None:
    created = _hostile_report(page, live_server)
    watch = Watch(page)
    page.goto(f"{live_server.url}{created['view_url']}&lang={lang}")
    text = page.get_by_test_id("report-text").inner_text()
    for value in (HOSTILE_UA, CONTEXT["login"], CONTEXT["page"], CONTEXT["error_text"]):
        assert value in text  # shown, exactly as sent
    expect(page.locator("code").first).to_have_text(HOSTILE_UA)
    watch.assert_inert()


def test_check_page_result_shows_injected_values_literally(
    hostile_context: BrowserContext, live_server: LiveServer
) -> None:
    page = hostile_context.new_page()
    # The probe sends the hostile hints; the result shows them.
    page.add_init_script(f"window.__hostile = {json.dumps(HOSTILE[:200])};")
    page.add_init_script(FAKE_HINTS)
    watch = Watch(page)
    page.goto(f"{live_server.url}/check?lang=en")
    expect(page.get_by_test_id("result")).to_be_visible(timeout=15000)
    # A "version" that is no version is refused by detection: the UA's browser stands
    # (Chrome 131 from the hostile UA; Firefox over BiDi ignores a context's User-Agent).
    expect(page.get_by_test_id("browser")).to_have_text(re.compile(r"^(Chrome 131|Firefox \d+)"))
    assert "<" not in page.get_by_test_id("browser").inner_text()
    if "Chrome 131" in page.get_by_test_id("browser").inner_text():
        assert HOSTILE_UA in page.locator("#r-text").input_value()
    watch.assert_inert()


INJECT = """() => {
  window.__violations = [];
  document.addEventListener('securitypolicyviolation',
                            e => window.__violations.push(e.violatedDirective));
  const box = document.createElement('div');
  box.innerHTML = '<img src="/no-such.png" onerror="window.__pwned=\\'img\\'">';
  document.body.appendChild(box);
  const script = document.createElement('script');
  script.textContent = 'window.__pwned = "inline script"';
  document.body.appendChild(script);
  const link = document.createElement('a');
  link.href = 'javascript:void(window.__pwned="url")';
  link.id = 'js-link';
  link.textContent = 'link';
  document.body.appendChild(link);
}"""


def _inject_and_watch(context: BrowserContext, live_server: LiveServer, where: str) -> Page:
    page = context.new_page()
    url = f"{live_server.url}/check?lang=en"
    if where == "report":
        url = live_server.url + _hostile_report(page, live_server)["view_url"]
    page.goto(url)
    page.evaluate(INJECT)
    page.locator("#js-link").click()
    page.wait_for_timeout(300)  # let the image fail and the handlers (not) run
    return page


@pytest.mark.parametrize("where", ["check", "report"])
def test_csp_refuses_markup_that_slipped_into_a_page(
    browser: Browser, live_server: LiveServer, where: str
) -> None:
    context = browser.new_context()
    try:
        page = _inject_and_watch(context, live_server, where)
        # the violation reports arrive as events of their own, a moment after what they refused
        page.wait_for_function("window.__violations.length >= 2", timeout=5000)
        assert page.evaluate("window.__pwned") is None
        violations = page.evaluate("window.__violations")
        assert len(violations) >= 2 and all(v.startswith("script-src") for v in violations)
    finally:
        context.close()


@pytest.mark.parametrize("where", ["check", "report"])
def test_control_without_the_csp_the_injection_runs(
    playwright: Any, live_server: LiveServer, where: str
) -> None:
    """The injection is real: with the CSP bypassed it runs. Chromium only: Firefox over BiDi
    cannot bypass a page's CSP, and one engine proves the test above can fail."""
    launch = resolve_engine(playwright, "chromium")
    assert not isinstance(launch, EngineMissing), launch
    browser = playwright.chromium.launch(**launch.launch_kwargs)
    try:
        context = browser.new_context(bypass_csp=True)
        page = _inject_and_watch(context, live_server, where)
        assert page.evaluate("window.__pwned") is not None
    finally:
        browser.close()
