"""User-Agent parsing (user-agents API, fed by ua-parser's fast resolver) plus client-hint corrections.

The UA string alone no longer tells the truth (Chrome's reduced UA freezes the OS part, Windows 11
says "Windows NT 10.0"), so :func:`detect_environment` merges it with the ``Sec-CH-UA-*`` request
headers and the probe's ``navigator.userAgentData``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import ua_parser
from user_agents.parsers import (
    UserAgent,
    parse_browser,
    parse_device,
    parse_operating_system,
)

from .models import OS, Browser, Device, DeviceType, Engine, Environment

_PARSER = ua_parser.Parser(
    ua_parser.CachingResolver(
        ua_parser.BestAvailableResolver(ua_parser.load_builtins()), ua_parser.Cache(4096)
    )
)


class FastUserAgent(UserAgent):
    """``user_agents.UserAgent`` with the same API, parsed by ua-parser's fastest resolver.

    ``user_agents.parse`` always runs ua-parser's legacy pure-Python path; this feeds the same
    object from :mod:`ua_parser` (ua-parser-rs where installed), which is many times faster.
    """

    def __init__(self, user_agent_string: str) -> None:  # noqa: D107 - same as the parent
        result = _PARSER.parse(user_agent_string)
        self.ua_string = user_agent_string
        ua, os_, dev = result.user_agent, result.os, result.device
        self.browser = parse_browser(
            ua.family if ua else "Other",
            ua.major if ua else None,
            ua.minor if ua else None,
            ua.patch if ua else None,
            ua.patch_minor if ua else None,
        )
        self.os = parse_operating_system(
            os_.family if os_ else "Other",
            os_.major if os_ else None,
            os_.minor if os_ else None,
            os_.patch if os_ else None,
            os_.patch_minor if os_ else None,
        )
        self.device = parse_device(
            dev.family if dev else "Other", dev.brand if dev else None, dev.model if dev else None
        )


def parse_user_agent(ua: str) -> FastUserAgent:
    """Parse ``ua`` into a user-agents compatible object (cached by the resolver)."""
    return FastUserAgent(ua)


# --- client hints -------------------------------------------------------------------------------

_SF_ITEM = re.compile(r'\s*"((?:[^"\\]|\\.)*)"\s*;\s*v\s*=\s*"((?:[^"\\]|\\.)*)"\s*')


def parse_brand_list(value: str) -> list[tuple[str, str]]:
    """Parse a structured-field brand list (``"Chromium";v="131", ...``) into (brand, version)."""
    brands = []
    for part in value.split(","):
        match = _SF_ITEM.fullmatch(part)
        if match:
            brands.append((match.group(1), match.group(2)))
    return brands


def _sf_string(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        value = value[1:-1]
    return value or None


def _int_major(version: str | None) -> int | None:
    if not version:
        return None
    match = re.match(r"\d{1,9}", version)  # bounded: int() refuses over 4300 digits
    return int(match.group()) if match else None


def hints_from_headers(headers: Mapping[str, str]) -> dict[str, Any]:
    """Read the ``Sec-CH-UA-*`` request headers into the probe's ``userAgentData`` shape."""
    lower = {k.lower(): v for k, v in headers.items()}
    hints: dict[str, Any] = {}
    if "sec-ch-ua" in lower:
        hints["brands"] = [{"brand": b, "version": v} for b, v in parse_brand_list(lower["sec-ch-ua"])]
    if "sec-ch-ua-full-version-list" in lower:
        hints["fullVersionList"] = [
            {"brand": b, "version": v}
            for b, v in parse_brand_list(lower["sec-ch-ua-full-version-list"])
        ]
    if "sec-ch-ua-mobile" in lower:
        hints["mobile"] = lower["sec-ch-ua-mobile"].strip() == "?1"
    for header, key in (
        ("sec-ch-ua-platform", "platform"),
        ("sec-ch-ua-platform-version", "platformVersion"),
        ("sec-ch-ua-model", "model"),
        ("sec-ch-ua-arch", "architecture"),
        ("sec-ch-ua-bitness", "bitness"),
    ):
        if header in lower:
            hints[key] = _sf_string(lower[header])
    return hints


