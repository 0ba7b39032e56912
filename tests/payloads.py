"""Probe payloads as real browsers send them, for load tests and benchmarks/ingest.py.

tests/data/probe-payloads/ holds what the probe sent from Chromium and Firefox (captured from
/check); ``probe_payload(ua)`` adapts one to another User-Agent as that browser would send it:
the Chromium shape with ``userAgentData`` for Chromium 90 and later, the Firefox shape (no
client hints) for everything else.
"""

from __future__ import annotations

import copy
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data"
_CHROME = re.compile(r"Chrome/(\d+)\.([\d.]+)")
_PLATFORMS = (
    ("Android", "Android"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("CrOS", "Chrome OS"),
    ("Linux", "Linux"),
)


@cache
def _template(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA / "probe-payloads" / f"{name}.json").read_text())
    return data


@cache
def user_agents() -> tuple[str, ...]:
    """2,000 distinct real User-Agent strings (tests/data/user-agents.txt)."""
    lines = (DATA / "user-agents.txt").read_text(encoding="utf-8").splitlines()
    return tuple(line for line in lines if line and not line.startswith("#"))


def probe_payload(ua: str, lang: str = "en") -> dict[str, Any]:
    """The payload the probe would send from a browser with User-Agent ``ua``."""
    chrome = _CHROME.search(ua)
    if chrome and int(chrome.group(1)) >= 90:
        payload = copy.deepcopy(_template("chromium"))
        major, rest = chrome.groups()
        platform = next((name for key, name in _PLATFORMS if key in ua), "Unknown")
        hints = payload["userAgentData"]
        hints["brands"] = [
            {"brand": "Not:A-Brand", "version": "8"},
            {"brand": "Chromium", "version": major},
        ]
        hints["fullVersionList"] = [
            {"brand": "Not:A-Brand", "version": "8.0.0.0"},
            {"brand": "Chromium", "version": f"{major}.{rest}"},
        ]
        hints["mobile"] = "Mobile" in ua
        hints["platform"] = platform
    else:
        payload = copy.deepcopy(_template("firefox"))
    payload["userAgent"] = ua
    payload["lang"] = lang
    return payload
