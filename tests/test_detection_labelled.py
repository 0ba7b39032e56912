"""The labelled set (tests/data/labelled_environments.yaml) must pass at 100%."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from diagnostics.findings import collect_findings
from diagnostics.useragent import SIGNALS_FIELD, detect_environment

CASES: list[dict[str, Any]] = yaml.safe_load(
    (Path(__file__).parent / "data" / "labelled_environments.yaml").read_text(encoding="utf-8")
)


def _mismatches(expected: Any, actual: Any, path: str = "") -> list[str]:
    """Where ``actual`` differs from ``expected``, comparing only the keys ``expected`` has."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        return [
            m
            for key, value in expected.items()
            for m in _mismatches(value, actual.get(key, "<missing>"), f"{path}.{key}")
        ]
    return [] if expected == actual else [f"{path}: expected {expected!r}, got {actual!r}"]


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_labelled_environment(case: dict[str, Any]) -> None:
    found = detect_environment(case["ua"], case.get("headers"), case.get("probe"))
    env = found.to_dict()
    assert _mismatches(case["expect"], env) == []
    if "unsure" in case:  # the signals contradict: one reading, the guessed fields, the finding
        signals = [c for c in env["conflicts"] if c["field"] == SIGNALS_FIELD]
        assert [c["unsure"] for c in signals] == ([case["unsure"]] if case["unsure"] else [])
        ids = {f.id for f in collect_findings(found, case.get("probe"))}
        assert ("signals_inconsistent" in ids) == bool(case["unsure"])


#: Causes of misdetection seen in the field (issue 16), each with its labelled cases.
CAUSES = (
    "unquoted",
    "platform-missing",
    "js-form",
    "requested-with",
    "tablet",
    "emulation",
    "desktop-site",
)


def test_every_field_cause_has_twenty_labelled_cases() -> None:
    counts = Counter(c.get("cause") for c in CASES)
    assert {cause: counts[cause] for cause in CAUSES} == {
        cause: max(counts[cause], 20) for cause in CAUSES
    }
    assert set(counts) - {None} == set(CAUSES)


def test_labelled_set_covers_what_support_meets() -> None:
    assert len(CASES) >= 300
    assert len({c["id"] for c in CASES}) == len(CASES)
    kinds = Counter()
    for c in CASES:
        expect = c["expect"]
        kinds["with hints"] += bool(c.get("headers") or (c.get("probe") or {}).get("userAgentData"))
        kinds["in-app"] += bool(expect.get("in_app"))
        kinds["bot"] += bool(expect.get("is_bot"))
        kinds[expect.get("device", {}).get("type")] += 1
        kinds[expect.get("browser", {}).get("family")] += 1
    for kind, least in {
        "with hints": 100,
        "in-app": 30,
        "bot": 30,
        "desktop": 50,
        "mobile": 50,
        "tablet": 10,
        "Yandex Browser": 10,
        "Opera": 10,
        "Samsung Internet": 5,
        "Edge": 10,
        "Firefox": 10,
        "Safari": 20,
    }.items():
        assert kinds[kind] >= least, kind
