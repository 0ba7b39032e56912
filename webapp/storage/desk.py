"""What the support desk reads and writes in stored reports: lookups, filtered lists, the
statistics roll-up, exports, the user's context and screenshot, and the retention purge.

The report row itself is written by :mod:`webapp.storage.reports`; it calls :func:`desk_columns` and
:func:`count_rows_in_rollup` so that the denormalised columns and the roll-up are written in
the same transaction as the report.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING, Any

import pandas as pd
from sqlalchemy import (
    ColumnElement,
    Date,
    Select,
    bindparam,
    cast,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from reports.aggregate import STATS_COLUMNS
from reports.model import Report, format_code

from .tables import (
    AgentSessionRow,
    LoginAttemptRow,
    ReportRollupRow,
    ReportRow,
    ScreenshotRow,
)

if TYPE_CHECKING:  # storage.reports imports this module to fill the columns below
    from .reports import ReportStore

ROLLUP_KEY: tuple[str, ...] = STATS_COLUMNS[:-1]  # day + dimensions + finding_ids
PURGE_BATCH = 5000


def finding_ids_text(finding_ids: list[str]) -> str:
    """``["a", "b"]`` -> ``" a b "`` (so that ``LIKE '% a %'`` finds one id), ``""`` for none."""
    return f" {' '.join(finding_ids)} " if finding_ids else ""


def context_search_text(context: Mapping[str, str]) -> str:
    """The user's fields as one case-folded text for a substring search in any database (SQL's
    ``lower`` folds ASCII only in SQLite, so Cyrillic is folded here)."""
    return "\n".join(str(value) for value in context.values() if value).casefold()


def desk_columns(report: Report) -> dict[str, Any]:
    """The report row's denormalised support-desk columns."""
    browser_id = report.probe.get("browser_id")
    return {
        "browser_id": browser_id if isinstance(browser_id, str) else None,
        "finding_ids": finding_ids_text([f.id for f in report.findings]),
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
            "finding_ids": values.get("finding_ids") or "",
        }
        counts[tuple(key[k] for k in ROLLUP_KEY)] += 1
    keyed = [
        {**dict(zip(ROLLUP_KEY, key_values, strict=True)), "n": n}
        for key_values, n in sorted(counts.items(), key=lambda item: tuple(map(str, item[0])))
    ]
    dialect = conn.dialect.name
    if dialect in ("sqlite", "postgresql"):
        conn.execute(_rollup_upsert(dialect), keyed)  # one executemany, compiled once
        return
    for values in keyed:
        n = values.pop("n")
        updated = conn.execute(
            update(ReportRollupRow)
            .where(*(getattr(ReportRollupRow, k) == v for k, v in values.items()))
            .values(n=ReportRollupRow.n + n)
        )
        if not updated.rowcount:
            conn.execute(insert(ReportRollupRow).values(**values, n=n))


@cache
def _rollup_upsert(dialect: str) -> Any:
    """``INSERT ... ON CONFLICT (key) DO UPDATE SET n = n + excluded.n`` for executemany."""
    dialect_insert = sqlite_insert if dialect == "sqlite" else postgresql_insert
    columns: dict[str, Any] = {name: bindparam(name) for name in (*ROLLUP_KEY, "n")}
    upsert = dialect_insert(ReportRollupRow).values(columns)
    return upsert.on_conflict_do_update(
        index_elements=list(ROLLUP_KEY), set_={"n": ReportRollupRow.n + upsert.excluded.n}
    )


def _utc_day_expression(dialect: str) -> ColumnElement[Any]:
    if dialect == "postgresql":
        return cast(func.timezone("UTC", ReportRow.created_at), Date)
    return func.date(ReportRow.created_at)  # SQLite keeps UTC text: 'YYYY-MM-DD ...'


