"""Stale builds and the one-click repair (issue 18) in real Chromium, Firefox and WebKit.

The portal is a second origin (StaticHost on another port) whose service worker cached build A
of its page; the portal has since deployed build C (its ``/build.txt``, the embed's
``data-build-url``, and the collector's deploy history via ``POST /api/v1/builds``). The report
names the reference and the age; "Fix it" -> confirm removes the worker, the caches and the one
declared storage key, reloads, and the second report is current and linked to the first, while
an undeclared key and the cookies survive. The check page's own repair runs against a collector
restarted with another build under the open page.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from matrix.qa.engines import BrowserSession
from matrix.qa.runner import describe_violations
from tests.browser.conftest import LiveServer, QuietHandler, StaticHost
from tests.browser.test_evidence import wait_for

pytestmark = pytest.mark.browser

APP = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Cabinet</title>
<meta name="browsercheck-build" content="{build}"></head>
<body><h1>Cabinet, build {build}</h1><p id="where"></p>
<script src="{collector}/embed.js" data-collector="{collector}" data-lang="en" data-target="#where"
  data-build-url="/build.txt" data-repair-storage="portal-draft, missing-key"></script>
{worker}
</body></html>"""
#: Build A registers the worker; build C no longer does, so what is left after the repair shows.
REGISTER = "<script>navigator.serviceWorker.register('/sw.js');</script>"

#: Caches the page at install and serves it from the cache ever after: yesterday's build.
WORKER = """
self.addEventListener('install', function (e) {
  e.waitUntil(caches.open('portal-v1').then(function (c) { return c.addAll(['/app.html']); }));
  self.skipWaiting();
});
self.addEventListener('activate', function (e) { e.waitUntil(self.clients.claim()); });
self.addEventListener('fetch', function (e) {
  e.respondWith(caches.match(e.request).then(function (hit) { return hit || fetch(e.request); }));
});
"""


_MTIME = [time.time()]


def write(path: Path, text: str) -> None:
    """Write and move the mtime on: http.server answers 304 within the same second."""
    path.write_text(text)
    _MTIME[0] += 60
    os.utime(path, (_MTIME[0], _MTIME[0]))


