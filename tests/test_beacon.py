"""The sampled page-load beacon's endpoint (issue 18): ``POST /api/v1/beacon`` counts into the
daily roll-up, refuses what is not a beacon with the API's error shape, has its own rate limit,
and stores nothing that identifies a client. Every test runs on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import inspect, select

from reports.i18n import label
from tests.conftest import CHROME_WIN
from webapp import create_app
from webapp.storage.tables import BeaconRollupRow, BeaconViewRow

PORTAL = "http://portal.example"
IE11 = "Mozilla/5.0 (Windows NT 10.0; WOW64; Trident/7.0; rv:11.0) like Gecko"


def send(client: FlaskClient, body: Any, ua: str = CHROME_WIN, **headers: str) -> Any:
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    headers = {"Content-Type": "text/plain;charset=UTF-8", "User-Agent": ua, **headers}
    return client.post("/api/v1/beacon", data=data, headers=headers)


def rollup(app: Flask) -> list[dict[str, Any]]:
    app.extensions["browsercheck.beacons"].flush()  # counts are written a moment after the 204
    engine = app.extensions["browsercheck.store"].engine
    with engine.connect() as conn:
        return [dict(row._mapping) for row in conn.execute(select(BeaconRollupRow.__table__))]


def assert_error(response: Any, status: int, code: str, field: str | None) -> None:
    assert response.status_code == status, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert set(error) == {"code", "message", "field"} and error["message"]
    assert (error["code"], error["field"]) == (code, field)


@pytest.fixture
def limited_app(tmp_path: Path, db_url: str | None) -> Iterator[Flask]:
    config: dict[str, object] = {
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "TESTING": True,
        "BEACON_RATELIMIT": "3/minute",
        "CORS_ORIGINS": [PORTAL],
    }
    if db_url:
        config["DATABASE_URL"] = db_url
    app = create_app(config)
    yield app
    app.extensions["browsercheck.store"].close()


def test_a_beacon_is_counted_per_day_and_kind(app: Flask, client: FlaskClient) -> None:
    beacon = {"build": "b-2026-11-30", "controlled": True, "waiting": True, "verdict": "ok"}
    for _ in range(2):
        answer = send(client, beacon)
        assert answer.status_code == 204 and answer.get_data() == b""
    assert send(client, {"build": "b-2026-12-01", "verdict": "ok"}).status_code == 204
    assert send(client, {"verdict": "unsupported"}, ua=IE11).status_code == 204
    rows = sorted(rollup(app), key=lambda r: (r["build"], r["n"]))
    today = datetime.now(UTC).date()
    assert [(r["build"], r["n"]) for r in rows] == [
        ("", 1),
        ("b-2026-11-30", 2),
        ("b-2026-12-01", 1),
    ]
    old, new, ie = rows[1], rows[2], rows[0]
    assert old["day"] == today
    assert (old["controlled"], old["waiting"]) == (True, True)
    assert (new["controlled"], new["waiting"]) == (False, False)
    # what the collector read from the User-Agent, and its own policy verdict
    assert (old["browser_family"], old["browser_major"], old["os_family"]) == (
        "Chrome",
        131,
        "Windows",
    )
    assert (old["device_type"], old["verdict"]) == ("desktop", "supported")
    assert (ie["browser_family"], ie["verdict"]) == ("IE", "unsupported")


def test_nothing_identifying_is_stored(app: Flask, client: FlaskClient) -> None:
    answer = send(
        client,
        {"build": "b1", "verdict": "ok"},
        Cookie="session=secret-cookie-value",
        **{"X-Forwarded-For": "203.0.113.7"},
    )
    assert answer.status_code == 204
    columns = {
        c["name"]
        for c in inspect(app.extensions["browsercheck.store"].engine).get_columns("beacon_rollup")
    }
    assert columns == {
        "id",
        "day",
        "build",
        "verdict",
        "browser_family",
        "browser_major",
        "os_family",
        "device_type",
        "controlled",
        "waiting",
        "n",
        "view",
    }
    counted = rollup(app)  # flushes
    with app.extensions["browsercheck.store"].engine.connect() as conn:
        views = [dict(row._mapping) for row in conn.execute(select(BeaconViewRow.__table__))]
    assert len(views) == 1 and set(views[0]) == {"key", "environment", "first_day"}
    assert json.loads(views[0]["environment"])["user_agent"] == ""
    assert counted[0]["view"] == views[0]["key"]
    stored = json.dumps([counted, views], default=str)
    for personal in ("Mozilla", "AppleWebKit", "127.0.0.1", "203.0.113.7", "secret-cookie"):
        assert personal not in stored
    assert "Set-Cookie" not in answer.headers


@pytest.mark.parametrize("content_type", ["text/plain;charset=UTF-8", "application/json"])
def test_both_content_types_are_read(app: Flask, client: FlaskClient, content_type: str) -> None:
    answer = send(client, {"verdict": "ok"}, **{"Content-Type": content_type})
    assert answer.status_code == 204
    assert sum(r["n"] for r in rollup(app)) == 1


@pytest.mark.parametrize(
    ("body", "status", "code", "field"),
    [
        ("{not json", 400, "malformed_json", "$"),
        ('{"verdict": NaN}', 400, "malformed_json", "$"),
        ("[1, 2]", 400, "not_an_object", "$"),
        ({"verdict": "ok", "controlled": "yes"}, 400, "schema_type", "$.controlled"),
        ({"verdict": "ok", "build": 5}, 400, "schema_type", "$.build"),
        ({"verdict": "ok", "build": "x" * 65}, 400, "schema_maxLength", "$.build"),
        ({"verdict": "ok", "build": "a\nb"}, 400, "schema_pattern", "$.build"),
        ({"verdict": "fine"}, 400, "schema_enum", "$.verdict"),
        ({"build": "b1"}, 400, "schema_required", "$.verdict"),
        (
            {"verdict": "ok", "userAgent": "Mozilla/5.0"},
            400,
            "schema_additionalProperties",
            "$.userAgent",
        ),
        ({"verdict": "ok", "build": {"a": 1}}, 400, "too_deep", "$.build.a"),
        ('{"verdict": "ok", "build": "\\ud800"}', 400, "invalid_text", "$.build"),
        ({"verdict": "ok", "build": "x" * 1100}, 413, "body_too_large", "$"),
    ],
    ids=[
        "malformed",
        "nan",
        "array",
        "bool-as-text",
        "build-number",
        "build-long",
        "control-char",
        "verdict-enum",
        "no-verdict",
        "unknown-field",
        "nested",
        "lone-surrogate",
        "oversize",
    ],
)
def test_what_is_not_a_beacon_is_refused(
    app: Flask, client: FlaskClient, body: Any, status: int, code: str, field: str
) -> None:
    assert_error(send(client, body), status, code, field)
    assert rollup(app) == []


def test_another_content_type_is_415(app: Flask, client: FlaskClient) -> None:
    answer = send(
        client, {"verdict": "ok"}, **{"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert_error(answer, 415, "unsupported_media_type", "$")
    assert rollup(app) == []


def test_the_beacon_has_its_own_rate_limit(limited_app: Flask) -> None:
    client = limited_app.test_client()
    for _ in range(3):
        assert send(client, {"verdict": "ok"}).status_code == 204
    refused = send(client, {"verdict": "ok"})
    assert_error(refused, 429, "rate_limited", None)
    assert int(refused.headers["Retry-After"]) >= 1
    assert sum(r["n"] for r in rollup(limited_app)) == 3
    # counted apart from reports: the same address can still send a report
    report = client.post("/api/v1/reports", json={"lang": "en"}, headers={"User-Agent": CHROME_WIN})
    assert report.status_code == 201


def test_only_allowed_origins_are_counted(limited_app: Flask) -> None:
    client = limited_app.test_client()
    allowed = send(client, {"verdict": "ok"}, Origin=PORTAL)
    assert allowed.status_code == 204
    assert allowed.headers["Access-Control-Allow-Origin"] == PORTAL
    assert_error(
        send(client, {"verdict": "ok"}, Origin="http://evil.example"),
        403,
        "origin_not_allowed",
        None,
    )
    assert_error(send(client, {"verdict": "ok"}, Origin="null"), 403, "origin_not_allowed", None)
    assert sum(r["n"] for r in rollup(limited_app)) == 1


# --- What the counts become: the desk's statistics and `browsercheck stats --beacons` ---


def _traffic(app: Flask, client: FlaskClient) -> str:
    """Three loads of the current build (one in IE 11), one of an old build; one report."""
    current = app.config["BUILD_ID"]
    for ua in (CHROME_WIN, CHROME_WIN, IE11):
        assert send(client, {"build": current, "verdict": "ok"}, ua=ua).status_code == 204
    assert send(client, {"build": "old-build-1", "verdict": "ok"}).status_code == 204
    report = client.post("/api/v1/reports", json={"lang": "en"}, headers={"User-Agent": IE11})
    assert report.status_code == 201
    return str(current)


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("en", ["Builds in use", "Verdicts of real traffic", "(current)", "75.0%", "25.0%"]),
        ("uk", ["Версії в користуванні", "Висновки реального трафіку", "(поточна)", "75,0\xa0%"]),
    ],
)
def test_the_desk_shows_builds_in_use(
    app: Flask, desk: FlaskClient, lang: str, words: list[str]
) -> None:
    current = _traffic(app, desk)
    page = desk.get(f"/support/stats?lang={lang}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for word in words:
        assert word in html, word
    builds = html.split('data-testid="table-builds"')[1].split("</table>")[0]
    rows = re.findall(
        r'<tr( class="current-build" data-current="true")?><td class="build">(?:<strong>)?'
        r"([^<]*)(?:</strong>)?</td><td>(\d+)</td><td>([^<]*)</td></tr>",
        builds,
    )
    mark = "current" if lang == "en" else "поточна"
    share = {"en": ("75.0%", "25.0%"), "uk": ("75,0\xa0%", "25,0\xa0%")}[lang]
    assert [(bool(r[0]), r[1], r[2], r[3]) for r in rows] == [
        (True, f"{current} ({mark})", "3", share[0]),
        (False, "old-build-1", "1", share[1]),
    ]
    # real traffic beside the reports: 1 of 4 loads unsupported (IE 11), and the one report
    traffic = html.split('data-testid="table-traffic"')[1].split("</table>")[0]
    unsupported = label("status_unsupported", lang)
    assert f"<tr><td>{unsupported}</td><td>1</td>" in traffic
    assert re.search(f"<tr><td>{unsupported}</td><td>1</td><td>[^<]*</td><td>1</td>", traffic)
    for chart in ("builds", "traffic"):
        svg = desk.get(f"/support/stats/{chart}.svg?lang={lang}")
        assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    assert "old-build-1" in desk.get(f"/support/stats/builds.svg?lang={lang}").get_data(
        as_text=True
    )


def test_stats_beacons_prints_one_row_per_build(
    app: Flask, client: FlaskClient, runner: Any
) -> None:
    current = _traffic(app, client)
    for lang, total, mark, shares in (
        ("en", "Sampled page loads in total: 4", "current", ("75.0%", "25.0%")),
        ("uk", "Усього вибраних завантажень сторінок: 4", "поточна", ("75,0\xa0%", "25,0\xa0%")),
    ):
        result = runner.invoke("stats", "--beacons", "--lang", lang)
        assert result.exit_code == 0, result.output
        assert total in result.output
        rows = [line.strip() for line in result.output.splitlines()]
        assert re.sub(r" +", " ", f"{current} ({mark}) 3 {shares[0]}") in [
            re.sub(r" +", " ", row) for row in rows
        ], result.output
        assert f"old-build-1 1 {shares[1]}" in [re.sub(r" +", " ", row) for row in rows]
        assert label("status_unsupported", lang) in result.output  # the verdicts of real traffic


def test_the_deploy_history_names_the_current_build(app: Flask, desk: FlaskClient) -> None:
    # After `builds set` / POST /api/v1/builds the desk marks the newest deploy, not BUILD_ID.
    from webapp.builds import build_store

    with app.app_context():
        build_store().set("deploy-2", "", datetime.now(UTC), "cli")
    assert send(desk, {"build": "deploy-2", "verdict": "ok"}).status_code == 204
    assert send(desk, {"build": app.config["BUILD_ID"], "verdict": "ok"}).status_code == 204
    html = desk.get("/support/stats?lang=en").get_data(as_text=True)
    builds = html.split('data-testid="table-builds"')[1].split("</table>")[0]
    current = re.findall(r'data-current="true"><td class="build">(?:<strong>)?([^<]*)', builds)
    assert current == ["deploy-2 (current)"], builds
