"""Matrix outputs: JSON, JUnit XML and HTML of a run, merging shards, the ``matrix merge`` CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from junitparser import Failure, JUnitXml, Skipped

from matrix.qa.results import (
    FAILED,
    NOT_RUN,
    PASSED,
    JobResult,
    MatrixRun,
    ResultsError,
    merge_runs,
    read_run,
    write_outputs,
)
from webapp.cli import main

CHROMIUM = {
    "engine": "chromium",
    "kind": "system",
    "driver": "playwright",
    "binary": "/usr/bin/chromium",
    "version": "156.0.8078.79",
}
WEBKIT = {
    "engine": "webkit",
    "kind": "system",
    "driver": "webdriver",
    "binary": "/usr/lib/MiniBrowser",
    "version": "WebKitGTK 2.50.6",
}
HOSTILE = "<script>alert(1)</script>"


def _result(job_id: str, status: str = PASSED, engine: str = "chromium", **kw: object) -> JobResult:
    ran = {"chromium": CHROMIUM, "webkit": WEBKIT}.get(engine, {"engine": engine})
    return JobResult(
        job_id,
        "target",
        engine,
        status,
        ran=dict(ran),  # type: ignore[arg-type]
        details={"verdict": {"expected": "supported", "got": "supported"}},
        **kw,
    )


def _run(*results: JobResult, shard: str = "1/1") -> MatrixRun:
    return MatrixRun(
        results=results,
        started="2026-01-01T00:00:00+00:00",
        seconds=12.5,
        base_url="http://127.0.0.1:1",
        require=("chromium",),
        shards=(shard,),
    )


def _write(folder: Path, run: MatrixRun, shots: tuple[str, ...] = ()) -> Path:
    for name in shots:
        (folder / "screenshots").mkdir(parents=True, exist_ok=True)
        (folder / "screenshots" / f"{name}.png").write_bytes(b"\x89PNG" + name.encode())
    write_outputs(run, folder)
    return folder


def test_outputs_say_what_ran_and_what_failed(tmp_path: Path) -> None:
    run = _run(
        _result("ok", screenshot="screenshots/ok.png", seconds=1.5),
        _result("broken", FAILED, failures=(f"browser.family: expected {HOSTILE}", "verdict")),
        JobResult(
            "absent",
            "target",
            "firefox",
            NOT_RUN,
            reason="firefox is not installed",
            ran={"engine": "firefox", "missing": "firefox is not installed"},
        ),
    )
    _write(tmp_path, run, ("ok",))
    data = json.loads((tmp_path / "results.json").read_text())
    assert data["counts"] == {"passed": 1, "failed": 1, "not run": 1} and data["ok"] is False
    assert data["engines"]["chromium"]["version"] == "156.0.8078.79"
    assert data["engines"]["firefox"]["missing"] == "firefox is not installed"
    assert read_run(tmp_path) == run

    suites = {s.name: s for s in JUnitXml.fromfile(str(tmp_path / "junit.xml"))}
    assert set(suites) == {"matrix.chromium", "matrix.firefox"}
    cases = {c.name: c for s in suites.values() for c in s}
    assert cases["ok"].is_passed and cases["ok"].time == 1.5
    failure = cases["broken"].result[0]
    assert isinstance(failure, Failure) and HOSTILE in (failure.message or "")
    skipped = cases["absent"].result[0]
    assert isinstance(skipped, Skipped)
    assert skipped.message == "not run: firefox is not installed"

    html = (tmp_path / "report.html").read_text()
    assert HOSTILE not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'src="screenshots/ok.png"' in html and "156.0.8078.79" in html
    assert "firefox is not installed" in html


def test_merge_combines_the_shards(tmp_path: Path) -> None:
    one = _write(
        tmp_path / "one", _run(_result("a", screenshot="screenshots/a.png"), shard="1/2"), ("a",)
    )
    two = _write(
        tmp_path / "two",
        _run(
            _result("w", engine="webkit", screenshot="screenshots/w.png"),
            _result("b", FAILED, failures=("x",)),
            shard="2/2",
        ),
        ("w",),
    )
    merged = merge_runs([two, one], tmp_path / "all")
    assert [r.id for r in merged.results] == ["a", "b", "w"]
    assert merged.shards == ("1/2", "2/2") and merged.counts[FAILED] == 1
    assert set(merged.engines) == {"chromium", "webkit"}
    assert (tmp_path / "all/screenshots/w.png").read_bytes() == b"\x89PNGw"
    assert read_run(tmp_path / "all") == merged
    assert len(list(JUnitXml.fromfile(str(tmp_path / "all/junit.xml")))) == 2


@pytest.mark.parametrize(
    "shards,ids,message",
    [
        (("1/2", "1/2"), ("a", "a"), "a is in both"),
        (("1/2", "2/3"), ("a", "b"), "shards of different splits"),
        (("1/3", "3/3"), ("a", "b"), "missing shard(s) 2/3"),
    ],
    ids=["duplicate-job", "different-splits", "missing-shard"],
)
def test_merge_refuses_what_does_not_add_up(
    tmp_path: Path, shards: tuple[str, str], ids: tuple[str, str], message: str
) -> None:
    folders = [
        _write(tmp_path / str(i), _run(_result(job_id), shard=shard))
        for i, (shard, job_id) in enumerate(zip(shards, ids, strict=True))
    ]
    with pytest.raises(ResultsError) as info:
        merge_runs(folders, tmp_path / "out")
    assert message in str(info.value)


def test_read_run_names_a_folder_that_is_not_a_result(tmp_path: Path) -> None:
    with pytest.raises(ResultsError, match="results.json"):
        read_run(tmp_path)
    (tmp_path / "results.json").write_text('{"schema": 1}')
    with pytest.raises(ResultsError, match="not a matrix result"):
        read_run(tmp_path)


@pytest.mark.parametrize("status,code", [(PASSED, 0), (FAILED, 1)])
def test_cli_merge_exit_status_and_closing_line(tmp_path: Path, status: str, code: int) -> None:
    one = _write(tmp_path / "one", _run(_result("a"), shard="1/2"))
    two = _write(tmp_path / "two", _run(_result("b", status), shard="2/2"))
    result = CliRunner().invoke(
        main, ["matrix", "merge", str(one), str(two), "--output", str(tmp_path / "out")]
    )
    assert result.exit_code == code, result.output
    passed = 2 if status == PASSED else 1
    assert result.output.strip().splitlines()[-1] == (
        f"matrix: {passed} passed, {2 - passed} failed, 0 skipped"
    )
    assert (tmp_path / "out/report.html").exists()


def test_cli_merge_reports_a_missing_shard(tmp_path: Path) -> None:
    one = _write(tmp_path / "one", _run(_result("a"), shard="1/2"))
    result = CliRunner().invoke(
        main, ["matrix", "merge", str(one), "--output", str(tmp_path / "out")]
    )
    assert result.exit_code == 1 and "missing shard(s) 2/2" in result.output


@pytest.mark.parametrize(
    "args,message",
    [
        (["--shard", "3/2"], "I must be between 1 and N"),
        (["--require", "chromium,netscape"], "unknown engine(s) netscape"),
    ],
    ids=["shard", "require"],
)
def test_cli_run_refuses_bad_options(args: list[str], message: str) -> None:
    result = CliRunner().invoke(main, ["matrix", "run", *args])
    assert result.exit_code == 2 and message in result.output
