"""One :class:`Environment` from every signal: the User-Agent, client hints and the probe.

The UA string alone no longer tells the truth (Chrome's reduced UA freezes the OS and device
parts, iPadOS presents itself as a Mac, Windows 11 says "Windows NT 10.0"), so
:func:`detect_environment` parses it with ua-parser (through the user-agents API, fed by
ua-parser's fastest resolver) and then corrects it with the ``Sec-CH-UA-*`` request headers,
the probe's ``navigator.userAgentData`` and its ``maxTouchPoints``. Each field says which signal
it came from (``sources``); signals that disagree are kept in ``conflicts``; values the UA is
known to freeze and nothing corrected are marked ``approximate`` (a lower bound, not a fact).

Results are memoised in bounded LRU caches keyed on the UA and the hints, so a collector or a
batch over millions of log lines pays for each distinct client once and never grows unbounded.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import replace
from functools import cache, lru_cache
from typing import Any

import ua_parser
from user_agents.parsers import (
    MOBILE_DEVICE_FAMILIES,
    TABLET_DEVICE_FAMILIES,
    UserAgent,
)
from user_agents.parsers import Browser as UABrowser
from user_agents.parsers import Device as UADevice
from user_agents.parsers import OperatingSystem as UAOperatingSystem

from .devices import ModelClass, model_class, screen_class
from .engine import CHROMIUM_FAMILIES, engine_from_ua
from .hints import (
    PLATFORM_FAMILIES,
    ClientHints,
    browser_from_brands,
    chromium_version,
    hints_from_header_items,
    int_major,
    printable,
    read_hints,
    windows_from_platform_version,
)
from .inapp import ANDROID_WEBVIEW, app_from_requested_with, in_app_from_ua
from .models import OS, Browser, Device, DeviceType, Engine, Environment

#: UAs longer than this are cut before parsing and caching (real ones stay under ~600 chars).
MAX_UA_CHARS = 1024
#: Entries of the full (UA + hints + probe) cache, and of the UA-only cache under it.
ENVIRONMENT_CACHE_SIZE = 8192
UA_CACHE_SIZE = 8192
#: Distinct ``Sec-CH-UA-*`` header sets whose parsed hints are kept.
HEADER_HINTS_CACHE_SIZE = 1024


@cache
def _parser() -> ua_parser.Parser:
    # No resolver-level cache: EnvironmentDetector caches above it, and a second cache only
    # costs time on every miss.
    return ua_parser.Parser(ua_parser.BestAvailableResolver(ua_parser.load_builtins()))


class ParsedUA:
    """What ua-parser found in one UA: ``user_agent``, ``os`` and ``device`` (each None when no
    rule matched) with ua-parser's attributes (``family``, ``major`` ... ``patch_minor``;
    ``brand``, ``model``), as :class:`ua_parser.Result` has them."""

    __slots__ = ("user_agent", "os", "device", "string")

    def __init__(self, string: str, user_agent: Any, os: Any, device: Any) -> None:
        self.string = string
        self.user_agent = user_agent
        self.os = os
        self.device = device


@cache
def _extract() -> Callable[[str], ParsedUA]:
    """The parse behind :class:`FastUserAgent`: ua-parser-rs's three extractors called
    directly where installed (ua-parser's resolver wraps each answer in two more objects per
    domain, a third of the cost of a parse), ua-parser's best resolver otherwise."""
    try:
        from ua_parser.regex import Resolver  # ua-parser-rs
    except ImportError:
        parser = _parser()

        def through_parser(ua: str) -> ParsedUA:
            result = parser.parse(ua)
            return ParsedUA(ua, result.user_agent, result.os, result.device)

        return through_parser
    resolver = Resolver(ua_parser.load_builtins())
    ua_extract, os_extract, device_extract = (
        resolver.ua.extract,
        resolver.os.extract,
        resolver.de.extract,
    )

    def direct(ua: str) -> ParsedUA:
        return ParsedUA(ua, ua_extract(ua), os_extract(ua), device_extract(ua))

    return direct


