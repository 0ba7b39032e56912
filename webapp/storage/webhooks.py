"""Webhook endpoints and the outbox of deliveries (issue 17).

Events are written to ``webhook_deliveries`` by :func:`enqueue_events` inside the transaction
that makes them (the report's insert, the user's context update), one row per subscribed
endpoint: a report committed has its deliveries committed, so a crash loses none. The sender
(webapp/webhooks/) reads due rows and records each attempt here. The payload is what the
endpoint may see: never the report's private token, the user's free-text fields only for an
endpoint created with ``personal``.
"""

from __future__ import annotations

import base64
import secrets
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from reports.model import format_code

from .groupcommit import sqlite_write_lock
from .tables import WebhookDeliveryRow, WebhookEndpointRow

EVENTS: tuple[str, ...] = ("report.created", "report.context_added", "report.replied")
PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"


def new_secret() -> str:
    """A Standard Webhooks signing secret: ``whsec_`` and 32 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode("ascii")


@dataclass(frozen=True, slots=True)
class Endpoint:
    id: int
    url: str
    events: tuple[str, ...]
    personal: bool
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Attempt:
    """One attempt's outcome; ``retry_in`` None: no retry left."""

    delivery_id: int
    ok: bool
    result: str
    at: datetime
    retry_in: timedelta | None


@dataclass(frozen=True, slots=True)
class Delivery:
    id: int
    msg_id: str
    endpoint_id: int
    url: str
    secret: str
    event: str
    report_code: str
    payload: dict[str, Any]
    status: str
    attempts: int
    created_at: datetime
    next_attempt_at: datetime
    last_result: str


def event_payload(values: Mapping[str, Any], personal: bool) -> dict[str, Any]:
    """The ``data`` of an event from a report row's column values: code, verdict, summary and
    finding ids; the user's context only when ``personal``. The desk link is added when sent
    (it needs the server's public address)."""
    verdict = values.get("verdict") or {}
    environment = values.get("environment") or {}
    browser = environment.get("browser") or {}
    data: dict[str, Any] = {
        "code": format_code(values["code"]),
        "verdict": values.get("status") or verdict.get("status"),
        "summary": {
            "browser": " ".join(
                str(part) for part in (browser.get("family"), browser.get("version")) if part
            )
            or values.get("browser_family"),
            "os": values.get("os_family"),
            "device": values.get("device_type"),
            "rule": verdict.get("rule"),
        },
        "finding_ids": [f["id"] for f in values.get("findings") or [] if "id" in f],
    }
    if personal:
        data["context"] = dict(values.get("context") or {})
    return data


def enqueue_events(
    conn: Connection, event: str, rows: Iterable[Mapping[str, Any]], now: datetime
) -> int:
    """Add one delivery of ``event`` per report row and subscribed endpoint, in the caller's
    transaction; returns how many. One query for the endpoints, one insert for all rows."""
    endpoints = conn.execute(
        select(WebhookEndpointRow.id, WebhookEndpointRow.personal).where(
            WebhookEndpointRow.events.contains(f" {event} ")
        )
    ).all()
    if not endpoints:
        return 0
    deliveries = [
        {
            "msg_id": f"msg_{uuid.uuid4().hex}",
            "endpoint_id": endpoint.id,
            "event": event,
            "report_code": values["code"],
            "payload": event_payload(values, endpoint.personal),
            "status": PENDING,
            "attempts": 0,
            "created_at": now,
            "next_attempt_at": now,
            "last_result": "",
        }
        for values in rows
        for endpoint in endpoints
    ]
    conn.execute(insert(WebhookDeliveryRow), deliveries)
    return len(deliveries)


