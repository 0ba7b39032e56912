"""Required features (``requires:``): the policy refuses ids without a check, the probe's table
matches the Python one, the verdict names missing features in uk and en, and the desk counts
them across reports."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from diagnostics.useragent import detect_environment
from matrix import default_policy_path
from matrix.baseline import read_baseline
from matrix.features import CHECKED_FEATURES, FEATURE_TEXTS
from matrix.loader import read_policy_text
from matrix.policy import Policy
from matrix.rules import evaluate_policy, explain_policy, with_feature_checks
from reports.aggregate import missing_features, summarize, top_findings
from tests.conftest import AGENT_EMAIL, AGENT_PASSWORD, CHROME_WIN, sign_in
from webapp import create_app
from webapp.cli import main

DEFAULT = default_policy_path().read_text(encoding="utf-8")
PROBE = Path(__file__).resolve().parents[1] / "probes" / "probe.js"


def with_requires(block: str) -> str:
    return DEFAULT.replace("version: 1\n", f"version: 1\n{block}", 1)


def load(text: str) -> Policy:
    reading = read_policy_text(text, "policy.yaml", default_policy_path().parent)
    assert reading.policy is not None, reading.problems
    return reading.policy


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


# --- the table ------------------------------------------------------------------------------


def probe_feature_ids() -> list[str]:
    source = PROBE.read_text(encoding="utf-8")
    block = source[
        source.index("var FEATURES = {") : source.index("\n  };", source.index("var FEATURES"))
    ]
    return re.findall(r'^\s+"([a-z0-9-]+)": function', block, re.MULTILINE)


def test_the_probe_checks_exactly_the_features_users_can_read_about() -> None:
    ids = probe_feature_ids()
    assert ids == sorted(ids) and len(ids) == len(set(ids))
    assert tuple(ids) == CHECKED_FEATURES


def test_every_checked_feature_is_a_web_features_id_with_both_texts() -> None:
    names = read_baseline().features
    for feature, text in FEATURE_TEXTS.items():
        assert feature in names, feature
        assert text.uk and text.en and text.uk != text.en


# --- matrix check -----------------------------------------------------------------------------


def test_requires_are_read_with_their_status_and_line() -> None:
    text = with_requires("requires:\n  - dialog\n  - {feature: popover, status: limited}\n")
    policy = load(text)
    assert [(r.feature, r.status, r.line) for r in policy.requires] == [
        ("dialog", "unsupported", line_of(text, "- dialog")),
        ("popover", "limited", line_of(text, "- {feature: popover")),
    ]


def test_check_refuses_unknown_unchecked_and_repeated_ids_naming_lines(tmp_path: Path) -> None:
    text = with_requires(
        "requires:\n  - dialgo\n  - webgpu\n  - dialog\n  - dialog\n  - {feature: has, status: ok}\n"
    )
    (tmp_path / "releases.csv").write_bytes(
        (default_policy_path().parent / "releases.csv").read_bytes()
    )
    path = tmp_path / "policy.yaml"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["matrix", "check", str(path), "--json"])
    assert result.exit_code == 1
    problems = json.loads(result.output)["problems"]
    # the schema goes first: the bad status is the one problem until it is fixed
    assert [(p["line"], p["where"]) for p in problems] == [
        (line_of(text, "{feature: has"), "requires[4].status")
    ]
    path.write_text(text.replace(", status: ok", ""), encoding="utf-8")
    result = CliRunner().invoke(main, ["matrix", "check", str(path)])
    assert result.exit_code == 1
    out = result.output
    assert (
        f"policy.yaml:{line_of(text, '- dialgo')}: requires[0]: 'dialgo' is not a web-features id"
        in out
    )
    assert "did you mean 'dialog'?" in out
    webgpu = line_of(text, "- webgpu")
    assert f"policy.yaml:{webgpu}: requires[1]: the probe has no check for 'webgpu' (WebGPU)" in out
    assert f"policy.yaml:{webgpu + 2}: requires[3]: 'dialog' is required twice" in out


# --- the verdict -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "block,found,status,rule",
    [
        ("requires: [dialog]\n", {"dialog": False}, "unsupported", "feature:dialog"),
        (
            "requires: [{feature: dialog, status: limited}]\n",
            {"dialog": False},
            "limited",
            "feature:dialog",
        ),
        ("requires: [dialog]\n", {"dialog": True}, "supported", "browser:Chrome"),
        ("requires: [dialog]\n", None, "supported", "browser:Chrome"),  # not tested: nothing known
    ],
    ids=["missing", "missing-limited", "found", "not-tested"],
)
def test_a_missing_feature_decides_the_verdict_as_configured(
    block: str, found: dict[str, bool] | None, status: str, rule: str
) -> None:
    policy = load(with_requires(block))
    env = detect_environment(CHROME_WIN)
    verdict = with_feature_checks(policy, env, evaluate_policy(policy, env), found)
    assert (verdict.status, verdict.rule) == (status, rule)
    assert explain_policy(policy, env, found).verdict == verdict
    if status != "supported":
        assert verdict.reasons[-1].en == "Your browser cannot show dialog windows (<dialog>)."
        assert (
            verdict.reasons[-1].uk == "Ваш браузер не вміє показувати діалогові вікна (<dialog>)."
        )
        assert verdict.message == policy.messages[status]


def test_every_missing_feature_is_named_and_a_worse_verdict_stays() -> None:
    policy = load(with_requires("requires: [dialog, {feature: popover, status: limited}]\n"))
    ie = detect_environment("Mozilla/5.0 (Windows NT 10.0; WOW64; Trident/7.0; rv:11.0) like Gecko")
    verdict = with_feature_checks(
        policy, ie, evaluate_policy(policy, ie), {"dialog": False, "popover": False}
    )
    assert (verdict.status, verdict.rule) == ("unsupported", "browser:IE")
    assert [r.en for r in verdict.reasons[-2:]] == [
        "Your browser cannot show dialog windows (<dialog>).",
        "Your browser cannot show pop-up panels (Popover).",
    ]


# --- through the app ----------------------------------------------------------------------------


@pytest.fixture
def feature_app(tmp_path: Path) -> Iterator[Flask]:
    policy = tmp_path / "policy.yaml"
    policy.write_text(with_requires("requires: [dialog, popover]\n"), encoding="utf-8")
    (tmp_path / "releases.csv").write_bytes(
        (default_policy_path().parent / "releases.csv").read_bytes()
    )
    app = create_app(
        {"INSTANCE_PATH": str(tmp_path / "instance"), "TESTING": True, "POLICY_FILE": str(policy)}
    )
    yield app
    app.extensions["browsercheck.store"].close()


def post(client: FlaskClient, features: dict[str, bool] | None) -> dict:  # type: ignore[type-arg]
    payload = {"features": features} if features is not None else {}
    response = client.post("/api/v1/reports", json=payload, headers={"User-Agent": CHROME_WIN})
    assert response.status_code == 201, response.get_json()
    body: dict = response.get_json()  # type: ignore[type-arg]
    return body


def test_the_api_names_the_features_and_reports_carry_their_results(feature_app: Flask) -> None:
    client = feature_app.test_client()
    summary = client.get("/api/v1/matrix").get_json()
    assert summary["requires"] == ["dialog", "popover"] and summary["baseline"] is None
    missing = post(client, {"dialog": False, "popover": True})
    assert missing["verdict"]["status"] == "unsupported"
    assert missing["verdict"]["rule"] == "feature:dialog"
    assert "Your browser cannot show dialog windows (<dialog>)." in [
        r["en"] for r in missing["verdict"]["reasons"]
    ]
    assert post(client, {"dialog": True, "popover": True})["verdict"]["status"] == "supported"
    bad = client.post("/api/v1/reports", json={"features": {"dialog": "yes"}})
    assert bad.status_code == 400 and bad.get_json()["error"]["field"].startswith("$.features")


def test_the_desk_counts_missing_features_across_reports(feature_app: Flask) -> None:
    client = feature_app.test_client()
    for found in (
        {"dialog": False, "popover": False},
        {"dialog": False, "popover": True},
        {"dialog": True, "popover": True},
        {"made-up-feature": False},  # an id the probe never checks: not counted
        None,
    ):
        post(client, found)
    feature_app.extensions["browsercheck.accounts"].add_user(AGENT_EMAIL, AGENT_PASSWORD, "agent")
    assert sign_in(client).status_code == 302
    html = client.get("/support/stats?lang=en").get_data(as_text=True)
    assert "Required features browsers lacked" in html
    table = html[html.index("Required features browsers lacked") :]
    assert re.search(r"&lt;dialog&gt; \(dialog\)</t[dh]>\s*<td[^>]*>2</td>", table), table[:2000]
    assert re.search(r"Popover \(popover\)</t[dh]>\s*<td[^>]*>1</td>", table)
    assert "A required browser feature is missing" in html  # among the top findings
    assert "feature:dialog" not in html and "made-up-feature" not in html
    chart = client.get("/support/stats/features.svg?lang=uk")
    assert chart.status_code == 200 and "&lt;dialog&gt; (dialog)" in chart.get_data(as_text=True)


def test_missing_features_are_counted_apart_from_findings() -> None:
    frame = pd.DataFrame(
        {
            "day": pd.to_datetime(["2026-11-30"] * 3).date,
            "status": ["unsupported", "limited", "supported"],
            "browser_family": ["Chrome"] * 3,
            "os_family": ["Windows"] * 3,
            "device_type": ["desktop"] * 3,
            "outcome": ["works"] * 3,
            "finding_ids": [
                " missing_feature feature:dialog feature:popover ",
                " cookies_disabled feature:dialog ",
                "",
            ],
            "n": [2, 1, 5],
        }
    )
    features = missing_features(frame)
    assert features.to_dict("records") == [
        {"feature": "dialog", "reports": 3, "share": 3 / 8},
        {"feature": "popover", "reports": 2, "share": 2 / 8},
    ]
    assert set(top_findings(frame)["finding"]) == {"missing_feature", "cookies_disabled"}
    assert summarize(frame).tables()["missing_features"].equals(features)
