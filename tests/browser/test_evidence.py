"""The embed's recorder in real Chromium, Firefox and WebKit, on a portal page of a second origin.

The portal here is a small threaded HTTP server on its own port: its pages embed the collector's
``/embed.js`` (a real ``browsercheck serve`` on another port that lists the portal in
``BROWSERCHECK_CORS_ORIGINS``), and its API answers 500 to a meter reading, 200 to the profile,
and drops the connection without an answer for ``/api/drop`` (what a blocking extension looks
like to the page: status 0).
"""

from __future__ import annotations

import json
import sqlite3
import time
import urllib.request
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from matrix.qa.engines import BrowserSession
from tests.browser.conftest import LiveServer, StaticHost

pytestmark = pytest.mark.browser

#: What the user types and what the portal's URLs carry: neither may be stored anywhere.
TYPED = "SECRET-TYPED-4242"
ACCOUNT = "4815162342"

PORTAL = """<!doctype html><html lang="uk"><head><meta charset="utf-8"><title>Кабінет</title>
<script src="{collector}/embed.js" data-collector="{collector}" data-lang="uk"
  data-target="#where" data-mask="^INV-"></script>
<script src="/assets/app-old-build.js"></script></head>
<body><h1>Кабінет</h1>
<form id="reading"><label>Показання <input id="value" name="value"></label>
<button type="submit">Передати показання</button></form>
<button type="button" id="throws">Оновити графік</button>
<button type="button" id="refresh" aria-label="Оновити дані"><span>⟳</span></button>
<p id="where"></p>
<script>
fetch("/api/profile?account={account}");
document.getElementById("reading").addEventListener("submit", function (e) {{
  e.preventDefault();
  var value = document.getElementById("value").value;
  fetch("/api/accounts/{account}/readings?account={account}", {{method: "POST", body: value}});
}});
document.getElementById("throws").addEventListener("click", function () {{
  window.noSuchChart.draw();  // the portal's own handler throws
}});
document.getElementById("refresh").addEventListener("click", function () {{
  var x = new XMLHttpRequest(); x.open("GET", "/api/drop?account={account}"); x.send();
}});
</script>
</body></html>"""

