"""Which browser engines can run here, and how to launch each with Playwright.

Playwright's own browsers are used where installed; otherwise the system's (Debian packages):
Chromium by executable path, Firefox ESR over WebDriver BiDi (channel ``moz-firefox``).
Every resolution says which binary ran and why, so a result never hides the engine behind it.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SYSTEM_BINARIES = {
    "chromium": ("/usr/bin/chromium", "chromium"),
    "firefox": ("/usr/bin/firefox-esr", "firefox-esr"),
}
#: Flags that keep Chromium off the closed network and working as root.
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-gpu",
)


@dataclass(frozen=True, slots=True)
class EngineLaunch:
    """How to launch one engine: ``launch_kwargs`` go to ``BrowserType.launch``."""

    engine: str
    kind: str  # "playwright" (bundled) or "system"
    executable: str | None
    launch_kwargs: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class EngineMissing:
    engine: str
    reason: str


def _bundled_path(playwright: Any, engine: str) -> str | None:
    try:
        path = getattr(playwright, engine).executable_path
    except Exception:  # noqa: BLE001 - Playwright raises when its registry has no entry
        return None
    return path if path and Path(path).exists() else None


def _system_path(engine: str) -> str | None:
    candidates = SYSTEM_BINARIES.get(engine)
    if not candidates:
        return None
    path, name = candidates
    if Path(path).exists():
        return path
    return shutil.which(name)


def resolve_engine(playwright: Any, engine: str) -> EngineLaunch | EngineMissing:
    """How to launch ``engine`` (chromium, firefox, webkit) with this ``playwright`` instance.

    ``BROWSERCHECK_BROWSERS=system`` forces the system browsers even where bundled ones exist.
    """
    prefer_system = os.environ.get("BROWSERCHECK_BROWSERS") == "system"
    bundled = None if prefer_system else _bundled_path(playwright, engine)
    if bundled:
        kwargs: dict[str, Any] = {}
        if engine == "chromium":
            kwargs["args"] = list(CHROMIUM_ARGS)
        return EngineLaunch(engine, "playwright", bundled, kwargs)
    system = _system_path(engine)
    if engine == "chromium" and system:
        return EngineLaunch(engine, "system", system,
                            {"executable_path": system, "args": list(CHROMIUM_ARGS)})
    if engine == "firefox" and system:
        return EngineLaunch(engine, "system", system,
                            {"executable_path": system, "channel": "moz-firefox"})
    hint = {"chromium": "apt-get install chromium", "firefox": "apt-get install firefox-esr",
            "webkit": "playwright install webkit (or apt-get install webkit2gtk-driver xvfb)"}
    return EngineMissing(engine, f"no {engine} found: {hint.get(engine, 'install it')}")
