"""Benchmark: the support desk's statistics over 1,000,000 stored reports in SQLite, under 2 s.

Generates the reports once (a realistic mix of browsers, verdicts and findings spread over the
retention period) into an SQLite file that later runs reuse, then times in the same run:

- ours: the statistics page's path -- the daily roll-up (kept on insert) read for the period,
  ``reports.aggregate.summarize`` in pandas;
- pushdown: one GROUP BY over the reports table (only the needed columns, no roll-up);
- naive baseline: every report's columns loaded into pandas, findings parsed from their JSON.

All three must give the same tables (checked). Prints the times and the ratios; exits 1 when
ours misses the 2 s target.

    .venv/bin/python benchmarks/aggregates.py [--reports 1000000] [--db PATH] [--fresh]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from matrix.outcome import outcome_value  # noqa: E402
from reports.aggregate import STATS_COLUMNS, Summary, summarize  # noqa: E402
from reports.model import CROCKFORD  # noqa: E402
from webapp.storage.desk import SupportStore  # noqa: E402
from webapp.storage.reports import ReportStore  # noqa: E402
from webapp.storage.rollup import finding_ids_text  # noqa: E402
from webapp.storage.tables import ReportRow  # noqa: E402

TARGET_SECONDS = 2.0
DAYS = 180
# (browser, os, device, weight, P(limited), P(unsupported))
PROFILES: list[tuple[str, str, str, float, float, float]] = [
    ("Chrome", "Windows", "desktop", 30, 0.04, 0.01),
    ("Edge", "Windows", "desktop", 9, 0.03, 0.01),
    ("Firefox", "Windows", "desktop", 5, 0.05, 0.02),
    ("Opera", "Windows", "desktop", 2, 0.05, 0.02),
    ("IE", "Windows", "desktop", 0.5, 0.0, 1.0),
    ("Chrome", "Mac OS X", "desktop", 4, 0.03, 0.01),
    ("Safari", "Mac OS X", "desktop", 3, 0.08, 0.03),
    ("Firefox", "Linux", "desktop", 1, 0.05, 0.02),
    ("Chrome Mobile", "Android", "mobile", 22, 0.06, 0.03),
    ("Samsung Internet", "Android", "mobile", 5, 0.10, 0.04),
    ("Chrome Mobile WebView", "Android", "mobile", 2, 0.30, 0.05),
    ("Mobile Safari", "iOS", "mobile", 12, 0.08, 0.05),
    ("Mobile Safari", "iOS", "tablet", 2, 0.08, 0.04),
    ("Facebook", "iOS", "mobile", 1, 0.50, 0.10),
    ("Opera Mini", "Android", "mobile", 0.5, 0.0, 0.9),
]
FINDINGS: list[tuple[str, float]] = [
    ("cookies_disabled", 0.02),
    ("storage_blocked", 0.03),
    ("stale_build", 0.05),
    ("in_app", 0.03),
    ("offline", 0.01),
]
STATUSES = ("supported", "limited", "unsupported")
#: The severities of the findings above (diagnostics/findings.py), for each report's outcome.
SEVERITIES = {"cookies_disabled": "error", "stale_build": "error"}


def _code(number: int) -> str:
    chars = []
    for _ in range(8):
        number, digit = divmod(number, 32)
        chars.append(CROCKFORD[digit])
    return "".join(chars)


def generate(store: ReportStore, count: int, seed: int = 7) -> None:
    """Insert ``count`` synthetic reports with the real table's columns, then the roll-up."""
    rng = np.random.default_rng(seed)
    weights = np.array([p[3] for p in PROFILES])
    profile = rng.choice(len(PROFILES), size=count, p=weights / weights.sum())
    roll = rng.random(count)
    limited = np.array([p[4] for p in PROFILES])[profile]
    unsupported = np.array([p[5] for p in PROFILES])[profile]
    status = np.where(roll < unsupported, 2, np.where(roll < unsupported + limited, 1, 0))
    has = np.stack([rng.random(count) < p for _, p in FINDINGS], axis=1)
    now = datetime.now(UTC).replace(tzinfo=None)
    offsets = rng.integers(0, DAYS * 86400 * 1_000_000, size=count).astype("timedelta64[us]")
    created = np.datetime_as_string(np.datetime64(now, "us") - offsets, unit="us")

    envs = [
        json.dumps({"browser": {"family": b}, "os": {"family": o}, "device": {"type": d}})
        for b, o, d, *_ in PROFILES
    ]
    verdicts = [json.dumps({"status": s}) for s in STATUSES]
    finding_sets: dict[int, tuple[str, str, list[str]]] = {}
    columns = (
        "code",
        "token_hash",
        "created_at",
        "lang",
        "source",
        "status",
        "browser_family",
        "os_family",
        "device_type",
        "user_agent",
        "environment",
        "findings",
        "verdict",
        "probe",
        "context",
        "headers",
        "browser_id",
        "finding_ids",
        "context_text",
        "outcome",
    )
    sql = f"INSERT INTO reports ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"
    bits = has @ (1 << np.arange(len(FINDINGS)))
    connection = store.engine.raw_connection()
    try:
        cursor = connection.cursor()
        cursor.execute("PRAGMA synchronous=OFF")
        batch: list[tuple[Any, ...]] = []
        for i in range(count):
            key = int(bits[i])
            if key not in finding_sets:
                ids = [FINDINGS[j][0] for j in range(len(FINDINGS)) if key >> j & 1]
                severities = [SEVERITIES.get(x, "warning") for x in ids]
                finding_sets[key] = (
                    json.dumps([{"id": x} for x in ids]),
                    finding_ids_text(ids),
                    severities,
                )
            p = PROFILES[profile[i]]
            batch.append(
                (
                    _code(i),
                    "0" * 64,
                    created[i].replace("T", " "),
                    "uk",
                    "web",
                    STATUSES[status[i]],
                    p[0],
                    p[1],
                    p[2],
                    f"Mozilla/5.0 ({p[1]}) {p[0]}",
                    envs[profile[i]],
                    finding_sets[key][0],
                    verdicts[status[i]],
                    "{}",
                    "{}",
                    "{}",
                    None,
                    finding_sets[key][1],
                    "",
                    outcome_value(STATUSES[status[i]], finding_sets[key][2]),
                )
            )
            if len(batch) == 50_000:
                cursor.executemany(sql, batch)
                batch.clear()
        if batch:
            cursor.executemany(sql, batch)
        connection.commit()
    finally:
        connection.close()
    SupportStore(store).rebuild_rollup()