CSP_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>CSP</title>
<script src="{collector}/embed.js" data-collector="{collector}" data-button="false"></script></head>
<body>
<img id="logo" alt="logo">
<script>document.getElementById("logo").src = "{collector}/static/favicon.svg";</script>
</body></html>"""


class _PortalHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the parent's name
        pass

    def end_headers(self) -> None:
        if self.path.startswith("/csp.html"):
            self.send_header("Content-Security-Policy", "img-src 'self'")
        super().end_headers()

    def _answer(self, status: int) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def do_GET(self) -> None:
        if self.path.startswith("/api/drop"):
            self.close_connection = True  # no status line at all: the page sees status 0
            return
        if self.path.startswith("/api/"):
            self._answer(200)
            return
        super().do_GET()

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        self._answer(500)


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[StaticHost, LiveServer]]:
    root = tmp_path_factory.mktemp("portal")
    site = StaticHost(root, _PortalHandler)
    collector = LiveServer(
        tmp_path_factory.mktemp("collector") / "instance",
        {"BROWSERCHECK_CORS_ORIGINS": site.url, "BROWSERCHECK_RATELIMIT": "off"},
    )
    (root / "portal.html").write_text(PORTAL.format(collector=collector.url, account=ACCOUNT))
    (root / "csp.html").write_text(CSP_PAGE.format(collector=collector.url))
    yield site, collector
    collector.stop()
    site.close()


def wait_for(session: BrowserSession | Page, expression: str, timeout: float = 15.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = session.evaluate(expression)
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {expression}")
        time.sleep(0.05)


def collector_entries(session: BrowserSession | Page, collector: LiveServer) -> list[str]:
    """Paths of every request the page made to the collector (Resource Timing: scripts, fetch
    and XHR alike)."""
    names = session.evaluate(
        "performance.getEntriesByType('resource').map(function (e) { return e.name; })"
    )
    return sorted(n[len(collector.url) :] for n in names if n.startswith(collector.url))


def make_report(session: BrowserSession | Page, options: str = "{}") -> dict[str, Any]:
    session.evaluate(
        "(function () { window.__result = null; BrowserCheck.report(" + options + ","
        " function (e, r) { window.__result = JSON.stringify({error: e, result: r}); });"
        " return 1; })()"
    )
    answer = json.loads(wait_for(session, "window.__result", timeout=30))
    assert answer["error"] is None, answer
    result: dict[str, Any] = answer["result"]
    return result


def report_json(collector: LiveServer, url: str) -> tuple[str, dict[str, Any]]:
    path = url.split(str(collector.port), 1)[-1].replace("/r/", "/api/v1/reports/")
    with urllib.request.urlopen(collector.url + path, timeout=10) as response:
        text = response.read().decode("utf-8")
    return text, json.loads(text)


def database_row(collector: LiveServer, code: str) -> str:
    """The report's row in the collector's SQLite database, every column as text."""
    db = collector.log.parent / "browsercheck.db"
    with sqlite3.connect(db) as connection:
        connection.row_factory = sqlite3.Row
        row = connection.execute(
            "SELECT * FROM reports WHERE code = ?", (code.replace("-", ""),)
        ).fetchone()
        if row is None:
            row = connection.execute("SELECT * FROM reports WHERE code = ?", (code,)).fetchone()
    assert row is not None, f"no row for {code}"
    return json.dumps({k: str(row[k]) for k in row.keys()}, ensure_ascii=False)


def findings(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["id"]: f for f in report["findings"]}


def test_the_recorder_explains_what_broke(
    session: BrowserSession, portal: tuple[StaticHost, LiveServer]
) -> None:
    site, collector = portal
    session.goto(f"{site.url}/portal.html")
    session.wait_visible(".browsercheck-button")
    wait_for(session, "BrowserCheck.recorder.ok['" + site.url + "'] >= 1")  # the profile
    session.evaluate(f"document.getElementById('value').value = '{TYPED}'")
    session.evaluate("document.getElementById('throws').click()")  # the page's handler throws
    session.evaluate("document.querySelector('#reading button').click()")
    wait_for(session, "(BrowserCheck.recorder.buffers.requests || []).length >= 1")
    session.evaluate("document.querySelector('#refresh span').click()")  # inside the button
    wait_for(session, "(BrowserCheck.recorder.buffers.requests || []).length >= 2")
    # Before the report: the collector saw only the script; nothing was sent, no probe loaded.
    assert collector_entries(session, collector) == ["/embed.js"]
    # Identifiers in paths: an e-mail address, a UUID, and the host's own pattern (data-mask).
    session.evaluate(
        "(function () { fetch('/api/users/ivan.petrenko@example.com/orders/"
        "123e4567-e89b-12d3-a456-426614174000', {method: 'POST'});"
        " fetch('/api/invoices/INV-77/pdf', {method: 'POST'}); return 1; })()"
    )
    wait_for(session, "(BrowserCheck.recorder.buffers.requests || []).length >= 4")
    # An in-page navigation to an address with the account in its path and its query.
    session.evaluate(
        f"history.pushState(null, '', '/accounts/{ACCOUNT}/cabinet?account={ACCOUNT}')"
    )

    result = make_report(session)
    assert result["verdict"] in ("supported", "limited", "unknown", "unsupported")
    text, report = report_json(collector, result["url"])
    evidence = report["probe"]["evidence"]
    found = findings(report)

    failed = found["action_request_failed"]
    assert failed["severity"] == "error"
    assert "«Передати показання»" in failed["title"]["uk"]
    assert "POST /api/accounts/:id/readings → 500" in failed["title"]["uk"]
    assert failed["evidence"]["action"]["kind"] == "submit"  # the form, named by its button

    assert found["request_no_answer"]["evidence"]["request"]["path"] == "/api/drop"
    assert {"element": "script", "path": "/assets/app-old-build.js"}.items() <= next(
        r for r in evidence["resources"]
    ).items()
    assert "stale_build_assets" in found
    assert found["page_errors"]["evidence"]["error"]["name"] == "TypeError"
    assert found["page_errors"]["evidence"]["error"]["stack"]  # where in the portal's code
    names = [a.get("name") for a in evidence["actions"] if a["kind"] == "click"]
    assert names[:3] == ["Оновити графік", "Передати показання", "Оновити дані"]
    assert evidence["actions"][0] == {
        "kind": "navigate",
        "path": "/portal.html",
        "t": evidence["actions"][0]["t"],
    }
    assert {"origin": site.url, "count": 1} in evidence["requestsOk"]
    assert evidence["actions"][-1]["path"] == "/accounts/:id/cabinet"
    paths = {r["path"] for r in evidence["requests"]}
    assert {"/api/users/:id/orders/:id", "/api/invoices/:id/pdf"} <= paths
    assert "ivan.petrenko" not in text and "INV-77" not in text
    assert report["probe"]["page"] == f"{site.url}/accounts/:id/cabinet"

    # Privacy: what was typed and the account number are nowhere: JSON view and database row.
    row = database_row(collector, result["code"])
    for stored in (text, row):
        assert TYPED not in stored and ACCOUNT not in stored and "account=" not in stored
    page = urllib.request.urlopen(result["url"], timeout=10).read().decode("utf-8")
    assert "POST /api/accounts/:id/readings → 500" in page  # the user sees what was sent


def test_a_csp_violation_is_recorded(
    session: BrowserSession, portal: tuple[StaticHost, LiveServer]
) -> None:
    site, collector = portal
    session.goto(f"{site.url}/csp.html")
    violations = wait_for(
        session,
        "(BrowserCheck.recorder.buffers.csp || []).length && BrowserCheck.recorder.buffers.csp",
    )
    assert violations[0]["directive"] == "img-src"
    assert violations[0]["blocked"] == collector.url  # the origin only, never the URL
    # The host API: the context the portal already knows, prefilled; the answer is the code.
    result = make_report(session, "{context: {service: 'Кабінет', app_version: '2.3.1'}}")
    assert set(result) == {"code", "url", "verdict", "repairable"}
    assert result["repairable"] is False  # nothing here a repair would remove
    _, report = report_json(collector, result["url"])
    assert findings(report)["csp_blocked"]["evidence"]["csp"]["directive"] == "img-src"
    row = json.loads(database_row(collector, result["code"]))  # for support only: not in JSON
    assert json.loads(row["context"]) == {"service": "Кабінет", "app_version": "2.3.1"}


def test_typed_text_and_blocked_requests_with_real_input(
    page: Page, portal: tuple[StaticHost, LiveServer]
) -> None:
    """Real typing and clicks (Chromium and Firefox); a request refused without an answer by
    Playwright's route.abort, as an extension would."""
    site, collector = portal
    sent: list[str] = []
    page.on("request", lambda r: sent.append(f"{r.method} {r.url}"))
    page.goto(f"{site.url}/portal.html")
    expect(page.get_by_role("button", name="Перевірити браузер")).to_be_visible()
    page.route("**/api/accounts/**", lambda route: route.abort())
    page.fill("#value", TYPED)
    page.get_by_role("button", name="Передати показання").click()
    wait_for(page, "(BrowserCheck.recorder.buffers.requests || []).length >= 1")
    to_collector = [s for s in sent if collector.url in s]
    assert to_collector == [f"GET {collector.url}/embed.js"]  # nothing sent before the click
    with page.expect_popup() as popup_info:
        page.get_by_role("button", name="Перевірити браузер").click()
    popup = popup_info.value
    popup.wait_for_url(f"{collector.url}/r/**")
    expect(popup.get_by_test_id("evidence")).to_contain_text("/api/accounts/:id/readings")
    code = page.locator(".browsercheck").get_attribute("data-browsercheck-code") or ""
    text, report = report_json(collector, popup.url)
    assert findings(report)["request_no_answer"]["severity"] == "error"
    assert [s for s in sent if s.startswith(f"POST {collector.url}")] == [
        f"POST {collector.url}/api/v1/reports"
    ]
    for stored in (text, database_row(collector, code), popup.content()):
        assert TYPED not in stored and ACCOUNT not in stored


