"""A browserslist query compared with the policy, through the real browserslist package."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from matrix import load_policy
from matrix.browserslist import QueryResult, compare_query, suggested_yaml
from webapp.cli import main

EDGES = "chrome 109, firefox 115, safari 16, ios_saf 16.0, samsung 21, opera 95, op_mini all"


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.delenv("BROWSERCHECK_POLICY_FILE", raising=False)
    return CliRunner()


def test_the_default_policy_minimums_as_a_browserslist_query(runner: CliRunner) -> None:
    result = runner.invoke(main, ["matrix", "browserslist", EDGES, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["browserslist"].startswith("4.")
    assert "chrome 109" in data["browsers"] and "op_mini all" in data["browsers"]
    got = {f["family"]: (f["query_min"], f["verdict"], f["engine_min"]) for f in data["families"]}
    assert got == {
        "Chrome": ("109", "same", None),
        "Firefox": ("115", "same", None),
        "Safari": ("16.0", "same", None),
        "iOS": ("16.0", "same", None),
        "Opera": ("95", "same", 109),  # Opera 95 runs Chromium 109: the policy's engine_min
        "Samsung Internet": ("21", "policy is wider", 110),  # 21 runs Chromium 110
        "Opera Mini": ("all", "conflict", None),  # the policy says unsupported
    }
    assert "  - family: Opera\n    engine_min: 109   # Opera 95" in data["yaml"]


def test_text_output_and_a_rejected_query(runner: CliRunner) -> None:
    ok = runner.invoke(main, ["matrix", "browserslist", "last 1 chrome version"])
    assert ok.exit_code == 0, ok.output
    assert "Suggested policy YAML" in ok.output and "policy is wider" in ok.output
    bad = runner.invoke(main, ["matrix", "browserslist", "netscape 4"])
    assert bad.exit_code == 1
    assert "Unknown browser netscape" in bad.output


def test_compare_query_maps_agents_and_reports_the_rest() -> None:
    result = QueryResult(
        "q", ("and_chr 100", "chrome 120", "ie 11", "kaios 2.5", "ios_saf 15.2-15.3", "and_uc 15.5")
    )
    comparisons, unmapped = compare_query(result, load_policy())
    got = {c.family: (c.query_min, c.policy, c.verdict) for c in comparisons}
    assert got["Chrome"] == ("100", "min 109", "policy is narrower")
    assert got["IE"] == ("11", "unsupported", "conflict")
    assert got["iOS"] == ("15.2", "min 16", "policy is narrower")
    assert got["UC Browser"] == ("15.5", "engine rule Chromium 109", "not covered")
    assert unmapped == ["kaios 2.5"]
    assert suggested_yaml(comparisons) == (
        'browsers:\n  - family: Chrome\n    min: 100\nsystems:\n  - family: iOS\n    min: "15.2"\n'
    )
