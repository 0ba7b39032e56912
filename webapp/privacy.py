"""Personal data: the client address kept only as a keyed hash, and logs kept free of what the
user told support.

- :func:`client_address_hash` -- HMAC-SHA256 of the client address under a key derived from
  ``SECRET_KEY``: reports from one address can be told apart (abuse, rate limits) without storing
  the address. Anyone holding the key could test guesses, so the key stays as secret as sessions.
- :func:`protect` / :func:`protect_document` -- register the current request's private strings
  (the context fields); every log record made while that request runs has them replaced by
  ``[redacted]``, whichever logger wrote it (Flask, SQLAlchemy, waitress, ...). Private tokens in
  logged URLs (``?t=...``) and SQLAlchemy's DEBUG result rows are redacted in every record, and
  the database engines never put statement parameters in errors or logs (``hide_parameters``).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import logging
import re
from collections.abc import Iterable
from typing import Any

from flask import Flask, current_app, g, has_request_context, request

REDACTED = "[redacted]"
#: A private token in a logged URL (``/r/CODE?t=...``, ``/api/v1/reports/CODE?t=...``).
_TOKEN_IN_URL = re.compile(r"([?&]t=)[^&\s\"']+")
_G_KEY = "_browsercheck_private"
#: Loggers whose "Row ..." records print stored reports (context included) whole.
_ROW_LOGGERS = ("sqlalchemy.engine",)


def _address_key(secret: str) -> bytes:
    # A purpose-bound key: the session key itself never hashes addresses.
    return hmac.new(secret.encode("utf-8"), b"browsercheck client-address v1", "sha256").digest()


def address_hash(address: str, secret: str) -> str:
    """HMAC-SHA256 (hex) of ``address`` (canonical form) under a key derived from ``secret``."""
    try:
        address = ipaddress.ip_address(address).compressed
    except ValueError:
        pass  # not an IP (a unix socket, a test client): hash it as given
    return hmac.new(_address_key(secret), address.encode("utf-8"), hashlib.sha256).hexdigest()


def client_address_hash() -> str:
    """The keyed hash of the current request's client address (after trusted proxies)."""
    return address_hash(request.remote_addr or "", current_app.config["SECRET_KEY"])


# --- the log scrubber -------------------------------------------------------------------------


def protect(values: Iterable[Any]) -> None:
    """Keep every non-empty string of ``values`` out of log records made during this request."""
    if not has_request_context():
        return
    private: set[str] = g.setdefault(_G_KEY, set())
    for value in values:
        if isinstance(value, str) and value:
            # Logs may carry the value as written, JSON-escaped or repr()-escaped.
            private.update(
                form for form in (value, json.dumps(value)[1:-1], repr(value)[1:-1]) if form
            )


def protect_document(document: Any) -> None:
    """Protect the ``context`` strings of a decoded (not yet validated) report payload."""
    context = document.get("context") if isinstance(document, dict) else None
    if isinstance(context, dict):
        protect(context.values())


def scrub(text: str, private: Iterable[str] = ()) -> tuple[str, int]:
    """``text`` with each of ``private`` and any URL token replaced; and how many were replaced."""
    count = 0
    for value in sorted(private, key=len, reverse=True):
        if value in text:
            count += text.count(value)
            text = text.replace(value, REDACTED)
    text, tokens = _TOKEN_IN_URL.subn(rf"\g<1>{REDACTED}", text)
    return text, count + tokens


def _private_strings() -> set[str]:
    if not has_request_context():
        return set()
    found: set[str] = g.get(_G_KEY) or set()
    return found


def _denied(record: logging.LogRecord) -> bool:
    # SQLAlchemy at DEBUG logs every result row, before any view knows which strings are private.
    return record.name.startswith(_ROW_LOGGERS) and str(record.msg).startswith("Row ")


def _scrub_record(record: logging.LogRecord) -> None:
    if _denied(record):
        record.msg, record.args, record.browsercheck_redacted = f"Row {REDACTED}", None, 1
        return
    private = _private_strings()
    try:
        message = record.getMessage()
    except Exception:  # a bad format string is the caller's bug; leave the record be
        return
    message, removed = scrub(message, private)
    if removed:
        record.msg, record.args = message, None
    if record.exc_info and not record.exc_text:
        text, count = scrub(logging.Formatter().formatException(record.exc_info), private)
        if count:
            # Handlers print exc_text; nothing may reach the unscrubbed exception afterwards.
            record.exc_text, record.exc_info = text, None
            removed += count
    if record.stack_info:
        record.stack_info, count = scrub(record.stack_info, private)
        removed += count
    if removed:
        record.browsercheck_redacted = removed  # what the scrubber removed, for the curious


def install_log_scrubber() -> None:
    """Wrap the process's log-record factory once so every record is scrubbed as it is made.

    A record factory, not a handler filter: it sees records of every logger, whichever handler
    (console, file, pytest's capture) later writes them.
    """
    factory = logging.getLogRecordFactory()
    if getattr(factory, "browsercheck_scrubber", False):
        return

    def scrubbing_factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = factory(*args, **kwargs)
        _scrub_record(record)
        return record

    scrubbing_factory.browsercheck_scrubber = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(scrubbing_factory)


def init_app(app: Flask) -> None:
    install_log_scrubber()