class FastUserAgent(UserAgent):
    """``user_agents.UserAgent`` with the same API, parsed by ua-parser's fastest resolver.

    ``user_agents.parse`` always runs ua-parser's legacy pure-Python path; this feeds the same
    object from :mod:`ua_parser` (ua-parser-rs where installed), which is many times faster.
    ``result`` keeps ua-parser's own answer (:class:`ParsedUA`: it has ``patch_minor``).
    """

    def __init__(self, user_agent_string: str) -> None:  # noqa: D107 - same as the parent
        result = _extract()(user_agent_string)
        self.result = result
        self.ua_string = user_agent_string
        ua, os_, dev = result.user_agent, result.os, result.device
        # The namedtuples user-agents' parse_browser/parse_operating_system build, built directly.
        if ua:
            version = _version_tuple(ua.major, ua.minor, ua.patch)
            self.browser = UABrowser(ua.family, version, ".".join(map(str, version)))
        else:
            self.browser = UABrowser("Other", (), "")
        if os_:
            version = _version_tuple(os_.major, os_.minor, os_.patch)
            self.os = UAOperatingSystem(os_.family, version, ".".join(map(str, version)))
        else:
            self.os = UAOperatingSystem("Other", (), "")
        self.device = UADevice(dev.family, dev.brand, dev.model) if dev else _OTHER_DEVICE


def _version_tuple(*parts: str | None) -> tuple[int | str, ...]:
    # user_agents.parsers.parse_version: digits become ints, None parts are dropped.
    return tuple([int(p) if p.isdigit() else p for p in parts if p is not None])


_OTHER_DEVICE = UADevice("Other", None, None)


def parse_user_agent(ua: str) -> FastUserAgent:
    """Parse ``ua`` into a user-agents compatible object (uncached: cache the caller's result)."""
    return FastUserAgent(ua)


# --- normalising ua-parser's names --------------------------------------------------------------

#: ua-parser browser family -> ours (matrix/policy.yaml's names); unlisted families pass through.
BROWSER_FAMILIES = {
    "Chrome Mobile": "Chrome",
    "Chrome Mobile iOS": "Chrome",
    "Chrome Mobile WebView": "Chrome WebView",
    "HeadlessChrome": "Chromium",
    "Firefox Mobile": "Firefox",
    "Firefox iOS": "Firefox",
    "Firefox Beta": "Firefox",
    "Firefox Alpha": "Firefox",
    "Mobile Safari": "Safari",
    "Mobile Safari UI/WKWebView": "Safari WebView",
    "Edge Mobile": "Edge",
    "Opera Mobile": "Opera",
    "Opera GX": "Opera",
    "IE Mobile": "IE",
}
#: ua-parser OS family -> ours.
OS_FAMILIES = {"Mac OS X": "macOS"}
#: Windows versions ua-parser names rather than numbers -> the NT-era major they compare as,
#: so that every Windows major is an integer and old ones sort below 7.
_WINDOWS_NAMED_MAJORS = {
    "Vista": 6,
    "XP": 5,
    "2000": 5,
    "NT": 4,
    "ME": 4,
    "98": 4,
    "95": 4,
    "RT": 8,
    "CE": None,
}


def _join_version(*parts: str | None) -> str | None:
    kept = []
    for part in parts:
        if part is None or part == "":
            break
        kept.append(part)
    return ".".join(kept) or None


def normalise_browser(family: str, major: str | None, *rest: str | None) -> Browser:
    """ua-parser's browser family and version parts -> our :class:`Browser` (integer major)."""
    return Browser(
        BROWSER_FAMILIES.get(family, family), _join_version(major, *rest), int_major(major)
    )


def normalise_os(family: str, major: str | None, *rest: str | None) -> OS:
    """ua-parser's OS family and version parts -> our :class:`OS` (integer major).

    Windows majors are marketing numbers (7, 8 for 8.1, 10); older named versions map to the
    NT major they correspond to (Vista 6, XP 5) so they compare below 7.
    """
    family = OS_FAMILIES.get(family, family)
    version = _join_version(major, *rest)
    if family == "Windows" and version:
        named = version.split(" ")[0]
        if named in _WINDOWS_NAMED_MAJORS:
            return OS(family, version, _WINDOWS_NAMED_MAJORS[named])
    return OS(family, version, int_major(major))


# --- what the UA alone says ---------------------------------------------------------------------

