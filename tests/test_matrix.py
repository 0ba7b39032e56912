"""Verdicts of the default policy at its edges (the matrix issue widens this table)."""

from __future__ import annotations

import pytest

from diagnostics.useragent import detect_environment
from matrix import evaluate_policy, load_policy

WIN10 = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
CASES = [
    ("chrome-108", WIN10 + "Chrome/108.0.0.0 Safari/537.36", {}, "unsupported"),
    ("chrome-109", WIN10 + "Chrome/109.0.0.0 Safari/537.36", {}, "supported"),
    ("chrome-131", WIN10 + "Chrome/131.0.0.0 Safari/537.36", {}, "supported"),
    ("firefox-114", "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:114.0) Gecko/20100101 Firefox/114.0", {}, "unsupported"),
    ("firefox-115", "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:115.0) Gecko/20100101 Firefox/115.0", {}, "supported"),
    ("win7-chrome-109", "Mozilla/5.0 (Windows NT 6.1; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/109.0.0.0 Safari/537.36", {}, "limited"),
    ("ie-11", "Mozilla/5.0 (Windows NT 10.0; WOW64; Trident/7.0; rv:11.0) like Gecko", {}, "unsupported"),
    ("opera-mini", "Opera/9.80 (Android; Opera Mini/36.2.2254/119.132; U; id) Presto/2.12.423 Version/12.16", {}, "unsupported"),
    ("safari-15-ios", "Mozilla/5.0 (iPhone; CPU iPhone OS 15_8 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/15.6 Mobile/15E148 Safari/604.1", {}, "unsupported"),
    ("safari-16-ios", "Mozilla/5.0 (iPhone; CPU iPhone OS 16_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.0 Mobile/15E148 Safari/604.1", {}, "supported"),
    ("frozen-macos-chrome", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", {}, "supported"),
    ("android-7", "Mozilla/5.0 (Linux; Android 7.0; SM-G930F) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Mobile Safari/537.36", {}, "unsupported"),
    ("android-8", "Mozilla/5.0 (Linux; Android 8.0.0; SM-G930F) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Mobile Safari/537.36", {}, "supported"),
    ("samsung-internet-chromium-115", "Mozilla/5.0 (Linux; Android 13; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/23.0 Chrome/115.0.0.0 Mobile Safari/537.36", {}, "supported"),
    ("unknown", "SomethingElse/1.0", {}, "unknown"),
    ("bot", "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", {}, "unknown"),
]


@pytest.mark.parametrize("ua,headers,status", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_default_policy_verdicts(ua: str, headers: dict[str, str], status: str) -> None:
    verdict = evaluate_policy(load_policy(), detect_environment(ua, headers))
    assert verdict.status == status
    if status != "supported":
        assert verdict.reasons or verdict.status == "unknown"
    assert verdict.message is not None and verdict.message.uk and verdict.message.en


def test_windows7_limited_says_no_security_updates() -> None:
    env = detect_environment(CASES[5][1])
    verdict = evaluate_policy(load_policy(), env)
    assert any("security updates" in r.en for r in verdict.reasons)
