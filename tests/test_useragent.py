"""UA parsing with client-hint corrections; the labelled set is in test_detection_labelled.py."""

from __future__ import annotations

import pytest
from user_agents import parse as bare_parse

from diagnostics.hints import hints_from_headers
from diagnostics.useragent import detect_environment, parse_user_agent
from tests.conftest import CHROME_WIN


@pytest.mark.parametrize(
    "ua",
    [
        CHROME_WIN,
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
        "Gecko) Version/17.1 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (Linux; Android 13; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) "
        "SamsungBrowser/23.0 Chrome/115.0.0.0 Mobile Safari/537.36",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    ],
)
def test_fast_parser_keeps_user_agents_answers(ua: str) -> None:
    ours, bare = parse_user_agent(ua), bare_parse(ua)
    assert (ours.browser, ours.os, ours.device) == (bare.browser, bare.os, bare.device)
    assert (ours.is_mobile, ours.is_tablet, ours.is_pc, ours.is_bot) == (
        bare.is_mobile,
        bare.is_tablet,
        bare.is_pc,
        bare.is_bot,
    )


@pytest.mark.parametrize(
    "platform_version,version,major",
    [
        ('"15.0.0"', "11", 11),
        ('"13.0.0"', "11", 11),
        ('"10.0.0"', "10", 10),
        ('"0.3.0"', "8.1", 8),
        ('"0.1.0"', "7", 7),
    ],
)
def test_windows_version_from_platform_version(
    platform_version: str, version: str, major: int
) -> None:
    env = detect_environment(
        CHROME_WIN,
        {"Sec-CH-UA-Platform": '"Windows"', "Sec-CH-UA-Platform-Version": platform_version},
    )
    assert (env.os.family, env.os.version, env.os.major) == ("Windows", version, major)


def test_brands_tell_edge_from_chrome() -> None:
    headers = {"Sec-CH-UA": '"Chromium";v="131", "Microsoft Edge";v="131", "Not_A Brand";v="24"'}
    assert detect_environment(CHROME_WIN, headers).browser.family == "Edge"


def test_ipad_presenting_as_mac() -> None:
    ua = (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like "
        "Gecko) Version/17.1 Safari/605.1.15"
    )
    assert detect_environment(ua).device.type == "desktop"
    env = detect_environment(ua, {}, {"maxTouchPoints": 5})
    assert (env.device.type, env.os.family) == ("tablet", "iOS")


def test_frozen_macos_is_approximate() -> None:
    env = detect_environment(
        CHROME_WIN.replace("Windows NT 10.0; Win64; x64", "Macintosh; Intel Mac OS X 10_15_7")
    )
    assert env.os.family == "macOS" and env.os.approximate


def test_hint_headers_parse_structured_fields() -> None:
    hints = hints_from_headers(
        {
            "Sec-CH-UA-Mobile": "?1",
            "sec-ch-ua-model": '"Pixel 7"',
            "Sec-CH-UA": 'garbage, "Brave";v="131"',
        }
    )
    assert hints == {
        "mobile": True,
        "model": "Pixel 7",
        "brands": [{"brand": "Brave", "version": "131"}],
    }


@pytest.mark.parametrize("ua", ["", "\x00\x01", "<script>", "x" * 5000, "Mozilla/5.0 (" * 100])
def test_never_raises_on_junk(ua: str) -> None:
    env = detect_environment(ua, {"Sec-CH-UA": ua, "Sec-CH-UA-Platform-Version": ua})
    assert env.browser.family


# --- the corrections, one by one ---------------------------------------------------------

MAC_SAFARI = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Version/17.5 Safari/605.1.15"
)
ANDROID_K = (
    "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36"
)
IOS26 = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Version/26.0 Mobile/15E148 Safari/604.1"
)
IOS_WEBVIEW_FROZEN = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_6 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Mobile/15E148"
)


def test_windows_11_is_an_integer_major_in_json() -> None:
    env = detect_environment(
        CHROME_WIN, {"Sec-CH-UA-Platform": '"Windows"', "Sec-CH-UA-Platform-Version": '"19.0.0"'}
    )
    assert env.to_dict()["os"] == {
        "family": "Windows",
        "version": "11",
        "major": 11,
        "approximate": False,
    }


