"""The embed's send in real browsers: automatic retries with one Idempotency-Key, a failed send
that offers "Try again" and the report text, and a host whose origin the collector does not allow.

The collector is a real ``browsercheck serve``; between the portal page and it, for the retries,
a small forwarding server on its own port answers the first report POSTs with 503 (Retry-After: 1)
as an overloaded collector does, and passes everything else through.
"""

from __future__ import annotations

import re
import sqlite3
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler
from pathlib import Path
from typing import Any, ClassVar

import pytest
from playwright.sync_api import Page, Route, expect

from matrix.qa.engines import BrowserSession
from tests.browser.conftest import LiveServer, StaticHost
from tests.browser.test_probe import wait_for

pytestmark = pytest.mark.browser

PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Portal</title></head>
<body><h1>Portal</h1><p id="where"></p>
<script src="{collector}/embed.js" data-collector="{collector}" data-lang="en"
  data-target="#where"></script>
</body></html>"""

#: Every text the embed's status line shows, kept in window.__said: a message that is on screen
#: for a second only ("Trying again (1 of 3)") is then asserted after the fact, not polled for.
RECORD_STATUS = """(function () {
  window.__said = [];
  new MutationObserver(function () {
    var s = document.querySelector('.browsercheck-status'), last = window.__said[window.__said.length - 1];
    if (s && s.textContent && s.textContent !== last) { window.__said.push(s.textContent); }
  }).observe(document, {subtree: true, childList: true, characterData: true});
  return 1;
})()"""

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "host"}


class Overloaded(SimpleHTTPRequestHandler):
    """Forwards every request to ``target``; answers the report POSTs listed in ``script``
    (a status each, popped in order) itself, and records each report POST's Idempotency-Key."""

    target: ClassVar[str] = ""
    script: ClassVar[list[int]] = []
    keys: ClassVar[list[str | None]] = []
    lock = threading.Lock()

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the parent's name
        pass

    def _forward(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        if method == "POST" and self.path.startswith("/api/v1/reports"):
            with self.lock:
                self.keys.append(self.headers.get("Idempotency-Key"))
                step = self.script.pop(0) if self.script else None
            if step is not None:
                self.send_response(step)
                self.send_header("Retry-After", "1")
                self.send_header("Access-Control-Allow-Origin", self.headers.get("Origin", "*"))
                self.send_header("Access-Control-Expose-Headers", "Retry-After")
                self.send_header("Content-Type", "application/json")
                answer = b'{"error": {"code": "overloaded", "message": "busy", "field": null}}'
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)
                return
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        forwarded = urllib.request.Request(
            self.target + self.path, data=body, headers=headers, method=method
        )
        try:
            answer = urllib.request.urlopen(forwarded, timeout=30)  # noqa: S310 - loopback
        except urllib.error.HTTPError as refused:
            answer = refused
        with answer:
            data = answer.read()
            self.send_response(answer.status)
            for name, value in answer.headers.items():
                if name.lower() not in HOP_BY_HOP:
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    def do_GET(self) -> None:
        self._forward("GET")

    def do_POST(self) -> None:
        self._forward("POST")

    def do_OPTIONS(self) -> None:
        self._forward("OPTIONS")


@pytest.fixture(scope="module")
def sites(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[StaticHost, StaticHost, LiveServer]]:
    """The portal, the forwarding server, and a collector that allows the portal's origin."""
    root = tmp_path_factory.mktemp("send-host")
    host = StaticHost(root)
    collector = LiveServer(
        tmp_path_factory.mktemp("send") / "instance",
        {"BROWSERCHECK_CORS_ORIGINS": host.url, "BROWSERCHECK_RATELIMIT": "off"},
    )
    Overloaded.target = collector.url
    proxy = StaticHost(root, Overloaded)
    (root / "overloaded.html").write_text(PAGE.format(collector=proxy.url))
    (root / "direct.html").write_text(PAGE.format(collector=collector.url))
    yield host, proxy, collector
    proxy.close()
    collector.stop()
    host.close()


def stored_reports(collector: LiveServer) -> int:
    with sqlite3.connect(Path(collector.log).parent / "browsercheck.db") as conn:
        return int(conn.execute("SELECT count(*) FROM reports").fetchone()[0])


def test_the_button_retries_two_503s_and_stores_one_report(
    session: BrowserSession, sites: tuple[StaticHost, StaticHost, LiveServer]
) -> None:
    host, proxy, collector = sites
    before = stored_reports(collector)
    Overloaded.keys.clear()
    Overloaded.script[:] = [503, 503]
    session.goto(f"{host.url}/overloaded.html")
    session.wait_visible(".browsercheck-button")
    session.evaluate(RECORD_STATUS)
    session.evaluate("document.querySelector('.browsercheck-button').click()")
    session.wait_visible(".browsercheck-report", timeout=30)
    said = session.evaluate("window.__said")
    assert any("Trying again (1 of 3)" in text for text in said), said
    code = session.attribute(".browsercheck", "data-browsercheck-code")
    assert code and re.fullmatch(r"\w{4}-\w{4}", code)
    keys = list(Overloaded.keys)
    assert len(keys) == 3 and len(set(keys)) == 1 and keys[0] and len(keys[0]) >= 16
    assert stored_reports(collector) == before + 1


