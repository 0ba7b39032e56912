"""The portal's deploy history (issue 18): ``POST /api/v1/builds`` and ``browsercheck builds``.

Each deploy is a row (site, build id, time, who said so). ``site`` is the portal's host as its
pages see it (``portal.example.com``, with ``:port`` when not the default); "" is every site
without a history of its own. Setting the build a site already runs is a no-op, so a deploy
hook that fires twice records one deploy; going back to an older build is a deploy of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from diagnostics.builds import Deploy

from .tables import BuildRow

#: Deploys kept per site when reading the history (the age sentence needs the recent ones).
HISTORY_LIMIT = 200
MAX_BUILD_CHARS = 200
MAX_SITE_CHARS = 255


class BuildError(ValueError):
    """A build cannot be recorded; the message says why (and ``field`` which input)."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True, slots=True)
class BuildRecord:
    site: str
    build: str
    deployed_at: datetime
    source: str
    #: False when the site already ran this build (nothing was added)
    added: bool = True


def _checked(value: str, name: str, limit: int, empty_ok: bool) -> str:
    value = value.strip()
    if (not value and not empty_ok) or len(value) > limit:
        raise BuildError(f"{name} has {0 if empty_ok else 1} to {limit} characters", name)
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in value):
        raise BuildError(f"{name} must be one line without control characters", name)
    return value


def _utc(moment: datetime) -> datetime:
    # SQLite keeps no zone: what was stored is UTC
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def site_of(page: str | None) -> str:
    """The site a report's page belongs to: the host (and port) of its URL, lower-cased."""
    rest = str(page or "").partition("://")[2]
    return rest.split("/", 1)[0].lower()


class BuildStore:
    def __init__(self, sessions: Any) -> None:
        self.session: Any = sessions

    def set(self, build: str, site: str, now: datetime, source: str) -> BuildRecord:
        """Record that ``site`` runs ``build`` from ``now`` on (a no-op if it already does)."""
        build = _checked(build, "build", MAX_BUILD_CHARS, empty_ok=False)
        site = _checked(site, "site", MAX_SITE_CHARS, empty_ok=True).lower()
        with self.session() as session:
            latest = session.scalar(
                select(BuildRow)
                .where(BuildRow.site == site)
                .order_by(BuildRow.deployed_at.desc(), BuildRow.id.desc())
                .limit(1)
            )
            if latest is not None and latest.build == build:
                return BuildRecord(
                    site, build, _utc(latest.deployed_at), latest.source, added=False
                )
            session.add(BuildRow(site=site, build=build, deployed_at=now, source=source[:80]))
            session.commit()
        return BuildRecord(site, build, now, source[:80])

    def history(self, site: str, limit: int = HISTORY_LIMIT) -> list[BuildRecord]:
        """The site's deploys, oldest first (at most the ``limit`` latest)."""
        with self.session() as session:
            rows = session.scalars(
                select(BuildRow)
                .where(BuildRow.site == site.strip().lower())
                .order_by(BuildRow.deployed_at.desc(), BuildRow.id.desc())
                .limit(limit)
            ).all()
        return [BuildRecord(r.site, r.build, _utc(r.deployed_at), r.source) for r in reversed(rows)]

    def sites(self) -> list[str]:
        with self.session() as session:
            return list(session.scalars(select(BuildRow.site).distinct().order_by(BuildRow.site)))

    def latest(self) -> BuildRecord | None:
        """The newest deploy recorded for any site (None before the first)."""
        with self.session() as session:
            row = session.scalar(
                select(BuildRow).order_by(BuildRow.deployed_at.desc(), BuildRow.id.desc()).limit(1)
            )
        return (
            None
            if row is None
            else BuildRecord(row.site, row.build, _utc(row.deployed_at), row.source)
        )

    def deploys_for(self, page: str | None) -> tuple[Deploy, ...]:
        """The deploy history that applies to a report from ``page``: its site's own, else the
        one set without ``--site`` (""); empty when neither exists."""
        site = site_of(page)
        records = self.history(site) if site else []
        if not records:
            records = self.history("")
        return tuple(Deploy(r.build, r.deployed_at) for r in records)