# Brand names in userAgentData -> our browser family names. Order matters: the most specific wins.
_BRAND_FAMILIES: tuple[tuple[str, str], ...] = (
    ("Microsoft Edge", "Edge"),
    ("Opera GX", "Opera"),
    ("Opera", "Opera"),
    ("YaBrowser", "Yandex Browser"),
    ("Yandex", "Yandex Browser"),
    ("Samsung Internet", "Samsung Internet"),
    ("Brave", "Brave"),
    ("Vivaldi", "Vivaldi"),
    ("Google Chrome", "Chrome"),
    ("Chromium", "Chromium"),  # last: every Chromium-based browser lists it too
)


def _browser_from_brands(hints: Mapping[str, Any]) -> Browser | None:
    full = {b.get("brand"): b.get("version") for b in hints.get("fullVersionList") or []}
    short = {b.get("brand"): b.get("version") for b in hints.get("brands") or []}
    for brand, family in _BRAND_FAMILIES:
        version = full.get(brand) or short.get(brand)
        if version:
            return Browser(family, version, _int_major(version))
    return None


# --- assembling the Environment --------------------------------------------------------------

_FAMILY_ALIASES = {
    "Chrome Mobile": "Chrome",
    "Chrome Mobile iOS": "Chrome",
    "Chrome Mobile WebView": "Chrome WebView",
    "HeadlessChrome": "Chromium",
    "Firefox Mobile": "Firefox",
    "Firefox iOS": "Firefox",
    "Mobile Safari": "Safari",
    "Mobile Safari UI/WKWebView": "Safari WebView",
    "Edge Mobile": "Edge",
    "Opera Mobile": "Opera",
    "Yandex Browser": "Yandex Browser",
    "Samsung Internet": "Samsung Internet",
    "Mac OS X": "macOS",
}


def _engine_for(ua: str, browser: Browser, os_family: str) -> Engine:
    if os_family == "iOS":
        match = re.search(r"AppleWebKit/([\d.]+)", ua)
        return Engine("WebKit", match.group(1) if match else None)
    if "Trident/" in ua or browser.family == "IE":
        match = re.search(r"Trident/([\d.]+)", ua)
        return Engine("Trident", match.group(1) if match else None)
    if "Presto/" in ua:
        match = re.search(r"Presto/([\d.]+)", ua)
        return Engine("Presto", match.group(1) if match else None)
    if "Gecko/" in ua and "Firefox/" in ua:
        match = re.search(r"rv:([\d.]+)", ua)
        return Engine("Gecko", match.group(1) if match else None)
    match = re.search(r"Chrom(?:e|ium)/([\d.]+)", ua)
    if match:
        return Engine("Blink", match.group(1))
    match = re.search(r"AppleWebKit/([\d.]+)", ua)
    if match:
        return Engine("WebKit", match.group(1))
    return Engine()


def _device_type(parsed: FastUserAgent) -> DeviceType:
    if parsed.is_bot:
        return "bot"
    if parsed.is_tablet:
        return "tablet"
    if parsed.is_mobile:
        return "mobile"
    if parsed.is_pc:
        return "desktop"
    return "unknown"


def _windows_from_platform_version(version: str) -> tuple[str, int] | None:
    """Map ``Sec-CH-UA-Platform-Version`` on Windows to the marketing version.

    https://learn.microsoft.com/microsoft-edge/web-platform/how-to-detect-win11 : 13+ is Windows 11,
    1-10 is Windows 10, 0.3 is 8.1, 0.2 is 8, 0.1 is 7.
    """
    parts = [int(p[:9]) for p in re.findall(r"\d+", version)[:2]] + [0, 0]
    major, minor = parts[0], parts[1]
    if major >= 13:
        return "11", 11
    if major >= 1:
        return "10", 10
    return {3: ("8.1", 8), 2: ("8", 8), 1: ("7", 7)}.get(minor)