#: Chrome's reduced Android UA (a literal: a substring test, no regex).
_FROZEN_ANDROID = "Android 10; K)"
_SAFARI_VERSION = re.compile(r"\bVersion/(\d{1,4})(?:\.(\d{1,4}))?")
#: Chrome's reduced UA freezes ChromeOS at this platform version.
_FROZEN_CROS = "14541.0.0"
#: Safari 26 (iOS/iPadOS 26) freezes the OS token at 18_6; its Version token has the real major.
_FROZEN_IOS = ("18", "6")
#: Lower-case tokens of smart TVs and TV sticks (Samsung Tizen, LG webOS, Android TV, Fire TV,
#: Chromecast, Roku, Apple TV); " aft" is Fire TV's model prefix (AFTMM, AFTKA ...).
_TV_TOKENS = (
    "smart-tv",
    "smarttv",
    "web0s",
    "netcast",
    "bravia",
    "hbbtv",
    "android tv",
    "googletv",
    "crkey/",
    "roku/",
    "appletv",
    "tvos",
)
_FIRE_TV = re.compile(r"; AFT[A-Z]")
#: Automated clients ua-parser does not call "Spider": HTTP libraries (the UA starts with their
#: name), link-preview fetchers and AI crawlers (their token anywhere). Lower-case.
_BOT_PREFIXES = (
    "curl/",
    "wget/",
    "python-requests",
    "python-urllib",
    "python-httpx",
    "aiohttp",
    "go-http-client",
    "okhttp",
    "java/",
    "libwww-perl",
    "apache-httpclient",
    "axios/",
    "node-fetch",
    "undici",
    "postmanruntime",
    "httpie",
    "scrapy",
    "whatsapp/",
    "facebookexternalhit",
    "facebookcatalog",
    "meta-external",
)
_BOT_TOKENS = (
    "gptbot",
    "chatgpt-user",
    "oai-searchbot",
    "claudebot",
    "claude-web",
    "claude-user",
    "anthropic-ai",
    "perplexitybot",
    "bytespider",
    "amazonbot",
    "applebot",
    "yandexbot",
    "yandexmobilebot",
    "bingbot",
    "chrome-lighthouse",
    "google-inspectiontool",
    "skypeuripreview",
)
#: "...bot/2.1", "...crawler/1.0", "...spider/3": the generic crawler convention. One
#: alternation with the named tokens: a single scan of the UA instead of one per token.
_BOT_SEARCH = re.compile("|".join(map(re.escape, _BOT_TOKENS)) + r"|(?:bot|crawler|spider)/\d")
_TV_SEARCH = re.compile("|".join(map(re.escape, _TV_TOKENS)))


#: Substrings one of which every token above contains: C-speed tests that let nearly every
#: browser UA skip the regex scan.
_BOT_HINTS = (
    "bot",
    "spider",
    "crawler",
    "claude",
    "anthropic",
    "chatgpt",
    "lighthouse",
    "tool",
    "skype",
)
_TV_HINTS = ("tv", "web0s", "netcast", "bravia", "crkey", "roku")


def _looks_automated(ua: str, low: str) -> bool:
    if low.startswith(_BOT_PREFIXES):
        return True
    return any(h in low for h in _BOT_HINTS) and _BOT_SEARCH.search(low) is not None


def _looks_like_tv(ua: str, low: str) -> bool:
    if any(h in low for h in _TV_HINTS) and _TV_SEARCH.search(low):
        return True
    if "tizen" in low and " tv" in low or "webos" in low and "tv" in low:
        return True
    return "; AFT" in ua and bool(_FIRE_TV.search(ua))


def _device_type(parsed: FastUserAgent, is_bot: bool, low: str) -> DeviceType:
    if is_bot:
        return "bot"
    ua = parsed.ua_string
    if _looks_like_tv(ua, low):
        return "tv"
    if parsed.os.family == "Android" and parsed.device.family not in TABLET_DEVICE_FAMILIES:
        # user-agents calls every Android UA without "Mobile Safari" a tablet (Opera Mini, UC,
        # Firefox's "Mobile;" token...); Android's own convention is the "Mobile" token, which
        # many Galaxy Tab builds send too: a tablet model (the data table) wins over it.
        if "Tablet" in ua or _model_class(parsed.result) == "tablet":
            return "tablet"
        if (
            "Mobile" in ua
            or parsed.device.family in MOBILE_DEVICE_FAMILIES
            or parsed.browser.family in ("Opera Mini", "Opera Mobile", "UC Browser")
        ):
            return "mobile"
        return "tablet"
    if parsed.is_tablet:
        return "tablet"
    if parsed.is_mobile:
        return "mobile"
    if parsed.is_pc:
        return "desktop"
    return "unknown"


