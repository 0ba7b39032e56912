"""Support agents' accounts: argon2id password hashes, server-side sessions and the login
throttle (failed attempts counted per account and per client in the database, so the limit holds
across processes and restarts)."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cached_property

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from .tables import AgentSessionRow, LoginAttemptRow, UserRow

ROLES: tuple[str, ...] = ("agent", "admin")
MIN_PASSWORD_LENGTH = 12
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,253}$")
#: argon2id with the library's defaults (RFC 9106's low-memory profile: 64 MiB, 3 passes).
STRONG_HASHER = PasswordHasher()


class AccountError(ValueError):
    """A bad e-mail, role or password, or a duplicate account (the message says which)."""


@dataclass(frozen=True, slots=True)
class Agent:
    """A signed-in (or listed) support agent."""

    id: int
    email: str
    role: str
    active: bool = True
    last_login_at: datetime | None = None

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


@dataclass(frozen=True, slots=True)
class Throttle:
    """Failed-login limits: at most ``per_account`` failures for one e-mail and ``per_client``
    from one client address within ``window``; beyond either, logins wait until it passes."""

    per_account: int = 5
    per_client: int = 20
    window: timedelta = timedelta(minutes=15)


def normalize_email(email: str) -> str:
    """The e-mail as stored: trimmed and lower-cased; raises AccountError when it is not one."""
    cleaned = email.strip().lower()
    if len(cleaned) > 254 or not _EMAIL.match(cleaned):
        raise AccountError(f"not an e-mail address: {email!r}")
    return cleaned


def check_password_strength(password: str) -> None:
    """Raise AccountError for a password shorter than MIN_PASSWORD_LENGTH characters."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password needs at least {MIN_PASSWORD_LENGTH} characters")


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _now() -> datetime:
    return datetime.now(UTC)


