"""``browsercheck matrix explain | check | releases import``, run through the real CLI."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from matrix import default_policy_path
from matrix.releases import read_releases
from webapp.cli import main

DEFAULT = default_policy_path().read_text(encoding="utf-8")
WIN7_CHROME_108 = (
    "Mozilla/5.0 (Windows NT 6.1; Win64; x64) AppleWebKit/537.36 (KHTML, like "
    "Gecko) Chrome/108.0.0.0 Safari/537.36"
)


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.delenv("BROWSERCHECK_POLICY_FILE", raising=False)
    return CliRunner()


@pytest.fixture
def policy_dir(tmp_path: Path) -> Path:
    """A copy of the default policy and its release table, free to edit."""
    (tmp_path / "policy.yaml").write_text(DEFAULT, encoding="utf-8")
    (tmp_path / "releases.csv").write_bytes(
        (default_policy_path().parent / "releases.csv").read_bytes()
    )
    return tmp_path


def test_explain_prints_the_deciding_rule_its_line_and_why(runner: CliRunner) -> None:
    result = runner.invoke(main, ["matrix", "explain", WIN7_CHROME_108])
    assert result.exit_code == 0, result.output
    lines = DEFAULT.splitlines()
    chrome_line = next(i for i, line in enumerate(lines, 1) if "family: Chrome" in line)
    assert (
        f"Verdict:     unsupported — rule browser:Chrome (matrix/policy.yaml:{chrome_line})"
        in result.output
        or f"policy.yaml:{chrome_line})" in result.output
    )
    assert "Chrome 108 < 109 (minimum)." in result.output
    assert "Windows 7 is within the limited versions (7, 8, 8.1)." in result.output
    assert "Update Chrome to its latest version: https://www.google.com/chrome/" in result.output


def test_explain_in_ukrainian(runner: CliRunner) -> None:
    result = runner.invoke(main, ["matrix", "explain", WIN7_CHROME_108, "--lang", "uk"])
    assert "Оновіть Chrome до останньої версії" in result.output


@pytest.mark.parametrize(
    "ua,headers,status,rule",
    [
        (WIN7_CHROME_108, [], "unsupported", "browser:Chrome"),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0.0.0 Safari/537.36",
            ['Sec-CH-UA-Platform: "Windows"', 'Sec-CH-UA-Platform-Version: "0.1.0"'],
            "limited",
            "os:Windows",
        ),
        ("SomethingElse/1.0", [], "unknown", "browser:unlisted"),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/120.0.0.0 Safari/537.36 Vivaldi/6.5.3206.48",
            [],
            "supported",
            "engine:Blink",
        ),
    ],
    ids=["unsupported", "limited-by-client-hints", "unknown", "supported-by-engine"],
)
def test_explain_json_is_one_object_with_a_status(
    runner: CliRunner, ua: str, headers: list[str], status: str, rule: str
) -> None:
    args = ["matrix", "explain", ua, "--json"]
    for header in headers:
        args += ["--header", header]
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["status"], data["rule"]) == (status, rule)
    assert data["status"] in ("supported", "limited", "unsupported", "unknown")
    assert {c["rule"] for c in data["checks"]} >= {rule}
    assert data["environment"]["user_agent"] == ua


def test_explain_bad_header_and_bad_policy(runner: CliRunner, policy_dir: Path) -> None:
    bad = runner.invoke(main, ["matrix", "explain", "x", "--header", "no colon"])
    assert bad.exit_code == 2 and "expected 'Name: value'" in bad.output
    (policy_dir / "policy.yaml").write_text(DEFAULT.replace("version: 1\n", "version: 7\n"))
    broken = runner.invoke(
        main, ["matrix", "explain", "x", "--policy", str(policy_dir / "policy.yaml")]
    )
    assert broken.exit_code == 1 and "version: must be 1, not 7" in broken.output


def test_check_default_policy_is_valid_and_lists_gaps(runner: CliRunner) -> None:
    result = runner.invoke(main, ["matrix", "check"])
    assert result.exit_code == 0, result.output
    assert (
        "matrix/policy.yaml: valid (9 browser, 2 engine, 4 system and 2 app rules;" in result.output
    )
    assert "Gaps: 1\n  - no browser is supported on device class 'tv'" in result.output
    assert "Dead rules: none" in result.output
    assert (
        "Brave has no browser rule: it is judged by the Blink engine rule (Chromium 109"
        in result.output
    )
    strict = runner.invoke(main, ["matrix", "check", "--strict"])
    assert strict.exit_code == 1


def test_check_invalid_file_exits_1_naming_lines(runner: CliRunner, policy_dir: Path) -> None:
    path = policy_dir / "policy.yaml"
    path.write_text(
        DEFAULT.replace("  - family: Edge\n", "  - family: Edge\n    mn: 1\n").replace(
            "allowed: [desktop, mobile, tablet]", "allowed: [desktop, fridge]"
        )
    )
    text = path.read_text()
    mn_line = text[: text.index("mn: 1")].count("\n") + 1
    fridge_line = text[: text.index("fridge")].count("\n") + 1
    result = runner.invoke(main, ["matrix", "check", str(path)])
    assert result.exit_code == 1
    assert "INVALID, 2 problem(s)" in result.output
    assert f"policy.yaml:{mn_line}: browsers[2] (Edge).mn: unknown key 'mn'" in result.output
    assert f"policy.yaml:{fridge_line}: devices.allowed[1]: 'fridge' is not one of" in result.output


def test_check_lists_dead_rules(runner: CliRunner, policy_dir: Path) -> None:
    path = policy_dir / "policy.yaml"
    extra = (
        "  - family: Chrome\n    min: 120\n    download: https://www.google.com/chrome/\n"
        "  - family: Chrom\n    min: 120\n    download: https://www.google.com/chrome/\n"
        "  - family: UC Browser\n    min: 13\n    download: https://www.ucweb.com/\n"
    )
    path.write_text(
        DEFAULT.replace("  - family: IE\n", extra + "  - family: IE\n").replace(
            "    min: 115 ", "    min: 9999 "
        )
    )
    text = path.read_text()
    result = runner.invoke(main, ["matrix", "check", str(path), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["valid"] is True
    dead = {(f["line"], f["message"]) for f in data["findings"] if f["kind"] == "dead"}
    second_chrome = text.index("  - family: Chrome\n    min: 120")
    line = text[:second_chrome].count("\n") + 1
    first = text[: text.index("  - family: Chrome")].count("\n") + 1
    assert (
        line,
        f"browser rule Chrome never matches: line {first} has the same family and is used first",
    ) in dead
    chrom = text[: text.index("family: Chrom\n")].count("\n") + 1
    assert (
        chrom,
        "browser rule Chrom never matches: browsercheck never detects a browser by "
        "that name; did you mean 'Chrome'?",
    ) in dead
    firefox = text[: text.index("  - family: Firefox")].count("\n") + 1
    newest = read_releases(policy_dir / "releases.csv").latest("Firefox", date.today())
    assert newest is not None
    assert (
        firefox,
        f"browser rule Firefox: min 9999 is above the newest release "
        f"({newest.major}, {newest.released}); every Firefox is unsupported",
    ) in dead
    assert not any("UC Browser" in m for _, m in dead)  # ua-parser detects it
    assert len(dead) == 3
    assert runner.invoke(main, ["matrix", "check", str(path), "--strict"]).exit_code == 1


def test_releases_import_merges_and_reports(runner: CliRunner, policy_dir: Path) -> None:
    table = policy_dir / "releases.csv"
    before = table.read_text().count("\n")
    new = policy_dir / "new.csv"
    new.write_text(
        "browser,version,release_date,engine,engine_version\n"
        "Chrome,999,2030-01-01,Blink,999\n"
        "Chrome,109,2023-01-10,Blink,109\n"
    )
    result = runner.invoke(main, ["matrix", "releases", "import", str(new), "--into", str(table)])
    assert result.exit_code == 0, result.output
    assert "1 added, 0 changed" in result.output
    assert "Chrome: newest 999 of 2030-01-01" in result.output
    assert table.read_text().count("\n") == before + 1
    # The policy next to the table now counts Chrome 999 as released.
    result = runner.invoke(main, ["matrix", "check", str(policy_dir / "policy.yaml")])
    assert result.exit_code == 0


def test_releases_import_rejects_a_bad_csv_naming_the_line(
    runner: CliRunner, policy_dir: Path
) -> None:
    table = policy_dir / "releases.csv"
    before = table.read_bytes()
    bad = policy_dir / "bad.csv"
    bad.write_text("browser,version,release_date\nChrome,200,2030-01-01\nChrome,201,soon\n")
    result = runner.invoke(main, ["matrix", "releases", "import", str(bad), "--into", str(table)])
    assert result.exit_code == 1
    assert f"{bad}:3: release_date 'soon' is not YYYY-MM-DD" in result.output
    assert table.read_bytes() == before  # nothing half-written


def test_releases_import_default_target_is_the_policy_in_use(
    runner: CliRunner, policy_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BROWSERCHECK_POLICY_FILE", str(policy_dir / "policy.yaml"))
    new = policy_dir / "new.csv"
    new.write_text("browser,version,release_date\nVivaldi,7,2024-10-24\n")
    result = runner.invoke(main, ["matrix", "releases", "import", str(new)])
    assert result.exit_code == 0, result.output
    assert "Vivaldi,7,2024-10-24" in (policy_dir / "releases.csv").read_text()
