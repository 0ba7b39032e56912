"""The probe in real Chromium, Firefox and WebKit: its payload, stale builds, blocked cookies,
page errors, JavaScript off, and the embed on a second origin."""

from __future__ import annotations

import json
import os
import re
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, Playwright, expect

from diagnostics.validate import validate_payload
from matrix.loader import default_policy_path
from matrix.qa.engines import BrowserSession, resolve_engine
from tests.browser.conftest import LiveServer, StaticHost

pytestmark = pytest.mark.browser

ENGINE_FAMILY = {"chromium": "Blink", "firefox": "Gecko", "webkit": "WebKit"}
#: Findings a healthy browser on the check page must not get.
PROBLEMS = (
    "stale_build",
    "service_worker_outdated",
    "cookies_disabled",
    "storage_blocked",
    "private_mode",
    "page_errors",
    "javascript_off",
)


def strict_policy() -> str:
    """The shipped policy (matrix/policy.yaml) with every browser minimum raised to 999, so that
    every browser that runs here is outdated (for the banner); its release table by full path."""
    text = default_policy_path().read_text(encoding="utf-8")
    text = re.sub(r"^(\s+(?:engine_)?min:) \d+", r"\1 999", text, flags=re.MULTILINE)
    releases = default_policy_path().parent / "releases.csv"
    return re.sub(r"^releases: .*$", f"releases: {releases}", text, count=1, flags=re.MULTILINE)


def wait_for(session: BrowserSession, expression: str, timeout: float = 15.0) -> Any:
    """Poll ``expression`` in the page until it is truthy; return its value."""
    deadline = time.monotonic() + timeout
    while True:
        value = session.evaluate(expression)
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {expression}")
        time.sleep(0.05)


def collect_payload(session: BrowserSession, options: str = "{}") -> dict[str, Any]:
    """Run ``BrowserCheck.collect`` in the page and return the payload it produced."""
    session.evaluate(
        "(function () { window.__payload = null; BrowserCheck.collect("
        + options
        + ", function (p) { window.__payload = JSON.stringify(p); }); return 1; })()"
    )
    return json.loads(wait_for(session, "window.__payload"))


def run_check(session: BrowserSession, options: str = "{lang: 'en'}") -> dict[str, Any]:
    """Run ``BrowserCheck.run`` in the page; return the collector's 201 answer, with the
    report's document (``?include=report``)."""
    session.evaluate(
        "(function () { window.__answer = null; var o = "
        + options
        + "; o.endpoint = (o.base || '') + '/api/v1/reports?include=report'; BrowserCheck.run(o"
        ", function (e, d) { window.__answer = JSON.stringify({error: e, data: d}); });"
        " return 1; })()"
    )
    answer = json.loads(wait_for(session, "window.__answer"))
    assert answer["error"] is None, answer
    data: dict[str, Any] = answer["data"]
    return data


def report_json(server: LiveServer, view_url: str) -> dict[str, Any]:
    path = view_url.split(str(server.port), 1)[-1].replace("/r/", "/api/v1/reports/")
    with urllib.request.urlopen(server.url + path, timeout=10) as response:
        data: dict[str, Any] = json.load(response)
        return data


def finding_ids(answer: dict[str, Any]) -> list[str]:
    return [f["id"] for f in answer["findings"]]


# --- the payload ------------------------------------------------------------------------------


