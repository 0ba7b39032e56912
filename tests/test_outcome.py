"""The outcome table: verdict status x the findings' severities -> the one result users read."""

from __future__ import annotations

import pytest

from diagnostics.models import Finding, Text
from matrix.outcome import MAX_BLOCKING, OUTCOMES, assess, outcome_value
from matrix.policy import Verdict


def finding(fid: str, severity: str) -> Finding:
    return Finding(
        fid, severity, Text(f"{fid} uk", f"{fid} en"), Text(f"fix {fid} uk", f"fix {fid}")
    )  # type: ignore[arg-type]


def verdict(status: str) -> Verdict:
    if status == "unsupported":
        return Verdict(
            status,
            "browser:Chrome",
            reasons=(Text("Chrome 90 застарів", "Chrome 90 is outdated"),),
            remedies=(
                Text(
                    "Оновіть: https://www.google.com/chrome/",
                    "Update: https://www.google.com/chrome/",
                ),
            ),
        )
    if status == "limited":
        return Verdict(status, "os:Android", reasons=(Text("обмежено", "limited"),), remedies=())
    return Verdict(status, "browser:Chrome")


# verdict status x the worst severity among the findings (None: no findings at all)
TABLE = {
    ("supported", None): "works",
    ("supported", "info"): "works",
    ("supported", "warning"): "works_with_problems",
    ("supported", "error"): "will_not_work",
    ("limited", None): "works_with_problems",
    ("limited", "info"): "works_with_problems",
    ("limited", "warning"): "works_with_problems",
    ("limited", "error"): "will_not_work",
    ("unsupported", None): "will_not_work",
    ("unsupported", "info"): "will_not_work",
    ("unsupported", "warning"): "will_not_work",
    ("unsupported", "error"): "will_not_work",
    ("unknown", None): "unknown",
    ("unknown", "info"): "unknown",
    ("unknown", "warning"): "unknown",
    ("unknown", "error"): "will_not_work",
}


@pytest.mark.parametrize(("status", "worst"), list(TABLE), ids=[f"{s}-{w}" for s, w in TABLE])
def test_the_outcome_table(status: str, worst: str | None) -> None:
    severities = {
        None: [],
        "info": ["info"],
        "warning": ["info", "warning"],
        "error": ["info", "warning", "error"],
    }[worst]
    findings = [finding(f"f_{s}", s) for s in severities]
    assert outcome_value(status, severities) == TABLE[(status, worst)]
    assert assess(verdict(status), findings).value == TABLE[(status, worst)]
    assert set(TABLE.values()) == set(OUTCOMES)


def test_cookies_blocked_on_a_supported_browser_will_not_work_and_is_named_first() -> None:
    found = assess(
        verdict("supported"),
        [finding("slow_network", "warning"), finding("cookies_disabled", "error")],
    )
    assert found.value == "will_not_work"
    assert [f.id for f in found.blocking] == ["cookies_disabled"]
    assert found.blocking[0].remedy.en == "fix cookies_disabled"


def test_an_unsupported_verdict_names_its_reason_and_download_link_first() -> None:
    found = assess(
        verdict("unsupported"),
        [finding("javascript_off", "error"), finding("cookies_disabled", "error")],
    )
    assert [f.id for f in found.blocking] == ["verdict_unsupported", "javascript_off"]
    assert len(found.blocking) == MAX_BLOCKING
    assert found.blocking[0].title.en == "Chrome 90 is outdated"
    assert "https://www.google.com/chrome/" in found.blocking[0].remedy.uk


def test_works_with_problems_names_the_warnings_and_works_names_nothing() -> None:
    found = assess(verdict("supported"), [finding("stale_build", "warning"), finding("x", "info")])
    assert [f.id for f in found.blocking] == ["stale_build"]
    assert assess(verdict("supported"), [finding("x", "info")]).blocking == ()
    limited = assess(verdict("limited"), [])
    assert [f.id for f in limited.blocking] == ["verdict_limited"]


@pytest.mark.parametrize(
    "evidence",
    [
        "action_request_failed",
        "request_no_answer",
        "stale_build_assets",
        "page_errors",
        "csp_blocked",
    ],
)
def test_findings_added_later_count_by_their_severity_alone(evidence: str) -> None:
    """The portal page's evidence (issue 14) arrives with its own ids: nothing here names them."""
    assert assess(verdict("supported"), [finding(evidence, "error")]).value == "will_not_work"
    assert (
        assess(verdict("supported"), [finding(evidence, "warning")]).value == "works_with_problems"
    )


def test_odd_inputs_never_raise() -> None:
    assert outcome_value("no-such-status", []) == "unknown"
    assert outcome_value("supported", ["critical"]) == "works_with_problems"
