"""The probe's budgets, measured: size, time to the report on screen, and main-thread tasks.

    .venv/bin/python benchmarks/probe_budget.py [--runs 20] [--cpu-slowdown 4]

Prints, for the probe as served:
- size: raw and gzipped bytes of /probe.js and /embed.js, against the 8 KB gzipped budget;
- time: probe start (``performance.mark("browsercheck:start")``, the probe's first statement) to
  report shown (``browsercheck:shown``, set by check.js) on /check in headless Chromium against a
  real server on localhost, median of N runs each in a fresh browser context, against the
  300 ms budget and against a baseline measured in the same run: the same page's bare
  ``POST /api/v1/reports`` of an empty payload (the collector's own share of the time);
- tasks: the longest main-thread task (Long Tasks API, ``PerformanceObserver('longtask')``,
  registered before any page script) and the longest synchronous stretch of ``collect()``,
  against the 50 ms budget; once more with the CPU slowed down N times (DevTools emulation).
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from matrix.qa.engines import EngineHub, PlaywrightSession  # noqa: E402
from probes import embed_source, probe_source  # noqa: E402
from tests.browser.conftest import LiveServer  # noqa: E402

SIZE_BUDGET = 8 * 1024
TIME_BUDGET_MS = 300.0
TASK_BUDGET_MS = 50.0

LONG_TASKS = """
window.__longtasks = [];
try {
  new PerformanceObserver(function (list) {
    list.getEntries().forEach(function (e) { window.__longtasks.push(e.duration); });
  }).observe({ entryTypes: ["longtask"] });
} catch (e) {}
"""
MEASURE = """() => {
  const span = (a, b) => performance.measure(a + b, "browsercheck:" + a, "browsercheck:" + b).duration;
  return { shown: span("start", "shown"), collect: span("start", "collected"),
           post: span("collected", "answered"), render: span("answered", "shown"),
           longtasks: window.__longtasks.slice() };
}"""
SYNC_COLLECT = """() => new Promise(done => {
  const t = performance.now();
  BrowserCheck.collect({}, () => done({ sync: sync, total: performance.now() - t }));
  const sync = performance.now() - t;
})"""
BARE_POST = """() => {
  const t = performance.now();
  return fetch("/api/v1/reports", { method: "POST", headers: { "Content-Type": "application/json" },
    body: "{}" }).then(r => r.json()).then(() => performance.now() - t);
}"""


WAIT_SHOWN = """() => new Promise((resolve, reject) => {
  const until = performance.now() + 30000;
  (function poll() {
    if (performance.getEntriesByName('browsercheck:shown').length > 0) resolve(true);
    else if (performance.now() > until) reject(new Error('report not shown within 30 s'));
    else setTimeout(poll, 5);
  })();
})"""


def sizes() -> None:
    print("size (budget: 8 KB = 8192 bytes gzipped)")
    for name, text in (("/probe.js", probe_source()), ("/embed.js", embed_source())):
        raw = text.encode("utf-8")
        for level in (6, 9):
            packed = len(gzip.compress(raw, compresslevel=level))
            print(
                f"  {name:10} raw {len(raw):6d} B   gzip -{level} {packed:5d} B   "
                f"{packed / SIZE_BUDGET:5.2f} of budget"
            )


def one_run(hub: EngineHub, url: str, slowdown: float) -> dict[str, Any]:
    session = hub.open("chromium")
    assert isinstance(session, PlaywrightSession)
    try:
        page = session.page
        page.add_init_script(LONG_TASKS)
        if slowdown > 1:
            cdp = page.context.new_cdp_session(page)
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": slowdown})
        page.goto(url + "/check?lang=en")
        # Not wait_for_function: its string predicate is eval'd in the page, which our CSP (no
        # 'unsafe-eval') refuses. A function given to evaluate() runs without eval.
        page.evaluate(WAIT_SHOWN)
        result: dict[str, Any] = page.evaluate(MEASURE)
        result.update(page.evaluate(SYNC_COLLECT))
        result["bare_post"] = page.evaluate(BARE_POST)
        return result
    finally:
        session.close()


def timings(hub: EngineHub, url: str, runs: int, slowdown: float) -> None:
    label = "no CPU slowdown" if slowdown <= 1 else f"CPU slowed down {slowdown:g}x"
    one_run(hub, url, slowdown)  # warm the server and the browser; not counted
    results = [one_run(hub, url, slowdown) for _ in range(runs)]
    shown = [r["shown"] for r in results]
    bare = [r["bare_post"] for r in results]
    tasks = [t for r in results for t in r["longtasks"]]
    sync = [r["sync"] for r in results]
    med, base = statistics.median(shown), statistics.median(bare)
    print(f"\nheadless Chromium, {runs} runs, {label}")
    print(
        f"  probe start -> report shown: median {med:6.1f} ms  p90 "
        f"{statistics.quantiles(shown, n=10)[-1]:6.1f}  max {max(shown):6.1f}   "
        f"{med / TIME_BUDGET_MS:4.2f} of the 300 ms budget"
    )
    print(
        "  of which: collect {:5.1f} ms, POST round trip {:5.1f} ms, showing {:5.1f} ms (medians)".format(
            *(statistics.median(r[k] for r in results) for k in ("collect", "post", "render"))
        )
    )
    print(
        f"  baseline, bare POST /api/v1/reports: median {base:6.1f} ms   "
        f"probe/baseline = {med / base:4.2f}"
    )
    print(
        f"  long tasks on the page (>50 ms): {len(tasks)}"
        + (f", longest {max(tasks):.1f} ms" if tasks else "")
    )
    print(
        f"  collect() synchronous part: median {statistics.median(sync):5.1f} ms  max "
        f"{max(sync):5.1f} ms   {max(sync) / TASK_BUDGET_MS:4.2f} of the 50 ms budget"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--cpu-slowdown", type=float, default=4.0)
    args = parser.parse_args(argv)
    sizes()
    with tempfile.TemporaryDirectory() as tmp:
        server = LiveServer(Path(tmp) / "instance")
        try:
            with EngineHub() as hub:
                timings(hub, server.url, args.runs, 1.0)
                if args.cpu_slowdown > 1:
                    timings(hub, server.url, args.runs, args.cpu_slowdown)
        finally:
            server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