@dataclass(frozen=True, slots=True)
class ReportFilter:
    """The filters of the reports list and of the export (empty means any)."""

    status: str = ""
    browser: str = ""
    os: str = ""
    device: str = ""
    finding: str = ""
    date_from: date | None = None
    date_to: date | None = None  # inclusive
    text: str = ""

    def apply(self, statement: Select[Any]) -> Select[Any]:
        conditions: list[ColumnElement[bool]] = []
        if self.status:
            conditions.append(ReportRow.status == self.status)
        if self.browser:
            conditions.append(func.lower(ReportRow.browser_family) == self.browser.lower())
        if self.os:
            conditions.append(func.lower(ReportRow.os_family) == self.os.lower())
        if self.device:
            conditions.append(ReportRow.device_type == self.device)
        if self.finding:
            conditions.append(ReportRow.finding_ids.contains(f" {self.finding} ", autoescape=True))
        if self.date_from:
            conditions.append(ReportRow.created_at >= _midnight(self.date_from))
        if self.date_to:
            conditions.append(ReportRow.created_at < _midnight(self.date_to + timedelta(days=1)))
        if self.text.strip():
            conditions.append(
                ReportRow.context_text.contains(self.text.strip().casefold(), autoescape=True)
            )
        return statement.where(*conditions) if conditions else statement


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class ListedReport:
    """One line of the reports list."""

    code: str
    created_at: datetime
    status: str
    browser_family: str
    os_family: str
    device_type: str
    finding_ids: tuple[str, ...]
    user_agent: str
    context: dict[str, str] = field(default_factory=dict)

    @property
    def display_code(self) -> str:
        return format_code(self.code)


@dataclass(frozen=True, slots=True)
class Screenshot:
    mimetype: str
    width: int
    height: int
    data: bytes