def test_real_macos_version_from_js_hints() -> None:
    ua = CHROME_WIN.replace("Windows NT 10.0; Win64; x64", "Macintosh; Intel Mac OS X 10_15_7")
    env = detect_environment(
        ua, {}, {"userAgentData": {"platform": "macOS", "platformVersion": "15.3.1"}}
    )
    assert (env.os.version, env.os.major, env.os.approximate) == ("15.3.1", 15, False)
    assert env.sources["os"] == "hints-js"


def test_android_version_and_model_from_hints_replace_the_frozen_ones() -> None:
    assert detect_environment(ANDROID_K).device.model is None
    env = detect_environment(
        ANDROID_K,
        {
            "Sec-CH-UA-Platform": '"Android"',
            "Sec-CH-UA-Platform-Version": '"14.0.0"',
            "Sec-CH-UA-Model": '"SM-S918B"',
            "Sec-CH-UA-Mobile": "?1",
        },
    )
    assert (env.os.major, env.os.approximate) == (14, False)
    assert (env.device.brand, env.device.model, env.device.type) == (
        "Samsung",
        "SM-S918B",
        "mobile",
    )


@pytest.mark.parametrize(
    "brand,family",
    [
        ("Google Chrome", "Chrome"),
        ("Microsoft Edge", "Edge"),
        ("Opera", "Opera"),
        ("YaBrowser", "Yandex Browser"),
        ("Samsung Internet", "Samsung Internet"),
        ("Brave", "Brave"),
    ],
)
def test_chromium_brands_with_full_version(brand: str, family: str) -> None:
    headers = {
        "Sec-CH-UA": f'"Chromium";v="131", "{brand}";v="131", "Not_A Brand";v="24"',
        "Sec-CH-UA-Full-Version-List": (
            f'"Chromium";v="131.0.6778.86", "{brand}";v="131.0.1.2", "Not_A Brand";v="24.0.0.0"'
        ),
    }
    env = detect_environment(CHROME_WIN, headers)
    assert (env.browser.family, env.browser.version, env.browser.major) == (
        family,
        "131.0.1.2",
        131,
    )
    assert env.engine.to_dict() == {
        "family": "Blink",
        "version": "131.0.6778.86",
        "approximate": False,
    }


def test_frozen_values_are_approximate_and_corrected_ones_are_not() -> None:
    assert detect_environment(MAC_SAFARI).os.approximate
    assert detect_environment(ANDROID_K).os.approximate
    ios = detect_environment(IOS26).os
    assert (ios.family, ios.major, ios.approximate) == ("iOS", 26, True)
    webview = detect_environment(IOS_WEBVIEW_FROZEN).os
    assert (webview.version, webview.approximate) == ("18.6", True)


@pytest.mark.parametrize("ua", [MAC_SAFARI, ANDROID_K, IOS_WEBVIEW_FROZEN, IOS26])
def test_policy_never_calls_a_frozen_os_unsupported(ua: str) -> None:
    from matrix.policy import Policy, SystemRule
    from matrix.rules import evaluate_policy

    # A policy stricter than any frozen value: only a real version may condemn.
    strict = Policy(systems=tuple(SystemRule(f, min=(99,)) for f in ("macOS", "Android", "iOS")))
    verdict = evaluate_policy(strict, detect_environment(ua))
    assert verdict.status != "unsupported"
    real = detect_environment(
        CHROME_WIN.replace("Windows NT 10.0; Win64; x64", "Macintosh; Intel Mac OS X 10_15_7"),
        {"Sec-CH-UA-Platform": '"macOS"', "Sec-CH-UA-Platform-Version": '"14.0.0"'},
    )
    assert evaluate_policy(strict, real).status == "unsupported"


