"""Desk API tokens (issue 17): created once, stored as their SHA-256, revoked by name."""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from .reports import hash_token
from .tables import DeskTokenRow

#: read: the desk API's reports; deploy: only the deploy hook (POST /api/v1/builds, issue 18).
SCOPES: tuple[str, ...] = ("read", "deploy")
#: Tokens start with this, so a leaked one is recognisable (secret scanners, logs).
PREFIX = "bcdesk_"


class TokenError(ValueError):
    """A token cannot be created or revoked; the message says why."""


@dataclass(frozen=True, slots=True)
class DeskToken:
    name: str
    scope: str
    created_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None


class TokenStore:
    def __init__(self, sessions: Any) -> None:
        self.session: Any = sessions

    def add(self, name: str, scope: str, now: datetime) -> str:
        """Create token ``name``; returns the token itself (only its hash is kept)."""
        name = name.strip()
        if not name or len(name) > 64:
            raise TokenError("a token name has 1 to 64 characters")
        if scope not in SCOPES:
            raise TokenError(f"unknown scope {scope!r}")
        token = PREFIX + secrets.token_urlsafe(32)
        with self.session() as session:
            session.add(
                DeskTokenRow(name=name, token_hash=hash_token(token), scope=scope, created_at=now)
            )
            try:
                session.commit()
            except IntegrityError as exc:
                raise TokenError(f"a token named {name!r} exists already") from exc
        return token

    def tokens(self) -> list[DeskToken]:
        with self.session() as session:
            rows = session.scalars(select(DeskTokenRow).order_by(DeskTokenRow.name))
            return [
                DeskToken(r.name, r.scope, r.created_at, r.revoked_at, r.last_used_at) for r in rows
            ]

    def revoke(self, name: str, now: datetime) -> None:
        with self.session() as session:
            done = session.execute(
                update(DeskTokenRow)
                .where(DeskTokenRow.name == name.strip(), DeskTokenRow.revoked_at.is_(None))
                .values(revoked_at=now)
            )
            session.commit()
        if not done.rowcount:  # type: ignore[attr-defined]
            raise TokenError(f"no active token named {name.strip()!r}")

    def is_active(self, name: str) -> bool:
        """Whether token ``name`` exists and is not revoked (names are never reused)."""
        with self.session() as session:
            found = session.scalar(
                select(DeskTokenRow.id).where(
                    DeskTokenRow.name == name, DeskTokenRow.revoked_at.is_(None)
                )
            )
            return found is not None

    def check(self, token: str, now: datetime) -> DeskToken | None:
        """The active token ``token`` is (its use recorded), or None."""
        digest = hash_token(token)
        with self.session() as session:
            row = session.scalar(select(DeskTokenRow).where(DeskTokenRow.token_hash == digest))
            if row is None or row.revoked_at is not None:
                return None
            if not hmac.compare_digest(row.token_hash, digest):
                return None
            if (
                row.last_used_at is None
                or (now - _aware(row.last_used_at, now)).total_seconds() > 60
            ):
                row.last_used_at = now  # at most once a minute: a read API should not write much
                session.commit()
            return DeskToken(row.name, row.scope, row.created_at, row.revoked_at, row.last_used_at)


def _aware(moment: datetime, like: datetime) -> datetime:
    return moment.replace(tzinfo=like.tzinfo) if moment.tzinfo is None else moment
