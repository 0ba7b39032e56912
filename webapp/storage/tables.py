"""Database tables (SQLAlchemy 2.0 ORM) and the engine set-up (SQLite in WAL mode, PostgreSQL).

The schema itself is created and changed only by the Alembic revisions in webapp/storage/migrations/
(see DEVELOPERS.md, "Changing the schema"); a test fails when these models and the migrations
disagree.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import orjson
from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    create_engine,
    event,
)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

#: Stable constraint names, so that migrations (and SQLite's batch mode) can refer to them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


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
    # Support desk (issue 7): denormalised for lookups and filters (see webapp/storage/desk.py).
    browser_id: Mapped[str | None] = mapped_column(String(64), index=True, default=None)
    finding_ids: Mapped[str] = mapped_column(Text, default="")  # " id1 id2 " for LIKE '% id %'
    context_text: Mapped[str] = mapped_column(Text, default="")  # case-folded user fields
    # Idempotent retries (issue 15): SHA-256 of the client's Idempotency-Key and of the body it
    # came with; a retry with the same key finds this report instead of making a second one.
    idempotency_key: Mapped[str | None] = mapped_column(String(64), default=None)
    request_hash: Mapped[str | None] = mapped_column(String(64), default=None)
    #: The outcome the user read (matrix/outcome.py); ``status`` stays the policy's verdict.
    outcome: Mapped[str] = mapped_column(String(24), default="unknown", server_default="unknown")
    # The desk's handled/unhandled state (issue 21): when and by which agent; NULL: unhandled.
    handled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    handled_by: Mapped[str | None] = mapped_column(String(254), default=None)

    __table_args__ = (
        Index("ix_reports_status_created", "status", "created_at"),
        # the support dashboard filters by each of these within a date range (revision 0002)
        Index("ix_reports_browser_created", "browser_family", "created_at"),
        Index("ix_reports_os_created", "os_family", "created_at"),
        Index("ix_reports_device_created", "device_type", "created_at"),
        # a unique index, not a constraint: SQLite adds it without rebuilding the table (0005)
        Index("ix_reports_idempotency_key", "idempotency_key", unique=True),
        Index("ix_reports_outcome_created", "outcome", "created_at"),
    )


# --- Support desk (issue 7): agents, their sessions and logins, screenshots, the stats roll-up ---


class UserRow(Base):
    """A support agent's account; ``password_hash`` is an argon2id hash (storage/accounts.py)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), default="agent")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)


class AgentSessionRow(Base):
    """A server-side login session: the cookie holds a random id, the table its hash, so logout
    and removing an account end the session for real."""

    __tablename__ = "agent_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class LoginAttemptRow(Base):
    """One login attempt; recent failures per account and per client decide the lockout."""

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    email: Mapped[str] = mapped_column(String(254))
    client: Mapped[str] = mapped_column(String(64))
    ok: Mapped[bool] = mapped_column(Boolean)

    __table_args__ = (
        Index("ix_login_attempts_email_at", "email", "at"),
        Index("ix_login_attempts_client_at", "client", "at"),
    )


class ScreenshotRow(Base):
    """The one screenshot a user attached to a report (re-encoded, metadata stripped)."""

    __tablename__ = "report_screenshots"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(
        ForeignKey("reports.id", ondelete="CASCADE"), unique=True
    )
    mimetype: Mapped[str] = mapped_column(String(32))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ReportRollupRow(Base):
    """Reports counted per UTC day and per combination of the dimensions the statistics use;
    kept up to date on insert and purge so that statistics never scan the reports table."""

    __tablename__ = "report_rollup"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16))
    browser_family: Mapped[str] = mapped_column(String(64))
    os_family: Mapped[str] = mapped_column(String(64))
    device_type: Mapped[str] = mapped_column(String(16))
    finding_ids: Mapped[str] = mapped_column(Text)
    n: Mapped[int] = mapped_column(Integer)
    outcome: Mapped[str] = mapped_column(String(24), default="unknown", server_default="unknown")

    __table_args__ = (
        UniqueConstraint(
            "day",
            "status",
            "browser_family",
            "os_family",
            "device_type",
            "outcome",
            "finding_ids",
            name="uq_report_rollup_key",
        ),
    )


