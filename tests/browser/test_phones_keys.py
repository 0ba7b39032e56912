"""Phones and keyboards in real browsers (issue 21): no page wider than its viewport at 320 px in
Chromium, Firefox and WebKit and on the Pixel 7 and iPhone 15 descriptors, even with a pasted
URL and a long unbroken error text; the focused skip link never covers the language links; a
link drawn as a button answers Space; the check's result is said in the live region; the desk's
pages fit 320 px and pass axe-core."""

from __future__ import annotations

import json
import re
import time
from typing import Any

import pytest

from matrix.qa.engines import BrowserSession, EngineHub
from tests.browser.conftest import LiveServer, create_report

pytestmark = pytest.mark.browser

LONG_URL = "https://portal.example/cabinet/payments/history?" + "&".join(
    f"filter{i}=value{i}" for i in range(40)
)
LONG_ERROR = "Uncaught_TypeError_" + "x" * 1500  # one unbroken word, as pasted from a console
CODE = re.compile(r"[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}")


def _report_with_long_text(server: LiveServer) -> str:
    """A report whose context holds a pasted URL and a long unbroken error: its private URL."""
    created = create_report(server, {"context": {"page": LONG_URL, "error_text": LONG_ERROR}})
    return (
        f"{server.url}{created['view_url']}"
        if created["view_url"].startswith("/")
        else created["view_url"]
    )


def _set_width(session: BrowserSession, width: int, height: int = 700) -> None:
    """A viewport ``width`` CSS pixels wide: Playwright sets it; WebKitGTK's window is sized so
    that its inner width is ``width`` (the window's frame added)."""
    page = getattr(session, "page", None)
    if page is not None:
        page.set_viewport_size({"width": width, "height": height})
        return
    driver: Any = session.driver  # type: ignore[attr-defined]
    driver.set_window_size(width, height)
    frame = int(session.evaluate("window.outerWidth - window.innerWidth"))
    if frame:
        driver.set_window_size(width + frame, height)


#: The right edge of the page's widest part: every element's box, in CSS pixels, except what
#: sits inside a box that scrolls or clips it (a wide table in its own scroller is fine).
_WIDEST = """(function () {
  var all = document.body.getElementsByTagName('*'), clips = [], right = 0, i, j, box, inside;
  for (i = 0; i < all.length; i++) {
    if (window.getComputedStyle(all[i]).overflowX !== 'visible') { clips.push(all[i]); }
  }
  for (i = 0; i < all.length; i++) {
    for (j = 0, inside = false; j < clips.length && !inside; j++) {
      inside = clips[j] !== all[i] && clips[j].contains(all[i]);
    }
    box = all[i].getBoundingClientRect();
    if (!inside && box.width && box.right > right) { right = box.right; }
  }
  return Math.ceil(right + window.scrollX);
})()"""


def _overflow(session: BrowserSession) -> dict[str, int]:
    return dict(
        session.evaluate(
            "({page: document.documentElement.scrollWidth, viewport: window.innerWidth,"
            f" body: document.body.scrollWidth, widest: {_WIDEST}}})"
        )
    )


def _pages(server: LiveServer) -> dict[str, str]:
    private = _report_with_long_text(server)
    return {
        "check": f"{server.url}/check?lang=uk",
        "report": private + "&lang=uk",
        "matrix": f"{server.url}/matrix?lang=uk",
        "not-found": f"{server.url}/r/ABCD-2345?t=wrong",
    }


def _assert_fits(session: BrowserSession, pages: dict[str, str], width: int) -> None:
    for name, url in pages.items():
        session.goto(url)
        if name == "check":
            session.wait_visible("[data-testid=result]")
        sizes = _overflow(session)
        if sizes["viewport"] > width and session.engine == "webkit":
            # WebKitGTK's MiniBrowser window is never narrower than ~450 px (its toolbar):
            # there the phone rules of the style sheet (max-width: 30rem) apply already, and
            # the root is narrowed to ``width`` so that any part too wide for it sticks out.
            session.evaluate(f"document.documentElement.style.width = '{width}px'")
            sizes = {**_overflow(session), "page": 0, "body": 0}
        else:
            assert sizes["viewport"] == width, f"{session.engine}: viewport {sizes['viewport']}"
        assert sizes["page"] <= width and sizes["body"] <= width, f"{name}: {sizes}"
        assert sizes["widest"] <= width, f"{name}: {sizes}"


def test_no_page_wider_than_320px(session: BrowserSession, live_server: LiveServer) -> None:
    _set_width(session, 320)
    _assert_fits(session, _pages(live_server), 320)