@pytest.mark.parametrize(
    "lang,submit,check",
    [
        ("en", "Submit meter reading", "Check my browser"),
        ("uk", "Передати показання", "Перевірити браузер"),
    ],
)
def test_the_demo_portal_shows_what_the_product_does(
    page: Page, live_server: LiveServer, lang: str, submit: str, check: str
) -> None:
    """README's quick start: /demo/portal, the failing button, then the check."""
    page.goto(f"{live_server.url}/demo/portal?lang={lang}")
    page.fill("#demo-value", "01234")
    page.get_by_role("button", name=submit).click()
    expect(page.locator("#demo-status")).not_to_have_text("")
    expect(page.locator("#demo-status")).not_to_have_text("…")
    with page.expect_popup() as popup_info:
        page.get_by_role("button", name=check).click()
    popup = popup_info.value
    popup.wait_for_url(f"{live_server.url}/r/**")
    finding = popup.locator('[data-finding="action_request_failed"]')
    expect(finding).to_contain_text(f"«{submit}»")
    expect(finding).to_contain_text("POST /demo/api/readings → 500")
    expect(popup.locator('[data-finding="stale_build_assets"]')).to_be_visible()
    expect(popup.get_by_test_id("evidence")).to_contain_text("/demo/assets/app-2024-03.js")


# --- limits: what is sent stays under embed_report.js's cut; console capture is opt-in ---------

#: embed_report.js MAX_CHARS: characters of evidence sent at most.
MAX_EVIDENCE_CHARS = 24000

BUSY_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Busy</title>
<script src="{collector}/embed.js" data-collector="{collector}" data-button="false"
  {capture}></script></head>