@pytest.mark.parametrize(
    "ua,app",
    [
        (ANDROID_K.replace("; K)", "; K; wv)") + " [FB_IAB/FB4A;FBAV/492.0.0.54.111;]", "Facebook"),
        (
            IOS_WEBVIEW_FROZEN.replace("18_6", "17_5") + " Instagram 341.0.0.22.107 (iPhone15,2)",
            "Instagram",
        ),
        (
            ANDROID_K.replace("; K)", "; K; wv)") + " Telegram-Android/11.5.3 (Google Pixel 8)",
            "Telegram",
        ),
        (ANDROID_K.replace("; K)", "; K; wv)") + " Viber/24.1.0.0", "Viber"),
        (
            ANDROID_K.replace("; K)", "; K; wv)")
            + " musical_ly_2023705030 BytedanceWebview/d8a21c6",
            "TikTok",
        ),
        (ANDROID_K.replace("; K)", "; K; wv)"), "Android WebView"),
        (IOS_WEBVIEW_FROZEN, "iOS WebView"),
        (IOS26, None),
        (ANDROID_K, None),
        (CHROME_WIN, None),
    ],
    ids=[
        "facebook",
        "instagram",
        "telegram",
        "viber",
        "tiktok",
        "android-webview",
        "ios-wkwebview",
        "safari",
        "chrome-android",
        "chrome-windows",
    ],
)
def test_in_app_browsers_get_named_and_their_finding(ua: str, app: str | None) -> None:
    from diagnostics.findings import collect_findings

    env = detect_environment(ua)
    assert env.in_app == app
    ids = {f.id for f in collect_findings(env, {})}
    assert ("in_app_browser" in ids) == (app is not None)


@pytest.mark.parametrize(
    "ua,family,version",
    [
        (CHROME_WIN, "Blink", "131.0.0.0"),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
            "Gecko",
            "133.0",
        ),
        (MAC_SAFARI, "WebKit", "605.1.15"),
        ("Mozilla/5.0 (Windows NT 6.1; WOW64; Trident/7.0; rv:11.0) like Gecko", "Trident", "7.0"),
        ("Opera/9.80 (Windows NT 6.1) Presto/2.12.388 Version/12.18", "Presto", "2.12.388"),
    ],
    ids=["blink", "gecko", "webkit", "trident", "presto"],
)
def test_engine_family_and_version(ua: str, family: str, version: str) -> None:
    engine = detect_environment(ua).engine
    assert (engine.family, engine.version) == (family, version)
    assert engine.approximate == (family == "WebKit")  # Safari's 605.1.15 is frozen


def test_conflict_keeps_both_values_and_says_which_was_used() -> None:
    ua = CHROME_WIN.replace("Chrome/131", "Chrome/120")
    env = detect_environment(ua, {"Sec-CH-UA": '"Google Chrome";v="131", "Chromium";v="131"'})
    assert env.browser.major == 131 and env.sources["browser"] == "hints-header"
    assert env.conflicts == (
        {
            "field": "browser",
            "used": "hints-header",
            "ignored": "ua",
            "values": {
                "hints-header": {"family": "Chrome", "version": "131"},
                "ua": {"family": "Chrome", "version": "120.0.0.0", "major": 120},
            },
        },
    )
    assert detect_environment(CHROME_WIN, {"Sec-CH-UA": '"Google Chrome";v="131"'}).conflicts == ()


@pytest.mark.parametrize(
    "header,value,hints",
    [
        ("Sec-CH-UA", '"Google Chrome";v="131" junk', {"brands": []}),  # not a list: all ignored
        ("Sec-CH-UA-Mobile", "maybe", {}),
        ("Sec-CH-UA-Platform-Version", '"Ω"', {}),
        ("Sec-CH-UA-Model", '"unterminated', {}),
        ("Sec-CH-UA-Platform", 'Win"dows', {}),
    ],
    ids=["trailing-junk", "mobile-not-boolean", "non-ascii", "unterminated", "stray-quote"],
)
def test_malformed_hints_are_ignored_and_named(
    header: str, value: str, hints: dict[str, object]
) -> None:
    assert hints_from_headers({header: value}) == hints
    env = detect_environment(CHROME_WIN, {header: value})
    assert env.browser.family == "Chrome"
    assert [c["unreadable"] for c in env.conflicts if c["field"] == "hints"] == [[header]]


