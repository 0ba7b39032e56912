"""Baseline targets in the policy: the table the packages give, its translation into verdicts,
``matrix check`` and ``matrix explain`` on them, and ``matrix baseline refresh``.

Expected minimums are asked of the baseline-browser-mapping package itself (through Node.js) in
the test, never copied by hand: the translation is checked against the package's own answer.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import replace
from functools import cache
from pathlib import Path

import pytest
from click.testing import CliRunner

from diagnostics.useragent import detect_environment
from matrix import default_policy_path
from matrix.baseline import default_baseline_path, parse_baseline, read_baseline
from matrix.loader import read_policy_text
from matrix.policy import Policy
from matrix.rules import explain_policy, verdict_reason_ids
from webapp.cli import main

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "baseline_from_packages.js"
DAY = "2026-06-01"
DEFAULT = default_policy_path().read_text(encoding="utf-8")


def node(code: str) -> object:
    """Run ``code`` (printing one JSON value) with Node.js in the checkout, return the value."""
    done = subprocess.run(
        ["node", "-e", code], capture_output=True, text=True, cwd=ROOT, check=True, timeout=60
    )
    return json.loads(done.stdout)


@cache
def package_minimums(year: int) -> dict[str, dict[str, str]]:
    """baseline-browser-mapping's own answer for ``year``: browser id -> its row."""
    rows = node(
        "const m = require('baseline-browser-mapping');"
        f"console.log(JSON.stringify(m.getCompatibleVersions({{targetYear: {year}, "
        "includeDownstreamBrowsers: true, suppressWarnings: true})))"
    )
    assert isinstance(rows, list)
    return {row["browser"]: row for row in rows}


@cache
def generated() -> dict[str, object]:
    done = subprocess.run(
        ["node", str(SCRIPT), DAY], capture_output=True, text=True, check=True, timeout=120
    )
    data: dict[str, object] = json.loads(done.stdout)
    return data


def policy_text(extra: str = "", browsers: dict[str, str] | None = None) -> str:
    text = DEFAULT.replace("version: 1\n", f"version: 1\n{extra}", 1)
    for family, line in (browsers or {}).items():
        text = text.replace(f"  - family: {family}\n", f"  - family: {family}\n    {line}\n", 1)
    return text


def load(text: str) -> Policy:
    reading = read_policy_text(text, "policy.yaml", default_policy_path().parent)
    assert reading.policy is not None, reading.problems
    return reading.policy


def below(version: str) -> str:
    """The version just under ``version``: 17.2 -> 17.1, 120 -> 119, 17.0 -> 16."""
    parts = [int(p) for p in version.split(".")]
    if len(parts) > 1 and parts[1] > 0:
        return f"{parts[0]}.{parts[1] - 1}"
    return str(parts[0] - 1)


WIN = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
#: browser id of the package -> our family and a User-Agent of a version (own, engine)
USER_AGENTS = {
    "chrome": ("Chrome", lambda v, e: f"{WIN}Chrome/{v}.0.0.0 Safari/537.36"),
    "edge": ("Edge", lambda v, e: f"{WIN}Chrome/{v}.0.0.0 Safari/537.36 Edg/{v}.0.0.0"),
    "firefox": (
        "Firefox",
        lambda v, e: (
            f"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:{v}.0) Gecko/20100101 Firefox/{v}.0"
        ),
    ),
    "safari": (
        "Safari",
        lambda v, e: (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 "
            f"(KHTML, like Gecko) Version/{v} Safari/605.1.15"
        ),
    ),
    "safari_ios": (
        "iOS",
        lambda v, e: (
            f"Mozilla/5.0 (iPhone; CPU iPhone OS {v.replace('.', '_')} like Mac OS X) "
            f"AppleWebKit/605.1.15 (KHTML, like Gecko) Version/{v} Mobile/15E148 Safari/604.1"
        ),
    ),
    "samsunginternet_android": (
        "Samsung Internet",
        lambda v, e: (
            "Mozilla/5.0 (Linux; Android 13; SM-S911B) AppleWebKit/537.36 (KHTML, "
            f"like Gecko) SamsungBrowser/{float(v):.1f} Chrome/{e}.0.0.0 Mobile Safari/537.36"
        ),
    ),
    "opera": ("Opera", lambda v, e: f"{WIN}Chrome/{e}.0.0.0 Safari/537.36 OPR/{v}.0.0.0"),
    "webview_android": (
        "Chrome WebView",
        lambda v, e: (
            "Mozilla/5.0 (Linux; Android 13; Pixel 7 Build/TQ3A; wv) AppleWebKit/537.36 "
            f"(KHTML, like Gecko) Version/4.0 Chrome/{e}.0.0.0 Mobile Safari/537.36"
        ),
    ),
}


