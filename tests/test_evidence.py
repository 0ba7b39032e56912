"""Evidence from the portal's page (diagnostics.evidence) -> findings, and where they show."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from diagnostics import detect_environment
from diagnostics.evidence import evidence_findings, timeline
from diagnostics.validate import validate_payload

PAGE = "https://portal.example/cabinet"
OWN = "https://portal.example"
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
CLICK = {"t": 1000, "kind": "click", "role": "button", "name": "Передати показання"}


def payload(**evidence: Any) -> dict[str, Any]:
    errors = evidence.pop("errors", None)
    data: dict[str, Any] = {"page": PAGE, "evidence": {"now": 9000, **evidence}}
    if errors:
        data["errors"] = errors
    return validate_payload(data).data  # every case is a payload the collector accepts


def found(data: dict[str, Any]) -> dict[str, Any]:
    return {f.id: f for f in evidence_findings(detect_environment(FIREFOX), data)}


def req(status: int, t: int = 1200, origin: str = OWN, path: str = "/api/readings") -> dict:
    return {"t": t, "method": "POST", "origin": origin, "path": path, "status": status, "ms": 40}


@pytest.mark.parametrize(
    "status,origin,expected",
    [
        (500, OWN, True),
        (503, "https://api.other.example", True),
        (422, OWN, True),
        (422, "https://api.other.example", False),
        (401, OWN, False),
        (403, OWN, False),
        (404, OWN, False),
    ],
    ids=["500", "503-other-origin", "422-own", "422-other", "401", "403", "404"],
)
def test_action_request_failed_by_status(status: int, origin: str, expected: bool) -> None:
    findings = found(payload(actions=[CLICK], requests=[req(status, origin=origin)]))
    assert ("action_request_failed" in findings) is expected


def test_action_request_failed_names_the_action_and_the_request() -> None:
    finding = found(payload(actions=[CLICK], requests=[req(500)]))["action_request_failed"]
    assert finding.severity == "error"  # the outcome "will not work" is derived from this
    assert (
        "«Передати показання»" in finding.title.uk
        and "POST /api/readings → 500" in finding.title.uk
    )
    assert finding.title.en.startswith("The problem is on the portal's side, not in your browser")
    assert finding.evidence == {"action": CLICK, "request": req(500)}


@pytest.mark.parametrize(
    "t,expected",
    [(1200, True), (5999, True), (6500, False), (900, False)],
    ids=["soon-after", "within-5s", "too-late", "before-the-click"],
)
def test_action_request_failed_needs_an_action_just_before(t: int, expected: bool) -> None:
    findings = found(payload(actions=[CLICK], requests=[req(500, t=t)]))
    assert ("action_request_failed" in findings) is expected


def test_request_no_answer_when_others_to_the_same_origin_answered() -> None:
    data = payload(requests=[req(0)], requestsOk=[{"origin": OWN, "count": 3}])
    finding = found(data)["request_no_answer"]
    assert finding.severity == "error"  # the portal's own API is blocked
    assert "Firefox" in finding.remedy.en  # the remedy names how, in this browser
    assert finding.evidence is not None and finding.evidence["count"] == 1


def test_no_answer_without_any_answer_is_not_a_blocker() -> None:
    assert "request_no_answer" not in found(payload(requests=[req(0)]))  # offline, not blocked


@pytest.mark.parametrize(
    "data",
    [
        {"resources": [{"t": 5, "element": "script", "origin": OWN, "path": "/assets/app.1.js"}]},
        {"resources": [{"t": 5, "element": "link", "origin": OWN, "path": "/assets/app.1.css"}]},
        {
            "errors": [
                {"kind": "rejection", "message": "Failed to fetch dynamically imported module: x"}
            ]
        },
        {
            "errors": [
                {"kind": "error", "name": "ChunkLoadError", "message": "Loading chunk 7 failed."}
            ]
        },
        {"errors": [{"kind": "rejection", "message": "Importing a module script failed."}]},
        {"errors": [{"kind": "rejection", "message": "Unable to preload CSS for /a.css"}]},
    ],
    ids=["script", "stylesheet", "chromium-import", "webpack", "webkit-import", "vite-css"],
)
def test_stale_build_assets(data: dict[str, Any]) -> None:
    findings = found(payload(**data))
    assert findings["stale_build_assets"].severity == "error"
    assert "page_errors" not in findings  # a chunk error is said once


def test_a_missing_image_is_not_a_stale_build() -> None:
    data = payload(resources=[{"t": 5, "element": "img", "origin": OWN, "path": "/logo.png"}])
    assert "stale_build_assets" not in found(data)


def test_page_errors_fed_by_the_recorder() -> None:
    errors = [{"kind": "error", "message": "x is undefined", "t": 10, "stack": ["f (/a.js:1:2)"]}]
    finding = found(payload(errors=errors))["page_errors"]
    assert "x is undefined" in finding.title.en and finding.severity == "warning"


@pytest.mark.parametrize(
    "violation,severity",
    [
        ({"directive": "script-src-elem", "blocked": "https://cdn.example"}, "error"),
        ({"directive": "connect-src", "blocked": "https://api.example"}, "error"),
        ({"directive": "img-src", "blocked": "https://img.example"}, "warning"),
        ({"directive": "script-src-elem", "blocked": "chrome-extension"}, None),
    ],
    ids=["script", "connect", "image", "extension"],
)
def test_csp_blocked(violation: dict[str, str], severity: str | None) -> None:
    data = payload(csp=[{"t": 3, **violation}])
    if violation["blocked"] == "chrome-extension":  # what the recorder keeps of an extension URL
        data["evidence"]["csp"][0]["blocked"] = "chrome-extension://abc"
    finding = found(data).get("csp_blocked")
    assert (finding.severity if finding else None) == severity


def test_nothing_recorded_nothing_found() -> None:
    assert evidence_findings(detect_environment(FIREFOX), payload()) == []
    assert evidence_findings(detect_environment(FIREFOX), {"evidence": "odd"}) == []


def test_timeline_is_in_time_order() -> None:
    data = payload(
        actions=[CLICK], requests=[req(500)], errors=[{"kind": "error", "message": "e", "t": 1100}]
    )
    assert [r["kind"] for r in timeline(data)] == ["action", "error", "request"]


def test_the_report_shows_the_evidence(client: FlaskClient) -> None:
    body = {"lang": "uk", **payload(actions=[CLICK], requests=[req(500)])}
    created = client.post("/api/v1/reports?include=text", json=body).get_json()
    finding = created["findings"][0]
    assert (
        finding["id"] == "action_request_failed" and finding["evidence"]["request"]["status"] == 500
    )
    page = client.get(created["view_url"]).get_data(as_text=True)
    assert 'data-testid="evidence"' in page and "POST /api/readings → 500" in page
    text = created["text"]  # shown on the check page and the e-mail's body
    assert "Що сталося на сторінці порталу" in text
    assert "натиснуто «Передати показання»" in text


def test_the_desk_shows_the_timeline_and_counts_failing_requests(desk: FlaskClient) -> None:
    errors = [{"kind": "error", "message": "Cannot read 'draw' of undefined at 12", "t": 1300}]
    for _ in range(2):
        body = {"lang": "en", **payload(actions=[CLICK], requests=[req(500)], errors=errors)}
        created = desk.post("/api/v1/reports", json=body).get_json()
    view = desk.get(f"/support/reports/{created['code']}?lang=en").get_data(as_text=True)
    assert 'data-testid="evidence"' in view and "clicked «Передати показання»" in view
    stats = desk.get("/support/stats?days=7&lang=en").get_data(as_text=True)
    assert "Failing requests" in stats and "POST /api/readings → 500" in stats
    assert "Page errors" in stats and "Cannot read &#39;…&#39; of undefined at N" in stats
    for name in ("requests", "errors"):
        chart = desk.get(f"/support/stats/{name}.svg?days=7&lang=en")
        assert chart.status_code == 200 and chart.mimetype == "image/svg+xml"
