"""In a real browser: the ticket sidebar opened with a signed link (no agent session) inside a
help desk's page on a second loopback origin takes the ticket's text by postMessage from that
allowed framer and shows the cards, and ignores a message from an origin that is not allowed;
and the Zendesk app package, unzipped and run inside a stand-in for the Zendesk host, reads the
ticket through the real ZAF SDK and gets the cards in the same way."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Frame, Page, Route

from tests.browser.conftest import (
    DESK_EMAIL,
    DESK_PASSWORD,
    LiveServer,
    QuietHandler,
    StaticHost,
    free_port,
    sign_in_page,
)
from tests.conftest import CHROME_WIN
from tests.payloads import probe_payload

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
ZAF_SDK = ROOT / "node_modules" / "zendesk_app_framework_sdk" / "lib"
CARD = '[data-testid="report-card"]'


def browsercheck(instance: Path, *args: str, env: dict[str, str] | None = None) -> str:
    """``browsercheck ARGS`` on ``instance``; its output."""
    done = subprocess.run(
        [sys.executable, "-m", "webapp", *args],
        env={**os.environ, "BROWSERCHECK_INSTANCE_PATH": str(instance), **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


class Desk:
    """Two help desks' origins (loopback ports): ``allowed`` may frame the sidebar, ``other``
    may not; a collector that knows only ``allowed``, with a desk API token and an agent.
    ``allowed`` is also the stand-in Zendesk host (``handler``: its /proxy)."""

    def __init__(self, root: Path, handler: type[ZendeskProxy]) -> None:
        (root / "allowed").mkdir(parents=True)
        (root / "other").mkdir()
        self.root = root
        self.proxy = handler
        self.allowed = StaticHost(root / "allowed", handler)
        self.other = StaticHost(root / "other")
        self.instance = root / "instance"
        port = free_port()
        self.env = {
            "BROWSERCHECK_SIDEBAR_FRAME_ANCESTORS": self.allowed.url,
            "BROWSERCHECK_PUBLIC_URL": f"http://127.0.0.1:{port}",
        }
        self.token = self.new_token("desk")
        handler.token = self.token
        self.run("users", "add", DESK_EMAIL, "--password", DESK_PASSWORD)
        self.server = LiveServer(self.instance, env=self.env, port=port)

    def run(self, *args: str) -> str:
        return browsercheck(self.instance, *args, env=self.env)

    def new_token(self, name: str) -> str:
        return self.run("tokens", "add", name).split()[-1]

    def report(self, page: Page) -> str:
        created = page.request.post(
            f"{self.server.url}/api/v1/reports",
            data=probe_payload(CHROME_WIN),
            headers={"User-Agent": CHROME_WIN},
        )
        assert created.status == 201
        code: str = created.json()["code"]
        return code

    def sidebar_link(self, page: Page, lang: str, token: str = "") -> str:
        answer = page.request.post(
            f"{self.server.url}/api/v1/desk/sidebar-links",
            data={"lang": lang},
            headers={"Authorization": f"Bearer {token or self.token}"},
        )
        assert answer.status == 201, answer.text()
        url: str = answer.json()["url"]
        return url

    def page(self, name: str, body: str, origin: str = "allowed") -> str:
        """Serve ``body`` as ``name`` on that origin; its URL."""
        (self.root / origin / name).write_text(body, encoding="utf-8")
        host = self.allowed if origin == "allowed" else self.other
        return f"{host.url}/{name}"

    def close(self) -> None:
        self.server.stop()
        self.allowed.close()
        self.other.close()


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Desk]:
    """One collector and two desk origins for the module (each test writes its own pages)."""
    opened = Desk(tmp_path_factory.mktemp("desk"), type("Proxy", (ZendeskProxy,), {}))
    yield opened
    opened.close()


def named_frame(page: Page, name: str) -> Frame | None:
    """The child frame called ``name``, waiting a moment for it: Firefox over WebDriver BiDi may
    tell Playwright a frame's name a little after the page's load."""
    for _ in range(100):
        frame = page.frame(name=name)
        if frame is not None:
            return frame
        page.wait_for_timeout(100)
    return None


@pytest.fixture(autouse=True)
def _no_session(page: Page) -> None:
    page.context.clear_cookies()  # no agent session unless a test signs in


# The help desk's ticket page: the sidebar (signed link) and, beside it, a frame from the other
# origin, which tries to post to the sidebar too (a sibling's message: not our framer).
TICKET_PAGE = """<!doctype html><title>ticket</title>
<iframe name="side" id="side" src="{sidebar}" style="width:400px;height:500px"></iframe>
<iframe name="stranger" id="stranger" src="{other}"></iframe>"""
POST = "([window, text, target]) => window.postMessage({type: 'browsercheck.ticket', text}, target)"


def test_the_sidebar_takes_the_text_from_its_allowed_framer_only(page: Page, desk: Desk) -> None:
    code = desk.report(page)
    link = desk.sidebar_link(page, "en")
    stranger_url = desk.page("stranger.html", "<!doctype html><title>other</title>", "other")
    page.goto(desk.page("ticket.html", TICKET_PAGE.format(sidebar=link, other=stranger_url)))
    sidebar, stranger = named_frame(page, "side"), named_frame(page, "stranger")
    assert sidebar is not None and stranger is not None
    sidebar.wait_for_load_state("load")
    stranger.wait_for_load_state("load")
    assert sidebar.locator("#sidebar").count() == 1  # the page, not a refusal
    assert sidebar.locator(CARD).count() == 0
    text = f"Subject: can't pay\n\nMy code is {code.lower()}"

    # a message from an origin that is not allowed (a sibling frame) is ignored
    stranger.evaluate(
        "([text, target]) => parent.frames['side'].postMessage("
        "{type: 'browsercheck.ticket', text}, target)",
        [text, desk.server.url],
    )
    page.wait_for_timeout(700)
    assert sidebar.locator(CARD).count() == 0
    assert sidebar.locator("#sidebar").get_attribute("data-state") is None
    assert sidebar.locator("#text").input_value() == ""

    # the allowed framer's message: the cards for the codes in the text
    page.evaluate(
        "([text, target]) => document.getElementById('side').contentWindow.postMessage("
        "{type: 'browsercheck.ticket', text}, target)",
        [text, desk.server.url],
    )
    card = sidebar.locator(CARD)
    card.wait_for(timeout=15000)
    assert card.get_attribute("data-code") == code
    assert sidebar.locator("#sidebar").get_attribute("data-state") == "shown"
    assert code.lower() in sidebar.locator("#text").input_value()


def test_a_message_from_its_own_window_is_not_the_framers(page: Page, desk: Desk) -> None:
    """Opened top-level, the sidebar is its own parent: the origin check alone refuses."""
    code = desk.report(page)
    page.goto(desk.sidebar_link(page, "en"))
    page.evaluate(
        "(text) => window.postMessage({type: 'browsercheck.ticket', text}, '*')", f"see {code}"
    )
    page.wait_for_timeout(700)
    assert page.locator(CARD).count() == 0 and page.locator("#text").input_value() == ""


def test_a_revoked_tokens_link_says_so_inside_the_frame(page: Page, desk: Desk) -> None:
    name = f"revoked-{free_port()}"
    link = desk.sidebar_link(page, "uk", desk.new_token(name))
    desk.run("tokens", "revoke", name)
    page.goto(desk.page("revoked.html", TICKET_PAGE.format(sidebar=link, other="about:blank")))
    sidebar = named_frame(page, "side")
    assert sidebar is not None
    title = sidebar.locator('[data-testid="error-title"]')
    title.wait_for(timeout=15000)  # shown in the frame (framable), in the user's language
    assert "відкликано" in sidebar.locator("main").inner_text()


# --- Zendesk: the app package inside a stand-in host ---------------------------------------
# Zendesk's host does not run here: HOST_PAGE stands in for it on a loopback origin. It frames
# the app's assets/iframe.html as Zendesk does (?origin=&app_guid=), answers the ZAF SDK's
# messages (the handshake with the app's settings, get, invoke, and client.request, which it
# sends through its own /proxy/ as Zendesk's proxy does, putting the secure setting into the
# request). The SDK itself is the real one, from npm (zendesk_app_framework_sdk), served where
# the app's page loads it from.
HOST_PAGE = """<!doctype html><title>Zendesk (stand-in)</title>
<iframe id="app" name="app" style="width:420px;height:520px"></iframe>
<script>
var settings = {settings};
var ticket = {ticket};
var frame = document.getElementById("app");
function reply(message) {{ frame.contentWindow.postMessage(JSON.stringify(message), location.origin); }}
window.addEventListener("message", function (event) {{
  if (event.source !== frame.contentWindow) {{ return; }}
  var data = typeof event.data === "string" ? JSON.parse(event.data) : event.data;
  if (data.key === "iframe.handshake") {{
    reply({{key: "zaf.app.registered", message: {{metadata: {{settings: settings}},
      context: {{location: "ticket_sidebar", product: "support"}}}}}});
  }} else if (data.request === "get") {{
    var result = {{}};
    data.params.forEach(function (path) {{ result[path] = ticket[path]; }});
    reply({{id: data.id, result: result}});
  }} else if (data.request === "invoke") {{
    reply({{id: data.id, result: {{}}}});
  }} else if (/^request:/.test(data.key || "")) {{
    var options = data.message;
    window.proxied = options;
    fetch("/proxy", {{method: "POST", body: JSON.stringify(options)}}).then(function (answer) {{
      return answer.json().then(function (body) {{
        reply({{key: "zaf." + data.key + (answer.ok ? ".done" : ".fail"),
               message: {{responseArgs: [body]}}}});
      }});
    }});
  }}
}});
frame.src = "/app/assets/iframe.html?origin=" + encodeURIComponent(location.origin) +
  "&app_guid=test-app";
