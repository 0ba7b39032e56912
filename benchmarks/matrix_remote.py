"""The QA matrix's time per job on remote browsers, beside the same jobs on local ones.

    .venv/bin/python benchmarks/matrix_remote.py [--rounds 3] [--smoke]

Runs a few shipped targets with one worker (so jobs do not compete for the two cores), each
``--rounds`` times, against one real server on localhost:

- local (the baseline): Chromium and Firefox launched by Playwright here, WebKitGTK over its
  WebDriver as ``make test`` runs them;
- a Playwright server (``playwright run-server`` on a loopback port, ``--connect``): the same
  Chromium and Firefox targets, with the app reached through the connection (Playwright's
  ``exposeNetwork``, what ``matrix run`` does for a loopback app) and directly;
- W3C WebDriver endpoints (chromedriver and WebKitWebDriver on loopback ports,
  ``--webdriver-url``): a desktop target each, with capabilities.

Prints the median seconds per job (opening the browser included, as ``matrix run`` counts it)
and the remote/local ratio. Loopback endpoints measure the protocol's own cost; a hosted grid
adds its network latency per command and its queueing on top.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from matrix import load_policy  # noqa: E402
from matrix.qa.remote import PlaywrightEndpoint, WebDriverEndpoint  # noqa: E402
from matrix.qa.runner import run_matrix  # noqa: E402
from matrix.qa.server import LiveServer  # noqa: E402
from matrix.qa.targets import RunDefinition, Target, load_targets  # noqa: E402
from tests.browser import remote_endpoints  # noqa: E402
from tests.browser.remote_endpoints import CHROME_OPTIONS, connect_value  # noqa: E402

PLAYWRIGHT_JOBS = (
    "chromium-desktop-en",
    "chromium-pixel-7",
    "chromium-ua-chrome-109-windows-10",
    "firefox-desktop-en",
    "firefox-ua-115-windows-10",
)
SMOKE_JOBS = ("chromium-desktop-en", "firefox-ua-115-windows-10")
#: grid target -> the local target it is timed against (same page, same expectations).
WEBDRIVER_JOBS = {
    "grid-chromium-desktop": "chromium-desktop-en",
    "grid-webkitgtk": "webkit-desktop-en",
}


def _grid_targets(local: dict[str, Target]) -> list[Target]:
    from matrix.qa.engines import _webkitgtk_browser

    chrome = replace(
        local["chromium-desktop-en"],
        id="grid-chromium-desktop",
        path="/check?lang=en",
        locale=None,
        capabilities={"browserName": "chrome", "goog:chromeOptions": CHROME_OPTIONS},
    )
    webkit = replace(
        local["webkit-desktop-en"],
        id="grid-webkitgtk",
        capabilities={
            "browserName": "MiniBrowser",
            "webkitgtk:browserOptions": {"binary": _webkitgtk_browser(), "args": ["--automation"]},
        },
    )
    return [chrome, webkit]


def _times(definition: RunDefinition, rounds: int, url: str, **remote: object) -> dict[str, float]:
    seconds: dict[str, list[float]] = {}
    for _ in range(rounds):
        run = run_matrix(definition, load_policy(), base_url=url, workers=1, **remote)  # type: ignore[arg-type]
        for r in run.results:
            if r.status != "passed":
                raise SystemExit(f"{r.id} {r.status}: {r.reason or '; '.join(r.failures)}")
            seconds.setdefault(r.id, []).append(r.seconds)
    return {job: statistics.median(values) for job, values in seconds.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--smoke", action="store_true", help="one job per engine, no 'direct' column (tests)"
    )
    args = parser.parse_args()
    jobs = SMOKE_JOBS if args.smoke else PLAYWRIGHT_JOBS
    shipped = {t.id: t for t in load_targets().targets}
    local_ids = [*jobs, "webkit-desktop-en"]
    local = RunDefinition(tuple(shipped[i] for i in local_ids))
    grid = RunDefinition(tuple(_grid_targets(shipped)))
    with tempfile.TemporaryDirectory() as folder, LiveServer() as server:
        work = Path(folder)
        baseline = _times(local, args.rounds, server.url)
        with remote_endpoints.playwright_server(work) as pw:
            connect = {
                e: PlaywrightEndpoint.parse(connect_value(e, pw)) for e in ("chromium", "firefox")
            }
            remote = RunDefinition(tuple(shipped[i] for i in jobs))
            playwright = _times(remote, args.rounds, server.url, connect=connect)
            direct: dict[str, float] = {}
            if not args.smoke:
                direct = _times(
                    remote, args.rounds, server.url, connect=connect, expose_loopback=False
                )
        webdriver: dict[str, float] = {}
        for start, target in (
            (remote_endpoints.chromedriver, grid.targets[0]),
            (remote_endpoints.webkit_driver, grid.targets[1]),
        ):
            with start(work) as driver:
                one = RunDefinition((target,))
                endpoint = WebDriverEndpoint.parse(driver.url)
                webdriver |= _times(one, args.rounds, server.url, webdriver=endpoint)
    print(f"median seconds per job over {args.rounds} round(s), one worker, loopback endpoints")
    print(f"{'job':34} {'local (baseline)':>16} {'remote':>7} {'ratio':>6} {'direct':>7}  remote")
    rows = [(j, j, "Playwright server") for j in jobs]
    rows += [(g, lid, "W3C WebDriver") for g, lid in WEBDRIVER_JOBS.items()]
    for job, local_id, kind in rows:
        ours = playwright[job] if job in playwright else webdriver[job]
        base = baseline[local_id]
        plain = f"{direct[job]:7.2f}" if job in direct else f"{'-':>7}"
        print(f"{job:34} {base:16.2f} {ours:7.2f} {ours / base:6.2f} {plain}  {kind} vs {local_id}")
    print(
        f"{'all jobs':34} {sum(baseline[lid] for _, lid, _ in rows):16.2f} "
        f"{sum({**playwright, **webdriver}[j] for j, _, _ in rows):7.2f}"
    )
    print("remote: the app reached through the Playwright connection (exposeNetwork) as matrix")
    print("run does for a loopback app; direct: the same jobs with the browser reaching it itself")


if __name__ == "__main__":
    main()
