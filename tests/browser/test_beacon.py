"""The sampled page-load beacon in real Chromium, Firefox and WebKit, from a portal page on a
second origin (issue 18).

The portal is a static server on its own port (:class:`StaticHost`) whose pages embed the
collector's ``/embed.js`` (a real ``browsercheck serve`` that lists the portal in
``BROWSERCHECK_CORS_ORIGINS``). With ``data-beacon="1"`` every load is sampled: the embed loads
``/embed/probe.js`` and, after the load event, sends one beacon, which the collector counts in
its ``beacon_rollup`` table (read here with sqlite3). Without the attribute, or with ``"0"``, the
page's only request to the collector is ``GET /embed.js``. A service worker of the portal's own
(``/sw.js``) controls the second load, and a changed ``sw.js`` installed beside it waits: the
beacon says both.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from matrix.qa.engines import BrowserSession
from tests.browser.conftest import LiveServer, StaticHost
from tests.browser.test_evidence import collector_entries, wait_for
from tests.browser.test_phones_keys import _assert_fits, _set_width, _sign_in

pytestmark = pytest.mark.browser

CURRENT = "build-current"
PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Portal</title>
<script src="{collector}/embed.js" data-collector="{collector}" data-lang="en"
  data-button="false" data-build="{build}"{beacon}></script></head>
<body><h1>Portal</h1>{extra}</body></html>"""
REGISTER = "<script>navigator.serviceWorker.register('/sw.js');</script>"
AGENT = ("beacon-agent@example.com", "beacon test passphrase 42")


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[StaticHost, LiveServer]]:
    root = tmp_path_factory.mktemp("portal")
    site = StaticHost(root)
    instance = tmp_path_factory.mktemp("collector") / "instance"
    collector = LiveServer(
        instance,
        {
            "BROWSERCHECK_CORS_ORIGINS": site.url,
            "BROWSERCHECK_RATELIMIT": "off",
            "BROWSERCHECK_BUILD_ID": CURRENT,
        },
    )
    write_worker(root, 1)
    yield site, collector
    collector.stop()
    site.close()


def write_worker(root: Path, version: int) -> None:
    """``sw.js``, a worker that serves nothing itself; each version has other bytes (and a newer
    mtime: http.server answers 304 within the same second)."""
    path = root / "sw.js"
    path.write_text(f"// version {version}\nself.addEventListener('fetch', function () {{}});\n")
    stamp = time.time() + version
    os.utime(path, (stamp, stamp))


def portal_page(
    site: StaticHost,
    collector: LiveServer,
    name: str,
    build: str,
    beacon: str | None,
    extra: str = "",
) -> str:
    attribute = "" if beacon is None else f' data-beacon="{beacon}"'
    html = PAGE.format(collector=collector.url, build=build, beacon=attribute, extra=extra)
    (site.root / name).write_text(html)
    return f"{site.url}/{name}"


def counted(collector: LiveServer, build: str) -> list[dict[str, Any]]:
    """The roll-up rows of ``build`` in the collector's SQLite database."""
    with sqlite3.connect(collector.log.parent / "browsercheck.db") as connection:
        connection.row_factory = sqlite3.Row
        rows = connection.execute("SELECT * FROM beacon_rollup WHERE build = ?", (build,))
        return [dict(row) for row in rows]


def wait_counted(
    collector: LiveServer, build: str, loads: int, timeout: float = 15
) -> list[dict[str, Any]]:
    deadline = time.monotonic() + timeout
    while True:
        rows = counted(collector, build)
        if sum(r["n"] for r in rows) >= loads or time.monotonic() > deadline:
            return rows
        time.sleep(0.1)


def test_a_sampled_load_sends_one_beacon(
    session: BrowserSession, portal: tuple[StaticHost, LiveServer]
) -> None:
    site, collector = portal
    build = f"old-{session.engine}"
    url = portal_page(site, collector, f"sampled-{session.engine}.html", build, "1")
    for load in (1, 2):
        session.goto(url)
        wait_for(session, "window.BrowserCheck && BrowserCheck.beaconSent")
        rows = wait_counted(collector, build, load)
        assert sum(r["n"] for r in rows) == load, rows
    assert "/embed/probe.js" in collector_entries(session, collector)
    # one row a day: the two loads make two rows only when they fall either side of midnight UTC
    assert {(r["controlled"], r["waiting"], r["verdict"]) for r in rows} == {(0, 0, "supported")}
    row = rows[-1]
    assert row["browser_family"] != "Other" and row["browser_major"] > 0, row
    assert row["verdict"] == "supported", row
    columns = set(row)
    assert not columns & {"user_agent", "ip_hash", "address", "headers", "cookie"}


