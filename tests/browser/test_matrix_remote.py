"""``matrix run`` on remote browsers, against real remote endpoints on loopback ports:

- ``playwright run-server`` as the Playwright server of Chromium and Firefox (``--connect``); it
  has no browsers of Playwright's own here, so the URL carries the system browsers' launch options
  (sent in ``x-playwright-launch-options``; the server runs with ``--unsafe`` to accept them);
- Debian's chromedriver and WebKitWebDriver, each on a port, as W3C WebDriver endpoints standing
  in for a grid hub (``--webdriver-url``), with targets that declare ``capabilities``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from junitparser import JUnitXml, Skipped

from matrix.qa.engines import _webkitgtk_browser
from tests.browser import remote_endpoints
from tests.browser.conftest import LiveServer, free_port
from tests.browser.remote_endpoints import (
    CHROME_OPTIONS,
    Endpoint,
    EndpointMissing,
    connect_value,
)

pytestmark = pytest.mark.browser

USER, SECRET = "qa-grid-user", "Sup3rSecretKey-42"


def _endpoint(start: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Endpoint]:
    try:
        with start(tmp_path_factory.mktemp("endpoint")) as endpoint:
            yield endpoint
    except EndpointMissing as exc:
        pytest.fail(str(exc))  # make test installs it: missing is a failure, never a skip


@pytest.fixture(scope="module")
def playwright_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Endpoint]:
    yield from _endpoint(remote_endpoints.playwright_server, tmp_path_factory)


@pytest.fixture(scope="module")
def chromedriver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Endpoint]:
    yield from _endpoint(remote_endpoints.chromedriver, tmp_path_factory)


@pytest.fixture(scope="module")
def webkit_driver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Endpoint]:
    yield from _endpoint(remote_endpoints.webkit_driver, tmp_path_factory)


def _run(tmp_path: Path, targets: list[dict[str, Any]], *args: str, a11y: bool = False) -> Any:
    """``browsercheck matrix run`` on these targets; (process, results.json, output folder)."""
    definition: dict[str, Any] = {"version": 1, "targets": targets}
    if a11y:
        definition["accessibility"] = [{"id": "matrix-en", "path": "/matrix?lang=en"}]
    path = tmp_path / "targets.yaml"
    path.write_text(yaml.safe_dump(definition), encoding="utf-8")
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, "-m", "webapp", "matrix", "run", "--targets", str(path)]
        + ["--output", str(out), *args],
        capture_output=True,
        text=True,
        timeout=600,
    )
    results = out / "results.json"
    data = json.loads(results.read_text()) if results.exists() else {}
    return done, data, out


def _by_id(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["id"]: r for r in data["results"]}


CHROME_109_UA = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/109.0.0.0 Safari/537.36"
)
FIREFOX_115_WIN7_UA = (
    "Mozilla/5.0 (Windows NT 6.1; Win64; x64; rv:109.0) Gecko/20100101 Firefox/115.0"
)
PLAYWRIGHT_TARGETS = [
    {
        "id": "chromium-pixel-7-uk",
        "engine": "chromium",
        "device": "Pixel 7",
        "locale": "uk-UA",
        "expect": {
            "lang": "uk",
            "browser": {"family": "Chrome", "major": "engine"},
            "os": {"family": "Android", "major": 14},
            "device": {"type": "mobile", "brand": "Google", "model": "Pixel 7"},
        },
    },
    {
        "id": "chromium-ua-chrome-109",
        "engine": "chromium",
        "locale": "en-US",
        "user_agent": CHROME_109_UA,
        "client_hints": {
            "brands": [{"brand": "Google Chrome", "version": "109"}],
            "fullVersionList": [{"brand": "Google Chrome", "version": "109.0.5414.120"}],
            "platform": "Windows",
            "platformVersion": "10.0.0",
            "architecture": "x86",
            "model": "",
            "mobile": False,
        },
        "expect": {
            "lang": "en",
            "browser": {"family": "Chrome", "major": 109},
            "os": {"family": "Windows", "major": 10},
        },
    },
    {
        "id": "firefox-uk",
        "engine": "firefox",
        "locale": "uk-UA",
        "expect": {"lang": "uk", "browser": {"family": "Firefox", "major": "engine"}},
    },
    {
        "id": "firefox-ua-115-windows-7",
        "engine": "firefox",
        "locale": "uk-UA",
        "user_agent": FIREFOX_115_WIN7_UA,
        "expect": {
            "lang": "uk",
            "browser": {"family": "Firefox", "major": 115},
            "os": {"family": "Windows", "major": 7},
        },
    },
]


def test_a_playwright_server_runs_chromium_and_firefox_as_locally(
    live_server: LiveServer, playwright_server: Endpoint, tmp_path: Path
) -> None:
    """Devices, locales, User-Agent overrides (client hints, Firefox prefs) and axe on pages."""
    done, data, out = _run(
        tmp_path,
        PLAYWRIGHT_TARGETS,
        "--base-url",
        live_server.url,
        "--connect",
        connect_value("chromium", playwright_server),
        "--connect",
        connect_value("firefox", playwright_server),
        "--engine",
        "chromium,firefox",
        "--require",
        "chromium,firefox",
        "-j",
        "2",
        a11y=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr + playwright_server.log.read_text()
    assert done.stdout.strip().splitlines()[-1] == "matrix: 6 passed, 0 failed, 0 skipped"
    endpoint = f"ws://127.0.0.1:{playwright_server.port}/"
    for result in data["results"]:
        ran = result["ran"]
        assert (ran["kind"], ran["driver"], ran["endpoint"]) == ("remote", "playwright", endpoint)
        assert ran["browser"] == result["engine"] and ran["version"]
        assert ran["platform"].startswith("Linux")  # the server's machine, not the emulated one
    assert {(b["engine"], b["endpoint"], b["jobs"]) for b in data["browsers"]} == {
        ("chromium", endpoint, 3),
        ("firefox", endpoint, 3),
    }
    assert _by_id(data)["chromium-pixel-7-uk"]["details"]["detected"]["device"]["model"] == (
        "Pixel 7"
    )
    assert endpoint in (out / "report.html").read_text()


def _grid_target(target_id: str, **capabilities: Any) -> dict[str, Any]:
    return {
        "id": target_id,
        "capabilities": {"browserName": "chrome", "goog:chromeOptions": CHROME_OPTIONS}
        | capabilities,
        "path": "/check?lang=uk",
        "expect": {
            "lang": "uk",
            "browser": {"family": "Chromium", "major": "engine"},
            "os": {"family": "Linux"},
        },
    }


def _files_holding(folder: Path, *needles: str) -> list[str]:
    return [
        str(p)
        for p in folder.rglob("*")
        if p.is_file() and any(n.encode() in p.read_bytes() for n in needles)
    ]


def test_a_webdriver_endpoint_runs_capabilities_targets_and_keeps_its_credentials(
    live_server: LiveServer, chromedriver: Endpoint, tmp_path: Path
) -> None:
    override = {
        "id": "chromium-ua-override",
        "engine": "chromium",
        "user_agent": CHROME_109_UA,
        "expect": {"browser": {"family": "Chrome", "major": 109}},
    }
    targets = [
        override,
        _grid_target("grid-chromium") | {"replaces": "chromium-ua-override"},
        # chromedriver starts its one Chrome whatever version is asked: the job must fail
        _grid_target("grid-chrome-109", browserVersion="109")
        | {"expect": {"lang": "uk", "browser": {"family": "Chrome", "major": 109}}},
        _grid_target("grid-windows", platformName="windows"),
    ]
    url = f"http://{USER}:{SECRET}@127.0.0.1:{chromedriver.port}"
    done, data, out = _run(tmp_path, targets, "--base-url", live_server.url, "--webdriver-url", url)
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stdout.strip().splitlines()[-1] == "matrix: 1 passed, 1 failed, 1 skipped"
    results = _by_id(data)
    assert "chromium-ua-override" not in results  # the grid target stands in for the override

    endpoint = f"http://127.0.0.1:{chromedriver.port}"
    passed = results["grid-chromium"]
    assert passed["status"] == "passed", passed["failures"]
    ran = passed["ran"]
    assert (ran["endpoint"], ran["driver"], ran["kind"]) == (endpoint, "webdriver", "remote")
    assert (ran["browser"], ran["platform"]) == ("chrome", "linux")
    assert len(ran["session"]) == 32 and ran["version"].split(".")[0].isdigit()
    assert passed["details"]["axe"]["violations"] == 0 and passed["screenshot"]

    failed = results["grid-chrome-109"]
    assert failed["status"] == "failed"
    assert failed["failures"][0].startswith("capabilities: browserVersion '109' asked")
    assert any("browser.major: expected 109" in f for f in failed["failures"])

    refused = results["grid-windows"]
    assert refused["status"] == "not run"
    assert refused["reason"] == (
        f"the WebDriver endpoint {endpoint} did not start a session: "
        "session not created: No matching capabilities found"
    )
    cases = {c.name: c for suite in JUnitXml.fromfile(str(out / "junit.xml")) for c in suite}
    assert isinstance(cases["grid-windows"].result[0], Skipped)
    assert ran["session"] in (cases["grid-chromium"].system_out or "")
    html = (out / "report.html").read_text()
    assert ran["session"] in html and endpoint in html

    assert _files_holding(out, SECRET, USER) == []
    assert SECRET not in done.stdout + done.stderr and USER not in done.stdout + done.stderr


def test_a_required_engine_whose_session_cannot_start_fails(
    live_server: LiveServer, chromedriver: Endpoint, tmp_path: Path
) -> None:
    done, data, _ = _run(
        tmp_path,
        [_grid_target("grid-windows", platformName="windows")],
        "--base-url",
        live_server.url,
        "--webdriver-url",
        f"http://127.0.0.1:{chromedriver.port}",
        "--require",
        "chromium",
    )
    assert done.returncode == 1, done.stdout + done.stderr
    result = data["results"][0]
    assert result["status"] == "failed"
    assert result["reason"].startswith("required engine chromium did not run: the WebDriver")


def test_a_capabilities_target_without_an_endpoint_is_not_run(
    live_server: LiveServer, tmp_path: Path
) -> None:
    done, data, _ = _run(tmp_path, [_grid_target("grid-alone")], "--base-url", live_server.url)
    assert done.returncode == 0, done.stdout + done.stderr
    assert data["results"][0]["status"] == "not run"
    assert "--webdriver-url" in data["results"][0]["reason"]


def test_webkitwebdriver_runs_a_capabilities_target_and_refuses_another_version(
    live_server: LiveServer, webkit_driver: Endpoint, tmp_path: Path
) -> None:
    browser = {"binary": _webkitgtk_browser(), "args": ["--automation"]}

    def target(target_id: str, **capabilities: Any) -> dict[str, Any]:
        return {
            "id": target_id,
            "capabilities": {"browserName": "MiniBrowser", "webkitgtk:browserOptions": browser}
            | capabilities,
            "path": "/check?lang=en",
            "expect": {  # MiniBrowser claims "Version/60.5 Safari" (targets.yaml)
                "lang": "en",
                "browser": {"family": "Safari", "major": 60},
                "os": {"family": "Linux"},
            },
        }

    done, data, _ = _run(
        tmp_path,
        [target("grid-webkitgtk"), target("grid-safari-16", browserVersion="16")],
        "--base-url",
        live_server.url,
        "--webdriver-url",
        f"http://127.0.0.1:{webkit_driver.port}",
    )
    results = _by_id(data)
    assert results["grid-webkitgtk"]["status"] == "passed", done.stdout + done.stderr
    ran = results["grid-webkitgtk"]["ran"]
    assert (ran["engine"], ran["browser"], ran["platform"]) == ("webkit", "MiniBrowser", "linux")
    assert results["grid-safari-16"]["status"] == "not run"
    assert results["grid-safari-16"]["reason"].endswith(
        "did not start a session: Failed to match capabilities"
    )


def test_a_remote_browser_that_cannot_reach_the_base_url_says_so(
    playwright_server: Endpoint, chromedriver: Endpoint, tmp_path: Path
) -> None:
    nobody = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    done, data, _ = _run(
        tmp_path,
        [PLAYWRIGHT_TARGETS[0], _grid_target("grid-chromium")],
        "--base-url",
        nobody,
        "--connect",
        connect_value("chromium", playwright_server),
        "--webdriver-url",
        f"http://127.0.0.1:{chromedriver.port}",
    )
    assert done.returncode == 1
    for result in data["results"]:
        assert result["status"] == "failed"
        message = result["failures"][0]
        assert f"at {result['ran']['endpoint']} could not load {nobody}/check" in message
        assert "give --base-url an address it can reach" in message
