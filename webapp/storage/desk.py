"""What the support desk reads and writes in stored reports: lookups, filtered lists, the
statistics roll-up, exports, the user's context and screenshot, and the retention purge.

The report row and its roll-up are written by :mod:`.reports` through :mod:`.rollup`; this
module only reads them back (and updates what the user adds later).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import (
    ColumnElement,
    Date,
    Select,
    cast,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.orm import Session

from reports.aggregate import STATS_COLUMNS
from reports.model import format_code

from .reports import ReportStore
from .rollup import context_search_text, utc_day
from .tables import (
    AgentSessionRow,
    BeaconRollupRow,
    BeaconViewRow,
    LoginAttemptRow,
    ReplyRow,
    ReportRollupRow,
    ReportRow,
    ScreenshotRow,
)
from .webhooks import enqueue_in_session

PURGE_BATCH = 5000
#: Reports whose payloads the evidence statistics read at most (the newest of the period).
EVIDENCE_SCAN_LIMIT = 5000


def _utc_day_expression(dialect: str) -> ColumnElement[Any]:
    if dialect == "postgresql":
        return cast(func.timezone("UTC", ReportRow.created_at), Date)
    return func.date(ReportRow.created_at)  # SQLite keeps UTC text: 'YYYY-MM-DD ...'


@dataclass(frozen=True, slots=True)
class ReportFilter:
    """The filters of the reports list and of the export (empty means any)."""

    status: str = ""
    outcome: str = ""
    browser: str = ""
    os: str = ""
    device: str = ""
    finding: str = ""
    date_from: date | None = None
    date_to: date | None = None  # inclusive
    text: str = ""
    state: str = ""  # "handled", "unhandled" or "" (any)

    def apply(self, statement: Select[Any]) -> Select[Any]:
        conditions: list[ColumnElement[bool]] = []
        if self.status:
            conditions.append(ReportRow.status == self.status)
        if self.outcome:
            conditions.append(ReportRow.outcome == self.outcome)
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
        if self.state == "handled":
            conditions.append(ReportRow.handled_at.is_not(None))
        elif self.state == "unhandled":
            conditions.append(ReportRow.handled_at.is_(None))
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
    outcome: str = "unknown"
    #: the finding that matters most: the first error, else the first of the ids (a policy
    #: reason such as ``outdated_browser`` when there is no finding)
    top_finding: str | None = None
    has_screenshot: bool = False
    handled_at: datetime | None = None
    handled_by: str | None = None
    #: the desk's replies to the user (issue 17): "" none, "unseen" one not opened yet, "seen"
    reply: str = ""

    @property
    def display_code(self) -> str:
        return format_code(self.code)


def _top_finding(findings: list[dict[str, Any]] | None, finding_ids: tuple[str, ...]) -> str | None:
    for finding in findings or ():
        if finding.get("severity") == "error" and finding.get("id"):
            return str(finding["id"])
    return finding_ids[0] if finding_ids else None


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

    def codes_by_login(self, login: str, since: datetime, limit: int = 5) -> list[str]:
        """Codes of the reports since ``since`` whose *login* field is ``login`` (any case),
        newest first (Help Scout's e-mail matching, issue 17)."""
        wanted = login.strip().casefold()
        if not wanted:
            return []
        statement = (
            select(ReportRow.code, ReportRow.context)
            .where(
                ReportRow.created_at >= since,
                ReportRow.context_text.contains(wanted, autoescape=True),  # narrows; then exact
            )
            .order_by(ReportRow.created_at.desc())
            .limit(limit * 10)
        )
        with self.session() as session:
            rows = session.execute(statement).all()
        found = [
            code
            for code, context in rows
            if str((context or {}).get("login", "")).strip().casefold() == wanted
        ]
        return found[:limit]

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
        shot = select(ScreenshotRow.id).where(ScreenshotRow.report_id == ReportRow.id)
        replied = select(ReplyRow.id).where(ReplyRow.report_id == ReportRow.id)
        return select(
            ReportRow.code,
            ReportRow.created_at,
            ReportRow.status,
            ReportRow.browser_family,
            ReportRow.os_family,
            ReportRow.device_type,
            ReportRow.finding_ids,
            ReportRow.findings,
            ReportRow.user_agent,
            ReportRow.context,
            ReportRow.outcome,
            ReportRow.handled_at,
            ReportRow.handled_by,
            shot.exists().label("has_screenshot"),
            replied.exists().label("has_reply"),
            replied.where(ReplyRow.seen_at.is_(None)).exists().label("reply_unseen"),
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
                    finding_ids=ids,
                    user_agent=r.user_agent,
                    context=dict(r.context or {}),
                    outcome=r.outcome,
                    top_finding=_top_finding(r.findings, ids),
                    has_screenshot=bool(r.has_screenshot),
                    handled_at=r.handled_at,
                    handled_by=r.handled_by,
                    reply=("unseen" if r.reply_unseen else "seen") if r.has_reply else "",
                )
                for r in session.execute(statement)
                for ids in [tuple((r.finding_ids or "").split())]
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

    def set_handled(self, code: str, agent: str | None) -> bool:
        """Mark the report ``code`` handled by ``agent`` now, or unhandled (``agent`` None);
        False when there is no such report."""
        values: dict[str, Any] = {
            "handled_at": datetime.now(UTC) if agent else None,
            "handled_by": agent,
        }
        with self.session() as session:
            changed = session.execute(
                update(ReportRow).where(ReportRow.code == code).values(values)
            )
            session.commit()
            return bool(changed.rowcount)  # type: ignore[attr-defined]

    def handled(self, code: str) -> tuple[datetime | None, str | None]:
        """When and by whom ``code`` was marked handled, ``(None, None)`` while unhandled."""
        with self.session() as session:
            row = session.execute(
                select(ReportRow.handled_at, ReportRow.handled_by).where(ReportRow.code == code)
            ).first()
            return (row.handled_at, row.handled_by) if row else (None, None)

    # --- the user's context and screenshot ------------------------------------------------

    def set_context(self, code: str, context: dict[str, str]) -> None:
        with self.session() as session:
            session.execute(
                update(ReportRow)
                .where(ReportRow.code == code)
                .values(context=context, context_text=context_search_text(context))
            )
            _enqueue_context_added(session, code)
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
            _enqueue_context_added(session, code)
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

    def evidence_between(
        self, start: date | None, end: date | None = None, limit: int = EVIDENCE_SCAN_LIMIT
    ) -> list[dict[str, Any]]:
        """The ``errors`` and ``evidence`` of the newest ``limit`` reports created on days
        ``start``..``end`` (UTC): the input of :func:`reports.aggregate.evidence_tables`.
        Bounded: "failing requests" and "page errors" read the payloads, not a roll-up."""
        statement = select(ReportRow.probe).order_by(ReportRow.created_at.desc()).limit(limit)
        if start:
            statement = statement.where(
                ReportRow.created_at >= datetime.combine(start, datetime.min.time(), UTC)
            )
        if end:
            statement = statement.where(
                ReportRow.created_at
                < datetime.combine(end + timedelta(days=1), datetime.min.time(), UTC)
            )
        with self.reports.engine.connect() as connection:
            probes = connection.execute(statement).scalars().all()
        return [
            {"errors": p.get("errors") or [], "evidence": p.get("evidence") or {}}
            for p in probes
            if isinstance(p, dict) and (p.get("errors") or p.get("evidence"))
        ]

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
            ReportRow.outcome,
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
            ReportRow.outcome,
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
        stay exact), their screenshots, answers and roll-up days, and the beacons' days before
        it, in batches so that the collector is never blocked for long; and login records older
        than ``attempts_cutoff``."""
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
                session.execute(delete(ReplyRow).where(ReplyRow.report_id.in_(ids)))
                session.execute(delete(ReportRow).where(ReportRow.id.in_(ids)))
                session.commit()
                deleted += len(ids)
        with self.session() as session:
            days = session.execute(
                delete(ReportRollupRow).where(ReportRollupRow.day < utc_day(cutoff))
            )
            # the sampled page loads' daily counts (issue 18) expire like the reports' days
            beacon_days = session.execute(
                delete(BeaconRollupRow).where(BeaconRollupRow.day < utc_day(cutoff))
            )
            # and the policy views (issue 19) no remaining day counted
            views = session.execute(
                delete(BeaconViewRow).where(
                    ~select(BeaconRollupRow.id)
                    .where(BeaconRollupRow.view == BeaconViewRow.key)
                    .exists()
                )
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
            "beacon_rollup_rows": beacon_days.rowcount,  # type: ignore[attr-defined]
            "beacon_views": views.rowcount,  # type: ignore[attr-defined]
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
        "outcome": row.outcome,
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


def _enqueue_context_added(session: Session, code: str) -> None:
    """The ``report.context_added`` webhook deliveries, in the session's transaction."""
    enqueue_report_event(session, code, "report.context_added")


def enqueue_report_event(session: Session, code: str, event: str) -> None:
    """The webhook deliveries of ``event`` about the report ``code``, in the session's
    transaction (so the change and its deliveries commit together)."""
    columns = (
        ReportRow.code,
        ReportRow.status,
        ReportRow.verdict,
        ReportRow.environment,
        ReportRow.findings,
        ReportRow.context,
        ReportRow.browser_family,
        ReportRow.os_family,
        ReportRow.device_type,
    )
    found = session.execute(select(*columns).where(ReportRow.code == code)).first()
    if found is not None:
        enqueue_in_session(session, event, [found._asdict()], datetime.now(UTC))
