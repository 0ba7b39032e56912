"""The embed's outdated-browser banner in real Chromium, Firefox and WebKit, on a second origin.

Its code and data come apart from ``/embed.js`` (``/embed/banner.js``, fetched only by a browser
the collector's policy calls outdated: here every one, under a policy whose minimums are 999).
Closed, it stays away on reload (this tab's session, and 7 days in the host's localStorage);
with storage blocked the close still works, for that page.
"""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import Page, expect

from matrix.qa.engines import BrowserSession
from tests.browser.conftest import LiveServer, StaticHost
from tests.browser.test_probe import embed_sites, wait_for  # noqa: F401 - a fixture

pytestmark = pytest.mark.browser

PAGE = """<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>Portal</title></head>
<body><h1>Portal</h1>
<script src="{collector}/embed.js" data-collector="{collector}" data-lang="{lang}"
  data-banner="true"></script>
</body></html>"""

DAY_MS = 24 * 3600 * 1000


@pytest.fixture(scope="module")
def banner_sites(
    embed_sites: tuple[StaticHost, LiveServer],  # noqa: F811 - the imported fixture
) -> tuple[StaticHost, LiveServer]:
    """test_probe's host and collector (every browser outdated), with banner pages of our own."""
    host, collector = embed_sites
    for lang in ("uk", "en"):
        (host.root / f"banner-{lang}.html").write_text(
            PAGE.format(collector=collector.url, lang=lang)
        )
    return host, collector


def banner_loaded(session: BrowserSession | Page) -> None:
    """Wait until /embed/banner.js ran (it marks BrowserCheck.bannerResult), shown or not."""
    wait_for(session, "!!(window.BrowserCheck && BrowserCheck.bannerResult)")  # type: ignore[arg-type]


def banners(session: BrowserSession | Page) -> int:
    return int(session.evaluate("document.querySelectorAll('.browsercheck-banner').length"))


def test_closed_banner_stays_away_on_reload_and_for_seven_days(
    session: BrowserSession, banner_sites: tuple[StaticHost, LiveServer]
) -> None:
    host, collector = banner_sites
    session.goto(f"{host.url}/banner-uk.html")
    session.wait_visible(".browsercheck-banner")
    assert session.text(".browsercheck-banner a") == "Оновити браузер"
    assert session.attribute(".browsercheck-banner button", "aria-label") == "Закрити"
    fetched = session.evaluate(
        "performance.getEntriesByType('resource').map(function (e) { return e.name; })"
    )
    assert sorted(u[len(collector.url) :] for u in fetched if u.startswith(collector.url)) == [
        "/embed.js",
        "/embed/banner.js",
    ]

    before = time.time() * 1000
    session.evaluate("document.querySelector('.browsercheck-banner button').click()")
    assert banners(session) == 0
    stamp = float(session.evaluate("localStorage.getItem('browsercheck-banner-closed')"))
    assert before - 5000 <= stamp <= time.time() * 1000 + 5000

    session.goto(f"{host.url}/banner-uk.html")  # a reload: the close sticks
    banner_loaded(session)
    session.wait_visible(".browsercheck-button")
    assert banners(session) == 0
    session.goto(f"{host.url}/banner-en.html")  # another page of the same host, in English
    banner_loaded(session)
    assert banners(session) == 0

    # Eight days later (the stamp moved back), in a new session: the banner is back.
    session.evaluate(
        f"(function () {{ localStorage.setItem('browsercheck-banner-closed',"
        f" String(new Date().getTime() - 8 * {DAY_MS})); sessionStorage.clear(); return 1; }})()"
    )
    session.goto(f"{host.url}/banner-en.html")
    session.wait_visible(".browsercheck-banner")
    assert session.text(".browsercheck-banner a") == "Update browser"
    assert session.attribute(".browsercheck-banner button", "aria-label") == "Close"
    session.evaluate("(function () { localStorage.clear(); sessionStorage.clear(); return 1; })()")


BLOCK_STORAGE = """
for (const name of ["localStorage", "sessionStorage"]) {
  Object.defineProperty(window, name, { get() { throw new DOMException("blocked", "SecurityError"); } });
}
"""


def test_with_storage_blocked_the_close_still_closes(
    page: Page, banner_sites: tuple[StaticHost, LiveServer]
) -> None:
    """Storage that throws (private modes, a blocked site): the banner shows and closes, for
    this page only; the page sees no error."""
    host, _ = banner_sites
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.add_init_script(BLOCK_STORAGE)
    page.goto(f"{host.url}/banner-en.html")
    banner = page.locator(".browsercheck-banner")
    expect(banner).to_be_visible()
    page.get_by_role("button", name="Close").click()
    expect(banner).to_have_count(0)
    page.reload()
    expect(banner).to_be_visible()  # nothing could be kept: it shows again, as it must
    assert errors == []
