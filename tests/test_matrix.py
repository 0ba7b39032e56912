"""Verdicts of the default policy at every edge: one below, at and above each minimum."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from diagnostics.models import OS, Browser, Device, Engine, Environment
from diagnostics.useragent import detect_environment
from matrix import evaluate_policy, load_policy
from matrix.rules import explain_policy

WIN10 = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
MAC = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
LINUX = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "


def chrome(major: int, platform: str = WIN10, tail: str = "") -> str:
    return f"{platform}Chrome/{major}.0.0.0 Safari/537.36{tail}"


def windows(nt: str, major: int = 131) -> str:
    return (
        f"Mozilla/5.0 (Windows NT {nt}; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        f"Chrome/{major}.0.0.0 Safari/537.36"
    )


def firefox(major: int) -> str:
    return (
        f"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:{major}.0) Gecko/20100101 Firefox/{major}.0"
    )


def iphone(ios: str, tail: str = "Version/{v} Mobile/15E148 Safari/604.1") -> str:
    return (
        f"Mozilla/5.0 (iPhone; CPU iPhone OS {ios} like Mac OS X) AppleWebKit/605.1.15 "
        f"(KHTML, like Gecko) " + tail.format(v=ios.replace("_", "."))
    )


def android(version: str, chrome_major: int = 131, model: str = "SM-G930F", tail: str = "") -> str:
    return (
        f"Mozilla/5.0 (Linux; Android {version}; {model}) AppleWebKit/537.36 (KHTML, like "
        f"Gecko) Chrome/{chrome_major}.0.0.0 Mobile Safari/537.36{tail}"
    )


def samsung(own: str, engine: int) -> str:
    return (
        "Mozilla/5.0 (Linux; Android 13; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) "
        f"SamsungBrowser/{own} Chrome/{engine}.0.0.0 Mobile Safari/537.36"
    )


def opera(own: int, engine: int) -> str:
    return chrome(engine, tail=f" OPR/{own}.0.0.0")


def mac_safari(version: str) -> str:
    return (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like "
        f"Gecko) Version/{version} Safari/605.1.15"
    )


MAC_HINTS = {"Sec-CH-UA-Platform": '"macOS"'}
# (id, User-Agent, request headers, status, deciding rule)
CASES = [
    # Chrome, Edge, Chromium >= 109
    ("chrome-108", chrome(108), {}, "unsupported", "browser:Chrome"),
    ("chrome-109", chrome(109), {}, "supported", "browser:Chrome"),
    ("chrome-110", chrome(110), {}, "supported", "browser:Chrome"),
    ("edge-108", chrome(108, tail=" Edg/108.0.1462.54"), {}, "unsupported", "browser:Edge"),
    ("edge-109", chrome(109, tail=" Edg/109.0.1518.78"), {}, "supported", "browser:Edge"),
    ("edge-110", chrome(110, tail=" Edg/110.0.1587.41"), {}, "supported", "browser:Edge"),
    ("edge-legacy-18", chrome(70, tail=" Edge/18.19045"), {}, "unsupported", "browser:Edge"),
    (
        "chromium-108",
        LINUX + "Chromium/108.0.5359.124 Chrome/108.0.5359.124 Safari/537.36",
        {},
        "unsupported",
        "browser:Chromium",
    ),
    (
        "chromium-109",
        LINUX + "Chromium/109.0.5414.74 Chrome/109.0.5414.74 Safari/537.36",
        {},
        "supported",
        "browser:Chromium",
    ),
    # Firefox >= 115
    ("firefox-114", firefox(114), {}, "unsupported", "browser:Firefox"),
    ("firefox-115", firefox(115), {}, "supported", "browser:Firefox"),
    ("firefox-116", firefox(116), {}, "supported", "browser:Firefox"),
    # Opera: its own numbers, judged by the Chromium version its UA names (Opera 95 = Chromium 109)
    ("opera-94-chromium-108", opera(94, 108), {}, "unsupported", "browser:Opera"),
    ("opera-95-chromium-109", opera(95, 109), {}, "supported", "browser:Opera"),
    ("opera-96-chromium-110", opera(96, 110), {}, "supported", "browser:Opera"),
    (
        "opera-android-79-chromium-119",
        android("13", 119, tail=" OPR/79.0.2254.70500"),
        {},
        "supported",
        "browser:Opera",
    ),
    (
        "opera-android-73-chromium-108",
        android("13", 108, tail=" OPR/73.0.3856.65000"),
        {},
        "unsupported",
        "browser:Opera",
    ),
    (
        "opera-12-presto-by-release-table",
        "Opera/9.80 (Windows NT 10.0) Presto/2.12.388 Version/12.18",
        {},
        "unsupported",
        "browser:Opera",
    ),
    # Samsung Internet: 20 runs Chromium 106, 21 Chromium 110
    (
        "samsung-20-chromium-106",
        samsung("20.0", 106),
        {},
        "unsupported",
        "browser:Samsung Internet",
    ),
    ("samsung-chromium-108", samsung("20.0", 108), {}, "unsupported", "browser:Samsung Internet"),
    ("samsung-chromium-109", samsung("21.0", 109), {}, "supported", "browser:Samsung Internet"),
    ("samsung-21-chromium-110", samsung("21.0", 110), {}, "supported", "browser:Samsung Internet"),
    ("samsung-23-chromium-115", samsung("23.0", 115), {}, "supported", "browser:Samsung Internet"),
    # Safari >= 16 on macOS (macOS frozen at 10.15.7 in the UA: never condemned on it)
    ("mac-safari-15.6", mac_safari("15.6"), {}, "unsupported", "browser:Safari"),
    ("mac-safari-16.0", mac_safari("16.0"), {}, "supported", "browser:Safari"),
    ("mac-safari-17.1", mac_safari("17.1"), {}, "supported", "browser:Safari"),
    ("frozen-macos-chrome", chrome(131, MAC), {}, "supported", "browser:Chrome"),
    (
        "frozen-macos-firefox",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:128.0) Gecko/20100101 Firefox/128.0",
        {},
        "supported",
        "browser:Firefox",
    ),
    # macOS >= 11: a real old version in the UA, and client hints that tell the truth
    (
        "macos-10.13-chrome",
        chrome(
            116,
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_13_6) "
            "AppleWebKit/537.36 (KHTML, like Gecko) ",
        ),
        {},
        "unsupported",
        "os:macOS",
    ),
    (
        "macos-hints-10.15.7-real-catalina",
        chrome(131, MAC),
        {**MAC_HINTS, "Sec-CH-UA-Platform-Version": '"10.15.7"'},
        "unsupported",
        "os:macOS",
    ),
    (
        "macos-hints-11",
        chrome(131, MAC),
        {**MAC_HINTS, "Sec-CH-UA-Platform-Version": '"11.0.0"'},
        "supported",
        "browser:Chrome",
    ),
    (
        "macos-hints-15",
        chrome(131, MAC),
        {**MAC_HINTS, "Sec-CH-UA-Platform-Version": '"15.1.0"'},
        "supported",
        "browser:Chrome",
    ),
    # iOS/iPadOS >= 16, for Safari and every other browser on it
    ("ios-15.8-safari", iphone("15_8"), {}, "unsupported", "os:iOS"),
    ("ios-16.0-safari", iphone("16_0"), {}, "supported", "browser:Safari"),
    ("ios-16.1-safari", iphone("16_1"), {}, "supported", "browser:Safari"),
    (
        "ios-15-chrome",
        iphone("15_7", "CriOS/120.0.6099.119 Mobile/15E148 Safari/604.1"),
        {},
        "unsupported",
        "os:iOS",
    ),
    (
        "ios-16-old-chrome-version-irrelevant",
        iphone("16_6", "CriOS/100.0.4896.85 Mobile/15E148 Safari/604.1"),
        {},
        "supported",
        "browser:Chrome",
    ),
    (
        "ios-16-firefox-114",
        iphone("16_6", "FxiOS/114.0 Mobile/15E148 Safari/605.1.15"),
        {},
        "supported",
        "browser:Firefox",
    ),
    (
        "ios-15-edge",
        iphone("15_6", "EdgiOS/119.0.2151.65 Mobile/15E148 Safari/605.1.15"),
        {},
        "unsupported",
        "os:iOS",
    ),
    (
        "ipad-15.7",
        "Mozilla/5.0 (iPad; CPU OS 15_7 like Mac OS X) AppleWebKit/605.1.15 (KHTML, "
        "like Gecko) Version/15.7 Mobile/15E148 Safari/604.1",
        {},
        "unsupported",
        "os:iOS",
    ),
    (
        "ipad-16.6",
        "Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, "
        "like Gecko) Version/16.6 Mobile/15E148 Safari/604.1",
        {},
        "supported",
        "browser:Safari",
    ),
    (
        "ios-26-frozen-18.6",
        iphone("18_6", "Version/26.0 Mobile/15E148 Safari/604.1"),
        {},
        "supported",
        "browser:Safari",
    ),
    # Windows >= 10; 7, 8, 8.1 limited; XP and Vista unsupported
    ("windows-xp", windows("5.1", 49), {}, "unsupported", "browser:Chrome"),
    ("windows-vista-chrome-109", windows("6.0", 109), {}, "unsupported", "os:Windows"),
    ("windows-7", windows("6.1", 109), {}, "limited", "os:Windows"),
    ("windows-8", windows("6.2", 109), {}, "limited", "os:Windows"),
    ("windows-8.1", windows("6.3", 109), {}, "limited", "os:Windows"),
    ("windows-10", windows("10.0", 109), {}, "supported", "browser:Chrome"),
    (
        "windows-11-hints",
        windows("10.0"),
        {"Sec-CH-UA-Platform": '"Windows"', "Sec-CH-UA-Platform-Version": '"15.0.0"'},
        "supported",
        "browser:Chrome",
    ),
    ("windows-7-chrome-108", windows("6.1", 108), {}, "unsupported", "browser:Chrome"),
    # Android >= 8
    ("android-7.1", android("7.1.2"), {}, "unsupported", "os:Android"),
    ("android-8.0", android("8.0.0"), {}, "supported", "browser:Chrome"),
    ("android-9", android("9"), {}, "supported", "browser:Chrome"),
    ("android-reduced-ua", android("10", model="K"), {}, "supported", "browser:Chrome"),
    # fixed verdicts
    (
        "ie-11",
        "Mozilla/5.0 (Windows NT 10.0; WOW64; Trident/7.0; rv:11.0) like Gecko",
        {},
        "unsupported",
        "browser:IE",
    ),
    (
        "opera-mini",
        "Opera/9.80 (Android; Opera Mini/36.2.2254/119.132; U; id) Presto/2.12.423 Version/12.16",
        {},
        "unsupported",
        "browser:Opera Mini",
    ),
    # unlisted Chromium-based browsers, by engine
    (
        "vivaldi-chromium-120",
        chrome(120, tail=" Vivaldi/6.5.3206.48"),
        {},
        "supported",
        "engine:Blink",
    ),
    (
        "vivaldi-chromium-108",
        chrome(108, tail=" Vivaldi/5.6.2867.50"),
        {},
        "unsupported",
        "engine:Blink",
    ),
    (
        "yandex-chromium-122",
        chrome(122, tail=" YaBrowser/24.4.0.0"),
        {},
        "supported",
        "engine:Blink",
    ),
    (
        "uc-browser-chromium-78",
        android("9", 78, tail=" UCBrowser/13.4.0.1306"),
        {},
        "unsupported",
        "engine:Blink",
    ),
    (
        "brave-by-client-hints",
        chrome(131),
        {"Sec-CH-UA": '"Brave";v="131", "Chromium";v="131", "Not_A Brand";v="24"'},
        "supported",
        "engine:Blink",
    ),
    # in-app browsers and web views
    (
        "facebook-ios",
        iphone("17_1", "Mobile/15E148 [FBAN/FBIOS;FBAV/442.0.0.40.111;]"),
        {},
        "limited",
        "in_app:Facebook",
    ),
    (
        "instagram-android",
        android(
            "13", 120, "SM-S918B Build/TP1A.220624.014; wv", " Instagram 312.0.0.32.112 Android"
        ),
        {},
        "limited",
        "in_app:Instagram",
    ),
    (
        "instagram-old-webview",
        android(
            "13", 100, "SM-S918B Build/TP1A.220624.014; wv", " Instagram 312.0.0.32.112 Android"
        ),
        {},
        "unsupported",
        "engine:Blink",
    ),
    (
        "android-webview",
        android("13", 120, "Pixel 7 Build/TQ3A.230805.001; wv"),
        {},
        "limited",
        "in_app:Android WebView",
    ),
    (
        "ios-in-app-on-ios-15",
        iphone("15_1", "Mobile/15E148 [FBAN/FBIOS;FBAV/442.0.0.40.111;]"),
        {},
        "unsupported",
        "os:iOS",
    ),
    # anything unrecognised
    ("unknown", "SomethingElse/1.0", {}, "unknown", "browser:unlisted"),
    ("curl", "curl/8.5.0", {}, "unknown", "bot"),  # HTTP libraries are flagged as bots
    ("empty", "", {}, "unknown", "browser:unlisted"),
    (
        "bot",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        {},
        "unknown",
        "bot",
    ),
]


@pytest.mark.parametrize(
    "ua,headers,status,rule", [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_default_policy_verdicts(ua: str, headers: dict[str, str], status: str, rule: str) -> None:
    verdict = evaluate_policy(load_policy(), detect_environment(ua, headers))
    assert (verdict.status, verdict.rule) == (status, rule)
    if status in ("unsupported", "limited"):
        assert verdict.reasons and verdict.remedies
    assert verdict.message is not None and verdict.message.uk and verdict.message.en


def _env(**changes: object) -> Environment:
    base = detect_environment(chrome(131))
    return replace(base, **changes)  # type: ignore[arg-type]


ENV_CASES = [
    ("frozen-by-policy-not-by-detection", _env(os=OS("macOS", "10.15", 10)), "supported"),
    (
        "frozen-macos-from-hints-is-real",
        _env(os=OS("macOS", "10.15", 10), sources={"os": "hints-js"}),
        "unsupported",
    ),
    (
        "approximate-os-never-condemned",
        _env(os=OS("Android", "5", 5, approximate=True)),
        "supported",
    ),
    (
        "approximate-ios-ipad-safari-15",
        Environment(
            browser=Browser("Safari", "15.6", 15),
            engine=Engine("WebKit", "605.1.15"),
            os=OS("iOS", None, None, approximate=True),
            device=Device("tablet", "Apple", "iPad"),
            sources={"browser": "ua", "os": "probe"},
        ),
        "unsupported",
    ),
    ("tv-device-limited", _env(device=Device("tv")), "limited"),
    ("unknown-device-not-condemned", _env(device=Device("unknown")), "supported"),
    ("in-app-set-by-detection", _env(in_app="Viber"), "limited"),
    (
        "in-app-old-chrome",
        _env(
            in_app="Viber",
            browser=Browser("Chrome", "100.0", 100),
            engine=Engine("Blink", "100.0.0.0"),
        ),
        "unsupported",
    ),
    (
        "blink-without-version",
        _env(browser=Browser("NewBrowser", "1.0", 1), engine=Engine("Blink", None)),
        "unknown",
    ),
    ("unlisted-os-any-version", _env(os=OS("Linux", None, None)), "supported"),
    ("bot-device", _env(device=Device("bot")), "unknown"),
]


@pytest.mark.parametrize("env,status", [c[1:] for c in ENV_CASES], ids=[c[0] for c in ENV_CASES])
def test_verdicts_of_detected_environments(env: Environment, status: str) -> None:
    assert evaluate_policy(load_policy(), env).status == status


def test_windows7_limited_says_no_security_updates() -> None:
    verdict = evaluate_policy(load_policy(), detect_environment(windows("6.1", 109)))
    assert any("security updates" in r.en for r in verdict.reasons)
    assert any("оновлень безпеки" in r.uk for r in verdict.reasons)
    assert any("https://www.microsoft.com/windows" in r.en for r in verdict.remedies)


@pytest.mark.parametrize(
    "ua,link",
    [
        (chrome(100), "https://www.google.com/chrome/"),
        (firefox(100), "https://www.mozilla.org/firefox/new/"),
        (opera(90, 104), "https://www.opera.com/download"),
        (
            samsung("20.0", 106),
            "https://play.google.com/store/apps/details?id=com.sec.android.app.sbrowser",
        ),
        (mac_safari("15.6"), "https://support.apple.com/safari"),
    ],
    ids=["chrome", "firefox", "opera", "samsung", "safari"],
)
def test_outdated_browser_remedy_links_its_official_download(ua: str, link: str) -> None:
    verdict = evaluate_policy(load_policy(), detect_environment(ua))
    assert verdict.status == "unsupported"
    assert any(r.en.endswith(link) and r.uk.endswith(link) for r in verdict.remedies)


@pytest.mark.parametrize(
    "ua,suggested",
    [
        ("SomethingElse/1.0", "Chrome https://www.google.com/chrome/, Firefox"),
        (
            "Mozilla/5.0 (Windows NT 10.0; WOW64; Trident/7.0; rv:11.0) like Gecko",
            "Chrome https://www.google.com/chrome/, Firefox https://www.mozilla.org/firefox/new/, "
            "Edge https://www.microsoft.com/edge/download",
        ),
        (
            mac_safari("17.1").replace("Version/17.1 Safari/605.1.15", "Waterbrowser/1.0"),
            "Safari https://support.apple.com/safari, Chrome",
        ),
        (
            android("13", tail=" Waterbrowser/1.0").replace("Chrome/131.0.0.0 ", ""),
            "Chrome https://www.google.com/chrome/, Firefox https://www.mozilla.org/firefox/new/, "
            "Samsung Internet https://play.google.com/",
        ),
    ],
    ids=["unknown-system", "windows", "macos", "android"],
)
def test_recommended_browsers_suit_the_system(ua: str, suggested: str) -> None:
    verdict = evaluate_policy(load_policy(), detect_environment(ua))
    assert verdict.status in ("unknown", "unsupported")
    assert any(suggested in r.en for r in verdict.remedies), verdict.remedies


def test_unknown_browser_gets_a_polite_explanation_and_recommended_browsers() -> None:
    verdict = evaluate_policy(load_policy(), detect_environment("SomethingElse/1.0"))
    assert "could not tell which browser" in verdict.reasons[0].en
    assert "не змогли визначити" in verdict.reasons[0].uk
    assert "https://www.google.com/chrome/" in verdict.remedies[0].en
    assert verdict.message is not None and "could not recognise" in verdict.message.en


def test_explanation_names_every_check_with_its_policy_line() -> None:
    policy = load_policy()
    explanation = explain_policy(policy, detect_environment(windows("6.1", 108)))
    assert [(c.rule, c.status) for c in explanation.checks] == [
        ("browser:Chrome", "unsupported"),
        ("os:Windows", "limited"),
    ]
    lines = Path(policy.source).read_text(encoding="utf-8").splitlines()
    assert "family: Chrome" in lines[explanation.checks[0].line - 1]
    assert "family: Windows" in lines[explanation.checks[1].line - 1]
    assert explanation.verdict.rule == "browser:Chrome"
    assert len(explanation.verdict.reasons) == 2  # the browser's and the system's


def test_hostile_family_names_are_not_format_strings() -> None:
    env = _env(browser=Browser("{browser}{0}<script>", "1", 1), engine=Engine("Other"))
    verdict = evaluate_policy(load_policy(), env)
    assert verdict.status == "unknown"
    assert verdict.reasons[0].en == 'The browser "{browser}{0}<script>" is not on the list we test.'


def test_a_verdict_is_remembered_per_policy_and_environment_object() -> None:
    from matrix.memo import VerdictMemo

    memo, policy, env = VerdictMemo(), load_policy(), _env(in_app="Viber")
    first = memo(policy, env)
    assert memo(policy, env) is first  # the same objects: the remembered verdict
    assert evaluate_policy(policy, env) is not first  # the pure function remembers nothing
    # An equal environment made anew is evaluated again, and agrees.
    again = memo(policy, replace(env))
    assert again == first and again is not first
    # Another policy object is evaluated on its own, never answered from the first one's memo.
    assert policy.in_app is not None
    strict = replace(policy, in_app=replace(policy.in_app, status="unsupported"))
    assert memo(strict, env).status == "unsupported" != first.status
    assert first == explain_policy(policy, env).verdict


def test_the_verdict_memo_stays_bounded() -> None:
    from matrix.memo import VerdictMemo

    memo, policy = VerdictMemo(size=64), load_policy()
    for major in range(64 + 10):
        memo(policy, _env(browser=Browser("Chrome", f"{major}.0", major)))
    assert 0 < len(memo) <= 64
