"""Property tests: detection never raises, whatever a client or a log line throws at it."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from diagnostics.batch import read_input
from diagnostics.errors import PayloadError
from diagnostics.models import Environment
from diagnostics.useragent import EnvironmentDetector
from tests.conftest import CHROME_WIN

HINT_HEADERS = [
    "Sec-CH-UA",
    "Sec-CH-UA-Full-Version-List",
    "Sec-CH-UA-Mobile",
    "Sec-CH-UA-Platform",
    "Sec-CH-UA-Platform-Version",
    "Sec-CH-UA-Model",
    "Sec-CH-UA-Form-Factors",
    "User-Agent",
    "X-Other",
    "X-Requested-With",
]
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=40),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)
brand = st.fixed_dictionaries(
    {
        "brand": st.text(max_size=20)
        | st.sampled_from(
            ["Google Chrome", "Chromium", "Microsoft Edge", "Opera", "YaBrowser", "Android WebView"]
        ),
        "version": st.text(max_size=12) | st.integers(),
    }
)
user_agent_data = st.fixed_dictionaries(
    {},
    optional={
        "brands": st.lists(brand, max_size=5) | json_values,
        "fullVersionList": st.lists(brand, max_size=5) | json_values,
        "mobile": st.booleans() | json_values,
        "platform": st.sampled_from(["Windows", "macOS", "Android", "Linux", "Chrome OS", ""])
        | json_values,
        "platformVersion": st.text(max_size=16) | json_values,
        "model": st.text(max_size=16) | json_values,
        "formFactors": st.lists(st.text(max_size=10), max_size=3) | json_values,
    },
)
probes = st.none() | st.fixed_dictionaries(
    {},
    optional={
        "userAgentData": user_agent_data | json_values,
        "maxTouchPoints": st.integers() | json_values,
        "screen": st.fixed_dictionaries(
            {}, optional={"width": st.integers() | json_values, "height": st.floats() | json_values}
        )
        | json_values,
    },
)
user_agents = st.text(max_size=300) | st.sampled_from(
    [
        CHROME_WIN,
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/17.5 Safari/605.1.15",
        "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Mobile Safari/537.36",
    ]
)
sf_like = st.text(alphabet='"?;=,.() 0123456789ABCOGWaceghimnorsuvw\\', max_size=80)
headers = st.dictionaries(st.sampled_from(HINT_HEADERS), st.text(max_size=80) | sf_like, max_size=6)

DETECTOR = EnvironmentDetector(cache_size=256, ua_cache_size=256)


def _check(env: Environment) -> None:
    data = json.loads(json.dumps(env.to_dict()))
    for part in ("browser", "os"):
        assert data[part]["major"] is None or isinstance(data[part]["major"], int)
    assert data["device"]["type"] in ("desktop", "mobile", "tablet", "tv", "bot", "unknown")
    assert set(data["sources"].values()) <= {"ua", "hints-header", "hints-js", "probe", "headers"}
    assert isinstance(data["is_bot"], bool)


@settings(max_examples=200, deadline=None)
@given(ua=user_agents, headers=headers, probe=probes)
def test_detect_never_raises(ua: str, headers: dict[str, str], probe: Any) -> None:
    _check(DETECTOR.detect(ua, headers, probe))


@settings(max_examples=200, deadline=None)
@given(line=st.text(max_size=200) | json_values.map(json.dumps))
def test_batch_input_raises_only_payload_errors(line: str) -> None:
    try:
        ua, hdrs, probe = read_input(line)
    except PayloadError as exc:
        assert exc.code in ("empty_line", "malformed_json", "invalid_input")
        return
    _check(DETECTOR.detect(ua, hdrs, probe))


@pytest.mark.parametrize(
    "ua",
    [
        "",
        "\x00\x01",
        "<script>alert(1)</script>",
        "x" * 100_000,
        "Mozilla/5.0 (" * 1000,
        "\ud800\udfff",
        "Ω" * 3000,
    ],
    ids=["empty", "control", "html", "huge", "nested", "surrogates", "non-ascii"],
)
def test_hostile_user_agents_are_kept_literally_and_bounded(ua: str) -> None:
    env = DETECTOR.detect(ua, {"Sec-CH-UA": ua[:500], "Sec-CH-UA-Platform-Version": ua[:500]})
    _check(env)
    assert len(env.user_agent) <= 1024
    if ua.isascii():
        assert env.user_agent == ua[:1024]