<body><button type="button" id="long">{name}</button></body></html>"""

#: A path segment of 290 letters that no mask shortens (no digits, no hex letters).
LONG = "zyxwvutsrq" * 29

#: What the busy page records, far more than the cut: 100 failed requests, 100 failed images,
#: 100 console errors, 100 clicks, each as long as the recorder keeps.
RECORD_A_LOT = (
    "(function () { var i, img;"
    " for (i = 0; i < 100; i++) {"
    "  fetch('/api/" + LONG + "/n' + i, {method: 'POST'});"
    "  img = document.createElement('img'); img.src = '/missing/" + LONG + "/n' + i + '.png';"
    "  document.body.appendChild(img);"
    "  console.error('" + "q" * 280 + " ' + i + ' ivan.petrenko@example.com 4815162342');"
    "  document.getElementById('long').click(); }"
    " return 1; })()"
)


def sent_evidence(session: BrowserSession) -> dict[str, Any]:
    """The evidence of the payload the probe builds to send (nothing is sent here)."""
    session.evaluate(
        "(function () { window.__ev = null; BrowserCheck.collect({base: BrowserCheck.collector},"
        " function (p) { window.__ev = JSON.stringify(p.evidence); }); return 1; })()"
    )
    evidence: dict[str, Any] = json.loads(wait_for(session, "window.__ev", timeout=30))
    return evidence


def test_the_sent_evidence_stays_under_the_cut_oldest_dropped_and_counted(
    session: BrowserSession, portal: tuple[StaticHost, LiveServer]
) -> None:
    site, collector = portal
    (site.root / "busy.html").write_text(
        BUSY_PAGE.format(
            collector=collector.url,
            capture='data-capture="errors,network,resources,csp,actions,console"',
            name="Надіслати " + "ж" * 70,
        )
    )
    session.goto(f"{site.url}/busy.html")
    wait_for(session, "window.BrowserCheck && BrowserCheck.recorder")
    session.evaluate(RECORD_A_LOT)
    wait_for(
        session,
        "(function () { var b = BrowserCheck.recorder.buffers, d = BrowserCheck.recorder.dropped;"
        " return (d.requests || 0) + (b.requests || []).length >= 100"
        " && (d.resources || 0) + (b.resources || []).length >= 100; })()",
        timeout=30,
    )
    kept = session.evaluate("JSON.stringify(BrowserCheck.recorder.buffers).length")
    assert kept > MAX_EVIDENCE_CHARS  # the buffers hold more than may be sent
    recorded = session.evaluate("JSON.stringify(BrowserCheck.recorder.dropped)")
    buffers = json.loads(session.evaluate("JSON.stringify(BrowserCheck.recorder.buffers)"))
    evidence = sent_evidence(session)
    sent = json.dumps(evidence, separators=(",", ":"), ensure_ascii=False)  # as JS counts
    assert len(sent) <= MAX_EVIDENCE_CHARS
    before = json.loads(recorded)
    # The cut dropped more on top of the buffers' own limit, and counted every one.
    cut = sum(evidence["dropped"].values()) - sum(before.values())
    assert cut > 0
    for kind in ("requests", "resources", "console", "actions"):
        assert evidence["dropped"].get(kind, 0) + len(evidence[kind]) >= 100, kind
    # The oldest went first: what is left of each kind is the newest of what the buffer held
    # (requests in the order their answers came back, which under load is not the sent order).
    for kind in ("requests", "resources", "console", "actions"):
        left = evidence[kind]
        assert left and left == buffers[kind][len(buffers[kind]) - len(left) :], kind
    messages = [c["message"] for c in evidence["console"]]
    assert messages[-1].endswith(" 99 :id :id")  # masked: the address and the number
    assert "ivan.petrenko" not in json.dumps(evidence) and "4815162342" not in json.dumps(evidence)


def test_console_errors_are_recorded_only_when_asked_for(
    session: BrowserSession, portal: tuple[StaticHost, LiveServer]
) -> None:
    site, collector = portal
    for name, capture in (("quiet.html", ""), ("loud.html", 'data-capture="errors,console"')):
        (site.root / name).write_text(
            BUSY_PAGE.format(collector=collector.url, capture=capture, name="Go")
        )
    call = (
        "(function () { console.error('Order for ivan.petrenko@example.com failed',"
        " 'more'); console.error(new Error('chart 123e4567-e89b-12d3-a456-426614174000'));"
        " return 1; })()"
    )
    session.goto(f"{site.url}/quiet.html")
    wait_for(session, "window.BrowserCheck && BrowserCheck.recorder")
    session.evaluate(call)
    assert session.evaluate("BrowserCheck.recorder.buffers.console === undefined")
    quiet = sent_evidence(session)
    assert quiet["console"] == [] and "console" not in quiet["capture"]  # off by default

    session.goto(f"{site.url}/loud.html")
    wait_for(session, "window.BrowserCheck && BrowserCheck.recorder")
    session.evaluate(call)
    loud = sent_evidence(session)
    assert loud["capture"] == ["errors", "console"]
    assert [c["message"] for c in loud["console"]] == [
        "Order for :id failed",
        "chart :id",
    ]
    assert loud["requests"] == [] and loud["actions"] == []  # only what data-capture lists
