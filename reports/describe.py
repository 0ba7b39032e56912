"""One-line descriptions of an Environment's parts, as the report views show them.

Plain Python, not Jinja macros: a macro written in a text template and called from an HTML one
returns its output marked safe without having escaped it, so browser versions and device models
from client hints reached the HTML report raw. These return plain strings, which each template
escapes (HTML) or prints as is (text).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from diagnostics.evidence import action_label, request_label
from diagnostics.models import Environment

#: Where a time is shown when nothing says the reader's own zone: the portal's users are in
#: Ukraine (the web app's desk takes its TIME_ZONE setting instead).
DEFAULT_TIME_ZONE = "Europe/Kyiv"


def _with(head: str, tail: str | None) -> str:
    return f"{head} {tail}" if tail else head


def describe_browser(env: Environment) -> str:
    """``"Chrome 131.0.0"``: the family and, when known, the version."""
    return _with(env.browser.family, env.browser.version)


def describe_engine(env: Environment) -> str:
    """``"Blink 131.0.0.0"``: the engine family and, when known, its version."""
    return _with(env.engine.family, env.engine.version)


def describe_os(env: Environment, labels: Mapping[str, str]) -> str:
    """``"macOS 10.15.7 or later"`` (``"macOS 10.15.7 або новіша"``): a frozen (approximate)
    version says it is a lower bound, the way people say it."""
    version = env.os.version
    if version and env.os.approximate:
        return labels["os_or_newer"].format(os=env.os.family, version=version)
    return _with(env.os.family, version)


def describe_device(env: Environment, labels: Mapping[str, str]) -> str:
    """``"mobile phone (Samsung SM-S911B)"``: the kind, then brand and model when known."""
    maker = " ".join(part for part in (env.device.brand, env.device.model) if part)
    return _with(labels[f"device_{env.device.type}"], f"({maker})" if maker else None)


def describe_event(row: Mapping[str, Any], labels: Mapping[str, str]) -> str:
    """One line of the evidence timeline (a row of :func:`diagnostics.evidence.timeline`):
    ``"12.3 s  click «Передати показання»"``, ``"12.5 s  POST /api/readings → 500"``."""
    item, kind = row.get("item") or {}, row.get("kind")
    t = row.get("t")
    when = f"{t / 1000:.1f} s" if isinstance(t, int | float) else "?"
    if kind == "action":
        if item.get("kind") == "navigate":
            what = f"{labels['ev_navigate']} {item.get('path') or '/'}"
        else:
            what = f"{labels['ev_' + str(item.get('kind'))]} «{action_label(item)}»"
    elif kind == "request":
        what = request_label(item)
        if item.get("ms") is not None:
            what += f" ({item['ms']} ms)"
    elif kind == "resource":
        what = f"{labels['ev_resource']} <{item.get('element')}> {item.get('path')}"
    elif kind == "csp":
        what = f"{labels['ev_csp']} {item.get('directive')}: {item.get('blocked') or '?'}"
    elif kind == "console":
        what = f"console.error: {item.get('message')}"
    else:
        source = item.get("source")
        where = f" ({source}:{item.get('line')})" if source else ""
        what = f"{labels['ev_error']}: {item.get('message')}{where}"
    return f"{when}  {what}"


@lru_cache(maxsize=64)
def _zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ValueError, KeyError):  # not an IANA name (the probe sends what the browser says)
        return None


def describe_time(
    moment: datetime, zone: str | None = None, *, seconds: bool = False, show_zone: bool = True
) -> str:
    """``"2026-12-01 10:33 (Europe/Kyiv)"``: ``moment`` (naive means UTC, as SQLite gives it
    back) in the IANA ``zone``, falling back on :data:`DEFAULT_TIME_ZONE` when ``zone`` is
    missing or unknown; the zone is named so that nobody has to guess."""
    tz = (_zone(zone) if zone else None) or _zone(DEFAULT_TIME_ZONE) or UTC
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    shown = aware.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")
    return f"{shown} ({tz})" if show_zone else shown