def ours(store: ReportStore, start: date, end: date) -> Summary:
    """The statistics page: the roll-up for the period, summarised in pandas."""
    return summarize(SupportStore(store).stats_frame(start, end), start, end)


def pushdown(store: ReportStore, start: date, end: date) -> Summary:
    """One GROUP BY over the reports table itself (needed columns only)."""
    day = func.date(ReportRow.created_at).label("day")
    keys = [
        ReportRow.status,
        ReportRow.browser_family,
        ReportRow.os_family,
        ReportRow.device_type,
        ReportRow.outcome,
        ReportRow.finding_ids,
    ]
    statement = (
        select(day, *keys, func.count())
        .where(ReportRow.created_at >= _midnight(start))
        .group_by(day, *keys)
    )
    with store.engine.connect() as connection:
        rows = connection.execute(statement).all()
    frame = pd.DataFrame.from_records(rows, columns=list(STATS_COLUMNS))
    frame["day"] = pd.to_datetime(frame["day"]).dt.date
    return summarize(frame, start, end)


def naive(store: ReportStore, start: date, end: date) -> Summary:
    """Baseline: every report of the period loaded, findings parsed from their JSON."""
    with store.engine.connect() as connection:
        frame = pd.read_sql(
            select(
                ReportRow.created_at,
                ReportRow.status,
                ReportRow.browser_family,
                ReportRow.os_family,
                ReportRow.device_type,
                ReportRow.outcome,
                ReportRow.findings,
            ).where(ReportRow.created_at >= _midnight(start)),
            connection,
        )
    frame["day"] = pd.to_datetime(frame["created_at"]).dt.date
    frame["finding_ids"] = [
        finding_ids_text([f["id"] for f in found]) for found in frame["findings"]
    ]
    return summarize(frame.drop(columns=["created_at", "findings"]), start, end)


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def timed(function: Callable[[], Summary], repeat: int) -> tuple[float, float, Summary]:
    """(first run, best run) in seconds, and the result."""
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    assert result is not None
    return times[0], min(times), result


def same_tables(a: Summary, b: Summary) -> bool:
    if a.total != b.total:
        return False
    for name, table in a.tables().items():
        other = b.tables()[name]
        if (
            not table.reset_index(drop=True)
            .astype(str)
            .equals(other.reset_index(drop=True).astype(str))
        ):
            return False
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path, default=None)
    parser.add_argument("--fresh", action="store_true", help="regenerate the database")
    args = parser.parse_args()
    path = args.db or Path(tempfile.gettempdir()) / f"browsercheck-bench-{args.reports}.db"
    if args.fresh and path.exists():
        os.remove(path)
    store = ReportStore(f"sqlite:///{path}")
    store.create_schema()
    if store.count() != args.reports:
        print(f"generating {args.reports:,} reports into {path} ...", flush=True)
        started = time.perf_counter()
        with store.session() as session:
            session.query(ReportRow).delete()
            session.commit()
        generate(store, args.reports)
        print(f"  generated in {time.perf_counter() - started:.0f} s", flush=True)
    end = datetime.now(UTC).date()
    start = end - timedelta(days=DAYS + 1)  # the whole retention period: every report
    rollup_rows = len(SupportStore(store).stats_frame(start, end))

    # Warm up once (imports pandas' lazily loaded parts, as any running server already has).
    ours(store, end, end)
    ours_first, ours_best, ours_result = timed(lambda: ours(store, start, end), 3)
    push_first, _push_best, push_result = timed(lambda: pushdown(store, start, end), 1)
    naive_first, _naive_best, naive_result = timed(lambda: naive(store, start, end), 1)
    store.close()

    assert ours_result.total == args.reports, ours_result.total
    consistent = same_tables(ours_result, push_result) and same_tables(ours_result, naive_result)
    print(
        f"reports: {args.reports:,}; roll-up rows read: {rollup_rows:,}; "
        f"CPUs: {os.cpu_count()}; load average: {os.getloadavg()[0]:.1f}"
    )
    print(f"{'ours (roll-up + pandas)':34} {ours_first:6.3f} s   (best of 3: {ours_best:.3f} s)")
    print(
        f"{'pushdown GROUP BY on reports':34} {push_first:6.3f} s   "
        f"x{push_first / ours_first:,.1f} ours"
    )
    print(
        f"{'naive: load every report':34} {naive_first:6.3f} s   "
        f"x{naive_first / ours_first:,.1f} ours"
    )
    print(f"same tables from all three: {'yes' if consistent else 'NO'}")
    met = ours_first < TARGET_SECONDS
    print(
        f"target: statistics over {args.reports:,} reports in < {TARGET_SECONDS:.0f} s: "
        f"{'met' if met else 'NOT met'} ({ours_first:.3f} s, first run)"
    )
    return 0 if met and consistent else 1


if __name__ == "__main__":
    sys.exit(main())
