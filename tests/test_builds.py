"""The portal's build as the stale-build reference (issue 18): the deploy history (SQLite and
PostgreSQL), ``POST /api/v1/builds`` with deploy tokens, ``browsercheck builds``, the age
sentence in uk and en, and the one-click repair's second report."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from jsonschema import Draft202012Validator

from diagnostics.builds import BuildReference, Deploy, age_sentence, resolve_reference
from diagnostics.findings import collect_findings
from diagnostics.models import Environment
from tests.conftest import CHROME_WIN, CommandRunner
from tests.payloads import probe_payload
from tests.test_error_shape import assert_error
from webapp.openapi import build_document
from webapp.storage.builds import BuildError, BuildStore, site_of

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def history(*ages: tuple[str, timedelta]) -> tuple[Deploy, ...]:
    return tuple(Deploy(build, NOW - age) for build, age in ages)


# --- the age sentence (pure) ------------------------------------------------------------------


@pytest.mark.parametrize(
    "days,since,uk,en",
    [
        (1, 1, "випущеній 1 день тому", "1 deploy since"),
        (3, 2, "випущеній 3 дні тому (A); відтоді портал оновлювали 2 рази", "2 deploys since"),
        (5, 5, "5 днів тому (A); відтоді портал оновлювали 5 разів", "5 deploys since"),
        (2, 21, "2 дні тому (A); відтоді портал оновлювали 21 раз ", "21 deploys since"),
        (2, 12, "оновлювали 12 разів", "12 deploys since"),
    ],
    ids=["one", "few", "many", "twenty-one", "twelve"],
)
def test_age_sentence_in_both_languages(days: int, since: int, uk: str, en: str) -> None:
    deploys = [("A", timedelta(days=days))]
    deploys += [(f"B{i}", timedelta(days=days) - timedelta(hours=i + 1)) for i in range(since)]
    reference = BuildReference("deploy_hook", f"B{since - 1}", history(*deploys))
    said = age_sentence(reference, "A", NOW)
    assert uk in said.uk
    assert en in said.en
    assert f"This tab runs the build of {days} day" in said.en


@pytest.mark.parametrize(
    "age", [timedelta(seconds=1), timedelta(seconds=59), timedelta(seconds=-3)]
)
def test_a_deploy_of_the_last_minute_is_less_than_a_minute_old(age: timedelta) -> None:
    reference = BuildReference("deploy_hook", "B", history(("A", age), ("B", age / 2)))
    said = age_sentence(reference, "A", NOW)
    assert "випущеній менше хвилини тому (A); відтоді портал оновлювали 1 раз" in said.uk
    assert "This tab runs the build of less than a minute ago (A)" in said.en
    assert "second" not in said.en and "секунд" not in said.uk


def test_a_deploy_of_a_minute_ago_is_counted_in_minutes() -> None:
    reference = BuildReference(
        "deploy_hook", "B", history(("A", timedelta(seconds=61)), ("B", timedelta(0)))
    )
    assert "the build of 1 minute ago (A)" in age_sentence(reference, "A", NOW).en


def test_age_sentence_without_the_page_build_in_the_history() -> None:
    reference = BuildReference("build_url", "C", history(("C", timedelta(hours=2))))
    said = age_sentence(reference, "A", NOW)
    assert said.uk == "Ця вкладка працює на версії A, а портал — уже на C."
    assert said.en == "This tab runs build A; the portal runs C."


@pytest.mark.parametrize(
    "data,deploys,kind,current",
    [
        (
            {"build": {"page": "A", "current": "P", "reference": "build_url"}, "page": "x"},
            1,
            "build_url",
            "P",
        ),
        (
            {"build": {"page": "A", "current": "S", "reference": "collector"}, "page": "x"},
            1,
            "deploy_hook",
            "C",
        ),
        ({"build": {"page": "A", "current": "S", "reference": "collector"}}, 1, "setting", "S"),
        ({"build": {"page": "A", "current": "S"}, "page": "x"}, 0, "setting", "S"),
    ],
    ids=["portal-url-wins", "deploy-hook-on-portal-page", "check-page-uses-setting", "no-history"],
)
def test_which_reference(data: dict[str, Any], deploys: int, kind: str, current: str) -> None:
    found = resolve_reference(data, history(("C", timedelta(days=1)))[:deploys])
    assert (found.kind, found.current) == (kind, current)


def test_stale_build_says_reference_and_age() -> None:
    data = {"build": {"page": "A", "current": "S"}, "page": "https://portal.example/cabinet"}
    reference = resolve_reference(
        data, history(("A", timedelta(days=3)), ("B", timedelta(days=2)), ("C", timedelta(days=1)))
    )
    stale = next(
        f for f in collect_findings(Environment(), data, reference, NOW) if f.id == "stale_build"
    )
    assert "3 дні тому" in stale.remedy.uk and "оновлювали 2 рази" in stale.remedy.uk
    assert (
        "the build of 3 days ago (A); the portal has had 2 deploys since (now C)" in stale.remedy.en
    )
    assert "last deploy recorded in browsercheck" in stale.remedy.en
    assert stale.evidence == {
        "reference": "deploy_hook",
        "page": "A",
        "current": "C",
        "page_deployed_at": (NOW - timedelta(days=3)).isoformat(),
        "age_seconds": 3 * 86400,
        "deploys_since": 2,
    }
    current = {"build": {"page": "C", "current": "S"}, "page": "https://portal.example/"}
    assert "stale_build" not in [
        f.id for f in collect_findings(Environment(), current, reference, NOW)
    ]


@pytest.mark.parametrize(
    "page,failed,severity,uk,en",
    [
        (
            "C",
            None,
            "info",
            "Виправлено: версія A → C; видалено збережену версію сайту, 2 кеші, 1 збережений запис.",
            "Repaired: build A → build C; removed the stored copy of the site, 2 caches, 1 saved entry.",
        ),
        (
            "A",
            None,
            "warning",
            "Виправлення не допомогло: версія A → A",
            "The repair did not help: build A → build A",
        ),
        (
            "C",
            ["caches"],
            "warning",
            "Не вдалося: очистити кеші сайту.",
            "Failed: deleting the site's caches.",
        ),
    ],
    ids=["worked", "still-stale", "caches-refused"],
)
def test_repair_finding(
    page: str, failed: list[str] | None, severity: str, uk: str, en: str
) -> None:
    repair: dict[str, Any] = {
        "of": "ABCD-2345",
        "build": "A",
        "removed": {"serviceWorkers": 1, "caches": 2, "storage": ["draft"]},
    }
    if failed:
        repair["failed"] = failed
    data = {"build": {"page": page, "current": "C"}, "repair": repair}
    found = {f.id: f for f in collect_findings(Environment(), data, None, NOW)}
    assert found["repair"].severity == severity
    assert uk in found["repair"].title.uk and en in found["repair"].title.en
    assert found["repair"].evidence["of"] == "ABCD-2345"


# --- the store, on SQLite and PostgreSQL ------------------------------------------------------


def builds(app: Flask) -> BuildStore:
    return BuildStore(app.extensions["browsercheck.store"].session)


def test_store_keeps_a_history_per_site(app: Flask) -> None:
    store = builds(app)
    assert store.set("A", "Portal.Example", NOW - timedelta(days=2), "cli").added
    assert not store.set("A", "portal.example", NOW - timedelta(days=1), "cli").added  # no-op
    store.set("B", "portal.example", NOW - timedelta(days=1), "api:ci")
    store.set("A", "portal.example", NOW, "api:ci")  # a rollback is a deploy of its own
    store.set("Z", "", NOW, "cli")
    assert [(r.build, r.source) for r in store.history("portal.example")] == [
        ("A", "cli"),
        ("B", "api:ci"),
        ("A", "api:ci"),
    ]
    assert store.history("portal.example")[0].deployed_at == NOW - timedelta(days=2)
    assert store.sites() == ["", "portal.example"]
    assert [d.build for d in store.deploys_for("https://portal.example/x?y")] == ["A", "B", "A"]
    assert [d.build for d in store.deploys_for("https://other.example/")] == ["Z"]
    with pytest.raises(BuildError):
        store.set(" ", "", NOW, "cli")
    with pytest.raises(BuildError):
        store.set("A\nB", "", NOW, "cli")


@pytest.mark.parametrize(
    "page,site",
    [("https://Portal.example:8443/a/b", "portal.example:8443"), ("", ""), (None, "")],
)
def test_site_of(page: str | None, site: str) -> None:
    assert site_of(page) == site


# --- POST /api/v1/builds ----------------------------------------------------------------------


def token(runner: CommandRunner, name: str, scope: str) -> str:
    result = runner.invoke("tokens", "add", name, "--scope", scope)
    assert result.exit_code == 0, result.output
    return result.output.strip().splitlines()[-1]


@pytest.fixture
def error_validator(app: Flask) -> Draft202012Validator:
    return Draft202012Validator(build_document(app)["components"]["schemas"]["Error"])


def test_deploy_hook_records_builds(app: Flask, client: FlaskClient, runner: CommandRunner) -> None:
    deploy = {"Authorization": f"Bearer {token(runner, 'ci', 'deploy')}"}
    first = client.post(
        "/api/v1/builds", json={"build": "2026.12.01-1", "site": "portal.example"}, headers=deploy
    )
    assert first.status_code == 201, first.get_data(as_text=True)
    assert first.get_json()["source"] == "api:ci" and first.get_json()["added"] is True
    again = client.post(
        "/api/v1/builds", json={"build": "2026.12.01-1", "site": "portal.example"}, headers=deploy
    )
    assert again.status_code == 200 and again.get_json()["added"] is False
    assert client.post("/api/v1/builds", json={"build": "B"}, headers=deploy).status_code == 201
    with app.app_context():
        assert [r.build for r in builds(app).history("portal.example")] == ["2026.12.01-1"]
        assert [r.build for r in builds(app).history("")] == ["B"]
    # a deploy token reads no reports
    assert client.get("/api/v1/desk/reports?code=ABCD2345", headers=deploy).status_code == 403


@pytest.mark.parametrize(
    "body,content_type,status,code,field",
    [
        ("{nope", "application/json", 400, "malformed_json", "$"),
        ("[1]", "application/json", 400, "not_an_object", "$"),
        ('{"build": "A", "when": 1}', "application/json", 400, "unknown_field", "$.when"),
        ('{"site": "x"}', "application/json", 400, "missing_build", "$.build"),
        ('{"build": 7}', "application/json", 400, "not_a_string", "$.build"),
        ('{"build": ""}', "application/json", 400, "invalid_build", "$.build"),
        ('{"build": "' + "x" * 201 + '"}', "application/json", 400, "invalid_build", "$.build"),
        ('{"build": "A", "site": "a\\tb"}', "application/json", 400, "invalid_site", "$.site"),
        ("build=A", "application/x-www-form-urlencoded", 415, "unsupported_media_type", "$"),
    ],
    ids=[
        "malformed",
        "array",
        "unknown-field",
        "no-build",
        "number",
        "empty",
        "long",
        "control",
        "form",
    ],
)
def test_deploy_hook_refuses_bad_bodies(
    client: FlaskClient,
    runner: CommandRunner,
    error_validator: Draft202012Validator,
    body: str,
    content_type: str,
    status: int,
    code: str,
    field: str,
) -> None:
    deploy = {"Authorization": f"Bearer {token(runner, 'ci', 'deploy')}"}
    response = client.post("/api/v1/builds", data=body, content_type=content_type, headers=deploy)
    assert_error(response, status, code, field, error_validator)


def test_deploy_hook_refuses_missing_read_and_revoked_tokens(
    client: FlaskClient, runner: CommandRunner, error_validator: Draft202012Validator
) -> None:
    read = token(runner, "helpscout", "read")
    old = token(runner, "old-ci", "deploy")
    assert runner.invoke("tokens", "revoke", "old-ci").exit_code == 0
    body = {"build": "A"}
    none = client.post("/api/v1/builds", json=body)
    assert_error(none, 401, "unauthorized", None, error_validator)
    assert none.headers["WWW-Authenticate"].startswith("Bearer")
    revoked = client.post("/api/v1/builds", json=body, headers={"Authorization": f"Bearer {old}"})
    assert_error(revoked, 401, "unauthorized", None, error_validator)
    wrong = client.post("/api/v1/builds", json=body, headers={"Authorization": f"Bearer {read}"})
    assert_error(wrong, 403, "forbidden", None, error_validator)


# --- the CLI, and a report from the portal's page -------------------------------------------


def test_cli_sets_and_lists_builds(runner: CommandRunner) -> None:
    first = runner.invoke("builds", "set", "A", "--site", "portal.example")
    assert first.exit_code == 0 and "portal.example runs build A since" in first.output
    assert (
        "already runs build A"
        in runner.invoke("builds", "set", "A", "--site", "portal.example").output
    )
    assert "every site runs build B" in runner.invoke("builds", "set", "B").output
    listed = runner.invoke("builds", "list").output.splitlines()
    assert [line.split("\t")[:2] + line.split("\t")[3:] for line in listed] == [
        ["-", "B", "cli"],
        ["portal.example", "A", "cli"],
    ]
    assert runner.invoke("builds", "list", "--site", "portal.example").output.count("\n") == 1
    bad = runner.invoke("builds", "set", "x" * 201)
    assert bad.exit_code == 1 and "build has 1 to 200 characters" in bad.output


def test_report_from_the_portal_page_uses_the_deploy_history(
    client: FlaskClient, runner: CommandRunner
) -> None:
    assert runner.invoke("builds", "set", "A", "--site", "localhost").exit_code == 0
    assert runner.invoke("builds", "set", "C", "--site", "localhost").exit_code == 0
    payload = probe_payload(CHROME_WIN)
    payload["page"] = "http://localhost/cabinet"
    payload["build"] = {"page": "A", "current": "collector-build", "reference": "collector"}
    created = client.post(
        "/api/v1/reports?include=text", json=payload, headers={"User-Agent": CHROME_WIN}
    )
    assert created.status_code == 201, created.get_data(as_text=True)
    stale = next(f for f in created.get_json()["findings"] if f["id"] == "stale_build")
    assert stale["evidence"]["reference"] == "deploy_hook" and stale["evidence"]["current"] == "C"
    assert stale["evidence"]["deploys_since"] == 1
    assert "the portal has had 1 deploy since (now C)" in stale["remedy"]["en"]
    payload["build"] = {"page": "C", "current": "collector-build", "reference": "collector"}
    payload["repair"] = {
        "of": created.get_json()["code"],
        "build": "A",
        "removed": {"serviceWorkers": 1},
    }
    second = client.post(
        "/api/v1/reports?include=text", json=payload, headers={"User-Agent": CHROME_WIN}
    )
    ids = {f["id"]: f for f in second.get_json()["findings"]}
    assert "stale_build" not in ids
    assert ids["repair"]["title"]["en"].startswith(
        "Repaired: build A → build C; removed the stored copy"
    )
    assert (
        "Repaired: build A → build C" in second.get_json()["text"]
        or "Виправлено" in second.get_json()["text"]
    )


def test_desk_shows_the_repair_and_the_reference(desk: FlaskClient) -> None:
    payload = probe_payload(CHROME_WIN)
    payload["page"] = "http://localhost/cabinet"
    payload["build"] = {"page": "A", "current": "C", "reference": "build_url"}
    first = desk.post("/api/v1/reports", json=payload, headers={"User-Agent": CHROME_WIN})
    payload["build"] = {"page": "C", "current": "C", "reference": "build_url"}
    payload["repair"] = {"of": first.get_json()["code"], "build": "A", "removed": {"caches": 2}}
    second = desk.post("/api/v1/reports", json=payload, headers={"User-Agent": CHROME_WIN})
    page = desk.get(f"/support/reports/{second.get_json()['code']}?lang=en").get_data(as_text=True)
    assert "Repaired: build A → build C; removed 2 caches." in page
    assert "Second check after the repair of report" in page and first.get_json()["code"] in page
    assert "the portal&#39;s build URL (data-build-url)" in page


def test_age_sentence_when_the_history_lags_behind_the_portal() -> None:
    reference = BuildReference("build_url", "C", history(("A", timedelta(days=2))))
    said = age_sentence(reference, "A", NOW)
    assert said.uk == "Ця вкладка працює на версії, випущеній 2 дні тому (A), а портал — уже на C."
    assert said.en == "This tab runs the build of 2 days ago (A); the portal runs C."