</script>"""


def zaf_sdk_bundle() -> str:
    """The npm SDK's CommonJS modules (lib/) in one browser script defining ZAFClient."""
    assert ZAF_SDK.is_dir(), "zendesk_app_framework_sdk is missing: run `npm ci` (make test)"
    modules = {
        path.relative_to(ZAF_SDK).with_suffix("").as_posix(): path.read_text(encoding="utf-8")
        for path in ZAF_SDK.rglob("*.js")
    }
    defined = ",\n".join(
        f"{json.dumps(name)}: function (require, module, exports) {{\n{source}\n}}"
        for name, source in modules.items()
    )
    return (
        "(function () {\nvar sources = {" + defined + "};\nvar cache = {};\n"
        "function load(name) {\n"
        "  if (cache[name]) { return cache[name].exports; }\n"
        "  var module = cache[name] = {exports: {}};\n"
        "  var folder = name.indexOf('/') < 0 ? '' : name.slice(0, name.lastIndexOf('/') + 1);\n"
        "  sources[name](function (path) { return load(folder + path.replace(/^\\.\\//, ''));"
        " }, module, module.exports);\n"
        "  return module.exports;\n}\n"
        "window.ZAFClient = load('index');\n}());\n"
    )


class ZendeskProxy(QuietHandler):
    """The stand-in host's origin: its files, and POST /proxy that sends the app's
    client.request to the collector with ``{{setting.desk_token}}`` filled in."""

    token = ""

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        options = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        headers = {
            name: value.replace("{{setting.desk_token}}", self.token)
            for name, value in options.get("headers", {}).items()
        }
        headers["Content-Type"] = options.get("contentType", "application/json")
        request = urllib.request.Request(
            options["url"],
            data=options.get("data", "").encode(),
            headers=headers,
            method=options.get("type", "GET"),
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                status, body = answer.status, answer.read()
        except urllib.error.HTTPError as exc:
            status, body = exc.code, exc.read()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.mark.parametrize("with_token", [True, False], ids=["signed-link", "signed-in-agent"])
def test_the_zendesk_app_shows_the_cards_for_its_ticket(
    page: Page, desk: Desk, tmp_path: Path, with_token: bool
) -> None:
    code = desk.report(page)
    package = tmp_path / "zendesk.zip"
    desk.run("integrations", "zendesk-app", "-o", str(package), "--url", desk.server.url)
    with zipfile.ZipFile(package) as archive:
        archive.extractall(desk.root / "allowed" / "app")
    manifest = json.loads((desk.root / "allowed" / "app" / "manifest.json").read_text())
    collector = manifest["parameters"][0]["default"]
    ticket = {
        "ticket.subject": "Не працює оплата",
        "ticket.description": f"Добрий день! Мій код {code}, що робити?",
        "currentUser.locale": "uk",
    }
    host = desk.page(
        "host.html",
        HOST_PAGE.format(
            settings=json.dumps({"collector_url": collector}), ticket=json.dumps(ticket)
        ),
    )
    sdk = zaf_sdk_bundle()

    def serve_sdk(route: Route) -> None:
        route.fulfill(status=200, content_type="text/javascript", body=sdk)

    page.route("https://static.zdassets.com/**", serve_sdk)
    if not with_token:  # the collector refuses the token: the app frames the agent's sidebar
        desk.proxy.token = "bcdesk_not-a-token"
        sign_in_page(page, desk.server, (DESK_EMAIL, DESK_PASSWORD))
    try:
        page.goto(host)
        sidebar = page.frame_locator("#app").frame_locator("#sidebar")
        card = sidebar.locator(CARD)
        card.wait_for(timeout=15000)  # the text came by postMessage: the page had no ?text=
    finally:
        desk.proxy.token = desk.token
    assert card.get_attribute("data-code") == code
    assert code in sidebar.locator("#text").input_value()
    assert sidebar.locator("html").get_attribute("lang") == "uk"  # the agent's locale
    proxied = page.evaluate("window.proxied")
    assert proxied["url"] == f"{collector}/api/v1/desk/sidebar-links"
    assert proxied["headers"]["Authorization"] == "Bearer {{setting.desk_token}}"
    assert proxied["secure"] is True  # the token is filled in by the proxy, never in the page
    assert desk.token not in json.dumps(proxied)
    app_frame = named_frame(page, "app")
    assert app_frame is not None
    assert ("link=" in app_frame.child_frames[0].url) is with_token


def test_the_sidebar_and_its_refusal_pass_axe(page: Page, desk: Desk) -> None:
    from axe_playwright_python.sync_playwright import Axe

    from matrix.qa.runner import describe_violations

    code = desk.report(page)
    link = desk.sidebar_link(page, "uk")
    for name, url, shown in (
        ("cards", f"{link}&text={code}", CARD),
        ("refused", link.replace("link=", "link=x"), '[data-testid="error-title"]'),
    ):
        page.goto(url)
        page.locator(shown).first.wait_for(timeout=15000)
        violations = Axe().run(page).response["violations"]
        assert violations == [], f"{name}: {describe_violations(violations)}"