def _agent(row: UserRow) -> Agent:
    return Agent(row.id, row.email, row.role, row.active, row.last_login_at)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class AccountStore:
    """Accounts, sessions and login attempts in the app's database."""

    def __init__(
        self,
        engine: Engine,
        throttle: Throttle | None = None,
        hasher: PasswordHasher = STRONG_HASHER,
    ) -> None:
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self.throttle = throttle or Throttle()
        self._hasher = hasher

    @cached_property
    def _dummy_hash(self) -> str:
        """Verified against when the e-mail is unknown, so the answer takes as long either way."""
        return self._hasher.hash(secrets.token_hex(16))

    def session(self) -> Session:
        return self._sessions()

    # --- accounts ----------------------------------------------------------------------

    def add_user(self, email: str, password: str, role: str = "agent") -> Agent:
        """Create an account; raises AccountError for a bad or taken e-mail, role or password."""
        if role not in ROLES:
            raise AccountError(f"role must be one of {', '.join(ROLES)}")
        check_password_strength(password)
        row = UserRow(
            email=normalize_email(email),
            password_hash=self._hasher.hash(password),
            role=role,
            active=True,
            created_at=_now(),
        )
        with self.session() as session:
            session.add(row)
            try:
                session.commit()
            except IntegrityError:
                raise AccountError(f"an account for {row.email} exists already") from None
            return _agent(row)

    def set_password(self, email: str, password: str) -> None:
        """Change the password and end the account's sessions; AccountError when unknown."""
        check_password_strength(password)
        with self.session() as session:
            row = session.scalar(select(UserRow).where(UserRow.email == normalize_email(email)))
            if row is None:
                raise AccountError(f"no account for {email}")
            row.password_hash = self._hasher.hash(password)
            session.execute(delete(AgentSessionRow).where(AgentSessionRow.user_id == row.id))
            session.commit()

    def remove_user(self, email: str) -> None:
        """Delete the account and its sessions; AccountError when unknown."""
        with self.session() as session:
            row = session.scalar(select(UserRow).where(UserRow.email == normalize_email(email)))
            if row is None:
                raise AccountError(f"no account for {email}")
            session.execute(delete(AgentSessionRow).where(AgentSessionRow.user_id == row.id))
            session.delete(row)
            session.commit()

    def users(self) -> list[Agent]:
        with self.session() as session:
            return [_agent(r) for r in session.scalars(select(UserRow).order_by(UserRow.email))]

    # --- logins --------------------------------------------------------------------------

    def locked_for(self, email: str, client: str, now: datetime | None = None) -> timedelta:
        """How long logins for ``email`` or from ``client`` must wait (zero when they may try).

        The wait ends when the oldest failure that counts leaves the window."""
        now = now or _now()
        since = now - self.throttle.window
        email = email.strip().lower()[:254]
        wait = timedelta(0)
        with self.session() as session:
            # An account's count starts again after a successful login; a client's does not
            # (one valid account must not reset an attacker's count for the others).
            last_ok = session.scalar(
                select(func.max(LoginAttemptRow.at)).where(
                    LoginAttemptRow.email == email,
                    LoginAttemptRow.ok.is_(True),
                    LoginAttemptRow.at >= since,
                )
            )
            for column, value, limit, start in (
                (
                    LoginAttemptRow.email,
                    email,
                    self.throttle.per_account,
                    max(since, _aware(last_ok)) if last_ok else since,
                ),
                (LoginAttemptRow.client, client[:64], self.throttle.per_client, since),
            ):
                failures = list(
                    session.scalars(
                        select(LoginAttemptRow.at)
                        .where(
                            column == value,
                            LoginAttemptRow.at >= start,
                            LoginAttemptRow.ok.is_(False),
                        )
                        .order_by(LoginAttemptRow.at.desc())
                        .limit(limit)
                    )
                )
                if len(failures) >= limit:
                    wait = max(wait, _aware(failures[-1]) + self.throttle.window - now)
        return wait

    def authenticate(self, email: str, password: str, client: str) -> Agent | None:
        """The active agent whose ``email`` and ``password`` these are, or None; records the
        attempt either way (callers check :meth:`locked_for` first)."""
        email = email.strip().lower()[:254]
        with self.session() as session:
            row = session.scalar(select(UserRow).where(UserRow.email == email))
            try:
                self._hasher.verify(row.password_hash if row else self._dummy_hash, password)
                ok = row is not None and row.active
            except (VerificationError, InvalidHashError):
                ok = False
            session.add(LoginAttemptRow(at=_now(), email=email, client=client[:64], ok=ok))
            if ok and row is not None:
                row.last_login_at = _now()
                if self._hasher.check_needs_rehash(row.password_hash):
                    row.password_hash = self._hasher.hash(password)
            session.commit()
            return _agent(row) if ok and row is not None else None

    def failures(self) -> int:
        with self.session() as session:
            return int(
                session.scalar(
                    select(func.count())
                    .select_from(LoginAttemptRow)
                    .where(LoginAttemptRow.ok.is_(False))
                )
                or 0
            )

    # --- sessions ------------------------------------------------------------------------

    def start_session(self, agent: Agent) -> str:
        """A new session for ``agent``; returns the secret that goes into the cookie."""
        token = secrets.token_urlsafe(32)
        now = _now()
        with self.session() as session:
            session.add(
                AgentSessionRow(
                    token_hash=_token_hash(token),
                    user_id=agent.id,
                    created_at=now,
                    last_seen_at=now,
                )
            )
            session.commit()
        return token

    def agent_for_session(self, token: str, idle: timedelta, lifetime: timedelta) -> Agent | None:
        """The agent of a live session: not idle longer than ``idle``, not older than
        ``lifetime``, account still active. Marks the session seen (at most once a minute)."""
        now = _now()
        with self.session() as session:
            found = session.execute(
                select(AgentSessionRow, UserRow)
                .join(UserRow, UserRow.id == AgentSessionRow.user_id)
                .where(AgentSessionRow.token_hash == _token_hash(token))
            ).first()
            if found is None:
                return None
            live, user = found
            if (
                not user.active
                or now - _aware(live.last_seen_at) > idle
                or now - _aware(live.created_at) > lifetime
            ):
                session.delete(live)
                session.commit()
                return None
            if now - _aware(live.last_seen_at) > timedelta(minutes=1):
                live.last_seen_at = now
                session.commit()
            return _agent(user)

    def end_session(self, token: str) -> None:
        with self.session() as session:
            session.execute(
                delete(AgentSessionRow).where(AgentSessionRow.token_hash == _token_hash(token))
            )
            session.commit()