@pytest.mark.parametrize(
    "engine,device",
    [("chromium", "Pixel 7"), ("chromium", "iPhone 15"), ("firefox", "iPhone 15")],
    ids=["chromium-pixel7", "chromium-iphone15", "firefox-iphone15"],
)
def test_no_page_wider_than_the_phone(
    engine_hub: EngineHub, live_server: LiveServer, engine: str, device: str
) -> None:
    session = engine_hub.open(engine, device=device)
    try:
        session.goto(f"{live_server.url}/check?lang=uk")
        width = int(session.evaluate("window.innerWidth"))
        assert width < 450  # the descriptor's phone viewport, not a desktop one
        _assert_fits(session, _pages(live_server), width)
    finally:
        session.close()


def test_focused_skip_link_covers_no_language_link(
    session: BrowserSession, live_server: LiveServer
) -> None:
    for width in (320, 1024):
        _set_width(session, width)
        session.goto(f"{live_server.url}/matrix?lang=uk")
        overlaps = session.evaluate(
            """(function () {
              var skip = document.querySelector('.skip'); skip.focus();
              var a = skip.getBoundingClientRect(), hits = [];
              if (document.activeElement !== skip || a.width === 0) { return ['not focused']; }
              var links = document.querySelectorAll('.langs a');
              for (var i = 0; i < links.length; i++) {
                var b = links[i].getBoundingClientRect();
                if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) {
                  hits.push(links[i].textContent);
                }
              }
              return hits;
            })()"""
        )
        assert overlaps == [], f"{width}px: {overlaps}"


def _press_space(session: BrowserSession, css: str) -> None:
    page = getattr(session, "page", None)
    if page is not None:
        page.focus(css)
        page.keyboard.press("Space")
        return
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    element = session.driver.find_element(By.CSS_SELECTOR, css)  # type: ignore[attr-defined]
    session.evaluate(f"document.querySelector({json.dumps(css)}).focus()")
    element.send_keys(Keys.SPACE)


@pytest.mark.parametrize("css", ["#download-txt", "#download-json", "#email"])
def test_space_activates_links_drawn_as_buttons(
    session: BrowserSession, live_server: LiveServer, css: str
) -> None:
    session.goto(f"{live_server.url}/check?lang=en")
    session.wait_visible("[data-testid=result]")
    # count the link's clicks without following it (no download dialog, no mail program)
    session.evaluate(
        f"(function () {{ window.__clicks = 0; document.querySelector({json.dumps(css)})"
        ".addEventListener('click', function (e) { e.preventDefault(); window.__clicks++; });"
        " window.scrollTo(0, 0); return true; })()"
    )
    before = session.evaluate("window.scrollY")
    _press_space(session, css)
    # keyup's click may run after the engine's key action returns
    deadline = time.monotonic() + 5
    while session.evaluate("window.__clicks") < 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.2)  # and no second click follows
    assert session.evaluate("window.__clicks") == 1
    assert session.evaluate("window.scrollY") == before  # Space did not scroll the page instead


@pytest.mark.parametrize("lang", ["uk", "en"])
def test_result_is_said_in_the_live_region(
    session: BrowserSession, live_server: LiveServer, lang: str
) -> None:
    session.goto(f"{live_server.url}/check?lang={lang}")
    session.wait_visible("[data-testid=result]")
    region = session.attribute("#progress", "aria-live")
    said = session.text("#progress")
    code = session.text("[data-testid=report-code]")
    outcome = session.text("[data-testid=outcome]")
    assert region == "polite" and session.attribute("#progress", "role") == "status"
    # the headline (the outcome the user reads first) and the code, not only "done"
    assert code in said and CODE.fullmatch(code)
    assert outcome and outcome.split(".")[0] in said


def _sign_in(session: BrowserSession, server: LiveServer, agent: tuple[str, str]) -> None:
    """The desk's sign-in form, filled and sent by script (the same in every driver)."""
    session.goto(f"{server.url}/support/login?lang=uk")
    session.evaluate(
        f"(function () {{ document.getElementById('email').value = {json.dumps(agent[0])};"
        f" document.getElementById('password').value = {json.dumps(agent[1])};"
        " document.querySelector('form.login').submit(); return true; })()"
    )
    session.wait_visible("[data-testid=agent]")


def test_desk_pages_fit_phones_and_pass_axe(
    session: BrowserSession, live_server: LiveServer, desk_agent: tuple[str, str]
) -> None:
    from matrix.qa.runner import describe_violations, run_axe

    private = _report_with_long_text(live_server)
    code = CODE.search(private)
    assert code
    _sign_in(session, live_server, desk_agent)
    _set_width(session, 320)
    pages = {
        "list": f"{live_server.url}/support/reports?lang=uk",
        "report": f"{live_server.url}/support/reports/{code.group(0)}?lang=uk",
        "stats": f"{live_server.url}/support/stats?lang=uk",
        "not-found": f"{live_server.url}/nope?lang=uk",
    }
    _assert_fits(session, pages, 320)
    for name, url in pages.items():
        session.goto(url)
        violations = run_axe(session)["violations"]
        assert violations == [], f"{name}: {describe_violations(violations)}"