def test_without_random_uuid_the_key_comes_from_get_random_values_or_math_random(
    session: BrowserSession, sites: tuple[StaticHost, StaticHost, LiveServer]
) -> None:
    """Older browsers: no crypto.randomUUID, then no crypto at all (Math.random): the probe still
    sends one key for every try of a report."""
    host, proxy, collector = sites
    session.goto(f"{host.url}/overloaded.html")
    session.wait_visible(".browsercheck-button")
    for strip in (
        "crypto.randomUUID = undefined",
        "Object.defineProperty(window, 'crypto', {value: undefined})",
    ):
        Overloaded.keys.clear()
        Overloaded.script[:] = [503]
        before = stored_reports(collector)
        gone = session.evaluate(
            "(function () { try { " + strip + "; } catch (e) {} window.__r = null;"
            " BrowserCheck.report(function (e, r) { window.__r = e ? 'failed' : r.code; });"
            " return !window.crypto || typeof crypto.randomUUID !== 'function'; })()"
        )
        assert gone  # the page really lacks what is stripped
        assert re.fullmatch(r"\w{4}-\w{4}", wait_for(session, "window.__r", timeout=30))
        keys = list(Overloaded.keys)
        assert len(keys) == 2 and keys[0] == keys[1] and re.fullmatch(r"[0-9a-f]{32}", keys[0])
        assert stored_reports(collector) == before + 1


def test_a_failed_send_offers_try_again_and_the_text(
    page: Page, sites: tuple[StaticHost, StaticHost, LiveServer]
) -> None:
    """No answer at all (the network cut): after the retries the embed says so, shows the text
    built in the page, and "Try again" sends the same report with the same key."""
    host, _, collector = sites
    keys: list[str | None] = []

    def cut(route: Route) -> None:
        if route.request.method == "POST":
            keys.append(route.request.headers.get("idempotency-key"))
        route.abort("connectionreset")

    page.route(re.compile(r"/api/v1/"), cut)
    page.goto(f"{host.url}/direct.html")
    before = stored_reports(collector)
    page.get_by_role("button", name="Check my browser").click()
    status = page.locator(".browsercheck-status")
    expect(status).to_contain_text("Could not reach the server", timeout=30_000)
    assert len(keys) == 4  # the first try and three retries: nothing told it the origin is refused
    text = page.locator(".browsercheck-text").input_value()
    assert page.evaluate("navigator.userAgent") in text and "no answer" in text
    assert f"Page: {host.url}/direct.html" in text
    page.unroute(re.compile(r"/api/v1/"))
    page.route(
        re.compile(r"/api/v1/reports"),
        lambda route: (keys.append(route.request.headers.get("idempotency-key")), route.fallback()),
    )
    with page.expect_popup() as popup:
        page.get_by_role("button", name="Try again").click()
    expect(page.locator(".browsercheck-report")).to_be_visible(timeout=30_000)
    popup.value.wait_for_url(f"{collector.url}/r/**")
    assert len(set(keys)) == 1  # "Try again" sent the same report, under the same key
    assert stored_reports(collector) == before + 1
    expect(page.locator(".browsercheck-failed")).to_have_count(0)


def test_a_host_that_is_not_allowed_is_told_and_offered_the_check_page(
    page: Page, sites: tuple[StaticHost, StaticHost, LiveServer], live_server: LiveServer
) -> None:
    """The shared live server lists no origin: the integrator reads why in the console, the
    user gets the collector's check page in the popup, and a link beside the button."""
    host, _, _ = sites
    (host.root / "foreign.html").write_text(PAGE.format(collector=live_server.url))
    warnings: list[str] = []
    page.on("console", lambda m: warnings.append(m.text) if m.type == "warning" else None)
    page.add_init_script(RECORD_STATUS)
    page.goto(f"{host.url}/foreign.html")
    with page.expect_popup() as popup_info:
        page.get_by_role("button", name="Check my browser").click()
    popup = popup_info.value
    popup.wait_for_url(f"{live_server.url}/check?lang=en")
    link = page.locator(".browsercheck-check-page")
    expect(link).to_have_text("Check on the browsercheck page")
    said = page.evaluate("window.__said")
    assert not any("Trying again" in text for text in said), said  # no pointless retries first
    assert link.get_attribute("href") == f"{live_server.url}/check?lang=en"
    expect(page.locator(".browsercheck-status")).to_contain_text("not available here")
    warned = [w for w in warnings if w.startswith("browsercheck:")]
    assert len(warned) == 1 and host.url in warned[0] and "BROWSERCHECK_CORS_ORIGINS" in warned[0]
    # The check page in the popup makes the report on the collector's own origin.
    expect(popup.get_by_test_id("report-code")).to_have_text(
        re.compile(r"^\w{4}-\w{4}$"), timeout=15_000
    )


def test_not_allowed_in_every_engine(
    session: BrowserSession,
    sites: tuple[StaticHost, StaticHost, LiveServer],
    live_server: LiveServer,
) -> None:
    """The same told apart in Chromium, Firefox and WebKit through the host API."""
    host, _, _ = sites
    (host.root / "foreign.html").write_text(PAGE.format(collector=live_server.url))
    session.goto(f"{host.url}/foreign.html")
    session.wait_visible(".browsercheck-button")
    session.evaluate(
        "(function () { window.__e = null; BrowserCheck.report(function (e) {"
        " window.__e = JSON.stringify(e); }); return 1; })()"
    )
    error = wait_for(session, "window.__e", timeout=20)
    assert '"notAllowed":true' in error and '"status":0' in error
