"""The desk API: real tokens made by the CLI (one revoked), reports as the desk sees them,
401 without a good token, a limit per token, and its place in /api/openapi.json."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import CHROME_WIN, CommandRunner
from tests.payloads import probe_payload
from webapp import create_app
from webapp.storage.tables import DeskTokenRow


def new_token(runner: CommandRunner, name: str) -> str:
    result = runner.invoke("tokens", "add", name, "--scope", "read")
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    assert token.startswith("bcdesk_") and token not in result.output.strip().splitlines()[0]
    return token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def post_report(client: FlaskClient, context: dict[str, str] | None = None) -> dict[str, Any]:
    created: dict[str, Any] = client.post(
        "/api/v1/reports", json=probe_payload(CHROME_WIN), headers={"User-Agent": CHROME_WIN}
    ).get_json()
    if context:
        assert client.post(created["context_url"], json=context).status_code == 200
    return created


def test_a_token_reads_a_report_with_the_users_context(
    app: Flask, client: FlaskClient, runner: CommandRunner
) -> None:
    token = new_token(runner, "helpscout")
    report = post_report(client, {"error_text": "Кнопка <b>не</b> працює"})
    code = report["code"]

    for asked in (code, code.replace("-", "").lower()):
        response = client.get(f"/api/v1/desk/reports/{asked}", headers=bearer(token))
        assert response.status_code == 200
        body = response.get_json()
        assert body["code"] == code
        assert body["context"] == {"error_text": "Кнопка <b>не</b> працює"}
        assert body["verdict"]["status"] == report["verdict"]["status"]
        assert body["environment"]["sources"]
        assert [f["id"] for f in body["findings"]] == [f["id"] for f in report["findings"]]
        assert body["desk_url"].endswith(f"/support/reports/{code}")
        assert response.headers["Cache-Control"] == "no-store"

    with app.app_context():
        stored = app.extensions["browsercheck.store"].session()
        row = stored.query(DeskTokenRow).one()
        assert row.token_hash != token and token not in row.token_hash  # only its hash
        assert row.last_used_at is not None
        stored.close()


def test_several_reports_by_code(client: FlaskClient, runner: CommandRunner) -> None:
    token = new_token(runner, "zendesk")
    first, second = post_report(client)["code"], post_report(client)["code"]
    response = client.get(
        "/api/v1/desk/reports",
        query_string=[("code", first), ("code", second.lower()), ("code", "ZZZZ-ZZZZ")],
        headers=bearer(token),
    )
    assert response.status_code == 200
    body = response.get_json()
    assert [r["code"] for r in body["reports"]] == [first, second]
    assert body["missing"] == ["ZZZZ-ZZZZ"]
    none = client.get("/api/v1/desk/reports", headers=bearer(token))
    assert none.status_code == 400 and none.get_json()["error"]["code"] == "missing_code"


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer"},
        {"Authorization": "Basic dXNlcjpwdw=="},
        {"Authorization": "Bearer bcdesk_not-a-real-token"},
    ],
    ids=["none", "empty", "basic", "unknown"],
)
def test_401_without_a_good_token(
    client: FlaskClient, runner: CommandRunner, headers: dict[str, str]
) -> None:
    new_token(runner, "real")
    code = post_report(client)["code"]
    for url in (f"/api/v1/desk/reports/{code}", f"/api/v1/desk/reports?code={code}"):
        response = client.get(url, headers=headers)
        assert response.status_code == 401
        assert response.get_json()["error"]["code"] == "unauthorized"
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_token_is_refused(client: FlaskClient, runner: CommandRunner) -> None:
    token, other = new_token(runner, "old"), new_token(runner, "new")
    code = post_report(client)["code"]
    assert client.get(f"/api/v1/desk/reports/{code}", headers=bearer(token)).status_code == 200
    assert runner.invoke("tokens", "revoke", "old").exit_code == 0
    assert client.get(f"/api/v1/desk/reports/{code}", headers=bearer(token)).status_code == 401
    assert client.get(f"/api/v1/desk/reports/{code}", headers=bearer(other)).status_code == 200
    listed = runner.invoke("tokens", "list").output
    assert "old\tread" in listed and "revoked" in listed and "new\tread" in listed
    assert token not in listed
    assert runner.invoke("tokens", "revoke", "old").exit_code == 1  # already revoked
    assert runner.invoke("tokens", "add", "new").exit_code == 1  # names are unique


def test_the_limit_counts_per_token(tmp_path: Any, runner: CommandRunner) -> None:
    limited = create_app(
        {
            "INSTANCE_PATH": runner.env["BROWSERCHECK_INSTANCE_PATH"],
            "DATABASE_URL": runner.env["BROWSERCHECK_DATABASE_URL"],
            "TESTING": True,
            "DESK_API_RATELIMIT": "3/minute",
        }
    )
    try:
        client = limited.test_client()
        first, second = new_token(runner, "one"), new_token(runner, "two")
        code = post_report(client)["code"]
        url = f"/api/v1/desk/reports/{code}"
        assert [client.get(url, headers=bearer(first)).status_code for _ in range(4)] == [
            200,
            200,
            200,
            429,
        ]
        over = client.get(url, headers=bearer(first))
        assert over.get_json()["error"]["code"] == "rate_limited" and over.headers["Retry-After"]
        assert client.get(url, headers=bearer(second)).status_code == 200  # its own counter
    finally:
        limited.extensions["browsercheck.store"].close()


def test_the_desk_api_is_in_the_openapi_document(client: FlaskClient) -> None:
    document = client.get("/api/openapi.json").get_json()
    one = document["paths"]["/api/v1/desk/reports/{code}"]["get"]
    many = document["paths"]["/api/v1/desk/reports"]["get"]
    for operation in (one, many):
        assert operation["security"] == [{"deskToken": []}]
        assert {"200", "401", "429"} <= set(operation["responses"])
    assert document["components"]["securitySchemes"]["deskToken"]["scheme"] == "bearer"