def _model_class(result: ParsedUA) -> ModelClass | None:
    device = result.device
    return model_class(device.model) if device else None


def _os_from_ua(ua: str, result: ParsedUA) -> OS:
    raw = result.os
    if raw is None:
        return OS()
    os_ = normalise_os(raw.family, raw.major, raw.minor, raw.patch, raw.patch_minor)
    frozen = False
    if os_.family == "macOS" and (os_.version or "").startswith("10.15"):
        frozen = True  # every current browser says 10_15_7 (Firefox: 10.15) on macOS 11 and later
    elif os_.family == "Android" and _FROZEN_ANDROID in ua:
        frozen = True  # Chrome's reduced UA: "Android 10; K" whatever the real version
    elif os_.family == "Windows" and os_.major == 10:
        frozen = True  # Windows 11 (and reduced Chrome anywhere) says "Windows NT 10.0"
    elif os_.family == "Chrome OS" and os_.version == _FROZEN_CROS:
        frozen = True
    elif os_.family == "iOS" and (raw.major, raw.minor) == _FROZEN_IOS:
        frozen = True
        match = _SAFARI_VERSION.search(ua)
        if match and int(match.group(1)) > int(_FROZEN_IOS[0]):
            # Safari's version is the OS version on iOS: Version/26.0 means iOS 26.
            version = match.group(1) + (f".{match.group(2)}" if match.group(2) else "")
            return OS("iOS", version, int(match.group(1)), approximate=True)
        if match and match.group(1) == _FROZEN_IOS[0]:
            frozen = False  # Safari 18.x: a real iOS 18.6
    return replace(os_, approximate=frozen) if frozen else os_


def _device_from_ua(parsed: FastUserAgent, ua: str, is_bot: bool, low: str) -> Device:
    raw = parsed.result.device
    brand, model = (raw.brand, raw.model) if raw else (None, None)
    if _FROZEN_ANDROID in ua:
        brand = model = None  # "K" and "Generic_Android" are the reduced UA's placeholders
    return Device(_device_type(parsed, is_bot, low), brand, model)


def _environment_from_ua(ua: str) -> Environment:
    """Everything the UA string alone says (cached per UA by the detector)."""
    parsed = parse_user_agent(ua)
    result = parsed.result
    raw = result.user_agent
    browser = (
        normalise_browser(raw.family, raw.major, raw.minor, raw.patch, raw.patch_minor)
        if raw
        else Browser()
    )
    os_ = _os_from_ua(ua, result)
    low = ua.lower()
    is_bot = parsed.is_bot or _looks_automated(ua, low)
    device = _device_from_ua(parsed, ua, is_bot, low)
    in_app = None if is_bot else in_app_from_ua(ua, os_.family)
    sources = {"browser": "ua", "engine": "ua", "os": "ua", "device": "ua"}
    if in_app:
        sources["in_app"] = "ua"
    return Environment(
        browser=browser,
        engine=engine_from_ua(ua, browser.family, os_.family),
        os=os_,
        device=device,
        in_app=in_app,
        is_bot=is_bot,
        sources=sources,
        user_agent=ua,
    )


# --- corrections from client hints and the probe ----------------------------------------------

_GENERIC_CHROMIUM = frozenset({"Chrome", "Chromium"})


class _Merge:
    """The Environment being corrected, with its sources and conflicts."""

    def __init__(self, env: Environment) -> None:
        self.env = env
        self.sources = dict(env.sources)
        self.conflicts: list[dict[str, Any]] = []

    def set(self, field: str, value: Any, source: str) -> None:
        self.env = replace(self.env, **{field: value})
        self.sources[field] = source

    def conflict(self, field: str, used: str, used_value: Any, ignored_value: Any) -> None:
        ignored = self.sources.get(field, "ua")
        self.conflicts.append(
            {
                "field": field,
                "used": used,
                "ignored": ignored,
                "values": {used: used_value, ignored: ignored_value},
            }
        )


