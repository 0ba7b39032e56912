"""Every benchmark script runs end to end on a small load, so none can rot unnoticed.

Each one is run as `make bench` runs it (a subprocess, from the project root) with the smallest
arguments that still walk its whole path; what it measures is checked for shape and consistency,
never for time (timed assertions do not belong in tests). The detection benchmarks have their
own smoke tests in tests/test_detection_benchmarks.py.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _run(script: str, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / script), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def _ok(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 0, f"exit {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done.stdout


def test_matrix_policy_benchmark() -> None:
    out = _ok(_run("matrix_policy.py"))
    assert "the time of parsing their User-Agents with ua-parser (baseline 1.0)" in out
    assert "a plain yaml.safe_load of the same file (baseline 1.0)" in out


def test_hostile_overhead_benchmark() -> None:
    out = _ok(_run("hostile_overhead.py", "--rounds", "20"))
    for line in ("limits off (baseline)  POST", "limits on              POST"):
        assert line in out, out


def test_lookup_timing_benchmark() -> None:
    out = _ok(_run("lookup_timing.py", "--reports", "50", "--rounds", "20"))
    for kind in ("missing code (baseline)", "wrong token", "malformed code", "right token (200)"):
        assert kind in out, out


def test_aggregates_benchmark(tmp_path: Path) -> None:
    db = tmp_path / "bench.db"
    out = _ok(_run("aggregates.py", "--reports", "3000", "--db", str(db), "--fresh"))
    assert "reports: 3,000;" in out
    assert "same tables from all three: yes" in out  # roll-up, GROUP BY and naive pandas agree


def test_impact_benchmark(tmp_path: Path) -> None:
    db = tmp_path / "impact.db"
    out = _ok(_run("impact.py", "--reports", "3000", "--sample", "500", "--db", str(db), "--fresh"))
    assert "reports: 3,000;" in out
    assert "baseline: one by one through explain_policy" in out and "extrapolated" in out
    assert "same moves from both on the sample: yes" in out
    assert "supported -> unsupported:" in out


@pytest.mark.browser
def test_matrix_remote_benchmark() -> None:
    out = _ok(_run("matrix_remote.py", "--rounds", "1", "--smoke"))
    for line in ("chromium-desktop-en ", "firefox-ua-115-windows-10 ", "grid-webkitgtk "):
        assert line in out, out
    assert "local (baseline)" in out and "W3C WebDriver vs webkit-desktop-en" in out


@pytest.mark.browser
def test_probe_budget_benchmark() -> None:
    # Two runs at each CPU speed: the warm-up, CDP throttling and long-task paths all run.
    out = _ok(_run("probe_budget.py", "--runs", "2", "--cpu-slowdown", "2"))
    assert out.count("probe start -> report shown: median") == 2, out
    assert "/probe.js  raw" in out and "/embed.js  raw" in out


@pytest.mark.browser
def test_embed_budget_benchmark() -> None:
    out = _ok(_run("embed_budget.py", "--calls", "20", "--runs", "1"))
    assert "/embed.js, a supported browser:" in out and "baseline, the probe always on:" in out
    assert "/embed.js, an outdated browser:" in out and "/embed/banner.js, outdated only:" in out
    for kind in ("fetch, answered", "fetch, failed  ", "xhr, answered  "):
        assert f"{kind}: unwrapped median" in out, out
    assert "long tasks (> 50 ms), baseline, without it:" in out


def test_ingest_benchmark(tmp_path: Path) -> None:
    assert shutil.which("wrk"), (
        "wrk is missing: bash scripts/install-test-deps.sh (make test runs it)"
    )
    figures_file = tmp_path / "ingest.json"
    done = _run(
        "ingest.py",
        *("--seconds", "1", "--rounds", "1", "--warmup", "0.5"),
        *("--overload-connections", "64", "--json", str(figures_file)),
        timeout=600,
    )
    # Exit 1 only says a throughput target was missed, which a 1-second round on a shared
    # machine may; nothing being lost is checked, and that must hold on any machine.
    assert done.returncode in (0, 1), f"{done.stdout}\n{done.stderr}"
    figures = json.loads(figures_file.read_text(encoding="utf-8"))
    assert figures["nothing_lost"] is True, figures
    assert "overload" in figures, figures
    # The verdict is the conjunction of the three checks it names, each printed on its own.
    assert figures["sqlite_meets_targets"] == all(figures["sqlite_checks"].values()), figures
    assert "every answer 201" in done.stdout and "p99 < 50 ms" in done.stdout


def test_webhooks_benchmark() -> None:
    out = _ok(_run("webhooks.py", "--reports", "40", "--rate", "40"))
    assert "webhooks off (baseline)" in out and "one webhook endpoint" in out
    assert "(40 delivered, 0 missing)" in out and "report 201 -> receiver   p50" in out


@pytest.mark.browser
def test_repair_time_benchmark() -> None:
    # One counted run after the warm-up: the whole repair (worker, caches, reload) and both baselines.
    out = _ok(_run("repair_time.py", "--runs", "1"))
    assert "repair: confirm click -> new report shown: median" in out, out
    assert "baseline, a plain check" in out and "baseline, reload + plain check" in out
    figures = json.loads(out.strip().splitlines()[-1])
    assert figures["runs"] == 1 and figures["repair_ms"] > 0 and figures["plain_check_ms"] > 0


def test_beacon_ingest_benchmark(tmp_path: Path) -> None:
    assert shutil.which("wrk"), (
        "wrk is missing: bash scripts/install-test-deps.sh (make test runs it)"
    )
    figures_file = tmp_path / "beacons.json"
    done = _run(
        "beacon_ingest.py",
        *("--seconds", "1", "--rounds", "1", "--warmup", "0.5", "--json", str(figures_file)),
        timeout=600,
    )
    # Exit 1 may only say the 3x target was missed in a 1-second round on a shared machine;
    # every acknowledged beacon counted and every report stored must hold anywhere.
    assert done.returncode in (0, 1), f"{done.stdout}\n{done.stderr}"
    figures = json.loads(figures_file.read_text(encoding="utf-8"))
    assert figures["nothing_lost"] is True, figures
    for database in ("sqlite", "postgresql"):
        row = figures["databases"][database]
        assert row["reports"]["ratio_to_reports"] == 1.0
        assert row["beacons"]["acknowledged"] > 0, row
    assert "reports (baseline)" in done.stdout and "beacons" in done.stdout
