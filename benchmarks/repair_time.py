"""The one-click repair's time: the confirm click to the new report, in headless Chromium.

    .venv/bin/python benchmarks/repair_time.py [--runs 5]

A portal page on a second origin (a static server on another port) whose service worker keeps
build A after build C was deployed; a real collector (``browsercheck serve``) on another port.
Each run opens a fresh browser context, lets the worker take the page, deploys C, opens the stale
page, makes the first report with the embed's button, clicks "Fix it" and then the confirm
control, and times from that click (``Date.now()`` kept in sessionStorage across the reload) to
the second report shown on the reloaded page (``.browsercheck-repaired``): unregistering the
worker, deleting the caches, the reload, loading the on-demand part and the check itself.
Baselines from the same runs: a plain check on the repaired page (``BrowserCheck.report``, the
same call the repair's second check makes) from the call to its answer, and a reload of that page
followed by the same check (what the repair does, with nothing to remove). Prints the medians.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from matrix.qa.engines import EngineHub, PlaywrightSession  # noqa: E402
from tests.browser.conftest import LiveServer, QuietHandler, StaticHost  # noqa: E402
from tests.browser.test_repair import REGISTER, WORKER  # noqa: E402  (the test's old-build worker)

APP = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Cabinet</title>
<meta name="browsercheck-build" content="{build}"></head>
<body><h1>Cabinet, build {build}</h1><p id="where"></p>
<script src="{collector}/embed.js" data-collector="{collector}" data-lang="en" data-target="#where"
  data-build-url="/build.txt" data-repair-storage="portal-draft"></script>
{worker}
</body></html>"""
PLAIN_CHECK = """() => new Promise((done, fail) => {
  const t = Date.now();
  BrowserCheck.report({}, (e, r) => e ? fail(new Error(JSON.stringify(e))) : done(Date.now() - t));
})"""
_MTIME = [time.time()]


def write(path: Path, text: str) -> None:
    # http.server answers 304 to a file rewritten within the same second: move its mtime on
    path.write_text(text)
    _MTIME[0] += 60
    os.utime(path, (_MTIME[0], _MTIME[0]))


def one_run(hub: EngineHub, site: StaticHost, collector: str) -> tuple[float, float, float]:
    write(site.root / "sw.js", WORKER)
    write(site.root / "app.html", APP.format(build="A", collector=collector, worker=REGISTER))
    write(site.root / "build.txt", "A")
    session = hub.open("chromium")
    assert isinstance(session, PlaywrightSession)
    try:
        page = session.page
        page.goto(f"{site.url}/app.html")
        page.wait_for_function("!!navigator.serviceWorker.controller", timeout=30_000)
        write(site.root / "app.html", APP.format(build="C", collector=collector, worker=""))
        write(site.root / "build.txt", "C")
        page.goto(f"{site.url}/app.html")  # the worker serves build A
        with page.expect_popup() as popup:
            page.click(".browsercheck-button")
        popup.value.close()
        page.click(".browsercheck-repair", timeout=30_000)
        page.evaluate("sessionStorage.setItem('bench-t0', String(Date.now()))")
        page.click(".browsercheck-repair-confirm")
        page.wait_for_selector(".browsercheck-repaired", timeout=60_000)
        repair = float(page.evaluate("Date.now() - Number(sessionStorage.getItem('bench-t0'))"))
        assert page.inner_text("h1") == "Cabinet, build C"
        plain = float(page.evaluate(PLAIN_CHECK))
        # the second baseline: reload the page and check, with nothing to remove
        page.evaluate("sessionStorage.setItem('bench-t0', String(Date.now()))")
        page.reload()
        page.wait_for_function("typeof BrowserCheck.report === 'function'")
        page.evaluate(PLAIN_CHECK)
        reloaded = float(page.evaluate("Date.now() - Number(sessionStorage.getItem('bench-t0'))"))
        return repair, plain, reloaded
    finally:
        session.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "portal").mkdir()
        site = StaticHost(Path(tmp) / "portal", QuietHandler)
        server = LiveServer(
            Path(tmp) / "instance",
            {"BROWSERCHECK_CORS_ORIGINS": site.url, "BROWSERCHECK_RATELIMIT": "off"},
        )
        try:
            with EngineHub() as hub:
                one_run(hub, site, server.url)  # warm the server and the browser; not counted
                results = [one_run(hub, site, server.url) for _ in range(args.runs)]
        finally:
            server.stop()
            site.close()
    repair = [r[0] for r in results]
    plain = [r[1] for r in results]
    reloaded = [r[2] for r in results]
    med, base, again = (statistics.median(x) for x in (repair, plain, reloaded))
    print(f"headless Chromium, {args.runs} runs, each in a fresh browser context")
    print(
        f"  repair: confirm click -> new report shown: median {med:7.1f} ms"
        f"  (min {min(repair):.0f}, max {max(repair):.0f})"
    )
    print(
        f"  baseline, a plain check (BrowserCheck.report) on the same page: median {base:7.1f} ms"
        f"  (min {min(plain):.0f}, max {max(plain):.0f})"
    )
    print(
        f"  baseline, reload + plain check (nothing removed): median {again:7.1f} ms"
        f"  (min {min(reloaded):.0f}, max {max(reloaded):.0f})"
    )
    print(f"  repair/plain check = {med / base:4.2f}; repair/(reload + check) = {med / again:4.2f}")
    summary = {"repair_ms": med, "plain_check_ms": base, "reload_check_ms": again}
    print(json.dumps({**summary, "runs": args.runs}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
