"""User-Agent Client Hints: the ``Sec-CH-UA-*`` request headers and ``navigator.userAgentData``.

Both carry the same values (https://wicg.github.io/ua-client-hints/); the headers are HTTP
Structured Fields (RFC 8941), parsed here with :mod:`http_sfv`. Everything is read into one typed
:class:`ClientHints`, tolerant of anything an untrusted client may send: a value of the wrong type
or a header that is not a valid structured field is dropped, never raised.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import http_sfv

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
            )
        )


# --- request headers --------------------------------------------------------------------------


def _sf_list(value: str) -> list[http_sfv.Item]:
    parsed = http_sfv.List()
    try:
        parsed.parse(value.encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        return []  # RFC 8941 4.2: a field that fails to parse is ignored as a whole
    return [item for item in parsed if isinstance(item, http_sfv.Item)][:MAX_BRANDS]


def _sf_item(value: str) -> Any:
    parsed = http_sfv.Item()
    try:
        parsed.parse(value.encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        return None
    return parsed.value


def parse_brand_list(value: str) -> list[tuple[str, str]]:
    """Parse a ``Sec-CH-UA`` brand list (``"Chromium";v="131", ...``) into (brand, version).

    Members that are not a string with a string ``v`` parameter are skipped; a header that is not
    a valid structured-field list gives ``[]``.
    """
    brands = []
    for item in _sf_list(value):
        version = item.params.get("v")
        if isinstance(item.value, str) and isinstance(version, str):
            brands.append((item.value[:MAX_HINT_CHARS], version[:MAX_HINT_CHARS]))
    return brands


def hints_from_headers(headers: Mapping[str, str]) -> dict[str, Any]:
    """Read the ``Sec-CH-UA-*`` request headers into the probe's ``userAgentData`` shape.

    Header names are matched case-insensitively; headers that are absent or unparseable are left
    out of the result. Never raises.
    """
    lower = {str(k).lower(): str(v) for k, v in headers.items()}
    hints: dict[str, Any] = {}
    for header, key in (
        ("sec-ch-ua", "brands"),
        ("sec-ch-ua-full-version-list", "fullVersionList"),
    ):
        if header in lower:
            hints[key] = [{"brand": b, "version": v} for b, v in parse_brand_list(lower[header])]
    if "sec-ch-ua-mobile" in lower:
        mobile = _sf_item(lower["sec-ch-ua-mobile"])
        if isinstance(mobile, bool):
            hints["mobile"] = mobile
    for header, key in (
        ("sec-ch-ua-platform", "platform"),
        ("sec-ch-ua-platform-version", "platformVersion"),
        ("sec-ch-ua-model", "model"),
        ("sec-ch-ua-arch", "architecture"),
        ("sec-ch-ua-bitness", "bitness"),
    ):
        if header in lower:
            value = _sf_item(lower[header])
            if isinstance(value, str):
                hints[key] = value[:MAX_HINT_CHARS]
    if "sec-ch-ua-form-factors" in lower:
        factors = [i.value for i in _sf_list(lower["sec-ch-ua-form-factors"])]
        hints["formFactors"] = [f[:MAX_HINT_CHARS] for f in factors if isinstance(f, str)]
    return hints


# --- one typed view of either source -----------------------------------------------------------


def printable(text: str) -> str:
    """``text`` with lone surrogates (possible in decoded JSON) replaced, so it encodes as UTF-8."""
    return text if text.isascii() else text.encode("utf-8", "replace").decode("utf-8")


def _text(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return printable(value.strip()[:MAX_HINT_CHARS])
    return None


def _brands(value: Any) -> Brands:
    if not isinstance(value, list | tuple):
        return ()
    out = []
    for entry in value[:MAX_BRANDS]:
        if isinstance(entry, Mapping):
            brand, version = _text(entry.get("brand")), _text(entry.get("version"))
            if brand and version:
                out.append((brand, version))
    return tuple(out)


def read_hints(data: Any) -> ClientHints:
    """Type-check a ``userAgentData``-shaped mapping (from the probe or :func:`hints_from_headers`).

    Returns a :class:`ClientHints` keeping only well-typed values; anything else (a non-mapping,
    a number where a string belongs) is dropped. Never raises.
    """
    if not isinstance(data, Mapping):
        return ClientHints()
    mobile = data.get("mobile")
    factors = data.get("formFactors")
    return ClientHints(
        brands=_brands(data.get("brands")),
        full_version_list=_brands(data.get("fullVersionList")),
        mobile=mobile if isinstance(mobile, bool) else None,
        platform=_text(data.get("platform")),
        platform_version=_text(data.get("platformVersion")),
        model=_text(data.get("model")),
        form_factors=tuple(f for f in map(_text, factors[:MAX_BRANDS]) if f)
        if isinstance(factors, list | tuple)
        else (),
    )


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