def baseline_check(policy: Policy, ua: str) -> tuple[str, str] | None:
    explanation = explain_policy(policy, detect_environment(ua))
    found = [c for c in explanation.checks if c.rule.startswith("baseline:")]
    return (found[0].rule, found[0].status) if found else None


# --- the table ------------------------------------------------------------------------------


def test_the_script_writes_every_target_with_its_source_versions() -> None:
    data = generated()
    versions = node(
        "const fs = require('fs');"
        "const v = n => JSON.parse(fs.readFileSync(`node_modules/${n}/package.json`)).version;"
        "console.log(JSON.stringify([v('baseline-browser-mapping'), v('web-features')]))"
    )
    assert data["source"] == {
        "baseline-browser-mapping": versions[0],  # type: ignore[index]
        "web-features": versions[1],  # type: ignore[index]
        "generated": DAY,
    }
    targets = data["targets"]
    assert isinstance(targets, dict)
    assert set(targets) == {"widely", "newly", *(str(y) for y in range(2015, 2027))}
    assert targets["widely"]["as_of"] == DAY and "as_of" not in targets["2023"]
    for key, target in targets.items():
        assert {"Chrome", "Edge", "Firefox", "Safari", "iOS"} <= set(target["families"]), key
        assert set(target["engines"]) == {"Blink", "Gecko"}
    table = parse_baseline(data)
    assert table.features["dialog"] == "<dialog>"
    assert "fetch-priority" in table.features and "not-a-feature" not in table.features


def test_the_committed_table_is_from_the_installed_packages() -> None:
    """npm updated the packages but nobody ran `browsercheck matrix baseline refresh`?"""
    shipped = read_baseline()
    assert {k: v for k, v in shipped.source.items() if k != "generated"} == {
        k: v
        for k, v in generated()["source"].items()
        if k != "generated"  # type: ignore[union-attr]
    }
    assert shipped.target("2023") == parse_baseline(generated()).target("2023")


@pytest.mark.parametrize("year", [2021, 2023, 2024])
@pytest.mark.parametrize("agent", list(USER_AGENTS))
def test_a_year_gives_the_packages_minimums(year: int, agent: str) -> None:
    row = package_minimums(year)[agent]
    family, ua = USER_AGENTS[agent]
    policy = load(policy_text(f"baseline: {year}\n"))
    version, engine = row["version"], int(row.get("engine_version") or row["version"].split(".")[0])
    rid = f"baseline:{year}"
    assert baseline_check(policy, ua(version, engine)) == (rid, "supported"), family
    if agent in ("samsunginternet_android", "opera", "webview_android"):
        old = ua(below(version), engine - 1)  # judged by Chromium: one engine major down
    else:
        old = ua(below(version), engine)
    assert baseline_check(policy, old) == (rid, "unsupported"), family


def test_an_old_chrome_is_unsupported_naming_the_target() -> None:
    policy = load(policy_text("baseline: 2023\n"))
    chrome = package_minimums(2023)["chrome"]["version"]
    env = detect_environment(USER_AGENTS["chrome"][1](below(chrome), 0))
    verdict = explain_policy(policy, env).verdict
    assert (verdict.status, verdict.rule) == ("unsupported", "baseline:2023")
    assert "Baseline 2023" in verdict.reasons[0].en and "Baseline 2023" in verdict.reasons[0].uk
    assert f"version {chrome} or newer" in verdict.reasons[0].en
    assert verdict.remedies and "chrome" in verdict.remedies[0].en.lower()
    assert verdict_reason_ids(verdict) == ("outdated_browser",)


def test_a_family_overrides_the_policy_target_or_opts_out() -> None:
    safari_2021 = package_minimums(2021)["safari"]["version"]
    safari_2023 = package_minimums(2023)["safari"]["version"]
    assert safari_2021 != safari_2023
    ua = USER_AGENTS["safari"][1](safari_2021, 0)
    assert baseline_check(load(policy_text("baseline: 2023\n")), ua) == (
        "baseline:2023",
        "unsupported",
    )
    override = load(policy_text("baseline: 2023\n", {"Safari": "baseline: 2021"}))
    assert baseline_check(override, ua) == ("baseline:2021", "supported")
    opted_out = load(policy_text("baseline: 2023\n", {"Safari": "baseline: none"}))
    assert baseline_check(opted_out, ua) is None


def test_widely_and_newly_use_the_day_the_table_was_counted() -> None:
    table = parse_baseline(generated())
    for key in ("widely", "newly"):
        policy = replace(load(policy_text(f"baseline: {key}\n")), baseline_table=table)
        chrome = table.minimum(key, "Chrome")
        assert chrome is not None and chrome.min is not None
        ua = USER_AGENTS["chrome"][1]
        assert baseline_check(policy, ua(str(chrome.min[0]), 0)) == (f"baseline:{key}", "supported")
        old = ua(str(chrome.min[0] - 1), 0)
        assert baseline_check(policy, old) == (f"baseline:{key}", "unsupported")


