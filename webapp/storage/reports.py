"""Report storage: the only module that reads and writes report rows."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from datetime import UTC
from typing import Any, cast

from sqlalchemy import Table, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from diagnostics.models import Environment, Finding
from matrix.policy import Verdict
from reports.model import Report, new_code

from .groupcommit import GroupCommitter
from .rollup import desk_columns, write_beside_reports
from .tables import ReportRow, make_engine


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class IdempotencyKeyTaken(Exception):
    """Another report holds this Idempotency-Key (a concurrent retry committed first)."""


def _to_report(row: ReportRow) -> Report:
    return Report(
        code=row.code,
        # SQLite gives the stored UTC time back naive; the report says it is UTC either way
        created_at=row.created_at if row.created_at.tzinfo else row.created_at.replace(tzinfo=UTC),
        lang=row.lang,
        source=row.source,
        environment=Environment.from_dict(row.environment),
        findings=tuple(Finding.from_dict(f) for f in row.findings),
        verdict=Verdict.from_dict(row.verdict),
        probe=row.probe,
        context=row.context,
        headers=row.headers,
        outcome=row.outcome,
    )


class ReportStore:
    """Stores reports in any SQLAlchemy database; ``close()`` is idempotent."""

    def __init__(self, url: str, **engine_options: Any) -> None:
        self.engine = make_engine(url, **engine_options)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._writer = GroupCommitter(
            self.engine, cast(Table, ReportRow.__table__), after_insert=write_beside_reports
        )
        self._on_close: list[Callable[[], None]] = []

    def create_schema(self) -> None:
        """Create or upgrade the schema to the newest migration (webapp/storage/migrations/)."""
        from .migrate import upgrade_database

        upgrade_database(self.engine)

    def ping(self) -> None:
        """Run a trivial query; raises SQLAlchemy's error when the database is unreachable."""
        with self.engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    def observe_batches(self, callback: Callable[[int], object]) -> None:
        """Call ``callback(rows)`` after each group-commit transaction (webapp/metrics.py)."""
        self._writer.on_batch = callback

    def close(self) -> None:
        for stop in self._on_close:  # threads using the engine (the webhook sender) end first
            stop()
        self._on_close.clear()
        self._writer.close()
        self.engine.dispose()

    def on_close(self, stop: Callable[[], None]) -> None:
        """Have ``close()`` call ``stop`` before it closes the engine."""
        self._on_close.append(stop)

    def session(self) -> Session:
        return self._sessions()

    def add(
        self,
        report: Report,
        token: str,
        attempts: int = 5,
        ip_hash: str | None = None,
        idempotency: tuple[str, str] | None = None,
    ) -> Report:
        """Insert ``report``; on a code collision retry with a fresh code. Returns the report
        as stored (its code may differ). Returns only after the transaction committed (with
        the other reports of its group commit, webapp/storage/groupcommit.py).
        ``ip_hash`` is the keyed hash of the sender's address (webapp/privacy.py), if any;
        ``idempotency`` the hashes of the request's Idempotency-Key and body: raises
        :class:`IdempotencyKeyTaken` when another report holds that key."""
        # A plain dict for the Core insert: building an ORM object first costs more than the
        # rest of the insert (the ingest benchmark's profile). Built once; a retry changes the code.
        values: dict[str, Any] = {
            "code": report.code,
            "token_hash": hash_token(token),
            "created_at": report.created_at,
            "lang": report.lang,
            "source": report.source,
            "status": report.verdict.status,
            "outcome": report.outcome,
            "browser_family": report.environment.browser.family[:64],
            "os_family": report.environment.os.family[:64],
            "device_type": report.environment.device.type,
            "user_agent": report.environment.user_agent,
            "environment": report.environment.to_dict(),
            "findings": [f.to_dict() for f in report.findings],
            "verdict": report.verdict.to_dict(),
            "probe": report.probe,
            "context": report.context,
            "headers": report.headers,
            "ip_hash": ip_hash,
            **desk_columns(report),
            "idempotency_key": idempotency[0] if idempotency else None,
            "request_hash": idempotency[1] if idempotency else None,
        }
        for attempt in range(attempts):
            if attempt:
                report = _with_code(report, new_code())
                values = {**values, "code": report.code}
            try:
                self._writer.insert(values)
            except IntegrityError:
                if idempotency and self.by_idempotency_key(idempotency[0]) is not None:
                    raise IdempotencyKeyTaken() from None
                continue
            return report
        raise RuntimeError("could not allocate a unique report code")

    def by_idempotency_key(self, key_hash: str) -> tuple[Report, str, str] | None:
        """The report stored with this Idempotency-Key hash, its token hash and the hash of
        the body it came with; None when there is none."""
        with self.session() as session:
            row = session.scalar(select(ReportRow).where(ReportRow.idempotency_key == key_hash))
            if row is None:
                return None
            return _to_report(row), row.token_hash, row.request_hash or ""

    def release_idempotency_key(self, key_hash: str) -> None:
        """Let a new report take this key (its old report is past the replay window)."""
        with self.session() as session:
            session.execute(
                update(ReportRow)
                .where(ReportRow.idempotency_key == key_hash)
                .values(idempotency_key=None, request_hash=None)
            )
            session.commit()

    def get(self, code: str) -> Report | None:
        """The report with ``code`` (canonical, undashed), or None."""
        with self.session() as session:
            row = session.scalar(select(ReportRow).where(ReportRow.code == code))
            return _to_report(row) if row else None

    def get_with_token(self, code: str, token: str) -> Report | None:
        """The report when ``token`` is its private token; None for a wrong token or code alike.

        The token hash is compared in constant time, and a dummy comparison runs for a missing
        code, so the answer does not reveal whether the code exists. Only the id and the token
        hash are read before the token matched: a wrong token costs the same as a missing code
        (loading and decoding the report's JSON would take measurably longer)."""
        with self.session() as session:
            found = session.execute(
                select(ReportRow.id, ReportRow.token_hash).where(ReportRow.code == code)
            ).first()
            expected = found.token_hash if found else "0" * 64
            if not hmac.compare_digest(expected, hash_token(token or "")) or found is None:
                return None
            row = session.get(ReportRow, found.id)
            return _to_report(row) if row else None

    def count(self) -> int:
        from sqlalchemy import func

        with self.session() as session:
            return int(session.scalar(select(func.count(ReportRow.id))) or 0)


def _with_code(report: Report, code: str) -> Report:
    from dataclasses import replace

    return replace(report, code=code)


def store_from_app_config(config: dict[str, Any]) -> ReportStore:
    """The app's store; the schema is upgraded on start-up unless MIGRATE_ON_START is off."""
    store = ReportStore(
        config["DATABASE_URL"],
        sqlite_synchronous=config.get("SQLITE_SYNCHRONOUS", "FULL"),
        pool_size=config.get("DB_POOL_SIZE", 10),
    )
    if config.get("MIGRATE_ON_START", True):
        store.create_schema()
    return store