def _apply_browser(m: _Merge, hints: ClientHints, source: str) -> None:
    hinted = browser_from_brands(hints)
    env = m.env
    replaced = False
    if hinted:
        family, version = hinted
        major = int_major(version)
        full = any(b == version for _, b in hints.full_version_list)
        current = env.browser
        if env.in_app and current.family not in CHROMIUM_FAMILIES:
            pass  # an app's own name and version (Facebook 450): the hints only give its engine
        elif family == current.family:
            if current.major is not None and major != current.major:
                m.conflict(
                    "browser", source, {"family": family, "version": version}, current.to_dict()
                )
                m.set("browser", Browser(family, version, major), source)
                replaced = True
            elif full or current.version is None:
                m.set("browser", Browser(family, version, major), source)
                replaced = True
        elif family == "Chromium" and current.family in CHROMIUM_FAMILIES:
            pass  # the brands hide the vendor (Vivaldi, some Yandex builds): the UA is sharper
        elif current.family in _GENERIC_CHROMIUM and family in CHROMIUM_FAMILIES:
            m.set("browser", Browser(family, version, major), source)  # Brave, Edge behind "Chrome"
            replaced = True
        else:
            # Only Chromium sends these hints: a UA that says otherwise was overridden.
            m.conflict("browser", source, {"family": family, "version": version}, current.to_dict())
            m.set("browser", Browser(family, version, major), source)
            replaced = True
    engine_version = chromium_version(hints)
    if engine_version and (replaced or m.env.engine.family == "Blink"):
        engine_full = any(b == engine_version for _, b in hints.full_version_list)
        current_engine = m.env.engine
        if (
            engine_full
            or current_engine.family != "Blink"
            or int_major(current_engine.version) != int_major(engine_version)
        ):
            m.set("engine", Engine("Blink", engine_version), source)


@lru_cache(maxsize=1024)
def _brand_of_android_model(model: str) -> str | None:
    # ua-parser's device rules know which maker names its phones this way (SM-* is Samsung...).
    found = parse_user_agent(
        f"Mozilla/5.0 (Linux; Android 14; {model}) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Mobile Safari/537.36"
    ).result.device
    brand = found.brand if found else None
    return None if brand in (None, "Generic", "Generic_Android") else brand


def _apply_touch(m: _Merge, touch: int | None, hinted_platform: bool) -> None:
    env = m.env
    if env.os.family != "macOS" or touch is None or touch <= 1 or hinted_platform:
        return
    # iPadOS 13+ asks for the desktop site and presents itself as a Mac; Macs have no touch
    # screen. Safari's version is iPadOS's, so it tells the OS major (approximately).
    browser = env.browser
    safari = browser.family == "Safari" and browser.major is not None
    m.set(
        "os",
        OS(
            "iOS",
            browser.version if safari else None,
            browser.major if safari else None,
            approximate=True,
        ),
        "probe",
    )
    m.set("device", Device("tablet", "Apple", "iPad"), "probe")
    if env.engine.family != "WebKit":
        m.set("engine", Engine("WebKit"), "probe")


#: ``conflicts`` entry of an Environment whose signals contradict in a way no real device does
#: (device emulation, a user-agent switcher, 'desktop site' mode): ``values`` has what the UA
#: presents and the reading the Environment took, ``unsure`` the fields that reading guessed.
#: The finding ``signals_inconsistent`` says so to support.
SIGNALS_FIELD = "signals"
#: OS families the UA names whose frozen or missing version a platform-version hint corrects,
#: when ``Sec-CH-UA-Platform`` itself is missing (as logs and SDKs often drop it).
_VERSIONED_PLATFORMS = frozenset({"Windows", "macOS", "Android", "Chrome OS", "iOS"})
#: Platforms (our OS families) of desktop computers and of phones and tablets.
_DESKTOP_PLATFORMS = frozenset({"Windows", "macOS", "Linux", "Chrome OS"})
_MOBILE_PLATFORMS = frozenset({"Android", "iOS"})


def _hinted_os_version(family: str, pversion: str) -> tuple[str | None, int | None]:
    if family == "Windows":
        mapped = windows_from_platform_version(pversion)
        return mapped if mapped else (None, None)
    if family in ("macOS", "Android", "Chrome OS", "iOS") and int_major(pversion):
        # iOS's platformVersion is written like its UA token ("17_5"), the others dotted
        return pversion.replace("_", "."), int_major(pversion)
    return None, None


