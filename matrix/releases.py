"""The release table: which browser version came out when, on which engine version.

It ships as ``matrix/releases.csv`` (columns ``browser, version, release_date`` and optionally
``engine, engine_version``) and feeds two things in the policy: the "evergreen" rule ("the last
N major versions", counted from this table up to a date) and the own-version equivalents of
engine minimums (Opera 95 is the first Opera on Chromium 109). ``browsercheck matrix releases
import CSV`` refreshes it; ``scripts/releases_from_bcd.py`` makes such a CSV from MDN's data.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from importlib.resources import files
from pathlib import Path

from .versions import Version, is_dotted, parse_version

COLUMNS: tuple[str, ...] = ("browser", "version", "release_date", "engine", "engine_version")
REQUIRED_COLUMNS: tuple[str, ...] = COLUMNS[:3]


class ReleaseTableError(ValueError):
    """A release table row or header is wrong; the message names the file and line."""


@dataclass(frozen=True, slots=True)
class Release:
    """One released browser version."""

    browser: str
    version: str
    released: date
    engine: str | None = None
    engine_version: str | None = None

    @property
    def major(self) -> int:
        return int(self.version.split(".")[0])

    @property
    def engine_major(self) -> int | None:
        parsed = parse_version(self.engine_version)
        return parsed[0] if parsed else None

    def row(self) -> dict[str, str]:
        return {
            "browser": self.browser,
            "version": self.version,
            "release_date": self.released.isoformat(),
            "engine": self.engine or "",
            "engine_version": self.engine_version or "",
        }


def _sort_key(release: Release) -> tuple[str, Version]:
    return release.browser, parse_version(release.version) or (0,)


@dataclass(frozen=True, slots=True)
class ReleaseTable:
    """Releases sorted by browser and version; one row per (browser, version)."""

    releases: tuple[Release, ...] = ()

    def browsers(self) -> tuple[str, ...]:
        """Browser families present in the table, sorted."""
        return tuple(sorted({r.browser for r in self.releases}))

    def of(self, browser: str, as_of: date | None = None) -> tuple[Release, ...]:
        """Releases of ``browser`` out by ``as_of`` (all when None), oldest first."""
        return tuple(
            r
            for r in self.releases
            if r.browser == browser and (as_of is None or r.released <= as_of)
        )

    def majors(self, browser: str, as_of: date | None = None) -> tuple[int, ...]:
        """Distinct major versions of ``browser`` released by ``as_of``, oldest first."""
        return tuple(sorted({r.major for r in self.of(browser, as_of)}))

    def latest(self, browser: str, as_of: date | None = None) -> Release | None:
        """The newest release of ``browser`` out by ``as_of``."""
        found = self.of(browser, as_of)
        return found[-1] if found else None

    def evergreen_min(self, browser: str, last: int, as_of: date) -> int | None:
        """Oldest major among the last ``last`` majors of ``browser`` released by ``as_of``.

        None when the table has no release of ``browser`` by then.
        """
        majors = self.majors(browser, as_of)
        if not majors:
            return None
        return majors[-last] if len(majors) >= last else majors[0]

    def first_major_on_engine(
        self, browser: str, engine_min: int, engine: str = "Blink"
    ) -> int | None:
        """The first major of ``browser`` built on ``engine`` major ``engine_min`` or newer."""
        for release in self.of(browser):
            engine_major = release.engine_major
            if release.engine == engine and engine_major is not None and engine_major >= engine_min:
                return release.major
        return None

    def merged(self, other: ReleaseTable) -> tuple[ReleaseTable, int, int]:
        """This table updated with ``other``'s rows: (new table, rows added, rows changed)."""
        rows = {(r.browser, r.version): r for r in self.releases}
        added = changed = 0
        for release in other.releases:
            old = rows.get((release.browser, release.version))
            if old is None:
                added += 1
            elif old != release:
                changed += 1
            rows[(release.browser, release.version)] = release
        return ReleaseTable(tuple(sorted(rows.values(), key=_sort_key))), added, changed


def default_releases_path() -> Path:
    """Path of the release table shipped with the package."""
    return Path(str(files(__package__).joinpath("releases.csv")))


def parse_releases(text: str, source: str = "<releases>") -> ReleaseTable:
    """Parse release-table CSV ``text``; raise ReleaseTableError naming ``source`` and line."""
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise ReleaseTableError(
            f"{source}:1: missing column(s) {', '.join(missing)}; expected {', '.join(COLUMNS)}"
        )
    rows: dict[tuple[str, str], Release] = {}
    for row in reader:
        line = reader.line_num
        values = {k.strip(): (v or "").strip() for k, v in row.items() if k}
        browser, version = values.get("browser", ""), values.get("version", "")
        if not browser:
            raise ReleaseTableError(f"{source}:{line}: empty browser")
        if not is_dotted(version):
            raise ReleaseTableError(f"{source}:{line}: version {version!r} is not like 109 or 16.4")
        try:
            released = date.fromisoformat(values.get("release_date", ""))
        except ValueError:
            raise ReleaseTableError(
                f"{source}:{line}: release_date {values.get('release_date')!r} is not YYYY-MM-DD"
            ) from None
        engine_version = values.get("engine_version") or None
        if engine_version and parse_version(engine_version) is None:
            raise ReleaseTableError(
                f"{source}:{line}: engine_version {engine_version!r} is not a version"
            )
        if (browser, version) in rows:
            raise ReleaseTableError(f"{source}:{line}: {browser} {version} is listed twice")
        rows[(browser, version)] = Release(
            browser, version, released, values.get("engine") or None, engine_version
        )
    return ReleaseTable(tuple(sorted(rows.values(), key=_sort_key)))


def read_releases(path: str | Path | None = None) -> ReleaseTable:
    """Read the release table at ``path`` (default: the shipped one)."""
    path = Path(path) if path else default_releases_path()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ReleaseTableError(f"{path}: cannot read: {exc.strerror}") from exc
    return parse_releases(text, str(path))


def format_releases(releases: Iterable[Release]) -> str:
    """The CSV text of ``releases`` (header included)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(COLUMNS), lineterminator="\n")
    writer.writeheader()
    for release in releases:
        writer.writerow(release.row())
    return out.getvalue()


def write_releases(table: ReleaseTable, path: str | Path) -> None:
    """Write ``table`` to ``path`` atomically (a temporary file renamed over it)."""
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(format_releases(table.releases), encoding="utf-8")
    tmp.replace(path)
