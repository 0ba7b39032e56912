"""User-Agent Client Hints: the ``Sec-CH-UA-*`` request headers and ``navigator.userAgentData``.

Both carry the same values (https://wicg.github.io/ua-client-hints/). Chromium sends the headers
as HTTP Structured Fields (RFC 8941: ``"Android"``, ``?1``, ``"Chromium";v="131"``), but proxies,
logging pipelines and app SDKs re-emit them unquoted (``Android``, ``1``, ``Chromium;v=131``) or
store the JavaScript ``getHighEntropyValues()`` object instead. Everything is read leniently into
one typed :class:`ClientHints`, whichever of the two forms (or a mix) it comes in: a value that is
readable in either form is kept, anything else is dropped and named in ``unreadable``, never
raised.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

#: Longest hint value we read; anything longer is not a browser's (and would bloat cache keys).
MAX_HINT_CHARS = 256
#: Most brands we read from one list (browsers send 3-4; GREASE makes it at most a handful).
MAX_BRANDS = 16

Brands = tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class ClientHints:
    """The client hints we use, from one source (request headers or the probe's JS)."""

    brands: Brands = ()
    full_version_list: Brands = ()
    mobile: bool | None = None
    platform: str | None = None
    platform_version: str | None = None
    model: str | None = None
    form_factors: tuple[str, ...] = ()
    #: Hints that were present but could not be read in either form (header names or JS keys).
    unreadable: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return any(
            (
                self.brands,
                self.full_version_list,
                self.mobile is not None,
                self.platform,
                self.platform_version,
                self.model,
                self.form_factors,
                self.unreadable,
            )
        )


# --- one value, quoted or not -------------------------------------------------------------------

_ESCAPE = re.compile(r"\\(.)")


_SF_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')


def unquote(raw: str) -> str | None:
    """One string hint as a header or a log may carry it -> its value, or None if unreadable.

    ``"Android"`` (an RFC 8941 sf-string, escapes undone) and ``Android`` (as proxies re-emit it)
    both give ``Android``; ``""`` gives ``""`` (an empty hint, e.g. a desktop's model). A stray
    quote, a control character or non-ASCII text (sf-strings are ASCII) make it unreadable.
    """
    value = raw.strip()
    if value.startswith('"'):
        match = _SF_STRING.fullmatch(value)
        if match is None:
            return None
        value = match.group(1)
        if "\\" in value:
            value = _ESCAPE.sub(r"\1", value)
    elif '"' in value:
        return None
    if not value.isascii() or not value.isprintable():
        return None
    return value[:MAX_HINT_CHARS]


_TRUE = frozenset({"?1", "1", "true", "yes"})
_FALSE = frozenset({"?0", "0", "false", "no"})


def read_boolean(value: Any) -> bool | None:
    """``Sec-CH-UA-Mobile`` or ``mobile``: ``?1``/``?0`` (RFC 8941), a JSON boolean, or the
    ``1``/``0``/``true``/``false`` logs write; None when it is none of them."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        text = value.strip().strip('"').strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
    return None


# --- brand lists: "Chromium";v="131", Chromium;v=131 or the JS [{brand, version}] --------------

#: One member of a brand list: a quoted or bare brand, then ``;v=`` with a quoted or bare
#: version, then optional further parameters. GREASE brands hold ``;``, ``=``, ``(`` ... but
#: never a comma or a quote (https://wicg.github.io/ua-client-hints/#grease).
_MEMBER = re.compile(
    r'\s*(?:"((?:[^"\\]|\\.){1,256})"|([^",;=\s][^",;=]{0,255}?))\s*'
    r';\s*v\s*=\s*(?:"((?:[^"\\]|\\.){0,256})"|([^",;\s]{1,256}))'
    r'(?:\s*;\s*[a-z*][a-z0-9_.*-]*(?:=(?:"(?:[^"\\]|\\.)*"|[^",;\s]+))?)*\s*'
)
#: A member as it is split off the list: quoted strings may hold commas.
_MEMBERS = re.compile(r'(?:"(?:[^"\\]|\\.)*"|[^,"])+|"')


def parse_brand_list(value: str) -> list[tuple[str, str]]:
    """Parse a ``Sec-CH-UA`` brand list into (brand, version) pairs, quoted or not.

    ``"Chromium";v="131"``, ``Chromium;v=131`` and the JSON ``[{"brand", "version"}]`` a log
    may hold all read the same. Members that are not a brand with a version are skipped; a
    value that is none of these gives ``[]``. Never raises.
    """
    text = value.strip()
    if text.startswith("["):
        try:
            return list(_brands(json.loads(text)))
        except (ValueError, RecursionError):
            return []
    brands = []
    for member in _MEMBERS.findall(text[: MAX_HINT_CHARS * MAX_BRANDS]):
        match = _MEMBER.fullmatch(member)
        if match is None:
            continue
        brand = match.group(1) if match.group(1) is not None else match.group(2)
        version = match.group(3) if match.group(3) is not None else match.group(4)
        brand, version = _ESCAPE.sub(r"\1", brand), _ESCAPE.sub(r"\1", version)
        if brand.isascii() and version.isascii() and brand.isprintable() and version:
            brands.append((brand[:MAX_HINT_CHARS], version[:MAX_HINT_CHARS]))
        if len(brands) == MAX_BRANDS:
            break
    return brands


def _token_list(value: str) -> list[str] | None:
    """``"Mobile", "Tablet"`` or ``Mobile, Tablet`` (Sec-CH-UA-Form-Factors); None if unreadable."""
    items = [unquote(part) for part in value.split(",")[:MAX_BRANDS]]
    if any(item is None for item in items):
        return None
    return [item for item in items if item]


# --- request headers --------------------------------------------------------------------------

#: ``Sec-CH-UA-*`` header -> the ``userAgentData`` key it carries.
HEADER_KEYS = {
    "sec-ch-ua": "brands",
    "sec-ch-ua-full-version-list": "fullVersionList",
    "sec-ch-ua-mobile": "mobile",
    "sec-ch-ua-platform": "platform",
    "sec-ch-ua-platform-version": "platformVersion",
    "sec-ch-ua-model": "model",
    "sec-ch-ua-arch": "architecture",
    "sec-ch-ua-bitness": "bitness",
    "sec-ch-ua-form-factors": "formFactors",
}
_HEADER_NAMES = {key: header for header, key in HEADER_KEYS.items()}


def _read_headers(headers: Iterable[tuple[str, str]]) -> tuple[dict[str, Any], list[str]]:
    hints: dict[str, Any] = {}
    unreadable = []
    for name, raw in headers:
        key = HEADER_KEYS.get(name.lower())
        if key is None:
            continue
        value: Any
        if key in ("brands", "fullVersionList"):
            brands = parse_brand_list(raw)
            value = [{"brand": b, "version": v} for b, v in brands]
            ok = bool(brands) or not raw.strip()
        elif key == "mobile":
            value = read_boolean(raw)
            ok = value is not None
        elif key == "formFactors":
            value = _token_list(raw)
            ok = value is not None
        else:
            value = unquote(raw)
            ok = value is not None
        if ok:
            hints[key] = value
        else:
            if key in ("brands", "fullVersionList"):
                hints[key] = value  # an unreadable list still says "no brands": keep it empty
            unreadable.append(_HEADER_NAMES[key].title().replace("Ch-Ua", "CH-UA"))
    return hints, unreadable


def hints_from_headers(headers: Mapping[str, str]) -> dict[str, Any]:
    """Read the ``Sec-CH-UA-*`` request headers into the probe's ``userAgentData`` shape.

    Header names are matched case-insensitively; values are read quoted or not (see
    :func:`unquote`); headers that are absent or unreadable are left out. Never raises.
    """
    return _read_headers((str(k), str(v)) for k, v in headers.items())[0]


def hints_from_header_items(headers: Iterable[tuple[str, str]]) -> ClientHints:
    """(name, value) request header pairs -> :class:`ClientHints`, unreadable hints named."""
    data, unreadable = _read_headers(headers)
    hints = read_hints(data)
    if unreadable:
        hints = _with_unreadable(hints, unreadable)
    return hints


# --- the JS form (userAgentData, getHighEntropyValues(), an SDK's or a log's copy of it) -------


def printable(text: str) -> str:
    """``text`` with lone surrogates (possible in decoded JSON) replaced, so it encodes as UTF-8."""
    return text if text.isascii() else text.encode("utf-8", "replace").decode("utf-8")


def _text(value: Any) -> str | None:
    """A JS string hint, or the same value quoted as a header would have it; numbers (a log's
    ``"platformVersion": 14``) become their text. None when empty or not text."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return None
    value = value.strip()
    if value.startswith('"') and value.endswith('"') and len(value) >= 2:
        value = value[1:-1].strip()
    return printable(value[:MAX_HINT_CHARS]) if value else None


def _brands(value: Any) -> Brands:
    if isinstance(value, str):
        return tuple(parse_brand_list(value))
    if not isinstance(value, list | tuple):
        return ()
    out = []
    for entry in value[:MAX_BRANDS]:
        if isinstance(entry, Mapping):
            brand, version = _text(entry.get("brand")), _text(entry.get("version"))
            if brand and version:
                out.append((brand, version))
    return tuple(out)


def _factors(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = _token_list(value) or ()
    if not isinstance(value, list | tuple):
        return ()
    return tuple(f for f in map(_text, value[:MAX_BRANDS]) if f)


#: Keys of the JS form as apps and logs spell them (camelCase, snake_case, any case), folded
#: to lower case without ``_``/``-`` -> the ``userAgentData`` key (the same keys the headers
#: carry).
_JS_KEYS = {key.lower(): key for key in HEADER_KEYS.values()}
_STRING_KEYS = ("platform", "platformVersion", "model")


def _fold(key: str) -> str:
    return key.lower().replace("_", "").replace("-", "")


def _normalised(data: Mapping[Any, Any]) -> tuple[dict[str, Any], list[str]]:
    """Map every key to its ``userAgentData`` name; ``Sec-CH-UA-*`` keys (the header form in a
    JSON object) are read as headers."""
    out: dict[str, Any] = {}
    headers = []
    for raw_key, value in list(data.items())[:64]:
        if not isinstance(raw_key, str):
            continue
        if raw_key[:9].lower() == "sec-ch-ua":
            if isinstance(value, str):
                headers.append((raw_key, value))
            continue
        key = _JS_KEYS.get(_fold(raw_key))
        if key is not None:
            out[key] = value
    unreadable: list[str] = []
    if headers:
        from_headers, unreadable = _read_headers(headers)
        out = {**from_headers, **out}  # the JS form's own keys win over header-form copies
    return out, unreadable


def read_hints(data: Any) -> ClientHints:
    """Type-check a ``userAgentData``-shaped mapping (the probe's, a log's, or
    :func:`hints_from_headers` output) leniently.

    Keys may be camelCase (``platformVersion``), snake_case or header names
    (``Sec-CH-UA-Platform``); strings may be quoted as in headers; brand lists may be the JS list
    or a header string; ``mobile`` may be a boolean, ``?1`` or ``1``. Values that still make no
    sense are dropped and named in ``unreadable``. Returns an empty :class:`ClientHints` for a
    non-mapping. Never raises.
    """
    if not isinstance(data, Mapping):
        return ClientHints()
    values, unreadable = _normalised(data)
    mobile = read_boolean(values["mobile"]) if "mobile" in values else None
    if "mobile" in values and mobile is None and values["mobile"] is not None:
        unreadable.append("mobile")
    strings = {key: _text(values.get(key)) for key in _STRING_KEYS}
    for key in _STRING_KEYS:
        value = values.get(key)
        if strings[key] is None and value not in (None, "") and not isinstance(value, str):
            unreadable.append(key)
    hints = ClientHints(
        brands=_brands(values.get("brands")),
        full_version_list=_brands(values.get("fullVersionList")),
        mobile=mobile,
        platform=strings["platform"],
        platform_version=strings["platformVersion"],
        model=strings["model"],
        form_factors=_factors(values.get("formFactors")),
    )
    return _with_unreadable(hints, unreadable) if unreadable else hints


def _with_unreadable(hints: ClientHints, names: Iterable[str]) -> ClientHints:
    return replace(hints, unreadable=tuple(dict.fromkeys((*hints.unreadable, *names))))


# --- what the hints say ------------------------------------------------------------------------

#: Brand in userAgentData -> our browser family. Order matters: the most specific brand wins, and
#: "Chromium" comes last because every Chromium-based browser lists it.
BRAND_FAMILIES: tuple[tuple[str, str], ...] = (
    ("Microsoft Edge", "Edge"),
    ("Opera GX", "Opera"),
    ("Opera", "Opera"),
    ("OperaMobile", "Opera"),
    ("Opera Mobile", "Opera"),
    ("YaBrowser", "Yandex Browser"),
    ("Yandex", "Yandex Browser"),
    ("Samsung Internet", "Samsung Internet"),
    ("Brave", "Brave"),
    ("Vivaldi", "Vivaldi"),
    ("Android WebView", "Chrome WebView"),
    ("Google Chrome", "Chrome"),
    ("HeadlessChrome", "Chromium"),
    ("Chromium", "Chromium"),
)

_LEADING_INT = re.compile(r"\d{1,9}")


def int_major(version: str | None) -> int | None:
    """The leading integer of ``version`` (``"131.0.6778.86"`` -> 131), or None."""
    match = _LEADING_INT.match(version or "")
    return int(match.group()) if match else None


def _version_of(hints: ClientHints, brand: str) -> str | None:
    for name, version in hints.full_version_list:
        if name == brand:
            return version
    for name, version in hints.brands:
        if name == brand:
            return version
    return None


def browser_from_brands(hints: ClientHints) -> tuple[str, str] | None:
    """``(family, version)`` of the most specific known brand, the full version where given."""
    for brand, family in BRAND_FAMILIES:
        version = _version_of(hints, brand)
        if version and int_major(version) is not None:
            return family, version
    return None


def chromium_version(hints: ClientHints) -> str | None:
    """The Chromium (Blink) version the hints give, full where the full version list has it."""
    for brand in ("Chromium", "Google Chrome", "HeadlessChrome", "Android WebView"):
        version = _version_of(hints, brand)
        if version and int_major(version) is not None:
            return version
    return None


#: ``Sec-CH-UA-Platform`` -> our OS family.
PLATFORM_FAMILIES = {
    "Windows": "Windows",
    "macOS": "macOS",
    "Android": "Android",
    "Linux": "Linux",
    "Chrome OS": "Chrome OS",
    "Chromium OS": "Chrome OS",
    "iOS": "iOS",
}


def windows_from_platform_version(version: str) -> tuple[str, int] | None:
    """Map ``Sec-CH-UA-Platform-Version`` on Windows to the marketing version and its major.

    https://learn.microsoft.com/microsoft-edge/web-platform/how-to-detect-win11 : 13 and above is
    Windows 11, 1-10 is Windows 10, 0.3 is 8.1, 0.2 is 8, 0.1 is 7. Returns None for anything else.
    """
    parts = [int(p) for p in re.findall(r"\d{1,9}", version)[:2]] + [0, 0]
    major, minor = parts[0], parts[1]
    if major >= 13:
        return "11", 11
    if major >= 1:
        return "10", 10
    return {3: ("8.1", 8), 2: ("8", 8), 1: ("7", 7)}.get(minor)
