"""The write path of every report beside its row: the denormalised desk columns and the
statistics roll-up, computed here and written by :class:`~.reports.ReportStore` in the same
transaction as the report (so a report and its count are never apart)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import UTC, date, datetime
from functools import cache
from typing import Any

from sqlalchemy import bindparam, insert, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

from matrix.features import CHECKED_FEATURES
from matrix.rules import verdict_reason_ids
from reports.aggregate import FEATURE_PREFIX, STATS_COLUMNS
from reports.model import Report

from .tables import Base, ReportRollupRow
from .webhooks import enqueue_events

ROLLUP_KEY: tuple[str, ...] = STATS_COLUMNS[:-1]  # day + dimensions + finding_ids


def finding_ids_text(finding_ids: list[str]) -> str:
    """``["a", "b"]`` -> ``" a b "`` (so that ``LIKE '% a %'`` finds one id), ``""`` for none."""
    return f" {' '.join(finding_ids)} " if finding_ids else ""


def context_search_text(context: Mapping[str, str]) -> str:
    """The user's fields as one case-folded text for a substring search in any database (SQL's
    ``lower`` folds ASCII only in SQLite, so Cyrillic is folded here)."""
    return "\n".join(str(value) for value in context.values() if value).casefold()


def desk_columns(report: Report) -> dict[str, Any]:
    """The report row's denormalised support-desk columns. ``finding_ids`` holds the findings
    and the kind of the verdict's reason (outdated browser or OS), so the list filters by
    them and the statistics count them among the top findings."""
    browser_id = report.probe.get("browser_id")
    ids = [f.id for f in report.findings] + list(verdict_reason_ids(report.verdict))
    features = report.probe.get("features")
    if isinstance(features, dict):  # required features the probe did not find (statistics);
        # only ids the probe has a check for: a made-up id must not make a roll-up row of its own
        ids += [
            f"{FEATURE_PREFIX}{k}"
            for k, found in sorted(features.items())
            if found is False and k in CHECKED_FEATURES
        ]
    return {
        "browser_id": browser_id if isinstance(browser_id, str) else None,
        "finding_ids": finding_ids_text(list(dict.fromkeys(ids))),
        "context_text": context_search_text(report.context),
    }


def utc_day(moment: datetime) -> date:
    """The UTC date of ``moment`` (naive datetimes are UTC already, as SQLite gives them back)."""
    return (moment.astimezone(UTC) if moment.tzinfo else moment).date()


def count_rows_in_rollup(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Add freshly inserted report rows (column dicts) to the statistics roll-up, in the
    caller's transaction: one upsert statement for all distinct keys, safe with concurrent
    writers.

    The keys go in sorted order so that concurrent transactions lock the roll-up rows they share
    in the same order: in any other order two PostgreSQL writers deadlock, and one of them
    fails its whole batch after ``deadlock_timeout`` (the ingest benchmark saw exactly that)."""
    counts: Counter[tuple[Any, ...]] = Counter()
    for values in rows:
        key = {
            "day": utc_day(values["created_at"]),
            "status": values["status"],
            "browser_family": values["browser_family"],
            "os_family": values["os_family"],
            "device_type": values["device_type"],
            "outcome": values.get("outcome") or "unknown",
            "finding_ids": values.get("finding_ids") or "",
        }
        counts[tuple(key[k] for k in ROLLUP_KEY)] += 1
    add_counts(conn, ReportRollupRow, ROLLUP_KEY, counts)


def add_counts(
    conn: Connection, row: type[Base], key: tuple[str, ...], counts: Counter[tuple[Any, ...]]
) -> None:
    """Add ``counts`` (keyed by the values of the ``key`` columns) to the count column ``n``
    of roll-up table ``row``, in the caller's transaction: one upsert statement for all keys
    (on SQLite and PostgreSQL), in sorted key order (see :func:`count_rows_in_rollup`). The
    reports' statistics and the beacon's daily counts both count this way."""
    keyed = [
        {**dict(zip(key, key_values, strict=True)), "n": n}
        for key_values, n in sorted(counts.items(), key=lambda item: tuple(map(str, item[0])))
    ]
    dialect = conn.dialect.name
    if dialect in ("sqlite", "postgresql"):
        conn.execute(_upsert(dialect, row, key), keyed)  # one executemany, compiled once
        return
    count = row.__table__.c.n
    for values in keyed:  # any other database: update, else insert
        n = values.pop("n")
        updated = conn.execute(
            update(row)
            .where(*(getattr(row, k) == v for k, v in values.items()))
            .values(n=count + n)
        )
        if not updated.rowcount:
            conn.execute(insert(row).values(**values, n=n))


@cache
def _upsert(dialect: str, row: type[Base], key: tuple[str, ...]) -> Any:
    """``INSERT ... ON CONFLICT (key) DO UPDATE SET n = n + excluded.n`` for executemany."""
    dialect_insert = sqlite_insert if dialect == "sqlite" else postgresql_insert
    columns: dict[str, Any] = {name: bindparam(name) for name in (*key, "n")}
    upsert = dialect_insert(row).values(columns)
    return upsert.on_conflict_do_update(
        index_elements=list(key), set_={"n": row.__table__.c.n + upsert.excluded.n}
    )


def write_beside_reports(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Everything written in the transaction of freshly inserted report rows: their roll-up
    counts and their ``report.created`` webhook deliveries (the outbox, storage/webhooks.py)."""
    count_rows_in_rollup(conn, rows)
    enqueue_events(conn, "report.created", rows, datetime.now(UTC))