def test_payload_validates_and_names_the_engine(
    session: BrowserSession, live_server: LiveServer
) -> None:
    session.goto(f"{live_server.url}/check?lang=en")
    session.wait_visible("[data-testid=result]")
    assert session.errors() == []
    payload = collect_payload(session)
    validated = validate_payload(payload)  # raises, naming the field, when the probe drifts
    assert validated.source == "web"
    assert payload["storage"] == {
        "localStorage": True,
        "sessionStorage": True,
        "cookies": True,
        "indexedDB": True,
        "cacheStorage": True,
    }
    caps = payload["capabilities"]
    assert (
        caps["fetch"] and caps["promise"] and caps["es2015"] and caps["es2020"] and caps["cssGrid"]
    )
    assert payload["build"]["page"] == payload["build"]["current"]
    assert payload["network"]["requestRttMs"] >= 0
    assert payload["display"]["colorScheme"] in ("light", "dark")
    assert isinstance(payload["utcOffsetMinutes"], int)
    assert payload["cache"]["navigationType"] == "navigate"
    assert {s["url"] for s in payload["cache"]["scripts"]} >= {"/probe.js", "/static/check.js"}
    assert "errors" not in payload
    assert session.evaluate("document.cookie.indexOf('__browsercheck') < 0")  # left nothing behind

    # A field the collector refuses (here: unknown to it) is dropped and the report sent again.
    session.evaluate(
        "(function () { window.__answer = null; var p = {lang: 'en', tracking: 1,"
        " screen: {width: 'wide', height: 700}}; BrowserCheck.send(p,"
        " {endpoint: '/api/v1/reports?include=report'}, function (e, d) {"
        " window.__answer = JSON.stringify({error: e, data: d}); }); return 1; })()"
    )
    resent = json.loads(wait_for(session, "window.__answer"))
    assert resent["error"] is None
    assert sorted(resent["data"]["report"]["probe"]["rejectedFields"]) == [
        "$.screen.width",
        "$.tracking",
    ]
    assert resent["data"]["report"]["probe"]["screen"] == {"height": 700}

    link = session.attribute("[data-testid=private-link]", "href") or ""
    report = report_json(live_server, link)
    assert report["environment"]["engine"]["family"] == ENGINE_FAMILY[session.engine]
    assert not set(f["id"] for f in report["findings"]) & set(PROBLEMS)
    assert report["probe"]["storage"]["cookies"] is True


def test_page_errors_are_recorded_and_reported(
    session: BrowserSession, live_server: LiveServer
) -> None:
    session.goto(f"{live_server.url}/check?lang=en")
    session.wait_visible("[data-testid=result]")
    session.evaluate(
        "(function () {"
        " setTimeout(function () { throw new Error('boom <b>' + new Array(500).join('x')); }, 0);"
        " Promise.reject(new Error('nobody caught me')); return 1; })()"
    )
    recorded = wait_for(session, "BrowserCheck.errors().length >= 2 && BrowserCheck.errors()")
    by_kind = {e["kind"]: e for e in recorded}
    assert by_kind["error"]["message"].startswith("Uncaught Error: boom <b>") or by_kind["error"][
        "message"
    ].startswith("Error: boom <b>")
    assert len(by_kind["error"]["message"]) == 300  # bounded
    assert "nobody caught me" in by_kind["rejection"]["message"]
    answer = run_check(session)
    assert "page_errors" in finding_ids(answer)
    assert {e["kind"] for e in answer["report"]["probe"]["errors"]} == {"error", "rejection"}


# --- stale build ------------------------------------------------------------------------------


@pytest.fixture
def build_server(tmp_path: Path) -> Iterator[list[LiveServer]]:
    """A server on build "build-a"; the test restarts it on the same port with another build."""
    servers = [LiveServer(tmp_path / "instance", {"BROWSERCHECK_BUILD_ID": "build-a"})]
    yield servers
    for server in servers:
        server.stop()


def test_stale_build_detected_after_a_deploy_under_an_open_page(
    session: BrowserSession, build_server: list[LiveServer], tmp_path: Path
) -> None:
    first = build_server[0]
    session.goto(f"{first.url}/check?lang=en")
    session.wait_visible("[data-testid=result]")
    assert "stale_build" not in finding_ids(run_check(session))

    first.stop()  # a deploy: the same site, a new build
    second = LiveServer(
        tmp_path / "instance", {"BROWSERCHECK_BUILD_ID": "build-b"}, port=first.port
    )
    build_server.append(second)

    answer = run_check(session)
    assert answer["report"]["probe"]["build"] == {
        "page": "build-a",
        "current": "build-b",
        "reference": "collector",  # GET /api/v1/build: the check page has no data-build-url
    }
    assert "stale_build" in finding_ids(answer)
    stored = report_json(second, answer["view_url"])
    assert "stale_build" in [f["id"] for f in stored["findings"]]


# --- blocked cookies --------------------------------------------------------------------------


SANDBOXED = """<!doctype html><html><body>
<iframe sandbox="allow-scripts" srcdoc="<script src='{collector}/probe.js'></script><script>
BrowserCheck.collect({{base: '{collector}'}}, function (p) {{ parent.postMessage(JSON.stringify(p), '*'); }});
</script>"></iframe>
<script>window.addEventListener('message', function (e) {{ window.__payload = e.data; }});</script>
</body></html>"""


