"""In-app browsers and web views: the page runs inside another app, not the user's browser.

They break sign-in (third-party cookies, pop-ups, saved passwords) and downloads, so support
needs to know: :func:`in_app_from_ua` names the app from the tokens each app adds to its web
view's User-Agent (documented by the apps or widely observed in access logs).
"""

from __future__ import annotations

import re

#: (pattern, app name), first match wins: named apps before the generic web views.
IN_APP_TOKENS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), name)
    for pattern, name in (
        (r"FBAN/Messenger|FB_IAB/MESSENGER|FBAN/MessengerLite", "Messenger"),
        (r"FBAN/|FBAV/|FB_IAB/|FBIOS|FB4A", "Facebook"),
        (r"\bInstagram[ /]\d", "Instagram"),
        (r"\bBarcelona \d", "Threads"),
        (r"\bTelegram(?:-Android|-iOS)?/\d", "Telegram"),
        (r"\bViber/\d", "Viber"),
        (r"musical_ly|BytedanceWebview|\bTikTok[ /]\d|\btrill_\d|com\.zhiliaoapp", "TikTok"),
        (r"\bLinkedInApp\b", "LinkedIn"),
        (r"\bSnapchat/\d", "Snapchat"),
        (r"Twitter for i(?:Phone|Pad)|TwitterAndroid", "X (Twitter)"),
        (r"\[Pinterest/|\bPinterest for Android", "Pinterest"),
        (r"\bLine/\d", "LINE"),
        (r"KAKAOTALK", "KakaoTalk"),
        (r"MicroMessenger/", "WeChat"),
        (r"\bGSA/\d", "Google App"),
        (r"YandexSearch/|YaApp_(?:Android|iOS)|YaSearchBrowser", "Yandex App"),
    )
)
ANDROID_WEBVIEW = "Android WebView"
IOS_WEBVIEW = "iOS WebView"
_ANDROID_WV = re.compile(r"; wv\)")
_IOS_WEBKIT = re.compile(r"AppleWebKit/[\d.]+.*\bMobile/\w+")


def in_app_from_ua(ua: str, os_family: str) -> str | None:
    """Name the app whose built-in browser sent ``ua``, or None for a real browser.

    A named app wins (its token is in the UA); otherwise an Android WebView (``; wv)``) is
    "Android WebView" and an iOS ``WKWebView`` (the WebKit ``Mobile/`` token without Safari's
    ``Safari/`` token, which every real iOS browser sends) is "iOS WebView".
    """
    for pattern, name in IN_APP_TOKENS:
        if pattern.search(ua):
            return name
    if os_family == "Android" and _ANDROID_WV.search(ua):
        return ANDROID_WEBVIEW
    if os_family == "iOS" and "Safari/" not in ua and _IOS_WEBKIT.search(ua):
        return IOS_WEBVIEW
    return None