def _apply_os(m: _Merge, hints: ClientHints, source: str) -> None:
    current = m.env.os
    family = PLATFORM_FAMILIES.get(hints.platform or "")
    if family is None:
        if hints.platform or not hints.platform_version:
            return  # a platform we do not know, or no OS hint at all
        if current.family not in _VERSIONED_PLATFORMS:
            return
        family = current.family  # the UA names the platform; the version hint gives its version
    version, major = None, None
    if hints.platform_version:
        version, major = _hinted_os_version(family, hints.platform_version)
    if family != current.family:
        if current.family == "Other":
            m.set("os", OS(family, version, major), source)
            return
        m.conflict("os", source, {"family": family, "version": version}, current.to_dict())
        m.set("os", OS(family, version, major), source)
    elif version is not None:
        m.set("os", OS(family, version, major), source)


class _DeviceSignals:
    """What the hints said about the device class, for :func:`_decide_device`."""

    __slots__ = ("form_factor", "mobile", "source")

    def __init__(self) -> None:
        self.form_factor: DeviceType | None = None
        self.mobile: bool | None = None
        self.source = "ua"


def _apply_device(m: _Merge, hints: ClientHints, source: str, said: _DeviceSignals) -> None:
    device = m.env.device
    if device.type == "bot":
        return
    factors = {f.lower() for f in hints.form_factors}
    for factor in ("tablet", "mobile", "desktop"):
        if factor in factors:
            said.form_factor, said.source = factor, source  # type: ignore[assignment]
            break
    if hints.mobile is not None:
        said.mobile = hints.mobile
        if said.form_factor is None:
            said.source = source
    if hints.model and m.env.os.family == "Android":
        changed = Device(
            device.type, _brand_of_android_model(hints.model) or device.brand, hints.model
        )
        if changed != device:
            m.set("device", changed, source)


def _decide_device(
    m: _Merge, said: _DeviceSignals, screen: ModelClass | None, presented: Device
) -> bool:
    """Settle the device class, in order: client hints (``?1``/``?0`` with the model), the
    probe's screen, the model tables, then the UA's ``Mobile`` token. Returns True when the
    hints call a phone (by its model or UA) something else: emulation or 'desktop site' mode."""
    device = m.env.device
    if device.type in ("bot", "tv"):
        return False
    os_family = m.env.os.family
    mclass = model_class(device.model) if os_family == "Android" else None
    phone = mclass == "phone" or (presented.type == "mobile" and mclass != "tablet")
    kind: DeviceType | None = None
    source = said.source
    contradicted = False
    if said.form_factor is not None or said.mobile is not None:
        hinted: DeviceType = said.form_factor or ("mobile" if said.mobile else "desktop")
        if hinted == "mobile" and mclass == "tablet":
            hinted = "tablet"  # Samsung Internet on a Galaxy Tab says Mobile
        if hinted == "desktop" and os_family in _MOBILE_PLATFORMS:
            if os_family == "Android" and screen == "tablet" and mclass != "phone":
                kind, source = "tablet", "probe"  # ?0 and a tablet's screen: a tablet
            elif phone or os_family == "iOS":
                # an iPhone or a phone model is no desktop: emulation or 'desktop site' mode
                contradicted = phone
                kind = "mobile" if mclass == "phone" else presented.type
                source = m.sources.get("device", "ua")
            elif mclass == "tablet":
                kind = "tablet"
            # else ?0 on Android without a known model: a tablet or a phone's desktop site
        else:
            kind = hinted
    if kind is None and os_family == "Android" and screen is not None:
        kind, source = ("tablet" if screen == "tablet" else "mobile"), "probe"
    if kind is None and mclass is not None:
        kind = "tablet" if mclass == "tablet" else "mobile"
        source = m.sources.get("device", "ua")
    if kind is None:
        if said.mobile is False and os_family == "Android":
            kind = "tablet"  # Chrome sends ?0 on Android tablets
        elif os_family in _DESKTOP_PLATFORMS and m.sources.get("os", "ua") != "ua":
            kind = "desktop"  # the hints moved a phone's UA to a desktop platform
        else:
            kind = device.type
    if kind != device.type:
        brand, model = device.brand, device.model
        if kind == "desktop" and os_family in _DESKTOP_PLATFORMS and presented.type != "desktop":
            brand = model = None  # the phone the UA named is not this computer
        m.set("device", Device(kind, brand, model), source)
    return contradicted