class SupportStore:
    """Support-desk queries on top of a :class:`~.reports.ReportStore` (its engine)."""

    def __init__(self, reports: ReportStore) -> None:
        self.reports = reports

    def session(self) -> Session:
        return self.reports.session()

    # --- lookups -------------------------------------------------------------------------

    def report_id(self, code: str) -> int | None:
        with self.session() as session:
            return session.scalar(select(ReportRow.id).where(ReportRow.code == code))

    def browser_id(self, code: str) -> str | None:
        with self.session() as session:
            return session.scalar(select(ReportRow.browser_id).where(ReportRow.code == code))

    def same_browser(self, code: str, limit: int = 20) -> list[ListedReport]:
        """Other reports from the browser that sent ``code``, newest first."""
        browser_id = self.browser_id(code)
        if not browser_id:
            return []
        statement = (
            self._list_select()
            .where(ReportRow.browser_id == browser_id, ReportRow.code != code)
            .order_by(ReportRow.created_at.desc())
            .limit(limit)
        )
        return self._listed(statement)

    def screenshot(self, code: str) -> Screenshot | None:
        with self.session() as session:
            row = session.scalar(
                select(ScreenshotRow)
                .join(ReportRow, ReportRow.id == ScreenshotRow.report_id)
                .where(ReportRow.code == code)
            )
            return Screenshot(row.mimetype, row.width, row.height, row.data) if row else None

    def has_screenshot(self, code: str) -> bool:
        with self.session() as session:
            found = session.scalar(
                select(ScreenshotRow.id)
                .join(ReportRow, ReportRow.id == ScreenshotRow.report_id)
                .where(ReportRow.code == code)
            )
            return found is not None

    # --- lists ---------------------------------------------------------------------------

    @staticmethod
    def _list_select() -> Select[Any]:
        return select(
            ReportRow.code,
            ReportRow.created_at,
            ReportRow.status,
            ReportRow.browser_family,
            ReportRow.os_family,
            ReportRow.device_type,
            ReportRow.finding_ids,
            ReportRow.user_agent,
            ReportRow.context,
        )

    def _listed(self, statement: Select[Any]) -> list[ListedReport]:
        with self.session() as session:
            return [
                ListedReport(
                    code=r.code,
                    created_at=r.created_at,
                    status=r.status,
                    browser_family=r.browser_family,
                    os_family=r.os_family,
                    device_type=r.device_type,
                    finding_ids=tuple((r.finding_ids or "").split()),
                    user_agent=r.user_agent,
                    context=dict(r.context or {}),
                )
                for r in session.execute(statement)
            ]

    def list_reports(
        self, filters: ReportFilter, page: int = 1, page_size: int = 50
    ) -> tuple[list[ListedReport], bool]:
        """One page of reports matching ``filters``, newest first, and whether more follow."""
        statement = (
            filters.apply(self._list_select())
            .order_by(ReportRow.created_at.desc(), ReportRow.id.desc())
            .offset((max(page, 1) - 1) * page_size)
            .limit(page_size + 1)
        )
        rows = self._listed(statement)
        return rows[:page_size], len(rows) > page_size

    def finding_choices(self) -> list[str]:
        """Finding ids seen in the statistics roll-up (for the list's filter)."""
        with self.session() as session:
            sets = session.scalars(select(ReportRollupRow.finding_ids).distinct())
            return sorted({fid for ids in sets for fid in ids.split()})

    # --- the user's context and screenshot ------------------------------------------------

    def set_context(self, code: str, context: dict[str, str]) -> None:
        with self.session() as session:
            session.execute(
                update(ReportRow)
                .where(ReportRow.code == code)
                .values(context=context, context_text=context_search_text(context))
            )
            session.commit()

    def set_screenshot(self, code: str, shot: Screenshot) -> None:
        """Store ``shot`` as the report's one screenshot (replacing an earlier one)."""
        with self.session() as session:
            report_id = session.scalar(select(ReportRow.id).where(ReportRow.code == code))
            if report_id is None:
                return
            session.execute(delete(ScreenshotRow).where(ScreenshotRow.report_id == report_id))
            session.add(
                ScreenshotRow(
                    report_id=report_id,
                    mimetype=shot.mimetype,
                    width=shot.width,
                    height=shot.height,
                    data=shot.data,
                    created_at=datetime.now(UTC),
                )
            )
            session.commit()

    # --- statistics ------------------------------------------------------------------------

    def stats_frame(self, start: date | None, end: date | None = None) -> pd.DataFrame:
        """Roll-up rows (``day``, the dimensions, ``finding_ids``, ``n``) for days in
        ``start``..``end`` inclusive: the input of :func:`reports.aggregate.summarize`."""
        columns = [getattr(ReportRollupRow, name) for name in STATS_COLUMNS]
        statement = select(*columns)
        if start:
            statement = statement.where(ReportRollupRow.day >= start)
        if end:
            statement = statement.where(ReportRollupRow.day <= end)
        with self.reports.engine.connect() as connection:
            rows = connection.execute(statement).all()
        # Column lists, not Row objects: pandas probes each Row's attributes, which costs
        # SQLAlchemy a failed key lookup per row (10x slower at 30,000 roll-up rows).
        columns = list(zip(*rows, strict=True)) or [() for _ in STATS_COLUMNS]
        return pd.DataFrame(
            {
                name: pd.Series(values, dtype="int64" if name == "n" else "object")
                for name, values in zip(STATS_COLUMNS, columns, strict=True)
            }
        )

    def rebuild_rollup(self) -> int:
        """Recount the roll-up from the reports table (for databases filled before it existed,
        or to repair it); returns the number of reports counted."""
        dialect = self.reports.engine.dialect.name
        day = _utc_day_expression(dialect).label("day")
        keys = [
            ReportRow.status,
            ReportRow.browser_family,
            ReportRow.os_family,
            ReportRow.device_type,
            func.coalesce(ReportRow.finding_ids, ""),
        ]
        grouped = select(day, *keys, func.count()).group_by(day, *keys)
        with self.session() as session:
            session.execute(delete(ReportRollupRow))
            session.execute(insert(ReportRollupRow).from_select(list(STATS_COLUMNS), grouped))
            session.commit()
            return int(session.scalar(select(func.coalesce(func.sum(ReportRollupRow.n), 0))) or 0)

    # --- export ----------------------------------------------------------------------------

    def export_records(
        self, filters: ReportFilter, chunk_size: int = 20000
    ) -> Iterator[list[dict[str, object]]]:
        """Reports matching ``filters`` as export records (see reports/export.py), oldest first,
        in chunks (keyset paging by id: memory stays flat however many there are)."""
        shot = select(ScreenshotRow.id).where(ScreenshotRow.report_id == ReportRow.id)
        columns: Any = select(
            ReportRow.id,
            ReportRow.code,
            ReportRow.created_at,
            ReportRow.lang,
            ReportRow.source,
            ReportRow.status,
            ReportRow.browser_family,
            ReportRow.os_family,
            ReportRow.device_type,
            ReportRow.finding_ids,
            ReportRow.user_agent,
            ReportRow.browser_id,
            ReportRow.environment,
            ReportRow.context,
            shot.exists().label("has_screenshot"),
        )
        statement = filters.apply(columns)
        last_id = 0
        while True:
            with self.session() as session:
                rows = session.execute(
                    statement.where(ReportRow.id > last_id).order_by(ReportRow.id).limit(chunk_size)
                ).all()
            if not rows:
                return
            last_id = rows[-1].id
            yield [_export_record(row) for row in rows]

    # --- retention -------------------------------------------------------------------------

    def purge(self, cutoff: datetime, attempts_cutoff: datetime | None = None) -> dict[str, int]:
        """Delete reports created before ``cutoff`` (a UTC midnight, so the roll-up's days
        stay exact), their screenshots and roll-up days, in batches so that the collector is
        never blocked for long; and login records older than ``attempts_cutoff``."""
        deleted = 0
        while True:
            with self.session() as session:
                ids = list(
                    session.scalars(
                        select(ReportRow.id).where(ReportRow.created_at < cutoff).limit(PURGE_BATCH)
                    )
                )
                if not ids:
                    break
                session.execute(delete(ScreenshotRow).where(ScreenshotRow.report_id.in_(ids)))
                session.execute(delete(ReportRow).where(ReportRow.id.in_(ids)))
                session.commit()
                deleted += len(ids)
        with self.session() as session:
            days = session.execute(
                delete(ReportRollupRow).where(ReportRollupRow.day < utc_day(cutoff))
            )
            attempts = 0
            if attempts_cutoff is not None:
                attempts = session.execute(
                    delete(LoginAttemptRow).where(LoginAttemptRow.at < attempts_cutoff)
                ).rowcount  # type: ignore[attr-defined]
                session.execute(
                    delete(AgentSessionRow).where(AgentSessionRow.last_seen_at < attempts_cutoff)
                )
            session.commit()
        return {
            "reports": deleted,
            "rollup_rows": days.rowcount,  # type: ignore[attr-defined]
            "login_attempts": attempts,
        }


def _export_record(row: Any) -> dict[str, object]:
    environment = row.environment or {}
    context = row.context or {}
    record: dict[str, object] = {
        "code": format_code(row.code),
        "created_at": row.created_at,
        "lang": row.lang,
        "source": row.source,
        "status": row.status,
        "browser_family": row.browser_family,
        "browser_version": (environment.get("browser") or {}).get("version"),
        "os_family": row.os_family,
        "os_version": (environment.get("os") or {}).get("version"),
        "device_type": row.device_type,
        "finding_ids": (row.finding_ids or "").strip(),
        "user_agent": row.user_agent,
        "browser_id": row.browser_id,
        "has_screenshot": bool(row.has_screenshot),
    }
    for key, value in context.items():
        record[f"ctx_{key}"] = value
    return record
