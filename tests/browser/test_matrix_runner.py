"""The QA matrix runner end to end: its checks fail when they should, and the CLI's outputs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from junitparser import Failure, JUnitXml

from matrix import load_policy
from matrix.qa.engines import ENGINES, BrowserSession, EngineHub
from matrix.qa.results import FAILED
from matrix.qa.runner import check_target, run_axe
from matrix.qa.targets import Expected, Target
from tests.browser.conftest import LiveServer

pytestmark = pytest.mark.browser

INACCESSIBLE = "data:text/html,<title>x</title><img src='x.png'><button></button>"


def test_axe_finds_violations_in_every_engine(session: BrowserSession) -> None:
    session.goto(INACCESSIBLE)
    found = {v["id"] for v in run_axe(session)["violations"]}
    assert {"image-alt", "html-has-lang", "button-name"} <= found


@pytest.mark.parametrize(
    "expect,needle",
    [
        ({"browser": {"family": "Firefox"}}, "browser.family: expected 'Firefox'"),
        ({"browser": {"family": "Chromium", "major": 99}}, "browser.major: expected 99"),
        (
            {"browser": {"family": "Chromium", "major": "engine"}, "device": {"type": "mobile"}},
            "device.type: expected 'mobile', detected 'desktop'",
        ),
        (
            {"browser": {"family": "IE"}, "engine": {"family": "Blink"}},
            "verdict: the policy says unsupported (browser:IE)",
        ),
    ],
    ids=["wrong-browser", "wrong-major", "wrong-device", "wrong-verdict"],
)
def test_a_target_that_is_not_what_it_declares_fails(
    engine_hub: EngineHub,
    live_server: LiveServer,
    expect: dict[str, dict[str, object]],
    needle: str,
) -> None:
    target = Target("wrong", "chromium", Expected("en", expect), locale="en-US")
    session = engine_hub.open("chromium", locale="en-US")
    try:
        result = check_target(session, target, live_server.url, load_policy())
    finally:
        session.close()
    assert result.status == FAILED
    assert any(needle in line for line in result.failures), result.failures


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "webapp", "matrix", *args],
        capture_output=True,
        text=True,
        timeout=300,
    )


TARGETS = """
version: 1
targets:
  - id: good
    engine: chromium
    locale: uk-UA
    expect:
      lang: uk
      browser: {family: Chromium, major: engine}
      os: {family: Linux}
  - id: bad-<b>
    engine: firefox
    expect:
      browser: {family: Chromium}
"""


def test_cli_run_writes_the_outputs_and_fails_on_a_failed_target(
    live_server: LiveServer, tmp_path: Path
) -> None:
    targets = tmp_path / "targets.yaml"
    targets.write_text(TARGETS.replace("bad-<b>", "bad"), encoding="utf-8")
    out = tmp_path / "out"
    done = _cli(
        "run",
        "--base-url",
        live_server.url,
        "--targets",
        str(targets),
        "--output",
        str(out),
        "-j",
        "2",
        "--require",
        ",".join(ENGINES),
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stdout.strip().splitlines()[-1] == "matrix: 1 passed, 1 failed, 0 skipped"
    data = json.loads((out / "results.json").read_text())
    by_id = {r["id"]: r for r in data["results"]}
    assert by_id["good"]["status"] == "passed" and by_id["bad"]["status"] == "failed"
    assert data["engines"]["chromium"]["binary"] and data["engines"]["firefox"]["version"]
    assert (out / by_id["good"]["screenshot"]).stat().st_size > 0
    cases = {c.name: c for suite in JUnitXml.fromfile(str(out / "junit.xml")) for c in suite}
    assert set(cases) == {"good", "bad"}
    assert cases["good"].is_passed
    assert isinstance(cases["bad"].result[0], Failure)
    assert "browser.family: expected 'Chromium'" in (cases["bad"].result[0].text or "")
    html = (out / "report.html").read_text()
    assert 'src="screenshots/good.png"' in html and "Firefox" in html


def test_cli_run_rejects_a_bad_run_definition(tmp_path: Path) -> None:
    targets = tmp_path / "targets.yaml"
    targets.write_text(TARGETS, encoding="utf-8")
    done = _cli("run", "--targets", str(targets), "--output", str(tmp_path / "out"))
    assert done.returncode == 1
    assert "targets[1]: id must be lower-case letters, digits and dashes" in done.stderr
    assert not (tmp_path / "out").exists()
