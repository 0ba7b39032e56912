"""In-app browsers and web views: the page runs inside another app, not the user's browser.

They break sign-in (third-party cookies, pop-ups, saved passwords) and downloads, so support
needs to know: :func:`in_app_from_ua` names the app from the tokens each app adds to its web
view's User-Agent (documented by the apps or widely observed in access logs), and
:func:`app_from_requested_with` from the ``X-Requested-With`` header Android WebView sends with
the app's package name (the table is data: ``diagnostics/data/webview_apps.yaml``).
"""

from __future__ import annotations

import re
from importlib import resources

import yaml

#: (app name, literal tokens, confirming pattern or None), first match wins: named apps before
#: the generic web views. The literals are a cheap prefilter (a substring test per token); the
#: pattern, where given, is only run on UAs that contain one of them.
IN_APP_TOKENS: tuple[tuple[str, tuple[str, ...], re.Pattern[str] | None], ...] = tuple(
    (name, literals, re.compile(pattern) if pattern else None)
    for name, literals, pattern in (
        ("Messenger", ("FBAN/Messenger", "FB_IAB/MESSENGER"), None),
        ("Facebook", ("FBAN/", "FBAV/", "FB_IAB/", "FBIOS", "FB4A"), None),
        ("Instagram", ("Instagram",), r"\bInstagram[ /]\d"),
        ("Threads", ("Barcelona ",), r"\bBarcelona \d"),
        ("Telegram", ("Telegram",), r"\bTelegram(?:-Android|-iOS)?/\d"),
        ("Viber", ("Viber/",), r"\bViber/\d"),
        (
            "TikTok",
            ("musical_ly", "BytedanceWebview", "TikTok", "trill_", "com.zhiliaoapp"),
            r"musical_ly|BytedanceWebview|\bTikTok[ /]\d|\btrill_\d|com\.zhiliaoapp",
        ),
        ("LinkedIn", ("LinkedInApp",), None),
        ("Snapchat", ("Snapchat/",), None),
        ("X (Twitter)", ("Twitter for iPhone", "Twitter for iPad", "TwitterAndroid"), None),
        ("Pinterest", ("[Pinterest/", "Pinterest for Android"), None),
        ("LINE", ("Line/",), r"\bLine/\d"),
        ("KakaoTalk", ("KAKAOTALK",), None),
        ("WeChat", ("MicroMessenger/",), None),
        ("Google App", ("GSA/",), r"\bGSA/\d"),
        ("Yandex App", ("YandexSearch/", "YaApp_Android", "YaApp_iOS", "YaSearchBrowser"), None),
    )
)
_ANY_APP_TOKEN = re.compile(
    "|".join(re.escape(token) for _, literals, _ in IN_APP_TOKENS for token in literals)
)
ANDROID_WEBVIEW = "Android WebView"
IOS_WEBVIEW = "iOS WebView"
_IOS_WEBKIT = re.compile(r"AppleWebKit/[\d.]+.*\bMobile/\w+")


def in_app_from_ua(ua: str, os_family: str) -> str | None:
    """Name the app whose built-in browser sent ``ua``, or None for a real browser.

    A named app wins (its token is in the UA); otherwise an Android WebView (``; wv)``) is
    "Android WebView" and an iOS ``WKWebView`` (the WebKit ``Mobile/`` token without Safari's
    ``Safari/`` token, which every real iOS browser sends) is "iOS WebView".
    """
    if _ANY_APP_TOKEN.search(ua):
        for name, literals, pattern in IN_APP_TOKENS:
            if any(token in ua for token in literals) and (pattern is None or pattern.search(ua)):
                return name
    if os_family == "Android" and "; wv)" in ua:
        return ANDROID_WEBVIEW
    if os_family == "iOS" and "Safari/" not in ua and "Mobile/" in ua and _IOS_WEBKIT.search(ua):
        return IOS_WEBVIEW
    return None


# --- X-Requested-With: the app's package, from Android WebView --------------------------------

#: What a web view's ``X-Requested-With`` means: ``"app"`` (an in-app browser named by the
#: value), ``"browser"`` (a browser's own package: not an app) or, for an unknown value, nothing.
RequestedWith = tuple[str, str]
_PACKAGE = re.compile(r"[A-Za-z][\w]*(?:\.[A-Za-z_][\w]*)+")


def _load_webview_apps() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    text = resources.files("diagnostics").joinpath("data/webview_apps.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    return dict(data["apps"]), dict(data["browser_webviews"]), dict(data["browsers"])


#: ``diagnostics/data/webview_apps.yaml``, package -> name: apps, the browsers whose apps show
#: pages in web views too, and browsers. Read at import (constant data, like the regexes above:
#: nothing loads in a user's request).
WEBVIEW_APPS, BROWSER_WEBVIEWS, BROWSER_PACKAGES = _load_webview_apps()


def app_from_requested_with(value: str, web_view: bool) -> RequestedWith | None:
    """What an ``X-Requested-With`` value says: ``("app", name)`` for a known app's package,
    ``("browser", family)`` for a browser's own, None for anything else (``XMLHttpRequest``, an
    unknown package, junk).

    ``web_view`` is whether the UA is an Android WebView's (``; wv``): the Samsung and Xiaomi
    browsers' packages name their apps' web views then, and the browser itself otherwise.
    """
    package = value.strip()
    if not 3 <= len(package) <= 128 or not _PACKAGE.fullmatch(package):
        return None
    if package in WEBVIEW_APPS:
        return "app", WEBVIEW_APPS[package]
    if package in BROWSER_WEBVIEWS:
        return ("app" if web_view else "browser"), BROWSER_WEBVIEWS[package]
    if package in BROWSER_PACKAGES:
        return "browser", BROWSER_PACKAGES[package]
    return None