@pytest.mark.parametrize("beacon", [None, "0"], ids=["absent", "zero"])
def test_without_the_attribute_nothing_is_sent(
    session: BrowserSession, portal: tuple[StaticHost, LiveServer], beacon: str | None
) -> None:
    site, collector = portal
    build = f"off-{beacon}-{session.engine}"
    session.goto(portal_page(site, collector, f"off-{beacon}-{session.engine}.html", build, beacon))
    wait_for(session, "document.readyState === 'complete' && window.BrowserCheck")
    time.sleep(1.5)  # a beacon would have gone by now (after the load event)
    assert collector_entries(session, collector) == ["/embed.js"]
    assert session.evaluate("!!BrowserCheck.sampled") is False
    assert counted(collector, build) == []


def test_the_beacon_says_a_worker_controls_the_page_and_one_waits(
    session: BrowserSession, portal: tuple[StaticHost, LiveServer]
) -> None:
    site, collector = portal
    root = site.root
    first = portal_page(
        site, collector, f"sw1-{session.engine}.html", f"sw1-{session.engine}", "1", REGISTER
    )
    second = portal_page(
        site, collector, f"sw2-{session.engine}.html", f"sw2-{session.engine}", "1"
    )
    third = portal_page(site, collector, f"sw3-{session.engine}.html", f"sw3-{session.engine}", "1")
    session.goto(first)
    wait_for(session, "window.BrowserCheck && BrowserCheck.beaconSent")
    session.evaluate(
        "navigator.serviceWorker.ready.then(function () { window.__ready = true; }) && 1"
    )
    wait_for(session, "window.__ready === true")
    session.goto(second)  # a new navigation in the worker's scope: controlled from the start
    wait_for(session, "!!navigator.serviceWorker.controller")
    # the second load's beacon is counted before the worker changes: it must see no waiting one
    assert sum(r["n"] for r in wait_counted(collector, f"sw2-{session.engine}", 1)) == 1
    write_worker(root, int(time.time()))
    session.evaluate(
        "navigator.serviceWorker.getRegistration().then(function (r) { return r.update(); })"
        ".then(function () { window.__updated = true; }) && 1"
    )
    wait_for(
        session,
        "(function () { navigator.serviceWorker.getRegistration().then(function (r) {"
        " window.__waiting = !!(r && r.waiting); }); return window.__waiting; })()",
        timeout=20,
    )
    session.goto(third)  # still the old worker in control: the new one waits for every tab to go
    wait_for(session, "window.BrowserCheck && BrowserCheck.beaconSent")
    expected = {
        f"sw1-{session.engine}": (0, 0),
        f"sw2-{session.engine}": (1, 0),
        f"sw3-{session.engine}": (1, 1),
    }
    for build, flags in expected.items():
        rows = wait_counted(collector, build, 1)
        assert [(r["controlled"], r["waiting"], r["n"]) for r in rows] == [(*flags, 1)], build
    session.evaluate(
        "navigator.serviceWorker.getRegistrations().then(function (rs) {"
        " rs.forEach(function (r) { r.unregister(); }); }) && 1"
    )


@pytest.fixture(scope="module")
def agent(portal: tuple[StaticHost, LiveServer]) -> tuple[str, str]:
    """``browsercheck users add`` against the collector's instance folder."""
    done = subprocess.run(
        [sys.executable, "-m", "webapp", "users", "add", AGENT[0], "--password", AGENT[1]],
        env={**os.environ, "BROWSERCHECK_INSTANCE_PATH": str(portal[1].log.parent)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return AGENT


def test_the_desk_shows_the_builds_in_use(
    session: BrowserSession, portal: tuple[StaticHost, LiveServer], agent: tuple[str, str]
) -> None:
    from matrix.qa.runner import describe_violations, run_axe

    site, collector = portal
    for build, loads in ((CURRENT, 2), (f"desk-old-{session.engine}", 1)):
        url = portal_page(site, collector, f"desk-{build}.html", build, "1")
        for _ in range(loads):
            session.goto(url)
            wait_for(session, "window.BrowserCheck && BrowserCheck.beaconSent")
        assert sum(r["n"] for r in wait_counted(collector, build, loads)) >= loads
    _sign_in(session, collector, agent)
    pages = {lang: f"{collector.url}/support/stats?lang={lang}" for lang in ("en", "uk")}
    for lang, mark in (("en", "(current)"), ("uk", "(поточна)")):
        session.goto(pages[lang])
        current = session.text("[data-testid=table-builds] tr[data-current=true]")
        assert CURRENT in current and mark in current, current
        assert f"desk-old-{session.engine}" in session.text("[data-testid=table-builds]")
        assert session.text("[data-testid=table-traffic]")
    _set_width(session, 320)
    _assert_fits(session, pages, 320)
    for name, url in pages.items():
        session.goto(url)
        violations = run_axe(session)["violations"]
        assert violations == [], f"{name}: {describe_violations(violations)}"
