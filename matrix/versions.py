"""Dotted version numbers as the policy compares them ("10", "8.1", "10.15.7").

A policy bound names a version *prefix*: ``"8"`` covers 8.0, 8.1 and 8.1.7600 alike, so a range
``from "7" to "8.1"`` holds every Windows 7, 8 and 8.1 build. Comparisons cut the compared
version to the bound's length first.
"""

from __future__ import annotations

import re

Version = tuple[int, ...]

_DOTTED = re.compile(r"^\d+(\.\d+)*$")
_LEADING = re.compile(r"\d{1,9}(?:[._]\d{1,9})*")  # bounded: int() refuses 4300+ digits


def is_dotted(text: str) -> bool:
    """True when ``text`` is a plain dotted version such as ``"10.15.7"``."""
    return bool(_DOTTED.match(text))


def parse_version(value: str | int | None) -> Version | None:
    """``"10.15.7"`` -> ``(10, 15, 7)``; ``109`` -> ``(109,)``; None for no leading number.

    Reads the leading dotted (or underscored) number of free text, so ``"16.6 (a)"`` is 16.6.
    """
    if value is None:
        return None
    match = _LEADING.match(str(value).strip())
    if not match:
        return None
    return tuple(int(p) for p in re.split(r"[._]", match.group()))


def format_version(version: Version) -> str:
    """``(10, 15, 7)`` -> ``"10.15.7"``."""
    return ".".join(str(p) for p in version)


def compare_to_bound(version: Version, bound: Version) -> int:
    """-1, 0 or 1 as ``version`` is below, within or above the prefix ``bound``."""
    head = version[: len(bound)] + (0,) * max(0, len(bound) - len(version))
    return (head > bound) - (head < bound)


def at_least(version: Version, bound: Version) -> bool:
    """True when ``version`` is ``bound`` or newer (``(16, 0)`` is at least ``(16,)``)."""
    return compare_to_bound(version, bound) >= 0
