"""The embed's budgets, measured: the always-on part's size, the recorder's per-call cost, long tasks.

    .venv/bin/python benchmarks/embed_budget.py [--calls 1000] [--runs 5]

Prints, in one run:
- size: gzipped bytes of what every host page loads (``/embed.js``: recorder and button; with the
  the banner's loader, what an outdated browser gets; and its /embed/banner.js, fetched apart)
  against the 3,072-byte budget, beside the baseline of
  carrying the probe always (``/embed.js`` + ``/embed/probe.js``, what the embed was before);
- per call: ``fetch`` and ``XMLHttpRequest`` answered at once by stand-ins installed before the
  embed (so the wrapper's share is not lost in network noise, which on a loaded machine is
  hundreds of µs), called through the recorder's wrappers and directly, interleaved in blocks in
  the same page of headless Chromium; the median extra time per call against the 20 µs target,
  beside the same comparison on a page without the embed (the noise floor);
- long tasks (> 50 ms, Long Tasks API) on a page with the embed while it loads and records a
  click, beside the same page without the embed.
The probe's own budgets (start to report shown) are benchmarks/probe_budget.py's.
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
from probes import banner_source, embed_probe_source, embed_source  # noqa: E402
from tests.browser.conftest import LiveServer  # noqa: E402

SIZE_BUDGET = 3072
PER_CALL_TARGET_US = 20.0
TASK_BUDGET_MS = 50.0

HOST = """<!doctype html><html><head><meta charset="utf-8"><title>bench</title>
<script>
window.__longtasks = [];
try {
  new PerformanceObserver(function (list) {
    list.getEntries().forEach(function (e) { window.__longtasks.push(e.duration); });
  }).observe({ entryTypes: ["longtask"] });
} catch (e) {}
// The network factored out: fetch and XHR answer at once, so what is timed is the wrapper.
window.__status = 200;
window.__fetch = window.fetch = function (url) {
  return Promise.resolve({ status: window.__status, url: url, type: "basic" });
};
XMLHttpRequest.prototype.open = function () {};
XMLHttpRequest.prototype.send = function () { this.dispatchEvent(new Event("loadend")); };
window.__open = XMLHttpRequest.prototype.open;
window.__send = XMLHttpRequest.prototype.send;
</script>
%s
</head><body><button type="button">Submit</button></body></html>"""

PER_CALL = """async ([calls, blocks]) => {
  const url = location.origin + "/api/readings/123";
  const own = window.__fetch, wrapped = window.fetch, P = XMLHttpRequest.prototype;
  const xhr = (open, send) => { const x = new XMLHttpRequest(); open.call(x, "GET", url); send.call(x); };
  const time = async (once, n) => {
    const t = performance.now();
    for (let i = 0; i < n; i++) { await once(); }
    return (performance.now() - t) / n * 1000;
  };
  const per = Math.max(1, Math.round(calls / blocks));
  const out = { "fetch, answered": [], "fetch, failed": [], "xhr, answered": [] };
  for (let b = 0; b < blocks; b++) {
    window.__status = 200;
    out["fetch, answered"].push([await time(() => own.call(window, url), per),
                                 await time(() => wrapped.call(window, url), per)]);
    window.__status = 500;
    out["fetch, failed"].push([await time(() => own.call(window, url), per),
                               await time(() => wrapped.call(window, url), per)]);
    window.__status = 200;
    out["xhr, answered"].push([await time(() => xhr(window.__open, window.__send), per),
                               await time(() => xhr(P.open, P.send), per)]);
  }
  return out;
}"""
KINDS = ("fetch, answered", "fetch, failed", "xhr, answered")


def sizes() -> None:
    always = len(gzip.compress(embed_source().encode("utf-8"), compresslevel=9))
    outdated = {
        "status": "unsupported",
        "download": "https://www.mozilla.org/firefox/new/",
        "message": {"uk": "Ваш браузер застарів — оновіть його", "en": "Your browser is outdated"},
    }
    old = len(gzip.compress(embed_source(outdated=True).encode("utf-8"), compresslevel=9))
    banner = len(gzip.compress(banner_source(outdated).encode("utf-8"), compresslevel=9))
    both = len(gzip.compress((embed_source() + embed_probe_source()).encode(), compresslevel=9))
    print(f"size (gzip -9; budget {SIZE_BUDGET} B for the always-on part)")
    print(
        f"  /embed.js, a supported browser:   {always:5d} B   {always / SIZE_BUDGET:4.2f} of budget"
    )
    print(f"  /embed.js, an outdated browser:   {old:5d} B   {old / SIZE_BUDGET:4.2f} of budget")
    print(f"  /embed/banner.js, outdated only:  {banner:5d} B   (fetched apart, by those alone)")
    print(
        f"  baseline, the probe always on:    {both:5d} B   (/embed.js + /embed/probe.js)"
        f"   always-on/baseline = {always / both:4.2f}"
    )


def _page(hub: EngineHub, url: str, with_embed: bool) -> Any:
    session = hub.open("chromium")
    assert isinstance(session, PlaywrightSession)
    page = session.page
    tag = '<script src="/embed.js" data-button="false"></script>' if with_embed else ""
    html = HOST % tag
    page.route(
        url + "/bench-host.html", lambda route: route.fulfill(body=html, content_type="text/html")
    )
    page.goto(url + "/bench-host.html")
    return session


def per_call(hub: EngineHub, url: str, calls: int, runs: int) -> None:
    extra: dict[str, list[float]] = {k: [] for k in KINDS}
    plain: dict[str, list[float]] = {k: [] for k in KINDS}
    control: dict[str, list[float]] = {k: [] for k in KINDS}
    tasks: dict[bool, list[float]] = {True: [], False: []}
    for _ in range(runs):
        for with_embed in (True, False):
            session = _page(hub, url, with_embed)
            try:
                page = session.page
                page.click("button")  # one recorded action
                page.wait_for_timeout(200)  # long-task entries are delivered after the task
                # Before the timed loop: its 3,000 calls chained in microtasks are one task.
                tasks[with_embed].extend(page.evaluate("window.__longtasks.slice()"))
                result = page.evaluate(PER_CALL, [calls, 10])
            finally:
                session.close()
            for kind in KINDS:
                for own, wrapped in result[kind]:
                    # Without the embed both columns are the browser's own: the noise floor.
                    (extra if with_embed else control)[kind].append(wrapped - own)
                    plain[kind].append(own)
    print(
        f"\nheadless Chromium, {runs} pages x {calls} calls of each kind, answered at once "
        "(the network factored out)"
    )
    for kind in KINDS:
        med = statistics.median(extra[kind])
        print(
            f"  {kind:15}: unwrapped median {statistics.median(plain[kind]):7.1f} µs/call   "
            f"recorder's extra median {med:6.1f} µs/call   {med / PER_CALL_TARGET_US:4.2f} of "
            f"the {PER_CALL_TARGET_US:g} µs target   (same page without the embed: "
            f"{statistics.median(control[kind]):+.1f} µs)"
        )
    for with_embed, label in ((True, "with the embed"), (False, "baseline, without it")):
        found = tasks[with_embed]
        longest = f", longest {max(found):.1f} ms" if found else ""
        print(f"  long tasks (> {TASK_BUDGET_MS:g} ms), {label}: {len(found)}{longest}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    sizes()
    with tempfile.TemporaryDirectory() as tmp:
        server = LiveServer(Path(tmp) / "instance")
        try:
            with EngineHub() as hub:
                per_call(hub, server.url, args.calls, args.runs)
        finally:
            server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
