"""In-app browsers and web views: the page runs inside another app, not the user's browser.

They break sign-in (third-party cookies, pop-ups, saved passwords) and downloads, so support
needs to know: :func:`in_app_from_ua` names the app from the tokens each app adds to its web
view's User-Agent (documented by the apps or widely observed in access logs).
"""

from __future__ import annotations

import re

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