def _apply_requested_with(m: _Merge, value: str) -> None:
    # Android WebView names the app it runs in; a browser's own package is not an app.
    found = app_from_requested_with(value, "; wv)" in m.env.user_agent)
    if found is None or m.env.is_bot:
        return
    kind, name = found
    if kind == "app":
        if m.env.in_app != name:
            m.set("in_app", name, "headers")
    elif m.env.in_app == ANDROID_WEBVIEW:
        m.set("in_app", None, "headers")


def _describe(env: Environment) -> dict[str, Any]:
    return {"browser": env.browser.family, "os": env.os.family, "device": env.device.type}


def _check_coherence(
    m: _Merge,
    base: Environment,
    sources: list[tuple[ClientHints, str]],
    said: _DeviceSignals,
    phone_contradicted: bool,
) -> None:
    """Add the ``signals`` conflict when the signals contradict in a way no real device does
    (see :data:`SIGNALS_FIELD`): the Environment already holds one consistent reading."""
    platform_family = hinted_browser = None
    used = sources[-1][1] if sources else "probe"
    for hints, source in sources:
        family = PLATFORM_FAMILIES.get(hints.platform or "")
        if family:
            platform_family, used = family, source
        if hints.brands or hints.full_version_list:
            hinted = browser_from_brands(hints)
            hinted_browser = hinted[0] if hinted else hinted_browser
    presented = base.os.family
    unsure: list[str] = []
    if platform_family and presented in PLATFORM_FAMILIES.values() and platform_family != presented:
        unsure.append("device")  # the hints' platform stands; its device class is inferred
    if presented == "iOS" and hinted_browser in CHROMIUM_FAMILIES | {"Chromium"}:
        # Every iOS browser is WebKit and has no userAgentData: Chromium presenting an iPhone
        unsure += ["os", "device"]
    if (
        hinted_browser
        and base.browser.family not in CHROMIUM_FAMILIES
        and base.browser.family != "Other"
        and not base.in_app
        and presented != "iOS"
    ):
        unsure.append("browser")  # Firefox's or Safari's UA on a Chromium browser
    if phone_contradicted:
        unsure.append("device")
    if not unsure:
        return
    hinted_class = said.form_factor or (
        None if said.mobile is None else "mobile" if said.mobile else "desktop"
    )
    behaves = {
        "browser": hinted_browser or m.env.browser.family,
        "os": platform_family or m.env.os.family,
        "device": hinted_class or m.env.device.type,
    }
    m.conflicts.append(
        {
            "field": SIGNALS_FIELD,
            "used": used,
            "ignored": "ua",
            "values": {"ua": _describe(base), used: behaves},
            "unsure": sorted(set(unsure)),
        }
    )


def _correct(
    base: Environment,
    header_hints: ClientHints,
    js_hints: ClientHints,
    touch: int | None,
    screen: ModelClass | None = None,
    requested_with: str | None = None,
) -> Environment:
    m = _Merge(base)
    said = _DeviceSignals()
    # JS high-entropy hints are the most complete; headers first so that JS has the last word.
    given = [(h, s) for h, s in ((header_hints, "hints-header"), (js_hints, "hints-js")) if h]
    for hints, source in given:
        if hints.unreadable:
            m.conflicts.append(
                {
                    "field": "hints",
                    "used": "ua",
                    "ignored": source,
                    "values": {source: list(hints.unreadable)},
                    "unreadable": list(hints.unreadable),
                }
            )
        _apply_browser(m, hints, source)
        _apply_os(m, hints, source)
        _apply_device(m, hints, source, said)
    contradicted = _decide_device(m, said, screen, base.device) if given or screen else False
    hinted_platform = bool(header_hints.platform or js_hints.platform)
    _apply_touch(m, touch, hinted_platform)
    if requested_with:
        _apply_requested_with(m, requested_with)
    if given:
        _check_coherence(m, base, given, said, contradicted)
    if not m.conflicts and m.sources == base.sources:
        return m.env
    return replace(m.env, sources=m.sources, conflicts=tuple(m.conflicts))


# --- the detector with its bounded caches ------------------------------------------------------

_NO_HINTS = ClientHints()


#: The request header Android WebView names its app in (see diagnostics/data/webview_apps.yaml).
REQUESTED_WITH = "x-requested-with"