@lru_cache(maxsize=8192)
def _detect_from_ua(ua: str) -> Environment:
    parsed = parse_user_agent(ua)
    family = _FAMILY_ALIASES.get(parsed.browser.family, parsed.browser.family)
    browser = Browser(
        family,
        parsed.browser.version_string or None,
        parsed.browser.version[0] if parsed.browser.version else None,
    )
    os_family = _FAMILY_ALIASES.get(parsed.os.family, parsed.os.family)
    os_version = parsed.os.version_string or None
    approximate = False
    if os_family == "macOS" and os_version and os_version.startswith("10.15"):
        approximate = True  # every current browser freezes macOS at 10_15_7
    if os_family == "Android" and re.search(r"Android 10; K\)", ua):
        approximate = True  # Chrome's reduced UA
    os_ = OS(
        os_family,
        os_version,
        parsed.os.version[0] if parsed.os.version and isinstance(parsed.os.version[0], int) else None,
        approximate,
    )
    device = Device(
        _device_type(parsed),
        parsed.device.brand,
        parsed.device.model if parsed.device.model not in (None, "K") else None,
    )
    return Environment(
        browser=browser,
        engine=_engine_for(ua, browser, os_family),
        os=os_,
        device=device,
        is_bot=parsed.is_bot,
        sources={"browser": "ua", "engine": "ua", "os": "ua", "device": "ua"},
        user_agent=ua,
    )


def detect_environment(
    user_agent: str,
    headers: Mapping[str, str] | None = None,
    probe: Mapping[str, Any] | None = None,
) -> Environment:
    """Resolve one :class:`Environment` from every signal we have.

    ``user_agent`` is the User-Agent (the request header, or the probe's when that is absent),
    ``headers`` the request headers (``Sec-CH-UA-*`` are read), ``probe`` the validated probe
    payload (its ``userAgentData`` and ``maxTouchPoints`` are read). Never raises on bad input.
    """
    from dataclasses import replace

    env = _detect_from_ua(user_agent or "")
    sources = dict(env.sources)
    conflicts: list[dict[str, Any]] = []
    header_hints = hints_from_headers(headers or {})
    js_hints = dict((probe or {}).get("userAgentData") or {})
    # JS high-entropy hints are the most complete; headers fill what JS lacks.
    for hints, source in ((header_hints, "hints-header"), (js_hints, "hints-js")):
        if not hints:
            continue
        hinted = _browser_from_brands(hints)
        if hinted and hinted != env.browser:
            if hinted.family == env.browser.family and hinted.major != env.browser.major:
                conflicts.append(
                    {"field": "browser", "used": source, "ignored": sources["browser"],
                     "values": {source: hinted.to_dict(), sources["browser"]: env.browser.to_dict()}}
                )
            if hinted.family == env.browser.family or env.engine.family == "Blink":
                env = replace(env, browser=hinted)
                sources["browser"] = source
        platform = hints.get("platform")
        pversion = hints.get("platformVersion")
        if platform == "Windows" and pversion:
            mapped = _windows_from_platform_version(str(pversion))
            if mapped:
                env = replace(env, os=OS("Windows", mapped[0], mapped[1]))
                sources["os"] = source
        elif platform == "macOS" and pversion and env.os.family == "macOS":
            env = replace(env, os=OS("macOS", str(pversion), _int_major(str(pversion))))
            sources["os"] = source
        elif platform == "Android" and pversion and env.os.family == "Android":
            env = replace(env, os=OS("Android", str(pversion), _int_major(str(pversion))))
            sources["os"] = source
        model = hints.get("model")
        if model and env.device.type in ("mobile", "tablet"):
            env = replace(env, device=replace(env.device, model=str(model)))
            sources["device"] = source
    touch = (probe or {}).get("maxTouchPoints")
    if (
        env.os.family == "macOS"
        and isinstance(touch, int)
        and touch > 1
        and env.browser.family == "Safari"
    ):
        # iPadOS 13+ asks for the desktop site and presents itself as a Mac.
        env = replace(
            env,
            os=OS("iOS", None, None, approximate=True),
            device=Device("tablet", "Apple", "iPad"),
        )
        sources["os"] = sources["device"] = "probe"
    return replace(env, sources=sources, conflicts=tuple(conflicts))
