"""Database tables (SQLAlchemy 2.0 ORM) and the engine set-up (SQLite in WAL mode)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Index, String, Text, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class ReportRow(Base):
    __tablename__ = "reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(8), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    lang: Mapped[str] = mapped_column(String(2))
    source: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    browser_family: Mapped[str] = mapped_column(String(64))
    os_family: Mapped[str] = mapped_column(String(64))
    device_type: Mapped[str] = mapped_column(String(16))
    user_agent: Mapped[str] = mapped_column(Text)
    environment: Mapped[dict[str, Any]] = mapped_column(JSON)
    findings: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    verdict: Mapped[dict[str, Any]] = mapped_column(JSON)
    probe: Mapped[dict[str, Any]] = mapped_column(JSON)
    context: Mapped[dict[str, Any]] = mapped_column(JSON)
    headers: Mapped[dict[str, Any]] = mapped_column(JSON)
    #: HMAC of the client address (webapp/privacy.py); the address itself is never stored.
    ip_hash: Mapped[str | None] = mapped_column(String(64), nullable=True, default=None)

    __table_args__ = (Index("ix_reports_status_created", "status", "created_at"),)


def make_engine(url: str) -> Engine:
    """Create the engine for ``url``; SQLite gets WAL, a busy timeout and foreign keys."""
    if url.startswith("sqlite"):
        engine = create_engine(
            url, connect_args={"timeout": 30, "check_same_thread": False}, hide_parameters=True
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    # hide_parameters: error messages and SQL logs must not carry what users typed into reports
    return create_engine(url, pool_pre_ping=True, hide_parameters=True)