def test_frozen_ios_is_never_condemned_and_unlisted_blink_goes_by_engine() -> None:
    policy = load(policy_text("baseline: newly\n"))
    frozen = USER_AGENTS["safari_ios"][1]("18.6", 0)  # iOS 26+ still says 18_6
    assert baseline_check(policy, frozen) is None
    blink = policy.baseline_table.target("newly").engines["Blink"]  # type: ignore[union-attr]
    vivaldi = f"{WIN}Chrome/{blink - 1}.0.0.0 Safari/537.36 Vivaldi/7.0"
    assert baseline_check(policy, vivaldi) == ("baseline:newly", "unsupported")


def test_no_baseline_key_changes_nothing() -> None:
    policy = load(DEFAULT)
    assert policy.baseline is None
    assert baseline_check(policy, USER_AGENTS["chrome"][1]("109", 0)) is None


# --- matrix check and explain ---------------------------------------------------------------


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.delenv("BROWSERCHECK_POLICY_FILE", raising=False)
    return CliRunner()


def write_policy(tmp_path: Path, text: str) -> Path:
    (tmp_path / "releases.csv").write_bytes(
        (default_policy_path().parent / "releases.csv").read_bytes()
    )
    path = tmp_path / "policy.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def line_of(text: str, needle: str, after: str = "") -> int:
    start = text.index(after) if after else 0
    return text[: text.index(needle, start)].count("\n") + 1


def test_check_refuses_bad_targets_naming_their_lines(runner: CliRunner, tmp_path: Path) -> None:
    text = policy_text("baseline: 2031\n", {"Firefox": "baseline: latest", "Edge": "baseline: [1]"})
    path = write_policy(tmp_path, text)
    result = runner.invoke(main, ["matrix", "check", str(path), "--json"])
    assert result.exit_code == 1
    problems = json.loads(result.output)["problems"]
    assert len(problems) == 1  # a schema error stops the reading before the values are read
    assert problems[0]["line"] == line_of(text, "baseline: [1]")
    assert problems[0]["where"] == "browsers[2] (Edge).baseline"
    text = text.replace("baseline: [1]", "baseline: newly")
    path = write_policy(tmp_path, text)
    result = runner.invoke(main, ["matrix", "check", str(path)])
    assert result.exit_code == 1
    out = result.output
    assert f"policy.yaml:{line_of(text, 'baseline: 2031')}: baseline: Baseline 2031 is not" in out
    assert "years 2015 to 2026" in out and "browsercheck matrix baseline refresh" in out
    firefox = line_of(text, "baseline: latest")
    assert (
        f"policy.yaml:{firefox}: browsers[5] (Firefox).baseline: 'latest' is not a Baseline" in out
    )


def test_check_prints_what_a_target_means(runner: CliRunner, tmp_path: Path) -> None:
    text = policy_text("baseline: 2023\n")
    path = write_policy(tmp_path, text)
    result = runner.invoke(main, ["matrix", "check", str(path)])
    assert result.exit_code == 0, result.output
    chrome = package_minimums(2023)["chrome"]["version"]
    line = line_of(text, "baseline: 2023")
    assert f"policy.yaml:{line}: Baseline 2023 means: Chrome {chrome}," in result.output
    assert f"browser rule Chrome: min 109 is below Baseline 2023's {chrome}" in result.output


def test_explain_names_the_baseline_year_that_decided(runner: CliRunner, tmp_path: Path) -> None:
    text = policy_text("baseline: 2023\n")
    path = write_policy(tmp_path, text)
    chrome = package_minimums(2023)["chrome"]["version"]
    ua = USER_AGENTS["chrome"][1](below(chrome), 0)
    result = runner.invoke(main, ["matrix", "explain", ua, "--policy", str(path)])
    assert result.exit_code == 0, result.output
    line = line_of(text, "baseline: 2023")
    assert "Verdict:     unsupported — rule baseline:2023 (" in result.output
    assert f"policy.yaml:{line})" in result.output
    assert f"Chrome {below(chrome)} < {chrome} (Baseline 2023, from baseline-browser-mapping" in (
        result.output
    )
    as_json = runner.invoke(main, ["matrix", "explain", ua, "--policy", str(path), "--json"])
    assert json.loads(as_json.output)["rule"] == "baseline:2023"


def test_refresh_writes_the_table_from_the_packages(runner: CliRunner, tmp_path: Path) -> None:
    into = tmp_path / "baseline.json"
    result = runner.invoke(
        main, ["matrix", "baseline", "refresh", "--into", str(into), "--date", DAY]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(into.read_text(encoding="utf-8")) == generated()
    assert "Baseline targets" in result.output and "widely: Chrome" in result.output
    assert default_baseline_path().exists()
