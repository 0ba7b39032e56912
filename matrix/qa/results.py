"""Results of a QA matrix run and its outputs: JSON, JUnit XML and an HTML report with screenshots.

:func:`write_outputs` writes one run's folder; :func:`merge_runs` combines the folders of the
shards of one run (``--shard I/N``) into one. Pure: no browser, no Flask.
"""

from __future__ import annotations

import json
import shutil
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

PASSED, FAILED, NOT_RUN = "passed", "failed", "not run"
STATUSES: tuple[str, ...] = (PASSED, FAILED, NOT_RUN)
RESULTS_JSON, JUNIT_XML, REPORT_HTML, SCREENSHOTS = (
    "results.json",
    "junit.xml",
    "report.html",
    "screenshots",
)
SCHEMA = 1
#: What names one browser that ran, in :attr:`MatrixRun.browsers` (the session id is per job).
BROWSER_KEYS = ("engine", "driver", "kind", "endpoint", "browser", "version", "platform", "binary")


class ResultsError(Exception):
    """An output folder cannot be read or merged; the message names the folder."""


@dataclass(frozen=True, slots=True)
class JobResult:
    """The outcome of one job (a target or an accessibility page in one engine).

    ``ran`` is :meth:`BrowserSession.describe` of the browser that really ran (or the engine and
    why it is missing); ``failures`` one line per broken expectation; ``details`` what was seen
    (detected environment, expected and got verdict, axe violations, report code...);
    ``screenshot`` a path relative to the output folder.
    """

    id: str
    kind: str
    engine: str
    status: str
    reason: str = ""
    failures: tuple[str, ...] = ()
    ran: dict[str, str] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)
    screenshot: str | None = None
    seconds: float = 0.0
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "engine": self.engine,
            "status": self.status,
            "reason": self.reason,
            "failures": list(self.failures),
            "ran": dict(self.ran),
            "details": self.details,
            "screenshot": self.screenshot,
            "seconds": round(self.seconds, 3),
            "note": self.note,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> JobResult:
        return cls(
            id=data["id"],
            kind=data["kind"],
            engine=data["engine"],
            status=data["status"],
            reason=data.get("reason", ""),
            failures=tuple(data.get("failures", ())),
            ran=dict(data.get("ran", {})),
            details=dict(data.get("details", {})),
            screenshot=data.get("screenshot"),
            seconds=float(data.get("seconds", 0.0)),
            note=data.get("note", ""),
        )


@dataclass(frozen=True, slots=True)
class MatrixRun:
    """One run (or one shard of it, or several merged shards)."""

    results: tuple[JobResult, ...]
    started: str
    seconds: float
    base_url: str
    require: tuple[str, ...] = ()
    shards: tuple[str, ...] = ("1/1",)
    workers: int = 1

    @property
    def engines(self) -> dict[str, dict[str, str]]:
        """engine -> what really ran for it (the first description seen), or why it did not."""
        seen: dict[str, dict[str, str]] = {}
        for r in sorted(self.results, key=lambda r: (r.engine, r.status != PASSED)):
            if r.ran and r.engine not in seen:
                seen[r.engine] = dict(r.ran)
        return dict(sorted(seen.items()))

    @property
    def browsers(self) -> list[dict[str, Any]]:
        """Each distinct browser that ran (local or at an endpoint) with how many jobs it ran,
        then each engine that did not run at all, with why."""
        seen: dict[tuple[str, ...], dict[str, Any]] = {}
        for r in self.results:
            if "driver" not in r.ran:  # missing, or no session was described
                continue
            key = tuple(str(r.ran.get(k, "")) for k in BROWSER_KEYS)
            entry = seen.setdefault(key, {**dict(zip(BROWSER_KEYS, key, strict=True)), "jobs": 0})
            entry["jobs"] += 1
        ran_engines = {entry["engine"] for entry in seen.values()}
        missing = {
            r.engine: {"engine": r.engine, "missing": r.ran["missing"], "jobs": 0}
            for r in self.results
            if "missing" in r.ran and r.engine not in ran_engines
        }
        return sorted(seen.values(), key=lambda e: (e["engine"], e["endpoint"])) + [
            missing[e] for e in sorted(missing)
        ]

    @property
    def counts(self) -> dict[str, int]:
        counted = Counter(r.status for r in self.results)
        return {s: counted.get(s, 0) for s in STATUSES}

    @property
    def ok(self) -> bool:
        """True when nothing failed (not-run jobs fail only under ``--require``)."""
        return self.counts[FAILED] == 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "started": self.started,
            "seconds": round(self.seconds, 3),
            "base_url": self.base_url,
            "require": list(self.require),
            "shards": list(self.shards),
            "workers": self.workers,
            "engines": self.engines,
            "browsers": self.browsers,
            "counts": self.counts,
            "ok": self.ok,
            "results": [r.to_dict() for r in self.results],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MatrixRun:
        return cls(
            results=tuple(JobResult.from_dict(r) for r in data["results"]),
            started=data["started"],
            seconds=float(data["seconds"]),
            base_url=data.get("base_url", ""),
            require=tuple(data.get("require", ())),
            shards=tuple(data.get("shards", ("1/1",))),
            workers=int(data.get("workers", 1)),
        )