def browsercheck(instance: Path, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "webapp", *args],
        env={**os.environ, "BROWSERCHECK_INSTANCE_PATH": str(instance)},
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def post_build(collector: LiveServer, token: str, build: str, site: str) -> dict[str, Any]:
    request = urllib.request.Request(
        collector.url + "/api/v1/builds",
        data=json.dumps({"build": build, "site": site}).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        assert answer.status in (200, 201)
        result: dict[str, Any] = json.loads(answer.read())
        return result


def report_json(collector: LiveServer, link: str) -> dict[str, Any]:
    """The report behind the embed's link (``/r/CODE?t=...``), by its JSON view."""
    code, _, query = link.split("/r/", 1)[1].partition("?")
    token = query.split("t=", 1)[1].split("&", 1)[0]
    with urllib.request.urlopen(
        f"{collector.url}/api/v1/reports/{code}?t={token}", timeout=10
    ) as a:
        result: dict[str, Any] = json.loads(a.read())
        return result


@pytest.fixture(scope="module")
def portal(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[StaticHost, LiveServer, str]]:
    root = tmp_path_factory.mktemp("stale-portal")
    site = StaticHost(root, QuietHandler)
    instance = tmp_path_factory.mktemp("stale-collector") / "instance"
    collector = LiveServer(
        instance, {"BROWSERCHECK_CORS_ORIGINS": site.url, "BROWSERCHECK_RATELIMIT": "off"}
    )
    token = browsercheck(instance, "tokens", "add", "deploys", "--scope", "deploy").split()[-1]
    yield site, collector, token
    collector.stop()
    site.close()


def click(session: BrowserSession, css: str) -> None:
    # EngineHub's sessions have no click(): the element's own click() is what a user's does here
    session.wait_visible(css)
    session.evaluate(f"(function () {{ document.querySelector('{css}').click(); return 1; }})()")


def test_fix_it_repairs_a_page_a_service_worker_keeps_old(
    session: BrowserSession, portal: tuple[StaticHost, LiveServer, str]
) -> None:
    site, collector, token = portal
    host = site.url.split("://", 1)[1]
    write(site.root / "sw.js", WORKER)
    write(site.root / "app.html", APP.format(build="A", collector=collector.url, worker=REGISTER))
    write(site.root / "build.txt", "A\n")
    assert post_build(collector, token, "A", host)["build"] == "A"
    session.goto(f"{site.url}/app.html")
    wait_for(session, "!!navigator.serviceWorker.controller", timeout=30)
    session.evaluate(
        "(function () { localStorage.setItem('portal-draft', 'half-typed');"
        " localStorage.setItem('portal-settings', 'dark'); document.cookie = 'portal_session=keep';"
        " return 1; })()"
    )

    # A deploy: build C on the server, announced by the deploy hook; the worker still serves A.
    write(site.root / "app.html", APP.format(build="C", collector=collector.url, worker=""))
    write(site.root / "build.txt", json.dumps({"build": "C"}))
    assert post_build(collector, token, "C", host)["added"] is True
    session.goto(f"{site.url}/app.html")
    session.wait_visible(".browsercheck-button")
    assert session.text("h1") == "Cabinet, build A"

    click(session, ".browsercheck-button")
    session.wait_visible(".browsercheck-report", timeout=30)
    first = report_json(collector, session.attribute(".browsercheck-report", "href") or "")
    stale = next(f for f in first["findings"] if f["id"] == "stale_build")
    assert stale["evidence"]["reference"] == "build_url"
    assert (stale["evidence"]["page"], stale["evidence"]["current"]) == ("A", "C")
    assert stale["evidence"]["deploys_since"] == 1
    assert " ago (A); the portal has had 1 deploy since (now C)" in stale["remedy"]["en"]
    assert "Compared with the current build the portal itself reports." in stale["remedy"]["en"]
    assert first["probe"]["build"]["reference"] == "build_url"

    click(session, ".browsercheck-repair")
    session.wait_visible(".browsercheck-repair-confirm")
    said = session.text(".browsercheck-repair-plan")
    assert "the stored copy of the site" in said and "portal-draft" in said
    assert "portal-settings" not in said and "cookies stay" in said
    click(session, ".browsercheck-repair-confirm")

    # The reload: the second check runs by itself and links its report to the first.
    session.wait_visible(".browsercheck-repaired", timeout=40)
    assert session.text("h1") == "Cabinet, build C"
    assert session.text(".browsercheck-repaired").startswith("Repaired: build A → build C")
    second = report_json(collector, session.attribute(".browsercheck-report", "href") or "")
    assert second["code"] != first["code"]
    assert second["probe"]["repair"]["of"] == first["code"]
    assert second["probe"]["repair"]["removed"]["serviceWorkers"] == 1
    assert second["probe"]["repair"]["removed"]["storage"] == ["portal-draft"]
    assert "stale_build" not in [f["id"] for f in second["findings"]]
    repair = next(f for f in second["findings"] if f["id"] == "repair")
    assert repair["severity"] == "info" and repair["evidence"]["of"] == first["code"]
    state = session.evaluate(
        "JSON.stringify({draft: localStorage.getItem('portal-draft'),"
        " settings: localStorage.getItem('portal-settings'), cookie: document.cookie,"
        " pending: sessionStorage.getItem('browsercheck-repair')})"
    )
    assert json.loads(state) == {
        "draft": None,
        "settings": "dark",
        "cookie": "portal_session=keep",
        "pending": None,
    }
    session.evaluate(
        "(function () { window.__left = null; Promise.all([navigator.serviceWorker.getRegistrations(),"
        " caches.keys()]).then(function (r) { window.__left = JSON.stringify([r[0].length, r[1]]); });"
        " return 1; })()"
    )
    assert json.loads(wait_for(session, "window.__left")) == [0, []]


#: A portal with its own "Something went wrong" screen: no button (data-button="false"); the
#: page asks the host API for a report and offers the repair itself, and hears the second report.
OWN_SCREEN = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Cabinet</title>
<meta name="browsercheck-build" content="{build}"></head>
<body><h1>Cabinet, build {build}</h1>
<script src="{collector}/embed.js" data-collector="{collector}" data-lang="en" data-button="false"
  data-build-url="/own-build.txt" data-repair-storage="portal-draft"></script>
<script>
window.addEventListener("browsercheck-repaired", function (e) {{ window.__heard = e.detail; }});
</script>
{worker}
</body></html>"""


def across_reload(session: BrowserSession, expression: str, timeout: float = 40) -> Any:
    """:func:`wait_for` while the page reloads: an evaluation the navigation cut off is retried."""
    deadline, cut = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        try:
            return wait_for(session, expression, timeout=0)
        except AssertionError:
            pass
        except Exception as error:  # each engine's own error for a context the reload destroyed
            cut = error
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {expression} (last error: {cut!r})")


def test_a_host_with_its_own_screen_repairs_through_the_api(
    session: BrowserSession, portal: tuple[StaticHost, LiveServer, str]
) -> None:
    site, collector, _ = portal
    page = f"own-{session.engine}.html"
    write(site.root / "sw.js", WORKER.replace("/app.html", f"/{page}"))
    write(site.root / page, OWN_SCREEN.format(build="A", collector=collector.url, worker=REGISTER))
    write(site.root / "own-build.txt", "A\n")
    session.goto(f"{site.url}/{page}")
    wait_for(session, "!!navigator.serviceWorker.controller", timeout=30)
    session.evaluate("localStorage.setItem('portal-draft', 'half-typed') || 1")
    write(site.root / page, OWN_SCREEN.format(build="C", collector=collector.url, worker=""))
    write(site.root / "own-build.txt", "C\n")
    session.goto(f"{site.url}/{page}")
    wait_for(session, "document.readyState === 'complete' && window.BrowserCheck")
    assert session.text("h1") == "Cabinet, build A"
    assert session.evaluate("document.querySelectorAll('.browsercheck-button').length") == 0

    session.evaluate(
        "BrowserCheck.report(function (e, r) { window.__first = e ? {failed: true} : r; }) || 1"
    )
    first = json.loads(wait_for(session, "window.__first && JSON.stringify(window.__first)", 40))
    assert first["repairable"] is True and first["verdict"], first
    session.evaluate(
        "BrowserCheck.repair.plan(function (p) { window.__plan = JSON.stringify(p); }) || 1"
    )
    plan = json.loads(wait_for(session, "window.__plan"))
    assert plan["serviceWorkers"] == 1 and plan["storage"] == ["portal-draft"], plan
    session.evaluate(f"BrowserCheck.repair.run({{of: {json.dumps(first['code'])}}}) || 1")

    heard = json.loads(across_reload(session, "window.__heard && JSON.stringify(window.__heard)"))
    assert session.text("h1") == "Cabinet, build C"
    assert heard["of"] == first["code"] and heard["code"] != first["code"], heard
    assert heard["said"].startswith("Repaired: build A → build C"), heard
    assert heard["repairable"] is False
    second = report_json(collector, heard["url"])
    assert second["probe"]["repair"]["of"] == first["code"]
    assert second["probe"]["repair"]["build"] == "A"
    assert second["probe"]["repair"]["removed"]["storage"] == ["portal-draft"]
    assert session.evaluate("BrowserCheck.repaired.code") == heard["code"]
    session.evaluate(
        "navigator.serviceWorker.getRegistrations().then(function (rs) {"
        " rs.forEach(function (r) { r.unregister(); }); }) && 1"
    )


def test_check_page_fix_it_after_a_deploy(page: Page, tmp_path: Path) -> None:
    """The collector's own check page: open under build A, the server restarted with build C."""
    instance = tmp_path / "instance"
    old = LiveServer(instance, {"BROWSERCHECK_BUILD_ID": "A", "BROWSERCHECK_RATELIMIT": "off"})
    try:
        page.goto(f"{old.url}/check?lang=en")
        expect(page.get_by_test_id("result")).to_be_visible(timeout=20_000)
        expect(page.get_by_test_id("repair")).to_be_hidden()
        page.evaluate(
            "caches.open('old-assets').then(function (c) { return c.put('/x', new Response('x')); })"
        )
        page.evaluate("localStorage.setItem('kept', '1'); document.cookie = 'signed_in=yes'")
        old.stop()
        new = LiveServer(
            instance, {"BROWSERCHECK_BUILD_ID": "C", "BROWSERCHECK_RATELIMIT": "off"}, port=old.port
        )
    except BaseException:
        old.stop()
        raise
    try:
        page.get_by_test_id("check-again").click()
        expect(page.locator("[data-finding=stale_build]")).to_be_visible(timeout=20_000)
        first = page.get_by_test_id("report-code").inner_text()
        expect(page.locator("[data-finding=stale_build]")).to_contain_text(
            "Compared with the build set in browsercheck's settings."
        )
        page.locator(".browsercheck-repair").click()
        plan = page.locator(".repair-what")
        expect(plan).to_contain_text("the site's caches (1)")
        expect(plan).not_to_contain_text("browsercheck:visit")  # the page's own, not named
        violations = Axe().run(page).response["violations"]
        assert violations == [], describe_violations(violations)
        page.locator(".browsercheck-repair-confirm").click()
        expect(page.locator("[data-finding=repair]")).to_be_visible(timeout=30_000)
        expect(page.locator("[data-finding=repair]")).to_contain_text(
            "Repaired: build A → build C; removed 1 cache, 1 saved entry."
        )
        assert page.get_by_test_id("report-code").inner_text() != first
        expect(page.locator("[data-finding=stale_build]")).to_have_count(0)
        assert page.evaluate("caches.keys()") == []
        assert page.evaluate("localStorage.getItem('kept')") == "1"
        assert "signed_in=yes" in page.evaluate("document.cookie")
        assert page.evaluate("sessionStorage.getItem('browsercheck-repair')") is None
    finally:
        new.stop()
