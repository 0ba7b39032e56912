"""The desk's replies to the users of reports (issue 17): written by an agent in the desk,
read on the user's private page (which marks them seen) and in the JSON views."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import select, update

from reports.replies import Reply

from .desk import enqueue_report_event
from .reports import ReportStore
from .tables import ReplyRow, ReportRow


def _utc(moment: datetime | None) -> datetime | None:
    # SQLite gives stored UTC times back naive
    if moment is None or moment.tzinfo:
        return moment
    return moment.replace(tzinfo=UTC)


def _reply(row: ReplyRow) -> Reply:
    return Reply(
        id=row.id,
        agent=row.agent,
        agent_name=row.agent_name,
        message=row.message,
        finding_ids=tuple(row.finding_ids.split()),
        created_at=_utc(row.created_at) or row.created_at,
        seen_at=_utc(row.seen_at),
    )


class ReplyStore:
    """Replies on top of a :class:`~.reports.ReportStore` (its engine)."""

    def __init__(self, reports: ReportStore) -> None:
        self.reports = reports

    def add(
        self,
        code: str,
        agent: str,
        agent_name: str,
        message: str,
        finding_ids: Iterable[str],
        now: datetime,
    ) -> Reply | None:
        """Store a reply to the report ``code`` with its ``report.replied`` webhook deliveries
        (one transaction); None when there is no such report."""
        with self.reports.session() as session:
            report_id = session.scalar(select(ReportRow.id).where(ReportRow.code == code))
            if report_id is None:
                return None
            row = ReplyRow(
                report_id=report_id,
                agent=agent,
                agent_name=agent_name,
                message=message,
                finding_ids=" ".join(dict.fromkeys(finding_ids)),
                created_at=now,
            )
            session.add(row)
            session.flush()
            enqueue_report_event(session, code, "report.replied")
            session.commit()
            return _reply(row)

    def for_report(self, code: str) -> list[Reply]:
        """The replies to the report ``code``, oldest first."""
        statement = (
            select(ReplyRow)
            .join(ReportRow, ReportRow.id == ReplyRow.report_id)
            .where(ReportRow.code == code)
            .order_by(ReplyRow.created_at, ReplyRow.id)
        )
        with self.reports.session() as session:
            return [_reply(row) for row in session.scalars(statement)]

    def mark_seen(self, reply_ids: Iterable[int], now: datetime) -> int:
        """Record that the user saw the replies ``reply_ids`` now, for those not seen before
        (the first time counts); returns how many were new."""
        ids = list(reply_ids)
        if not ids:
            return 0
        with self.reports.session() as session:
            changed = session.execute(
                update(ReplyRow)
                .where(ReplyRow.id.in_(ids), ReplyRow.seen_at.is_(None))
                .values(seen_at=now)
            )
            session.commit()
            return int(changed.rowcount)  # type: ignore[attr-defined]
