"""Hypothesis: UA and client-hint parsing, payload validation and policy evaluation never raise.

They read whatever strangers send, so any input must give an answer (or, for validation, a
PayloadError naming the field), never an exception. Deterministic (derandomized) and small.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from diagnostics.errors import PayloadError
from diagnostics.hints import hints_from_headers, parse_brand_list
from diagnostics.models import OS, Browser, Device, Engine, Environment, Text
from diagnostics.useragent import detect_environment
from diagnostics.validate import validate_payload
from matrix import STATUSES, evaluate_policy, load_policy
from matrix.loader import read_policy_text
from matrix.policy import Policy, Verdict

FUZZ = settings(
    max_examples=200,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
HINT_HEADERS = (
    "Sec-CH-UA",
    "Sec-CH-UA-Full-Version-List",
    "Sec-CH-UA-Mobile",
    "Sec-CH-UA-Platform",
    "Sec-CH-UA-Platform-Version",
    "Sec-CH-UA-Model",
    "Sec-CH-UA-Arch",
    "Sec-CH-UA-Bitness",
)
FAMILIES = (
    "Chrome",
    "Chromium",
    "Edge",
    "Firefox",
    "Safari",
    "Opera",
    "Samsung Internet",
    "IE",
    "Windows",
    "macOS",
    "Android",
    "iOS",
    "Linux",
    "Other",
)

versions = st.one_of(
    st.from_regex(r"\A[0-9]{1,6}(\.[0-9]{1,6}){0,3}\Z"),
    st.text(max_size=30),
    st.just("9" * 5000),  # int() refuses more than 4300 digits
    st.just("²"),  # str.isdigit() says yes, int() says no
)
brand_lists = st.lists(
    st.tuples(
        st.sampled_from(
            ["Chromium", "Google Chrome", "Microsoft Edge", "Opera", "Not?A_Brand", "YaBrowser"]
        )
        | st.text(max_size=20),
        versions,
    ),
    max_size=5,
).map(lambda items: ", ".join(f'"{b}";v="{v}"' for b, v in items))
user_agents = st.one_of(
    st.text(max_size=300),
    st.builds(
        lambda system, engine, version: f"Mozilla/5.0 ({system}) {engine}/{version} Safari/1",
        st.sampled_from(
            [
                "Windows NT 10.0; Win64; x64",
                "Macintosh; Intel Mac OS X 10_15_7",
                "Linux; Android 10; K",
                "iPhone; CPU iPhone OS 17_0 like Mac OS X",
                "X11; Linux x86_64",
            ]
        )
        | st.text(max_size=40),
        st.sampled_from(
            [
                "Chrome",
                "Firefox",
                "Version",
                "Edg",
                "OPR",
                "Trident",
                "AppleWebKit",
                "Gecko",
                "Presto",
                "rv:",
            ]
        ),
        versions,
    ),
)
header_maps = st.dictionaries(
    st.sampled_from(HINT_HEADERS) | st.text(max_size=20),
    st.one_of(
        brand_lists,
        st.text(max_size=100),
        st.sampled_from(["?0", "?1", '"Windows"', '"macOS"', '"Android"']),
    ),
    max_size=8,
)
safe_text = st.text(st.characters(exclude_categories=["Cs", "Cc"]), max_size=60)
brand_dicts = st.lists(st.fixed_dictionaries({"brand": safe_text, "version": versions}), max_size=4)
probes = st.fixed_dictionaries(
    {},
    optional={
        "userAgentData": st.fixed_dictionaries(
            {},
            optional={
                "brands": brand_dicts,
                "fullVersionList": brand_dicts,
                "mobile": st.booleans(),
                "platform": st.sampled_from(["Windows", "macOS", "Android"]) | safe_text,
                "platformVersion": versions,
                "model": safe_text,
            },
        ),
        "maxTouchPoints": st.integers(min_value=0, max_value=1000),
    },
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=20,
)


@FUZZ
@given(user_agent=user_agents, headers=header_maps, probe=probes)
@example(
    user_agent="Mozilla/5.0 (Windows NT 10.0) Chrome/" + "9" * 5000,
    headers={"Sec-CH-UA-Platform": '"Windows"', "Sec-CH-UA-Platform-Version": "9" * 5000},
    probe={"userAgentData": {"brands": [{"brand": "Chromium", "version": "9" * 5000}]}},
)
def test_detect_environment_never_raises(
    user_agent: str, headers: dict[str, str], probe: dict[str, Any]
) -> None:
    env = detect_environment(user_agent, headers, probe)
    json.dumps(env.to_dict())  # and the answer is plain JSON


@FUZZ
@given(headers=st.dictionaries(st.text(max_size=30), st.text(max_size=200), max_size=10))
def test_hints_from_headers_never_raise(headers: dict[str, str]) -> None:
    hints = hints_from_headers(headers)
    assert set(hints) <= {
        "brands",
        "fullVersionList",
        "mobile",
        "platform",
        "platformVersion",
        "model",
        "architecture",
        "bitness",
    }


@FUZZ
@given(value=brand_lists | st.text(max_size=300))
def test_parse_brand_list_never_raises(value: str) -> None:
    assert all(isinstance(b, str) and isinstance(v, str) for b, v in parse_brand_list(value))


@FUZZ
@given(document=json_values)
def test_validate_payload_raises_only_payload_errors(document: Any) -> None:
    try:
        validate_payload(document)
    except PayloadError as exc:
        assert exc.field.startswith("$") and exc.code and exc.message


texts = st.builds(Text, st.text(max_size=20), st.text(max_size=20))
environments = st.builds(
    Environment,
    browser=st.builds(
        Browser,
        st.sampled_from(FAMILIES) | st.text(max_size=20),
        st.none() | versions,
        st.none() | st.integers(),
    ),
    engine=st.builds(
        Engine, st.sampled_from(["Blink", "Gecko", "WebKit", "Other"]), st.none() | versions
    ),
    os=st.builds(
        OS,
        st.sampled_from(FAMILIES) | st.text(max_size=20),
        st.none() | versions,
        st.none() | st.integers(),
        st.booleans(),
    ),
    device=st.builds(
        Device, st.sampled_from(["desktop", "mobile", "tablet", "tv", "bot", "unknown"])
    ),
    in_app=st.none() | st.text(max_size=10),
    is_bot=st.booleans(),
)
message = st.fixed_dictionaries({"uk": st.text(max_size=10), "en": st.text(max_size=10)})
policies = st.fixed_dictionaries(
    {
        "browsers": st.lists(
            st.fixed_dictionaries(
                {"family": st.sampled_from(FAMILIES)},
                optional={
                    "min": st.none() | st.integers(),
                    "engine_min": st.none() | st.integers(),
                    "status": st.sampled_from(STATUSES),
                    "reason": message,
                    "download": st.text(max_size=20),
                },
            ),
            max_size=6,
        ),
        "systems": st.lists(
            st.fixed_dictionaries(
                {"family": st.sampled_from(FAMILIES)},
                optional={
                    "min": st.none() | st.integers(),
                    "limited": st.lists(st.integers(), max_size=3),
                    "reason": message,
                },
            ),
            max_size=6,
        ),
        "messages": st.dictionaries(st.sampled_from(STATUSES), message),
    }
).map(lambda data: _policy_from(data))


def _policy_from(data: dict[str, object]) -> Policy:
    """Build a policy through the real loader; a file the loader rejects stands as no policy."""
    reading = read_policy_text(yaml.safe_dump({"version": 1, **data}, allow_unicode=True))
    return reading.policy or Policy()


@pytest.mark.parametrize("policy_name", ["shipped", "generated"])
@FUZZ
@given(env=environments, generated=policies)
@example(env=Environment(Browser("Opera", "1", 1), Engine("Blink", "²")), generated=Policy())
@example(env=Environment(Browser("Opera", "1", 1), Engine("Blink", "9" * 5000)), generated=Policy())
def test_evaluate_policy_never_raises(
    policy_name: str, env: Environment, generated: Policy
) -> None:
    policy = load_policy() if policy_name == "shipped" else generated
    verdict = evaluate_policy(policy, env)
    assert isinstance(verdict, Verdict) and verdict.status in STATUSES
    assert Verdict.from_dict(json.loads(json.dumps(verdict.to_dict()))) == verdict
