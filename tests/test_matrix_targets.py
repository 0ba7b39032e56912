"""The QA run definition: the shipped targets, their validation, shards, declared environments."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from matrix import evaluate_policy, load_policy
from matrix.qa.engines import ENGINES, EngineHub
from matrix.qa.results import FAILED, NOT_RUN
from matrix.qa.runner import report_json_url, run_job
from matrix.qa.targets import (
    Expected,
    Job,
    Target,
    TargetsError,
    compare_environment,
    declared_environment,
    jobs_of,
    load_targets,
    parse_shard,
    parse_targets,
    resolve_expected,
    select_shard,
    shard_of,
)

SHIPPED = load_targets()


def _verdict(target_id: str, engine_version: str = "156.0.1") -> tuple[str, str]:
    target = next(t for t in SHIPPED.targets if t.id == target_id)
    verdict = evaluate_policy(
        load_policy(), declared_environment(resolve_expected(target.expect, engine_version))
    )
    return verdict.status, verdict.rule


def test_the_shipped_run_has_at_least_six_targets_per_engine() -> None:
    per_engine = Counter(t.engine for t in SHIPPED.targets)
    assert all(per_engine[engine] >= 6 for engine in ENGINES), per_engine


def test_every_device_is_a_playwright_descriptor(playwright: Any) -> None:
    known = set(playwright.devices)
    devices = {t.device for t in SHIPPED.targets if t.device}
    assert {"iPhone", "iPad", "Pixel", "Galaxy"} <= {d.split()[0] for d in devices}
    assert devices <= known


# The edge targets must sit on both sides of the shipped policy's limits: when the policy moves a
# limit, this fails until the targets move with it.
@pytest.mark.parametrize(
    "target_id,status,rule",
    [
        ("chromium-ua-chrome-108-windows-10", "unsupported", "browser:Chrome"),
        ("chromium-ua-chrome-109-windows-10", "supported", "browser:Chrome"),
        ("chromium-ua-chrome-109-windows-7", "limited", "os:Windows"),
        ("chromium-ua-samsung-internet-20", "unsupported", "browser:Samsung Internet"),
        ("chromium-ua-chrome-119-android-7", "unsupported", "os:Android"),
        ("chromium-galaxy-s9-plus", "supported", "browser:Chrome"),
        ("chromium-ipad-gen-7", "unsupported", "os:iOS"),
        ("firefox-ua-114-windows-10", "unsupported", "browser:Firefox"),
        ("firefox-ua-115-windows-10", "supported", "browser:Firefox"),
        ("firefox-ua-115-windows-7", "limited", "os:Windows"),
        ("webkit-ua-safari-15-ios-15", "unsupported", "os:iOS"),  # on iOS the system decides
        ("webkit-ua-safari-16-ios-16", "supported", "browser:Safari"),
        ("webkit-ua-safari-16-macos", "supported", "browser:Safari"),
        ("webkit-ua-ie-11", "unsupported", "browser:IE"),
    ],
)
def test_edge_targets_sit_at_the_policy_limits(target_id: str, status: str, rule: str) -> None:
    assert _verdict(target_id) == (status, rule)


def test_major_engine_is_the_version_that_ran() -> None:
    target = next(t for t in SHIPPED.targets if t.id == "chromium-desktop-en")
    assert resolve_expected(target.expect, "156.0.8078.79")["browser"]["major"] == 156
    assert resolve_expected(target.expect, "WebKitGTK 2.50.6")["browser"]["major"] == 2
    assert target.expect.parts["browser"]["major"] == "engine"  # the definition is unchanged
    # An old engine would get the policy's answer for an old Chromium.
    assert _verdict("chromium-desktop-en", "108.0.1") == ("unsupported", "browser:Chromium")


GOOD = {"id": "t", "engine": "chromium", "expect": {"browser": {"family": "Chrome"}}}


@pytest.mark.parametrize(
    "change,message",
    [
        ({"id": "Bad Id"}, "id must be lower-case letters, digits and dashes"),
        ({"engine": "presto"}, "(t): engine must be one of chromium, firefox, webkit"),
        ({"colour": "red"}, "(t): unknown key(s) colour"),
        ({"path": "check"}, "(t): path must start with /"),
        ({"client_hints": {"brands": []}}, "(t): client_hints need the user_agent"),
        (
            {"engine": "firefox", "user_agent": "x", "client_hints": {}},
            "(t): client_hints exist in Chromium only",
        ),
        ({"expect": {"os": {"family": "iOS"}}}, "(t).expect: browser.family is required"),
        (
            {"expect": {"browser": {"family": "X", "major": "latest"}}},
            "(t).expect.browser.major: an integer or 'engine'",
        ),
        (
            {"expect": {"browser": {"family": "X"}, "os": {"name": "iOS"}}},
            "(t).expect.os: unknown key(s) name",
        ),
    ],
    ids=[
        "id",
        "engine",
        "unknown-key",
        "path",
        "hints-without-ua",
        "hints-not-chromium",
        "no-browser",
        "bad-major",
        "bad-os-key",
    ],
)
def test_a_broken_target_is_named(change: dict[str, Any], message: str) -> None:
    with pytest.raises(TargetsError) as info:
        parse_targets({"version": 1, "targets": [{**GOOD, **change}]}, "t.yaml")
    assert "t.yaml: targets[0]" in str(info.value) and message in str(info.value)


def test_duplicate_ids_and_versions_are_refused() -> None:
    with pytest.raises(TargetsError, match="duplicate id"):
        parse_targets({"version": 1, "targets": [GOOD, GOOD]})
    with pytest.raises(TargetsError, match="version must be 1"):
        parse_targets({"version": 2, "targets": [GOOD]})
    with pytest.raises(TargetsError, match="accessibility\\[0\\] \\(p\\): page must be"):
        parse_targets(
            {
                "version": 1,
                "targets": [GOOD],
                "accessibility": [{"id": "p", "path": "/x", "page": "pdf"}],
            }
        )


def test_bad_yaml_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "targets.yaml"
    path.write_text("version: 1\ntargets:\n  - id: [unclosed\n", encoding="utf-8")
    with pytest.raises(TargetsError, match=r"targets\.yaml:4: not valid YAML"):
        load_targets(path)


@pytest.mark.parametrize("count", [1, 2, 3, 5])
def test_shards_split_the_jobs_once_each(count: int) -> None:
    jobs = jobs_of(SHIPPED)
    slices = [select_shard(jobs, i, count) for i in range(1, count + 1)]
    assert sorted(j.id for s in slices for j in s) == sorted(j.id for j in jobs)
    assert all(slices), "a shard with no job"


def test_a_job_keeps_its_shard_when_targets_are_added() -> None:
    jobs = jobs_of(SHIPPED)
    before = {j.id: shard_of(j.id, 4) for j in jobs}
    more = jobs + [Job(f"new-{i}", "chromium") for i in range(20)]
    assert {j.id: shard_of(j.id, 4) for j in more if j.id in before} == before


@pytest.mark.parametrize("value", ["0/2", "3/2", "1", "a/b", "1/0", ""])
def test_bad_shards_are_refused(value: str) -> None:
    with pytest.raises(ValueError):
        parse_shard(value)


def test_compare_environment_names_each_difference() -> None:
    detected = {
        "browser": {"family": "Chrome", "major": 109, "version": "109.0.5414.120"},
        "engine": {"family": "Blink", "version": "109.0.0.0"},
        "os": {"family": "macOS", "version": "10.15.7", "approximate": True},
    }
    ok = {
        "browser": {"family": "Chrome", "major": 109},
        "engine": {"version": "109"},
        "os": {"version": "10.15", "approximate": True},
    }
    assert compare_environment(ok, detected) == []
    wrong = {"browser": {"major": 108}, "engine": {"version": "10"}, "device": {"type": "mobile"}}
    assert compare_environment(wrong, detected) == [
        "browser.major: expected 108, detected 109",
        "engine.version: expected '10', detected '109.0.0.0'",
        "device.type: expected 'mobile', detected None",
    ]


def test_report_json_url_keeps_only_the_token() -> None:
    assert report_json_url("http://h:1", "/r/ABCD-EFGH?t=s3cret&lang=uk") == (
        "http://h:1/api/v1/reports/ABCD-EFGH?t=s3cret"
    )


@pytest.mark.parametrize(
    "require,status", [((), NOT_RUN), (("presto",), FAILED)], ids=["not-run", "required"]
)
def test_a_missing_engine_is_not_run_never_passed(
    playwright: Any, require: tuple[str, ...], status: str
) -> None:
    target = Target("old", "presto", Expected(None, {"browser": {"family": "Opera"}}))
    with EngineHub(playwright) as hub:
        result = run_job(
            hub,
            Job("old", "presto", target=target),
            "http://127.0.0.1:9",
            load_policy(),
            None,
            require,
        )
    assert result.status == status
    assert "unknown engine 'presto'" in result.reason
    assert result.ran["engine"] == "presto" and "unknown engine" in result.ran["missing"]
