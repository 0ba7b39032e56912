"""Baseline targets as minimum versions per browser family, and the web-features ids.

Baseline (https://web-platform-dx.github.io/web-features/) names sets of web-platform features:
"widely available" (interoperable in the core browsers for 30 months), "newly available" (in
every core browser now) and yearly sets ("Baseline 2023": every feature newly available by the
end of 2023). ``matrix/baseline.json`` holds each target translated to the minimum version of
every browser family browsercheck detects, made at build time from the ``baseline-browser-mapping``
and ``web-features`` npm packages by ``scripts/baseline_from_packages.js`` (``browsercheck matrix
baseline refresh``), with the packages' versions; it also lists the web-features ids the
policy's ``requires:`` may name. Nothing here runs Node.js: :func:`refresh_baseline` does, at
build time only.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any

from diagnostics.models import Text

from .versions import Version, parse_version

#: ``baseline:`` values besides a year.
STATUS_TARGETS: tuple[str, ...] = ("widely", "newly")
#: A browser rule's ``baseline: none``: this family is not judged by the policy's Baseline.
NO_TARGET = "none"
_YEAR = re.compile(r"^(19|20)\d\d$")


class BaselineDataError(ValueError):
    """``baseline.json`` is missing, unreadable or not in the expected shape."""


@dataclass(frozen=True, slots=True)
class BaselineMinimum:
    """The lowest version of one family that holds a target's feature set: its own version
    (``min``) and, for browsers on Chromium judged by their engine, that engine's major."""

    min: Version | None = None
    engine: str | None = None
    engine_min: int | None = None


@dataclass(frozen=True, slots=True)
class BaselineTarget:
    """One target ("widely", "newly" or a year) with each family's minimum."""

    key: str
    families: dict[str, BaselineMinimum] = field(default_factory=dict)
    #: engine ("Blink", "Gecko") -> its lowest major holding the set
    engines: dict[str, int] = field(default_factory=dict)
    #: the day "widely"/"newly" (and the current year's growing set) were counted at
    as_of: str | None = None


@dataclass(frozen=True, slots=True)
class BaselineTable:
    """Every target of ``baseline.json``, the web-features ids and the packages' versions."""

    targets: dict[str, BaselineTarget] = field(default_factory=dict)
    #: web-features id -> its name ("dialog" -> "<dialog>")
    features: dict[str, str] = field(default_factory=dict)
    #: npm package -> version the table was made from (and "generated": the day)
    source: dict[str, str] = field(default_factory=dict)

    def target(self, key: str) -> BaselineTarget | None:
        return self.targets.get(key)

    def years(self) -> tuple[str, ...]:
        return tuple(sorted(k for k in self.targets if _YEAR.match(k)))

    def minimum(self, key: str, family: str) -> BaselineMinimum | None:
        """The minimum of ``family`` for target ``key``; None when the data has none."""
        target = self.targets.get(key)
        return target.families.get(family) if target else None


def target_name(key: str) -> Text:
    """How a target reads: "Baseline 2023", "Baseline Widely available", ..."""
    if key == "widely":
        return Text("Baseline «широко доступні»", "Baseline Widely available")
    if key == "newly":
        return Text("Baseline «нещодавно доступні»", "Baseline Newly available")
    return Text(f"Baseline {key}", f"Baseline {key}")


def target_key(value: Any) -> str | None:
    """A policy's ``baseline:`` value as a target key (``2023`` -> ``"2023"``); None when it is
    neither a year nor one of :data:`STATUS_TARGETS` (or ``none``)."""
    text = str(value).strip().lower() if isinstance(value, (str, int)) else ""
    if text in STATUS_TARGETS or text == NO_TARGET or _YEAR.match(text):
        return text
    return None


def default_baseline_path() -> Path:
    """The table shipped with the package (``matrix/baseline.json``)."""
    return Path(str(files(__package__).joinpath("baseline.json")))


def parse_baseline(data: Any) -> BaselineTable:
    """Build a :class:`BaselineTable` from ``baseline.json``'s decoded content.

    Raises :class:`BaselineDataError` when it is not the shape the script writes."""
    try:
        targets = {}
        for key, raw in data["targets"].items():
            families = {
                family: BaselineMinimum(
                    parse_version(entry.get("min")),
                    entry.get("engine"),
                    int(entry["engine_min"]) if entry.get("engine_min") is not None else None,
                )
                for family, entry in raw["families"].items()
            }
            engines = {engine: int(v) for engine, v in raw.get("engines", {}).items()}
            targets[str(key)] = BaselineTarget(str(key), families, engines, raw.get("as_of"))
        features = {str(k): str(v["name"]) for k, v in data.get("features", {}).items()}
        source = {str(k): str(v) for k, v in data["source"].items()}
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise BaselineDataError(f"not a Baseline table: {exc!r}") from exc
    return BaselineTable(targets, features, source)


def read_baseline(path: str | Path | None = None) -> BaselineTable:
    """Read the Baseline table at ``path`` (default: the shipped one).

    Raises :class:`BaselineDataError` naming the file when it cannot be read or parsed."""
    path = Path(path) if path else default_baseline_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return parse_baseline(data)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, BaselineDataError) as exc:
        raise BaselineDataError(f"{path}: {exc}") from exc


def refresh_baseline(script: Path, day: str | None = None, timeout: float = 120) -> dict[str, Any]:
    """Run ``node script [day]`` (scripts/baseline_from_packages.js, build time only) and return
    the table it printed, checked by :func:`parse_baseline`.

    Raises :class:`BaselineDataError` when Node.js or the npm packages are missing."""
    node = shutil.which("node")
    if node is None:
        raise BaselineDataError("Node.js is not installed: install it, then run npm ci")
    if not script.exists():
        raise BaselineDataError(f"{script} is missing: run this from a source checkout")
    args = [node, str(script), *([day] if day else [])]
    try:
        done = subprocess.run(  # noqa: S603 - fixed program and arguments
            args, capture_output=True, text=True, timeout=timeout, cwd=script.parent, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise BaselineDataError(f"{script.name} took over {timeout:.0f} s") from exc
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines()
        message = lines[0] if lines else "failed"
        if "Cannot find module" in done.stderr or "Cannot find package" in done.stderr:
            message = "the baseline-browser-mapping and web-features packages are missing: npm ci"
        raise BaselineDataError(message)
    data: dict[str, Any] = json.loads(done.stdout)
    parse_baseline(data)
    return data
