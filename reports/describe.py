"""One-line descriptions of an Environment's parts, as the report views show them.

Plain Python, not Jinja macros: a macro written in a text template and called from an HTML one
returns its output marked safe without having escaped it, so browser versions and device models
from client hints reached the HTML report raw. These return plain strings, which each template
escapes (HTML) or prints as is (text).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from diagnostics.evidence import action_label, request_label
from diagnostics.models import Environment


def _with(head: str, tail: str | None) -> str:
    return f"{head} {tail}" if tail else head


def describe_browser(env: Environment) -> str:
    """``"Chrome 131.0.0"``: the family and, when known, the version."""
    return _with(env.browser.family, env.browser.version)


def describe_engine(env: Environment) -> str:
    """``"Blink 131.0.0.0"``: the engine family and, when known, its version."""
    return _with(env.engine.family, env.engine.version)


def describe_os(env: Environment, labels: Mapping[str, str]) -> str:
    """``"macOS at least 10.15.7"``: a frozen (approximate) version says it is a lower bound."""
    version = env.os.version
    if version and env.os.approximate:
        version = f"{labels['at_least']} {version}"
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