def _header_key(headers: Mapping[str, str]) -> tuple[tuple[tuple[str, str], ...], str | None]:
    """(the ``Sec-CH-UA-*`` pairs, sorted and bounded, as a cache key; X-Requested-With)."""
    items = []
    requested_with = None
    for name, value in headers.items():
        lname = str(name).lower()
        if lname.startswith("sec-ch-ua"):
            items.append((lname, str(value)[:1024]))
        elif lname == REQUESTED_WITH:
            requested_with = str(value)[:256]
    return tuple(sorted(items)), requested_with


def _touch_points(probe: Mapping[str, Any] | None) -> int | None:
    touch = probe.get("maxTouchPoints") if isinstance(probe, Mapping) else None
    return touch if isinstance(touch, int) and not isinstance(touch, bool) else None


class EnvironmentDetector:
    """:func:`detect_environment` with its own bounded LRU caches.

    ``cache_size`` bounds the results kept per (UA, hints, touch points) key, ``ua_cache_size``
    the UA-only parses under them; memory stays bounded however many distinct clients pass.
    """

    def __init__(
        self, cache_size: int = ENVIRONMENT_CACHE_SIZE, ua_cache_size: int = UA_CACHE_SIZE
    ) -> None:
        self._from_ua: Callable[[str], Environment] = lru_cache(maxsize=ua_cache_size)(
            _environment_from_ua
        )
        self._header_hints = lru_cache(maxsize=HEADER_HINTS_CACHE_SIZE)(_read_header_hints)
        self._resolve = lru_cache(maxsize=cache_size)(self._resolve_uncached)

    def _resolve_uncached(
        self,
        ua: str,
        header_hints: ClientHints,
        js_hints: ClientHints,
        touch: int | None,
        screen: ModelClass | None,
        requested_with: str | None,
    ) -> Environment:
        base = self._from_ua(ua)
        if not header_hints and not js_hints and touch is None and not requested_with:
            return base
        return _correct(base, header_hints, js_hints, touch, screen, requested_with)

    def detect(
        self,
        user_agent: str,
        headers: Mapping[str, str] | None = None,
        probe: Mapping[str, Any] | None = None,
    ) -> Environment:
        """See :func:`detect_environment`."""
        ua = printable(user_agent[:MAX_UA_CHARS]) if isinstance(user_agent, str) else ""
        if not headers and not probe:
            return self._from_ua(ua)  # the common case: one lookup, nothing else to hash
        header_hints, requested_with = _NO_HINTS, None
        if headers:
            items, requested_with = _header_key(headers)
            if items:
                header_hints = self._header_hints(items)
        js_hints = (
            read_hints(probe.get("userAgentData"))
            if isinstance(probe, Mapping) and probe.get("userAgentData")
            else _NO_HINTS
        )
        return self._resolve(
            ua,
            header_hints,
            js_hints,
            _touch_points(probe),
            screen_class(probe),
            requested_with,
        )

    def cache_sizes(self) -> dict[str, int]:
        """Current number of entries in each cache (for tests and monitoring)."""
        return {
            "environments": self._resolve.cache_info().currsize,  # type: ignore[attr-defined]
            "user_agents": self._from_ua.cache_info().currsize,  # type: ignore[attr-defined]
            "header_hints": self._header_hints.cache_info().currsize,
        }

    def close(self) -> None:
        """Drop every cached entry (idempotent)."""
        self._resolve.cache_clear()  # type: ignore[attr-defined]
        self._from_ua.cache_clear()  # type: ignore[attr-defined]
        self._header_hints.cache_clear()


def _read_header_hints(items: tuple[tuple[str, str], ...]) -> ClientHints:
    return hints_from_header_items(items)


@cache
def default_detector() -> EnvironmentDetector:
    """The process-wide detector :func:`detect_environment` uses (created on first use)."""
    return EnvironmentDetector()


def detect_environment(
    user_agent: str,
    headers: Mapping[str, str] | None = None,
    probe: Mapping[str, Any] | None = None,
) -> Environment:
    """Resolve one :class:`Environment` from every signal we have.

    ``user_agent`` is the User-Agent (the request header, or the probe's when that is absent;
    cut to :data:`MAX_UA_CHARS`), ``headers`` the request headers (``Sec-CH-UA-*`` are read),
    ``probe`` the probe payload (its ``userAgentData`` and ``maxTouchPoints`` are read).
    Returns the Environment with per-field ``sources``, ``conflicts`` and ``approximate`` marks.
    Never raises on bad input: values of the wrong type or shape are ignored.
    """
    return default_detector().detect(user_agent, headers, probe)