class MaintenanceRow(Base):
    """When a periodic job (the retention purge) last ran; claimed atomically across processes."""

    __tablename__ = "maintenance"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    last_run_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


SQLITE_SYNCHRONOUS = ("OFF", "NORMAL", "FULL", "EXTRA")


def _json_dumps(value: Any) -> str:
    """JSON columns are written with orjson: the report's six columns in a fraction of the time."""
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode("utf-8")


JSON_OPTIONS: dict[str, Any] = {"json_serializer": _json_dumps, "json_deserializer": orjson.loads}


class MissingDriver(RuntimeError):
    """The database URL names a driver that is not installed."""


def make_engine(url: str, *, sqlite_synchronous: str = "FULL", pool_size: int = 10) -> Engine:
    """Create the engine for ``url``.

    SQLite gets WAL, a busy timeout, foreign keys and ``sqlite_synchronous`` (FULL: a commit is
    on disk before we answer 201, even across a power cut; NORMAL: only across a crash of the
    process). PostgreSQL (``postgresql+psycopg://``) gets a connection pool of ``pool_size``
    per process that checks connections before use, so the app recovers after a database
    restart. Raises :class:`MissingDriver` with the install hint when psycopg is missing.
    """
    if sqlite_synchronous not in SQLITE_SYNCHRONOUS:
        raise ValueError(f"sqlite_synchronous must be one of {', '.join(SQLITE_SYNCHRONOUS)}")
    if url.startswith("sqlite"):
        in_memory = url in ("sqlite://", "sqlite:///:memory:")
        pool = {} if in_memory else {"pool_size": pool_size, "max_overflow": pool_size}
        engine = create_engine(
            url,
            connect_args={"timeout": 30, "check_same_thread": False},
            **pool,
            **JSON_OPTIONS,
            hide_parameters=True,
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cursor = dbapi_conn.cursor()
            # WAL is a property of the file, set once; setting it again takes a lock that a
            # busy database refuses at once (no busy timeout), so only ask
            if cursor.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA synchronous={sqlite_synchronous}")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    try:
        return create_engine(
            url,
            pool_pre_ping=True,
            pool_size=pool_size,
            max_overflow=pool_size,
            **JSON_OPTIONS,
            # error messages and SQL logs must not carry what users typed
            hide_parameters=True,
        )
    except ModuleNotFoundError as exc:
        raise MissingDriver(
            f"the database URL needs the {exc.name!r} module: "
            "pip install 'browsercheck[postgres]' (psycopg 3, URL postgresql+psycopg://...)"
        ) from exc


# --- Help-desk hand-off (issue 17): webhook endpoints and their outbox, desk API tokens ---


class WebhookEndpointRow(Base):
    """Where Standard Webhooks go. ``secret`` is the signing key (``whsec_<base64>``) and has to
    be kept as it is to sign; ``events`` is ``" report.created report.context_added "``."""

    __tablename__ = "webhook_endpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2048))
    secret: Mapped[str] = mapped_column(String(128))
    events: Mapped[str] = mapped_column(String(255))
    personal: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class WebhookDeliveryRow(Base):
    """The outbox: one row per event and endpoint, written in the transaction that made the
    event, sent and retried by the webhook sender (webapp/webhooks/)."""

    __tablename__ = "webhook_deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    msg_id: Mapped[str] = mapped_column(String(40), unique=True)
    endpoint_id: Mapped[int] = mapped_column(
        ForeignKey("webhook_endpoints.id", ondelete="CASCADE"), index=True
    )
    event: Mapped[str] = mapped_column(String(32))
    report_code: Mapped[str] = mapped_column(String(8))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16))  # pending, delivered, failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    last_result: Mapped[str] = mapped_column(String(255), default="")

    __table_args__ = (Index("ix_webhook_deliveries_status_next", "status", "next_attempt_at"),)


