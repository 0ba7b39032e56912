"""Retention: reports older than ``RETENTION_DAYS`` are deleted by ``browsercheck purge`` and by
the server itself.

The server purges "on request, throttled": after a response has been sent, at most once per
``PURGE_INTERVAL_MINUTES``. The interval is claimed with one conditional UPDATE in the database,
so with several processes (gunicorn workers, several hosts on one database) exactly one of them
purges per interval, and no thread is left running to be stopped.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import UTC, datetime, timedelta

from flask import Flask, Response
from sqlalchemy import or_, update
from sqlalchemy.exc import IntegrityError

from .storage.desk import SupportStore
from .storage.reports import ReportStore
from .storage.tables import MaintenanceRow
from .storage.webhooks import WebhookStore

JOB = "purge"
#: Login attempts and idle sessions are kept this long (the lockout needs minutes of them).
LOGIN_RECORDS_DAYS = 30
log = logging.getLogger(__name__)


def retention_cutoff(now: datetime, days: int) -> datetime:
    """UTC midnight ``days`` days before ``now``: reports created before it are expired.

    A whole-day cutoff keeps the statistics roll-up's days exact."""
    day = (now.astimezone(UTC) - timedelta(days=days)).date()
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def purge_expired(reports: ReportStore, days: int, now: datetime | None = None) -> dict[str, int]:
    """Delete expired reports (with their screenshots, roll-up days and webhook deliveries)
    and old login records; returns how many of each were deleted."""
    now = now or datetime.now(UTC)
    cutoff = retention_cutoff(now, days)
    counts = SupportStore(reports).purge(
        cutoff, attempts_cutoff=now - timedelta(days=LOGIN_RECORDS_DAYS)
    )
    # the outbox keeps copies of what it sends (a personal endpoint's: the user's fields)
    counts["webhook_deliveries"] = WebhookStore(reports.session).purge(cutoff)
    return counts


def claim_run(
    reports: ReportStore,
    interval: timedelta,
    now: datetime | None = None,
    job: str = JOB,
    held: datetime | None = None,
) -> bool:
    """True for exactly one caller per ``interval`` across every process using the database.

    ``job`` names the claim; ``held`` is the ``now`` of this caller's last successful claim,
    which renews it before the interval is over (a lease: the webhook sender holds one)."""
    now = now or datetime.now(UTC)
    expired = MaintenanceRow.last_run_at <= now - interval
    with reports.session() as session:
        claimed = session.execute(
            update(MaintenanceRow)
            .where(
                MaintenanceRow.name == job,
                expired if held is None else or_(expired, MaintenanceRow.last_run_at == held),
            )
            .values(last_run_at=now)
        )
        if claimed.rowcount:  # type: ignore[attr-defined]
            session.commit()
            return True
        if session.get(MaintenanceRow, job) is not None:
            return False
        session.add(MaintenanceRow(name=job, last_run_at=now))
        try:
            session.commit()
        except IntegrityError:  # another process inserted it first: it runs
            return False
        return True


class PurgeSchedule:
    """Throttled purges triggered by requests: a cheap in-process check first, then the
    database claim (see :func:`claim_run`)."""

    def __init__(self, reports: ReportStore, days: int, interval: timedelta) -> None:
        self.reports, self.days, self.interval = reports, days, interval
        self._lock = threading.Lock()
        self._next_check = 0.0  # time.monotonic() of the next look at the database

    def due(self) -> bool:
        """Whether this process should look at the database now (once per interval)."""
        with self._lock:
            now = time.monotonic()
            if now < self._next_check:
                return False
            self._next_check = now + self.interval.total_seconds()
            return True

    def run_if_claimed(self) -> dict[str, int] | None:
        """Purge when this process wins the interval's claim; never raises (it runs after a
        response was sent: a failure is logged and tried again next interval)."""
        try:
            if not claim_run(self.reports, self.interval):
                return None
            counts = purge_expired(self.reports, self.days)
            log.info("retention purge: %s", counts)
            return counts
        except Exception:  # noqa: BLE001 - logged; the next interval tries again
            log.exception("retention purge failed")
            return None


def init_app(app: Flask) -> None:
    """Purge on the app's requests every ``PURGE_INTERVAL_MINUTES`` (0 turns it off)."""
    minutes = int(app.config["PURGE_INTERVAL_MINUTES"])
    if minutes <= 0:
        return
    schedule = PurgeSchedule(
        app.extensions["browsercheck.store"],
        int(app.config["RETENTION_DAYS"]),
        timedelta(minutes=minutes),
    )
    app.extensions["browsercheck.purge"] = schedule

    @app.after_request
    def _purge_after_response(response: Response) -> Response:
        if schedule.due():
            response.call_on_close(schedule.run_if_claimed)
        return response