class WebhookStore:
    """Endpoints and deliveries on the report store's engine (sessions from ``sessions()``)."""

    def __init__(self, sessions: Any) -> None:
        self.session: Any = sessions

    # --- endpoints ---

    def add_endpoint(
        self, url: str, events: Iterable[str], personal: bool, now: datetime
    ) -> tuple[Endpoint, str]:
        """Create an endpoint; returns it and its signing secret (shown once)."""
        chosen = tuple(dict.fromkeys(events))
        unknown = [e for e in chosen if e not in EVENTS]
        if unknown or not chosen:
            raise ValueError(f"unknown event {unknown[0]!r}" if unknown else "no events")
        secret = new_secret()
        with self.session() as session:
            row = WebhookEndpointRow(
                url=url,
                secret=secret,
                events=f" {' '.join(chosen)} ",
                personal=personal,
                created_at=now,
            )
            session.add(row)
            session.commit()
            return _endpoint(row), secret

    def endpoints(self) -> list[Endpoint]:
        with self.session() as session:
            rows = session.scalars(select(WebhookEndpointRow).order_by(WebhookEndpointRow.id))
            return [_endpoint(row) for row in rows]

    def remove_endpoint(self, endpoint_id: int) -> bool:
        """Delete the endpoint and its deliveries; False when there is none with that id."""
        with self.session() as session:
            gone = session.execute(
                delete(WebhookEndpointRow).where(WebhookEndpointRow.id == endpoint_id)
            )
            session.execute(
                delete(WebhookDeliveryRow).where(WebhookDeliveryRow.endpoint_id == endpoint_id)
            )
            session.commit()
            return bool(gone.rowcount)  # type: ignore[attr-defined]

    def enqueue_test(self, endpoint_id: int, now: datetime) -> str | None:
        """Queue a ``webhook.test`` delivery to one endpoint; its message id, or None."""
        with self.session() as session:
            if session.get(WebhookEndpointRow, endpoint_id) is None:
                return None
            msg_id = f"msg_{uuid.uuid4().hex}"
            session.add(
                WebhookDeliveryRow(
                    msg_id=msg_id,
                    endpoint_id=endpoint_id,
                    event="webhook.test",
                    report_code="",
                    payload={"test": True},
                    status=PENDING,
                    attempts=0,
                    created_at=now,
                    next_attempt_at=now,
                    last_result="",
                )
            )
            session.commit()
            return msg_id

    # --- deliveries ---

    def due(self, now: datetime, limit: int = 100) -> list[Delivery]:
        """Pending deliveries whose next attempt is due, oldest first."""
        statement = (
            _delivery_select()
            .where(WebhookDeliveryRow.status == PENDING, WebhookDeliveryRow.next_attempt_at <= now)
            .order_by(WebhookDeliveryRow.next_attempt_at, WebhookDeliveryRow.id)
            .limit(limit)
        )
        with self.session() as session:
            return [_delivery(row) for row in session.execute(statement)]

    def deliveries(self, limit: int = 50, status: str | None = None) -> list[Delivery]:
        """The newest deliveries (of ``status``, if given), newest first."""
        statement = _delivery_select().order_by(WebhookDeliveryRow.id.desc()).limit(limit)
        if status:
            statement = statement.where(WebhookDeliveryRow.status == status)
        with self.session() as session:
            return [_delivery(row) for row in session.execute(statement)]

    def record_attempt(
        self, delivery_id: int, ok: bool, result: str, now: datetime, retry_in: timedelta | None
    ) -> None:
        """Record one attempt: delivered when ``ok``; else pending again after ``retry_in``,
        or failed when there is no retry left (``retry_in`` None)."""
        self.record_attempts([Attempt(delivery_id, ok, result, now, retry_in)])

    def record_attempts(self, attempts: list[Attempt]) -> None:
        """Record several attempts in one transaction (one flush to disk for a sender's pass)."""
        with self.session() as session, sqlite_write_lock(session.get_bind()):
            for attempt in attempts:
                values: dict[str, Any] = {
                    "attempts": WebhookDeliveryRow.attempts + 1,
                    "last_attempt_at": attempt.at,
                    "last_result": attempt.result[:255],
                }
                if attempt.ok:
                    values["status"] = DELIVERED
                elif attempt.retry_in is None:
                    values["status"] = FAILED
                else:
                    values["next_attempt_at"] = attempt.at + attempt.retry_in
                session.execute(
                    update(WebhookDeliveryRow)
                    .where(WebhookDeliveryRow.id == attempt.delivery_id)
                    .values(values)
                )
            session.commit()

    def purge(self, before: datetime) -> int:
        """Delete deliveries of events older than ``before`` (the retention cutoff)."""
        with self.session() as session:
            gone = session.execute(
                delete(WebhookDeliveryRow).where(WebhookDeliveryRow.created_at < before)
            )
            session.commit()
            return int(gone.rowcount)  # type: ignore[attr-defined]


def _endpoint(row: WebhookEndpointRow) -> Endpoint:
    return Endpoint(row.id, row.url, tuple(row.events.split()), row.personal, row.created_at)


def _delivery_select() -> Any:
    return select(WebhookDeliveryRow, WebhookEndpointRow.url, WebhookEndpointRow.secret).join(
        WebhookEndpointRow, WebhookEndpointRow.id == WebhookDeliveryRow.endpoint_id
    )


def _delivery(found: Any) -> Delivery:
    row: WebhookDeliveryRow = found[0]
    return Delivery(
        id=row.id,
        msg_id=row.msg_id,
        endpoint_id=row.endpoint_id,
        url=found.url,
        secret=found.secret,
        event=row.event,
        report_code=row.report_code,
        payload=dict(row.payload),
        status=row.status,
        attempts=row.attempts,
        created_at=row.created_at,
        next_attempt_at=row.next_attempt_at,
        last_result=row.last_result,
    )


def enqueue_in_session(
    session: Session, event: str, rows: Iterable[Mapping[str, Any]], now: datetime
) -> int:
    """:func:`enqueue_events` in an ORM session's transaction (the desk's context update)."""
    return enqueue_events(session.connection(), event, rows, now)