@pytest.mark.parametrize(
    "headers,hints",
    [
        (
            {"Sec-CH-UA": 'Google Chrome;v=131, "Chromium";v=131, Not_A Brand;v="8"'},
            {
                "brands": [
                    {"brand": "Google Chrome", "version": "131"},
                    {"brand": "Chromium", "version": "131"},
                    {"brand": "Not_A Brand", "version": "8"},
                ]
            },
        ),
        (
            {"sec-ch-ua-platform": "Android", "Sec-CH-UA-Platform-Version": "14.0.0"},
            {"platform": "Android", "platformVersion": "14.0.0"},
        ),
        (
            {"Sec-CH-UA-Mobile": "1", "Sec-CH-UA-Model": "SM-X910"},
            {"mobile": True, "model": "SM-X910"},
        ),
        ({"Sec-CH-UA-Mobile": '"?0"', "Sec-CH-UA-Model": '""'}, {"mobile": False, "model": ""}),
        ({"Sec-CH-UA-Form-Factors": "Tablet, Touch"}, {"formFactors": ["Tablet", "Touch"]}),
        (
            {"Sec-CH-UA": '[{"brand": "Chromium", "version": "131"}]'},
            {"brands": [{"brand": "Chromium", "version": "131"}]},
        ),
    ],
    ids=[
        "unquoted-brands",
        "unquoted-platform",
        "bare-boolean",
        "quoted-boolean",
        "bare-list",
        "json",
    ],
)
def test_unquoted_hints_read_like_quoted_ones(
    headers: dict[str, str], hints: dict[str, object]
) -> None:
    assert hints_from_headers(headers) == hints


@pytest.mark.parametrize(
    "data",
    [
        {"platform": "Windows", "platformVersion": "15.0.0"},
        {"platform": '"Windows"', "platform_version": '"15.0.0"'},
        {"Sec-CH-UA-Platform": "Windows", "Sec-CH-UA-Platform-Version": '"15.0.0"'},
        {"PLATFORM": "Windows", "platformversion": 15},
    ],
    ids=["js", "js-quoted-snake", "header-keys", "odd-case-number"],
)
def test_js_form_reads_every_spelling(data: dict[str, object]) -> None:
    env = detect_environment(CHROME_WIN, {}, {"userAgentData": data})
    assert (env.os.family, env.os.version, env.os.major) == ("Windows", "11", 11)
    assert env.sources["os"] == "hints-js"


@pytest.mark.parametrize("value", [None, [], "x", 3, {"brands": "junk", "mobile": "perhaps"}])
def test_js_form_garbage_is_ignored(value: object) -> None:
    env = detect_environment(CHROME_WIN, {}, {"userAgentData": value})
    assert (env.browser.family, env.os.family) == ("Chrome", "Windows")


def test_bots_are_flagged_and_headless_qa_chromium_is_not() -> None:
    for ua in (
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "python-requests/2.32.3",
        "TelegramBot (like TwitterBot)",
    ):
        env = detect_environment(ua)
        assert env.is_bot and env.device.type == "bot", ua
    headless = CHROME_WIN.replace("Chrome/", "HeadlessChrome/")
    env = detect_environment(headless)
    assert not env.is_bot and env.browser.family == "Chromium"


def test_caches_stay_bounded_on_millions_of_distinct_clients() -> None:
    from diagnostics.useragent import EnvironmentDetector

    detector = EnvironmentDetector(cache_size=50, ua_cache_size=40)
    for i in range(3000):
        ua = f"{CHROME_WIN} build/{i}"
        detector.detect(ua)
        detector.detect(ua, {"Sec-CH-UA": f'"Google Chrome";v="{i}"'}, {"maxTouchPoints": i})
    sizes = detector.cache_sizes()
    assert sizes["environments"] <= 50 and sizes["user_agents"] <= 40
    assert sizes["header_hints"] <= 1024
    detector.close()
    detector.close()
    assert detector.cache_sizes() == {"environments": 0, "user_agents": 0, "header_hints": 0}


def test_repeated_lookups_return_the_cached_environment() -> None:
    from diagnostics.useragent import EnvironmentDetector

    detector = EnvironmentDetector()
    headers = {"Sec-CH-UA": '"Google Chrome";v="131"', "Accept": "text/html"}
    assert detector.detect(CHROME_WIN, headers) is detector.detect(CHROME_WIN, dict(headers))
    assert detector.detect(CHROME_WIN) is detector.detect(CHROME_WIN)


def test_every_bot_and_tv_token_passes_its_cheap_prefilter() -> None:
    # the substring prefilters must let every token through to the regex that confirms it
    from diagnostics import useragent

    for tokens, hints in (
        (useragent._BOT_TOKENS, useragent._BOT_HINTS),
        (useragent._TV_TOKENS, useragent._TV_HINTS),
    ):
        assert [t for t in tokens if not any(h in t for h in hints)] == []
