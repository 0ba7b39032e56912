"""UA parsing with client-hint corrections (the detection issue widens this with a labelled set)."""

from __future__ import annotations

import pytest
from user_agents import parse as bare_parse

from diagnostics.useragent import detect_environment, hints_from_headers, parse_user_agent
from tests.conftest import CHROME_WIN


@pytest.mark.parametrize(
    "ua",
    [CHROME_WIN,
     "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1",
     "Mozilla/5.0 (Linux; Android 13; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/23.0 Chrome/115.0.0.0 Mobile Safari/537.36",
     "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"],
)
def test_fast_parser_keeps_user_agents_answers(ua: str) -> None:
    ours, bare = parse_user_agent(ua), bare_parse(ua)
    assert (ours.browser, ours.os, ours.device) == (bare.browser, bare.os, bare.device)
    assert (ours.is_mobile, ours.is_tablet, ours.is_pc, ours.is_bot) == (
        bare.is_mobile, bare.is_tablet, bare.is_pc, bare.is_bot)


@pytest.mark.parametrize(
    "platform_version,version,major",
    [('"15.0.0"', "11", 11), ('"13.0.0"', "11", 11), ('"10.0.0"', "10", 10),
     ('"0.3.0"', "8.1", 8), ('"0.1.0"', "7", 7)],
)
def test_windows_version_from_platform_version(platform_version: str, version: str, major: int) -> None:
    env = detect_environment(
        CHROME_WIN, {"Sec-CH-UA-Platform": '"Windows"', "Sec-CH-UA-Platform-Version": platform_version}
    )
    assert (env.os.family, env.os.version, env.os.major) == ("Windows", version, major)


def test_brands_tell_edge_from_chrome() -> None:
    headers = {"Sec-CH-UA": '"Chromium";v="131", "Microsoft Edge";v="131", "Not_A Brand";v="24"'}
    assert detect_environment(CHROME_WIN, headers).browser.family == "Edge"


def test_ipad_presenting_as_mac() -> None:
    ua = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15"
    assert detect_environment(ua).device.type == "desktop"
    env = detect_environment(ua, {}, {"maxTouchPoints": 5})
    assert (env.device.type, env.os.family) == ("tablet", "iOS")


def test_frozen_macos_is_approximate() -> None:
    env = detect_environment(CHROME_WIN.replace("Windows NT 10.0; Win64; x64", "Macintosh; Intel Mac OS X 10_15_7"))
    assert env.os.family == "macOS" and env.os.approximate


def test_hint_headers_parse_structured_fields() -> None:
    hints = hints_from_headers({"Sec-CH-UA-Mobile": "?1", "sec-ch-ua-model": '"Pixel 7"',
                                "Sec-CH-UA": 'garbage, "Brave";v="131"'})
    assert hints == {"mobile": True, "model": "Pixel 7", "brands": [{"brand": "Brave", "version": "131"}]}


@pytest.mark.parametrize("ua", ["", "\x00\x01", "<script>", "x" * 5000, "Mozilla/5.0 (" * 100])
def test_never_raises_on_junk(ua: str) -> None:
    env = detect_environment(ua, {"Sec-CH-UA": ua, "Sec-CH-UA-Platform-Version": ua})
    assert env.browser.family
