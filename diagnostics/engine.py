"""The rendering engine (Blink, Gecko, WebKit, Trident, EdgeHTML, Presto) and its version."""

from __future__ import annotations

import re

from .models import Engine

#: name -> (its literal, for a substring test first: most UAs lack most tokens; its pattern)
_TOKEN = {
    name: (f"{name}/", re.compile(rf"{name}/(\d[\d.]*)"))
    for name in ("Trident", "Presto", "Edge", "AppleWebKit", "Chrome", "Chromium", "HeadlessChrome")
}
_GECKO_RV = re.compile(r"rv:(\d[\d.]*)\)\s*Gecko/")
#: Safari has reported AppleWebKit/605.1.15 since 2017: the token is frozen, not the real build.
FROZEN_WEBKIT = "605.1.15"
#: Browsers built on Chromium: Blink, and their brands in client hints may refine a UA that
#: says "Chrome".
CHROMIUM_FAMILIES = frozenset(
    {
        "Chrome",
        "Chromium",
        "Edge",
        "Opera",
        "Samsung Internet",
        "Yandex Browser",
        "Brave",
        "Vivaldi",
        "Chrome WebView",
    }
)


def _token(name: str, ua: str) -> str | None:
    literal, pattern = _TOKEN[name]
    if literal not in ua:
        return None
    match = pattern.search(ua)
    return match.group(1) if match else None


def engine_from_ua(ua: str, browser_family: str, os_family: str) -> Engine:
    """Tell the engine from the UA string and the already-parsed browser and OS families.

    Every browser on iOS is WebKit (Apple's rule, whatever its UA says). The version is the
    engine's own where the UA carries it: Chromium's version for Blink, ``rv:`` for Gecko,
    the Trident/Presto/EdgeHTML token; Safari's frozen ``AppleWebKit/605.1.15`` is marked
    approximate. Returns ``Engine()`` (family "Other") when nothing fits.
    """
    webkit = _token("AppleWebKit", ua)
    if os_family == "iOS" or browser_family in ("Safari", "Safari WebView"):
        return Engine("WebKit", webkit, approximate=webkit == FROZEN_WEBKIT)
    if "Trident/" in ua or browser_family in ("IE", "IE Mobile"):
        return Engine("Trident", _token("Trident", ua))
    if "Presto/" in ua:
        return Engine("Presto", _token("Presto", ua))
    edge_html = _token("Edge", ua)
    if edge_html and "Chrome/" in ua:
        return Engine("EdgeHTML", edge_html)  # legacy Edge 12-18: "Chrome/.. Safari/.. Edge/18"
    if "Gecko/" in ua and not webkit:
        match = _GECKO_RV.search(ua)
        return Engine("Gecko", match.group(1) if match else None)
    chromium = _token("Chrome", ua) or _token("Chromium", ua) or _token("HeadlessChrome", ua)
    if chromium:
        return Engine("Blink", chromium)
    if browser_family in CHROMIUM_FAMILIES:
        return Engine("Blink")
    if webkit:
        return Engine("WebKit", webkit, approximate=webkit == FROZEN_WEBKIT)
    return Engine()
