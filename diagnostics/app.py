"""Reports from the portal's own mobile apps: the ``app`` object of a payload -> Environment.

An app posts to the same ``POST /api/v1/reports`` with ``"source": "app"`` and
``"app": {"platform", "version", "os_version", "device_model"}``; its Environment says so
(``sources`` all ``"app"``) and the policy's ``apps`` section judges it. Pure: no Flask.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .errors import PayloadError
from .models import OS, Browser, Device, DeviceType, Engine, Environment

#: Browser family of an app report: the "browser" is the portal's own app.
APP_FAMILY = "App"
PLATFORM_OS = {"ios": "iOS", "android": "Android"}


def app_fields(data: Mapping[str, Any]) -> Mapping[str, Any]:
    """The validated payload's ``app`` object; raises PayloadError when an app report has none
    or does not say its platform (the schema keeps both optional for browser reports)."""
    app = data.get("app")
    if not isinstance(app, Mapping) or not app:
        raise PayloadError(
            'an app report ("source": "app") needs the "app" object',
            field="$.app",
            code="app_missing",
        )
    if app.get("platform") not in PLATFORM_OS:
        raise PayloadError(
            'the app must say its "platform": "ios" or "android"',
            field="$.app.platform",
            code="app_platform_missing",
        )
    return app


def _major(version: str | None) -> int | None:
    match = re.match(r"\s*(\d+)", version or "")
    return int(match.group(1)) if match else None


def _device_type(platform: str, model: str | None) -> DeviceType:
    if model and model.lower().startswith("ipad"):
        return "tablet"
    return "mobile"


def environment_from_app(app: Mapping[str, Any], user_agent: str = "") -> Environment:
    """Build the Environment of an app report from its ``app`` fields (see :func:`app_fields`).

    The app's version stands where a browser's would (family :data:`APP_FAMILY`), the OS is
    iOS or Android at ``os_version``, the device a phone (a tablet for iPad models) of
    ``device_model``. ``user_agent`` (the app's HTTP client) is kept for support to see.
    """
    platform = str(app.get("platform"))
    version = app.get("version") or None
    os_version = app.get("os_version") or None
    model = app.get("device_model") or None
    return Environment(
        browser=Browser(APP_FAMILY, version, _major(version)),
        engine=Engine(),
        os=OS(PLATFORM_OS.get(platform, platform), os_version, _major(os_version)),
        device=Device(_device_type(platform, model), "Apple" if platform == "ios" else None, model),
        sources={"browser": "app", "engine": "app", "os": "app", "device": "app"},
        user_agent=user_agent,
    )
