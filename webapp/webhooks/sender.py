"""Sending the outbox: sign, POST without following redirects, record, retry."""

from __future__ import annotations

import http.client
import ipaddress
import logging
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import orjson
from standardwebhooks.webhooks import Webhook

from ..retention import claim_run
from ..storage.reports import ReportStore
from ..storage.webhooks import Attempt, Delivery, WebhookStore

#: The database claim that makes one process the sender (see webapp/retention.py claim_run).
LEASE_JOB = "webhooks"
#: A sender that stops renewing (killed) is replaced after this long: longer than one pass can
#: take (BATCH / SENDERS attempts of TIMEOUT_SECONDS each), so no two processes send at once.
LEASE = timedelta(seconds=30)
#: The holder renews this often, and others try to take over this often.
RENEW_EVERY = timedelta(seconds=3)
#: Seconds between looks at the outbox; seconds one attempt may take.
POLL_SECONDS = 0.25
TIMEOUT_SECONDS = 10.0
#: Deliveries sent at once by the sender (to any endpoints; the spec promises no order).
SENDERS = 8
#: Deliveries looked at per pass; most bytes of a response read (then ignored).
BATCH = 16
MAX_RESPONSE_BYTES = 65536
log = logging.getLogger(__name__)


def _loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_endpoint_url(url: str) -> str:
    """``url`` when it may receive webhooks: https, or http to a loopback address (tests);
    no credentials in it. Raises ValueError saying why not."""
    parts = urlsplit(url.strip())
    if len(url) > 2048 or not parts.hostname:
        raise ValueError("expected an absolute URL like https://desk.example/hooks")
    if parts.username or parts.password:
        raise ValueError("the URL must not carry credentials")
    if parts.scheme == "https" or (parts.scheme == "http" and _loopback(parts.hostname)):
        return url.strip()
    raise ValueError("webhook endpoints must use https (http only for loopback addresses)")


def post(url: str, body: bytes, headers: dict[str, str]) -> tuple[bool, str]:
    """POST ``body``; (2xx?, what happened). A redirect is an answer like any other: never
    followed, so it counts as a failure (a signed event must not go where it was sent on)."""
    check_endpoint_url(url)
    parts = urlsplit(url)
    connection_class = (
        http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    )
    connection = connection_class(parts.hostname or "", parts.port, timeout=TIMEOUT_SECONDS)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request("POST", target, body, headers)
        response = connection.getresponse()
        response.read(MAX_RESPONSE_BYTES)
        return 200 <= response.status < 300, f"HTTP {response.status}"
    except (OSError, http.client.HTTPException) as exc:
        return False, f"{type(exc).__name__}: {exc}"[:255]
    finally:
        connection.close()


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


class WebhookSender:
    """Sends due deliveries while this process holds the lease; ``close()`` is idempotent."""

    def __init__(
        self,
        reports: ReportStore,
        schedule: list[float],
        public_url: str,
        poll: float = POLL_SECONDS,
    ) -> None:
        self.reports = reports
        self.outbox = WebhookStore(reports.session)
        self.schedule = [timedelta(seconds=wait) for wait in schedule]
        self.public_url = public_url.rstrip("/")
        self.poll = poll
        self._held: datetime | None = None  # when this process last claimed the lease
        self._last_try: datetime | None = None  # when it last asked for it
        self._guard = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._pid = 0

    # --- the thread ---

    def start(self) -> None:
        """Start the sending thread in this process (again after a fork); cheap when running."""
        if self._pid == os.getpid():
            return
        with self._guard:
            if self._pid == os.getpid() or self._stop.is_set():
                return
            self._pid, self._held = os.getpid(), None
            self._thread = threading.Thread(
                target=self._run, name="browsercheck-webhooks", daemon=True
            )
            self._thread.start()

    def close(self) -> None:
        self._stop.set()
        thread = self._thread if self._pid == os.getpid() else None
        if thread is not None and thread is not threading.current_thread():
            thread.join(TIMEOUT_SECONDS + 5)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                sent = self.send_due()
            except Exception:  # noqa: BLE001 - logged; the next pass tries again
                log.exception("webhook sender pass failed")
                sent = 0
            if sent < BATCH:
                self._stop.wait(self.poll)

    # --- one pass ---

    def holds_lease(self, now: datetime | None = None) -> bool:
        """Whether this process is the sender: claims or renews the database lease at most
        every ``RENEW_EVERY`` (so idle processes do not write to the database each poll)."""
        now = now or datetime.now(UTC)
        if self._held is not None and now - self._held < RENEW_EVERY:
            return True
        last_try = self._last_try
        if self._held is None and last_try is not None and now - last_try < RENEW_EVERY:
            return False
        self._last_try = now
        claimed = claim_run(self.reports, LEASE, now, job=LEASE_JOB, held=self._held)
        self._held = now if claimed else None
        return claimed

    def send_due(self, now: datetime | None = None) -> int:
        """Attempt every due delivery once (when this process holds the lease), up to
        ``SENDERS`` at a time, and record the outcomes in one transaction; returns how many
        were attempted."""
        if not self.holds_lease(now):
            return 0
        due = self.outbox.due(now or datetime.now(UTC), BATCH)
        if not due:
            return 0
        with ThreadPoolExecutor(min(SENDERS, len(due))) as pool:
            attempts = list(pool.map(self._send, due))
        self.outbox.record_attempts(attempts)
        return len(attempts)

    def body(self, delivery: Delivery) -> bytes:
        """The event as sent: ``type``, ``timestamp`` (when it happened) and ``data``, the
        stored payload with the desk link. The same bytes on every attempt."""
        data: dict[str, Any] = dict(delivery.payload)
        if delivery.report_code:
            data["desk_url"] = f"{self.public_url}/support/reports/{data['code']}"
        document = {
            "type": delivery.event,
            "timestamp": _utc(delivery.created_at).isoformat().replace("+00:00", "Z"),
            "data": data,
        }
        return orjson.dumps(document)

    def attempt(self, delivery: Delivery) -> bool:
        """Send ``delivery`` once and record the outcome; True when the endpoint took it."""
        outcome = self._send(delivery)
        self.outbox.record_attempts([outcome])
        return outcome.ok

    def _send(self, delivery: Delivery) -> Attempt:
        now = datetime.now(UTC)
        body = self.body(delivery)
        signature = Webhook(delivery.secret).sign(delivery.msg_id, now, body.decode("utf-8"))
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "browsercheck-webhooks",
            "webhook-id": delivery.msg_id,
            "webhook-timestamp": str(int(now.timestamp())),
            "webhook-signature": signature,
        }
        try:
            ok, result = post(delivery.url, body, headers)
        except ValueError as exc:  # the endpoint's URL is no longer acceptable
            ok, result = False, str(exc)
        left = delivery.attempts < len(self.schedule)
        retry_in = self.schedule[delivery.attempts] if left else None
        return Attempt(delivery.id, ok, result, datetime.now(UTC), retry_in)
