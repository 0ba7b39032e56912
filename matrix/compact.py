"""The policy in a compact JSON form that a browser can evaluate by itself.

The embed script (``/embed.js``) decides in the user's browser whether to show the "your browser
is outdated" banner: it fetches this form once and compares it with what the browser says about
itself, so nothing about the user has to be sent or stored for the banner.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .rules import Policy

#: Bumped when the shape below changes (the embed script checks it).
COMPACT_VERSION = 1


def _version_text(value: Any) -> str | None:
    """``10`` / ``"10.15"`` / ``(10, 15)`` -> ``"10.15"``: one dotted form for the browser."""
    if value is None:
        return None
    if isinstance(value, int | float | str):
        return str(value)
    if isinstance(value, Iterable):
        return ".".join(str(part) for part in value)
    return str(value)


def _limited_texts(limited: Any) -> list[str]:
    """Limited OS versions as dotted prefixes: a tuple of versions, or an object listing
    ``versions`` (a range ``low``..``high`` cannot be listed and is left to the server)."""
    if not limited:
        return []
    versions = getattr(limited, "versions", limited)
    return [text for v in versions if (text := _version_text(v)) is not None]


def _browser_min(policy: Policy, rule: Any) -> int | None:
    # A policy that counts evergreen floors knows the effective minimum better than ``min``.
    effective = getattr(policy, "browser_min", None)
    return effective(rule) if callable(effective) else rule.min


def compact_policy(policy: Policy) -> dict[str, Any]:
    """Return the compact form of ``policy`` (JSON-serialisable, deterministic).

    ``{"version", "browsers": {family: {"min" | "engine_min" | "status", "download"}},
    "systems": {family: {"min", "limited", "frozen"}}, "messages": {status: {"uk", "en"}}}``: a
    browser below ``min`` (its own major) or ``engine_min`` (its Chromium major) is unsupported,
    a ``status`` is fixed; an OS version starting with a ``limited`` prefix is limited, one below
    ``min`` unsupported unless it is the ``frozen`` one browsers report for every newer release.
    Families not listed are unknown, never unsupported. Never raises for a policy that
    :func:`~matrix.load_policy` accepted.
    """
    browsers: dict[str, dict[str, Any]] = {}
    for rule in policy.browsers:
        entry: dict[str, Any] = {}
        if rule.status:
            entry["status"] = rule.status
        elif rule.engine_min is not None:
            entry["engine_min"] = rule.engine_min
        else:
            minimum = _browser_min(policy, rule)
            if minimum is not None:
                entry["min"] = minimum
        if rule.download:
            entry["download"] = rule.download
        browsers[rule.family] = entry
    systems: dict[str, dict[str, Any]] = {}
    for system in policy.systems:
        item: dict[str, Any] = {}
        minimum_text = _version_text(system.min)
        if minimum_text is not None:
            item["min"] = minimum_text
        limited = _limited_texts(system.limited)
        if limited:
            item["limited"] = limited
        frozen = _version_text(system.frozen)
        if frozen is not None:
            item["frozen"] = frozen
        systems[system.family] = item
    messages = {status: text.to_dict() for status, text in sorted(policy.messages.items())}
    return {
        "version": COMPACT_VERSION,
        "browsers": browsers,
        "systems": systems,
        "messages": messages,
    }
