"""Idempotent reports: ``POST /api/v1/reports`` with an ``Idempotency-Key`` header (the IETF
httpapi draft, https://datatracker.ietf.org/doc/draft-ietf-httpapi-idempotency-key-header/).

A probe that timed out cannot tell whether its report was stored, so it sends the same key
again: within :data:`WINDOW` the same key with the same body answers the same 201 (same code,
same private link) and stores nothing more; the same key with another body is a 422. The
database keeps only SHA-256 hashes of the key and of the body (``reports.idempotency_key``,
``reports.request_hash``). The private token of a keyed report is derived from the key under
the secret key, so a replay can give the same link again without the token being stored: the
key is as secret as the token, and the probe makes it from ``crypto.getRandomValues``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from datetime import UTC, datetime, timedelta

from flask import current_app, request

from reports.model import Report

from .errors import ApiError
from .services import store

HEADER = "Idempotency-Key"
#: How long a key answers with its first report.
WINDOW = timedelta(hours=24)
#: The draft's key is a Structured Field string; we take printable ASCII, quoted or not.
_KEY = re.compile(r"[!#-\[\]-~]{8,255}")


def request_key() -> str | None:
    """The request's Idempotency-Key, or None; 400 ``invalid_idempotency_key`` when malformed."""
    raw = request.headers.get(HEADER)
    if raw is None:
        return None
    value = raw.strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        value = value[1:-1]
    if not _KEY.fullmatch(value):
        raise ApiError(
            400,
            "invalid_idempotency_key",
            f"{HEADER} must be 8 to 255 printable ASCII characters without quotes or spaces",
        )
    return value


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def token_for(key: str) -> str:
    """The private token of the report made with ``key``: the same on every replay, 192 bits
    in the shape of :func:`reports.model.new_token`."""
    secret = current_app.config["SECRET_KEY"].encode("utf-8")
    purpose = hmac.new(secret, b"browsercheck idempotency token v1", "sha256").digest()
    digest = hmac.new(purpose, key.encode("ascii"), "sha256").digest()[:24]
    return base64.urlsafe_b64encode(digest).decode("ascii")


def find_replay(key: str, body_hash: str) -> tuple[Report, str] | None:
    """The report and token to answer again for ``key``, or None when the key is new (or
    its report is past :data:`WINDOW`: then the key is free again). 422 for another body."""
    found = store().by_idempotency_key(sha256_hex(key.encode("ascii")))
    if found is None:
        return None
    report, _token_hash, request_hash = found
    if datetime.now(UTC) - report.created_at > WINDOW:
        store().release_idempotency_key(sha256_hex(key.encode("ascii")))
        return None
    if not hmac.compare_digest(request_hash, body_hash):
        raise ApiError(
            422,
            "idempotency_key_reused",
            f"this {HEADER} came with another body: send a new key for a new report",
        )
    return report, token_for(key)