def now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


# --- writing ----------------------------------------------------------------------------------


@cache
def _jinja() -> Environment:
    # Autoescape always on: targets, UAs and error messages are shown literally.
    return Environment(
        loader=PackageLoader(__package__, "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_html(run: MatrixRun) -> str:
    """The HTML report of ``run`` (screenshots linked relative to its folder)."""
    return _jinja().get_template("matrix_run.html").render(run=run, STATUSES=STATUSES)


def render_junit(run: MatrixRun) -> str:
    """JUnit XML: one test suite per engine, one test case per job; "not run" jobs are skipped
    with their reason (or failed, when their engine is required -- already their status)."""
    from junitparser import Failure, JUnitXml, Skipped, TestCase, TestSuite

    xml = JUnitXml("browsercheck matrix")
    for engine in sorted({r.engine for r in run.results}):
        suite = TestSuite(f"matrix.{engine}")
        ran = run.engines.get(engine, {})
        for key, value in ran.items():
            if key != "session":  # one job's session; each case's system-out names its own
                suite.add_property(key, value)
        for r in (r for r in run.results if r.engine == engine):
            case = TestCase(r.id, classname=f"matrix.{engine}.{r.kind}", time=round(r.seconds, 3))
            if r.status == FAILED:
                message = r.reason or (r.failures[0] if r.failures else "failed")
                case.result = [Failure(message, "failure")]
                case.result[0].text = "\n".join(r.failures)
            elif r.status == NOT_RUN:
                case.result = [Skipped(f"not run: {r.reason}")]
            case.system_out = json.dumps(
                {"ran": r.ran, **r.details}, ensure_ascii=False, indent=1, default=str
            )
            suite.add_testcase(case)
        suite.update_statistics()
        xml.add_testsuite(suite)
    xml.update_statistics()
    return str(xml.tostring().decode("utf-8"))


def write_outputs(run: MatrixRun, output: Path) -> None:
    """Write results.json, junit.xml and report.html into ``output`` (screenshots already there)."""
    output.mkdir(parents=True, exist_ok=True)
    (output / RESULTS_JSON).write_text(
        json.dumps(run.to_dict(), ensure_ascii=False, indent=2, default=str), encoding="utf-8"
    )
    (output / JUNIT_XML).write_text(render_junit(run), encoding="utf-8")
    (output / REPORT_HTML).write_text(render_html(run), encoding="utf-8")


def read_run(folder: Path) -> MatrixRun:
    """The run recorded in ``folder/results.json``; raises ResultsError naming the folder."""
    path = folder / RESULTS_JSON
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("schema") != SCHEMA:
            raise ResultsError(f"{path}: unknown schema {data.get('schema')!r}")
        return MatrixRun.from_dict(data)
    except OSError as exc:
        raise ResultsError(f"{path}: {exc.strerror}") from exc
    except (ValueError, KeyError, TypeError) as exc:
        raise ResultsError(f"{path}: not a matrix result: {exc}") from exc


def merge_runs(folders: list[Path], output: Path) -> MatrixRun:
    """Combine the output folders of a run's shards into one run written to ``output``.

    Screenshots are copied over. Raises ResultsError when a job appears in two folders, when the
    folders are shards of different splits (1/2 with 1/3), or when a shard of the split is missing.
    """
    runs = [(folder, read_run(folder)) for folder in folders]
    if not runs:
        raise ResultsError("nothing to merge: name at least one output folder")
    seen: dict[str, Path] = {}
    results: list[JobResult] = []
    shards: list[str] = []
    for folder, run in runs:
        shards.extend(run.shards)
        for r in run.results:
            if r.id in seen:
                raise ResultsError(f"{r.id} is in both {seen[r.id]} and {folder}")
            seen[r.id] = folder
            if r.screenshot:
                target = output / r.screenshot
                target.parent.mkdir(parents=True, exist_ok=True)
                source = folder / r.screenshot
                if source.exists() and source.resolve() != target.resolve():
                    shutil.copyfile(source, target)
            results.append(r)
    counts = {s.split("/")[1] for s in shards}
    if len(counts) > 1:
        raise ResultsError(f"shards of different splits: {', '.join(sorted(shards))}")
    total = int(counts.pop())
    missing = sorted(set(range(1, total + 1)) - {int(s.split("/")[0]) for s in shards})
    if missing:
        raise ResultsError("missing shard(s) " + ", ".join(f"{i}/{total}" for i in missing))
    merged = MatrixRun(
        results=tuple(sorted(results, key=lambda r: (r.engine, r.kind != "target", r.id))),
        started=min(run.started for _, run in runs),
        seconds=max(run.seconds for _, run in runs),
        base_url=", ".join(sorted({run.base_url for _, run in runs})),
        require=tuple(sorted({e for _, run in runs for e in run.require})),
        shards=tuple(sorted(shards, key=lambda s: int(s.split("/")[0]))),
        workers=max(run.workers for _, run in runs),
    )
    write_outputs(merged, output)
    return merged


def summary_table(run: MatrixRun) -> Any:
    """A rich Table of the run: one row per job, then the engines that ran."""
    from rich.table import Table

    style = {PASSED: "green", FAILED: "bold red", NOT_RUN: "yellow"}
    table = Table(
        title=f"browsercheck matrix: {run.counts[PASSED]} passed, "
        f"{run.counts[FAILED]} failed, {run.counts[NOT_RUN]} not run "
        f"in {run.seconds:.1f} s"
    )
    for column in ("job", "engine", "result", "detected", "verdict", "why"):
        table.add_column(column, overflow="fold")
    for r in run.results:
        detected = r.details.get("detected_summary", "")
        verdict = r.details.get("verdict", {})
        shown = verdict.get("got") or ""
        if verdict.get("expected") and verdict.get("got") != verdict.get("expected"):
            shown = f"{shown} (expected {verdict['expected']})"
        why = r.reason or "; ".join(r.failures)
        table.add_row(
            r.id, r.engine, f"[{style[r.status]}]{r.status}[/]", detected, shown, why, style=None
        )
    return table


def engines_table(run: MatrixRun) -> Any:
    """A rich Table naming each browser that ran: engine, version, driver, kind, and the binary
    (local) or the endpoint, browser name and platform (remote)."""
    from rich.table import Table

    table = Table(title="engines that ran")
    for column in ("engine", "version", "driver", "kind", "where", "jobs"):
        table.add_column(column, overflow="fold")
    for ran in run.browsers:
        if "missing" in ran:
            table.add_row(ran["engine"], "[yellow]missing[/]", "", "", ran["missing"], "0")
            continue
        where = ran["binary"]
        if ran["endpoint"]:
            named = " ".join(x for x in (ran["browser"], ran["platform"]) if x)
            where = f"{ran['endpoint']} ({named})" if named else ran["endpoint"]
        table.add_row(
            ran["engine"], ran["version"], ran["driver"], ran["kind"], where, str(ran["jobs"])
        )
    return table