class DeskTokenRow(Base):
    """A desk API token (``browsercheck tokens add``): only its SHA-256 is stored."""

    __tablename__ = "desk_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scope: Mapped[str] = mapped_column(String(16), default="read")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)


class ReplyRow(Base):
    """An agent's answer to the user of a report (issue 17): a plain-text message and the ids
    of the findings whose remedies the agent picked (``" id1 id2 "``); ``seen_at`` is when the
    user first opened their report page after it (NULL: not yet)."""

    __tablename__ = "report_replies"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    agent: Mapped[str] = mapped_column(String(254))
    agent_name: Mapped[str] = mapped_column(String(64), default="")
    message: Mapped[str] = mapped_column(Text)
    finding_ids: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    seen_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)


class BuildRow(Base):
    """A deploy of the portal (issue 18): ``POST /api/v1/builds`` or ``browsercheck builds set``.
    ``site`` is the portal's host as its pages see it ("" for every site without its own)."""

    __tablename__ = "builds"

    id: Mapped[int] = mapped_column(primary_key=True)
    site: Mapped[str] = mapped_column(String(255), default="")
    build: Mapped[str] = mapped_column(String(200))
    deployed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    #: who set it: "api:<token name>" or "cli"
    source: Mapped[str] = mapped_column(String(80), default="cli")

    __table_args__ = (Index("ix_builds_site_deployed", "site", "deployed_at"),)


# --- The sampled page-load beacon (issue 18): a daily count, never a row per page load ---


class BeaconRollupRow(Base):
    """Sampled page loads of the portal (``POST /api/v1/beacon``) counted per UTC day and per
    combination of what the beacon says. Nothing identifies a client: no address, no
    User-Agent string, no cookie, no time finer than the day."""

    __tablename__ = "beacon_rollup"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    build: Mapped[str] = mapped_column(String(64))  # "" when the page names none
    verdict: Mapped[str] = mapped_column(String(16))
    browser_family: Mapped[str] = mapped_column(String(64))
    browser_major: Mapped[int] = mapped_column(Integer)  # 0 when unknown
    os_family: Mapped[str] = mapped_column(String(64))
    device_type: Mapped[str] = mapped_column(String(16))
    controlled: Mapped[bool] = mapped_column(Boolean)
    waiting: Mapped[bool] = mapped_column(Boolean)
    n: Mapped[int] = mapped_column(Integer)
    # the policy view counted (beacon_views.key); "" for rows counted before 0012 (unknown)
    view: Mapped[str] = mapped_column(String(16), server_default="")

    __table_args__ = (
        UniqueConstraint(
            "day",
            "build",
            "verdict",
            "browser_family",
            "browser_major",
            "os_family",
            "device_type",
            "controlled",
            "waiting",
            "view",
            name="uq_beacon_rollup_key",
        ),
    )


class BeaconViewRow(Base):
    """The policy view (:func:`matrix.impact.policy_view`) of the environments the beacon
    counted, one row per distinct view, named by ``beacon_rollup.view``: what ``matrix impact``
    evaluates under two policies for the sampled page loads. It is what the policy's rules read:
    browser, OS and engine with their versions, device type (not brand or model), in-app
    browser and web view, and whether the User-Agent or the client hints said the browser and
    the OS. It holds no User-Agent text, no device brand or model, no address, no
    time finer than the first day it was seen; a view no roll-up row names is deleted with
    the expired days (``SupportStore.purge``)."""

    __tablename__ = "beacon_views"

    key: Mapped[str] = mapped_column(String(16), primary_key=True)
    environment: Mapped[str] = mapped_column(Text)  # the view's JSON text, keys sorted
    first_day: Mapped[date] = mapped_column(Date)