def test_cookies_blocked_in_a_sandboxed_frame(
    session: BrowserSession, live_server: LiveServer, tmp_path: Path
) -> None:
    """A sandboxed frame (opaque origin) has cookies and storage refused by the browser itself."""
    (tmp_path / "sandboxed.html").write_text(SANDBOXED.format(collector=live_server.url))
    host = StaticHost(tmp_path)
    try:
        session.goto(f"{host.url}/sandboxed.html")
        payload = json.loads(wait_for(session, "window.__payload"))
    finally:
        host.close()
    validate_payload(payload)
    assert payload["storage"]["cookies"] is False
    assert payload["storage"]["localStorage"] is False
    request = urllib.request.Request(
        live_server.url + "/api/v1/reports",
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json", "User-Agent": payload["userAgent"]},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        answer = json.load(response)
    assert "cookies_disabled" in finding_ids(answer)


def _blocked_cookie_browser(playwright: Playwright, engine: str, profile: Path) -> Any:
    """A browser whose own settings block every cookie: Firefox's cookieBehavior=2, Chromium's
    profile preference "block all cookies" (what the settings page writes)."""
    launch = resolve_engine(playwright, engine)
    kwargs = dict(getattr(launch, "launch_kwargs", {}))
    if engine == "firefox":
        browser = playwright.firefox.launch(
            **kwargs, firefox_user_prefs={"network.cookie.cookieBehavior": 2}
        )
        return browser, browser.new_context()
    (profile / "Default").mkdir(parents=True)
    (profile / "Default" / "Preferences").write_text(
        json.dumps({"profile": {"default_content_setting_values": {"cookies": 2}}})
    )
    context = playwright.chromium.launch_persistent_context(str(profile), **kwargs)
    return None, context


@pytest.mark.parametrize("engine", ["chromium", "firefox"])
def test_cookies_blocked_by_the_browsers_settings(
    playwright: Playwright, live_server: LiveServer, tmp_path: Path, engine: str
) -> None:
    browser, context = _blocked_cookie_browser(playwright, engine, tmp_path / "profile")
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/check?lang=en")
        expect(page.get_by_test_id("result")).to_be_visible(timeout=15000)
        shown = page.locator("#r-findings [data-finding]")
        ids = [shown.nth(i).get_attribute("data-finding") for i in range(shown.count())]
        assert "cookies_disabled" in ids and "storage_blocked" in ids
        remedy = page.locator('#r-findings [data-finding="cookies_disabled"]').inner_text()
        assert ("Firefox:" if engine == "firefox" else "Chrome:") in remedy
    finally:
        context.close()
        if browser is not None:
            browser.close()


# --- JavaScript off ---------------------------------------------------------------------------


@pytest.mark.parametrize("engine", ["chromium", "firefox"])
def test_noscript_report_says_javascript_is_off(
    playwright: Playwright, live_server: LiveServer, engine: str
) -> None:
    """JavaScript really off: Chromium's content setting (java_script_enabled=False), Firefox's
    javascript.enabled=false pref (what about:config sets; BiDi has no per-context switch)."""
    kwargs = dict(getattr(resolve_engine(playwright, engine), "launch_kwargs", {}))
    if engine == "firefox":
        browser = playwright.firefox.launch(
            **kwargs, firefox_user_prefs={"javascript.enabled": False}
        )
        context = browser.new_context()
    else:
        browser = playwright.chromium.launch(**kwargs)
        context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/check?lang=en")
        # With scripts off Firefox cannot run Playwright's polling (expect, actionability checks):
        # read the page once and click with force.
        assert page.locator("#result").get_attribute("hidden") is not None  # the probe never ran
        page.locator("form button", has_text="Make a report without JavaScript").click(force=True)
        page.wait_for_url("**/r/**")
        finding = page.locator('[data-finding="javascript_off"]').inner_text()
        assert "JavaScript is off" in finding
        assert ("Firefox:" if engine == "firefox" else "Chrome:") in finding
        assert re.fullmatch(
            r"[0-9A-Z]{4}-[0-9A-Z]{4}", page.get_by_test_id("report-code").first.inner_text()
        )
    finally:
        context.close()
        browser.close()


# --- the embed on a second origin ---------------------------------------------------------------


HOST_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="browsercheck-build" content="host-build-1"><title>Portal</title></head>
<body><h1>Portal</h1><p id="where"></p>
<script src="{collector}/embed.js" data-collector="{collector}" data-lang="{lang}" {extra}></script>
</body></html>"""


@pytest.fixture(scope="module")
def embed_sites(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[StaticHost, LiveServer]]:
    """A host site on one port and a collector on another that allows it (CORS), under a policy
    that calls every browser here outdated, so that the banner shows."""
    root = tmp_path_factory.mktemp("host")
    host = StaticHost(root)
    policy = root / "strict-policy.yaml"
    policy.write_text(strict_policy(), encoding="utf-8")
    collector = LiveServer(
        tmp_path_factory.mktemp("embed") / "instance",
        {"BROWSERCHECK_CORS_ORIGINS": host.url, "BROWSERCHECK_POLICY_FILE": str(policy)},
    )
    for name, lang, extra in (
        ("uk.html", "uk", 'data-banner="true"'),
        ("en.html", "en", ""),
        ("api.html", "en", 'data-button="false"'),
    ):
        (root / name).write_text(HOST_PAGE.format(collector=collector.url, lang=lang, extra=extra))
    yield host, collector
    collector.stop()
    host.close()


def test_embed_button_and_banner_from_a_second_origin(
    session: BrowserSession, embed_sites: tuple[StaticHost, LiveServer]
) -> None:
    host, collector = embed_sites
    session.goto(f"{host.url}/uk.html")
    session.wait_visible(".browsercheck-banner")
    assert "Ваш браузер застарів" in session.text(".browsercheck-banner")
    assert session.text(".browsercheck-banner a") == "Оновити браузер"
    assert session.text(".browsercheck-button") == "Перевірити браузер"
    # Embedded, nothing about the user is sent before the click: only the script and the banner
    # its loader fetched, decided from the request's User-Agent (no policy fetched, no probe).
    fetched = session.evaluate(
        "performance.getEntriesByType('resource').map(function (e) { return e.name; })"
    )
    assert sorted(u[len(collector.url) :] for u in fetched if u.startswith(collector.url)) == [
        "/embed.js",
        "/embed/banner.js",
    ]

    session.evaluate("document.querySelector('.browsercheck-button').click()")
    session.wait_visible(".browsercheck-report")
    code = session.attribute(".browsercheck", "data-browsercheck-code")
    link = session.attribute(".browsercheck-report", "href") or ""
    assert link.startswith(collector.url + "/r/") and link.endswith("&lang=uk")
    report = report_json(collector, link)
    assert report["code"] == code
    assert report["environment"]["engine"]["family"] == ENGINE_FAMILY[session.engine]
    assert report["probe"]["page"] == f"{host.url}/uk.html"
    assert report["probe"]["build"]["page"] == "host-build-1"
    assert report["verdict"]["status"] == "unsupported"
    assert session.evaluate("document.cookie") == ""  # the host's cookies: nothing stored


def test_embed_click_opens_the_report(
    page: Page, embed_sites: tuple[StaticHost, LiveServer]
) -> None:
    host, collector = embed_sites
    sent: list[str] = []
    page.on("request", lambda r: sent.append(f"{r.method} {r.url}"))
    page.goto(f"{host.url}/en.html")
    button = page.get_by_role("button", name="Check my browser")
    expect(button).to_be_visible()
    expect(page.locator(".browsercheck-banner")).to_have_count(0)  # no data-banner: no banner
    assert [s for s in sent if collector.url in s] == [f"GET {collector.url}/embed.js"]
    with page.expect_popup() as popup_info:
        button.click()
    popup = popup_info.value
    popup.wait_for_url(f"{collector.url}/r/**")
    expect(popup.get_by_test_id("report-code")).to_have_text(
        page.locator(".browsercheck").get_attribute("data-browsercheck-code") or "?"
    )
    assert f"POST {collector.url}/api/v1/reports" in sent
    assert popup.evaluate("window.opener") is None


def test_embed_api_without_a_button(page: Page, embed_sites: tuple[StaticHost, LiveServer]) -> None:
    host, collector = embed_sites
    page.goto(f"{host.url}/api.html")
    page.wait_for_function("window.BrowserCheck && typeof BrowserCheck.open === 'function'")
    expect(page.locator(".browsercheck-button")).to_have_count(0)
    with page.expect_popup() as popup_info:
        result = page.evaluate(
            "new Promise(function (ok) { BrowserCheck.open(function (e, r) { ok(e || r); }); })"
        )
    assert result["url"].startswith(f"{collector.url}/r/")
    popup_info.value.wait_for_url(f"{collector.url}/r/**")


def test_collector_refuses_an_origin_it_does_not_list(
    page: Page, embed_sites: tuple[StaticHost, LiveServer], live_server: LiveServer
) -> None:
    """The shared live server lists no origin: the browser itself blocks the embed's report."""
    host, _ = embed_sites
    (host.root / "foreign.html").write_text(
        HOST_PAGE.format(collector=live_server.url, lang="en", extra='data-button="false"')
    )
    page.goto(f"{host.url}/foreign.html")
    page.wait_for_function("window.BrowserCheck && typeof BrowserCheck.open === 'function'")
    error = page.evaluate(
        "new Promise(function (ok) { BrowserCheck.run({base: BrowserCheck.collector},"
        " function (e) { ok(e); }); })"
    )
    assert error["status"] == 0  # a CORS failure: the page learns nothing


# --- service worker and Cache Storage -------------------------------------------------------

SERVICE_WORKER = """// {version}
self.addEventListener('install', function (e) {{
  e.waitUntil(caches.open('portal-{version}').then(function (c) {{ return c.addAll(['/sw.html']); }}));
}});
self.addEventListener('activate', function (e) {{ e.waitUntil(self.clients.claim()); }});
self.addEventListener('fetch', function (e) {{
  e.respondWith(caches.match(e.request).then(function (hit) {{ return hit || fetch(e.request); }}));
}});
"""
SW_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Portal</title></head>
<body><script src="{collector}/embed.js" data-collector="{collector}" data-button="false"></script>
<script>navigator.serviceWorker.register('/sw.js');</script></body></html>"""


def test_outdated_service_worker_is_detected(
    session: BrowserSession, embed_sites: tuple[StaticHost, LiveServer]
) -> None:
    """A worker controls the page and keeps a cache; a new version installs and waits behind it."""
    host, collector = embed_sites
    (host.root / "sw.js").write_text(SERVICE_WORKER.format(version="v1"))
    (host.root / "sw.html").write_text(SW_PAGE.format(collector=collector.url))
    session.goto(f"{host.url}/sw.html")
    # clients.claim() in the activate handler controls the page while the worker is still
    # "activating"; "activated" reaches the page a moment later
    wait_for(
        session,
        "!!navigator.serviceWorker.controller"
        " && navigator.serviceWorker.controller.state === 'activated'",
    )
    payload = collect_payload(session, "{base: BrowserCheck.collector}")
    validate_payload(payload)
    assert payload["serviceWorker"] == {
        "supported": True,
        "controlled": True,
        "scriptURL": "/sw.js",
        "state": "activated",
        "registered": True,
        "waiting": False,
        "installing": False,
    }
    assert {"name": "portal-v1", "entries": 1} in payload["cache"]["storage"]

    worker = host.root / "sw.js"
    worker.write_text(SERVICE_WORKER.format(version="v2"))  # a deploy
    # http.server answers 304 to If-Modified-Since within the same second: move the mtime on.
    later = worker.stat().st_mtime + 60
    os.utime(worker, (later, later))
    wait_for(
        session,
        "(function () { var w = window.__w; navigator.serviceWorker.getRegistration()"
        ".then(function (r) { window.__w = !!r.waiting; if (!r.waiting && !r.installing)"
        " { r.update(); } }); return w; })()",
        timeout=30,
    )
    answer = run_check(session, "{base: BrowserCheck.collector, lang: 'en'}")
    probe = answer["report"]["probe"]
    assert probe["serviceWorker"]["waiting"] is True
    assert {c["name"] for c in probe["cache"]["storage"]} == {"portal-v1", "portal-v2"}
    assert "service_worker_outdated" in finding_ids(answer)
    session.evaluate(
        "(function () { navigator.serviceWorker.getRegistration()"
        ".then(function (r) { r.unregister(); }); return 1; })()"
    )
