"""Report storage: the only module that reads and writes report rows."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from diagnostics.models import Environment, Finding
from matrix.rules import Verdict
from reports.model import Report, new_code

from .db import Base, ReportRow, make_engine
from .support_store import count_in_rollup, desk_columns


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _to_report(row: ReportRow) -> Report:
    return Report(
        code=row.code,
        created_at=row.created_at,
        lang=row.lang,
        source=row.source,
        environment=Environment.from_dict(row.environment),
        findings=tuple(Finding.from_dict(f) for f in row.findings),
        verdict=Verdict.from_dict(row.verdict),
        probe=row.probe,
        context=row.context,
        headers=row.headers,
    )


class ReportStore:
    """Stores reports in any SQLAlchemy database; ``close()`` is idempotent."""

    def __init__(self, url: str) -> None:
        self.engine = make_engine(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    def create_schema(self) -> None:
        Base.metadata.create_all(self.engine)

    def close(self) -> None:
        self.engine.dispose()

    def session(self) -> Session:
        return self._sessions()

    def add(self, report: Report, token: str, attempts: int = 5) -> Report:
        """Insert ``report``; on a code collision retry with a fresh code. Returns the report
        as stored (its code may differ). Returns only after the transaction committed."""
        for attempt in range(attempts):
            if attempt:
                report = _with_code(report, new_code())
            row = ReportRow(
                code=report.code,
                token_hash=hash_token(token),
                created_at=report.created_at,
                lang=report.lang,
                source=report.source,
                status=report.verdict.status,
                browser_family=report.environment.browser.family[:64],
                os_family=report.environment.os.family[:64],
                device_type=report.environment.device.type,
                user_agent=report.environment.user_agent,
                environment=report.environment.to_dict(),
                findings=[f.to_dict() for f in report.findings],
                verdict=report.verdict.to_dict(),
                probe=report.probe,
                context=report.context,
                headers=report.headers,
                **desk_columns(report),
            )
            with self.session() as session:
                session.add(row)
                try:
                    session.flush()
                    count_in_rollup(session, row)
                    session.commit()
                except IntegrityError:
                    session.rollback()
                    continue
            return report
        raise RuntimeError("could not allocate a unique report code")

    def get(self, code: str) -> Report | None:
        """The report with ``code`` (canonical, undashed), or None."""
        with self.session() as session:
            row = session.scalar(select(ReportRow).where(ReportRow.code == code))
            return _to_report(row) if row else None

    def get_with_token(self, code: str, token: str) -> Report | None:
        """The report when ``token`` is its private token; None for a wrong token or code alike.

        The token hash is compared in constant time, and a dummy comparison runs for a missing
        code, so the answer does not reveal whether the code exists."""
        with self.session() as session:
            row = session.scalar(select(ReportRow).where(ReportRow.code == code))
            expected = row.token_hash if row else "0" * 64
            if hmac.compare_digest(expected, hash_token(token or "")) and row is not None:
                return _to_report(row)
            return None

    def count(self) -> int:
        from sqlalchemy import func

        with self.session() as session:
            return int(session.scalar(select(func.count(ReportRow.id))) or 0)


def _with_code(report: Report, code: str) -> Report:
    from dataclasses import replace

    return replace(report, code=code)


def store_from_app_config(config: dict[str, Any]) -> ReportStore:
    store = ReportStore(config["DATABASE_URL"])
    store.create_schema()
    return store
