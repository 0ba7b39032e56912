"""``GET /metrics``: off by default; on, the Prometheus text format with reports by verdict,
requests by route and status, latencies, rate-limited, shed and database-error counts and
group-commit batch sizes, summed over a real server's worker processes, and nothing personal."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient
from prometheus_client.parser import text_string_to_metric_families

from tests.browser.conftest import LiveServer
from tests.conftest import CHROME_WIN
from tests.postgres import free_port
from webapp import create_app


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


@pytest.fixture
def metrics_app(tmp_path: Path) -> Iterator[Flask]:
    app = create_app(
        {
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "TESTING": True,
            "METRICS": True,
            "RATELIMIT": "2/minute",
        }
    )
    yield app
    app.extensions["browsercheck.store"].close()


def test_metrics_are_off_by_default(client: FlaskClient) -> None:
    assert client.get("/metrics").status_code == 404


def test_metrics_count_reports_requests_and_limits_without_personal_data(
    metrics_app: Flask,
) -> None:
    client = metrics_app.test_client()
    answers = [
        client.post(
            "/api/v1/reports",
            json={"lang": "en", "context": {"login": "secret-login@example.com"}},
            headers={"User-Agent": CHROME_WIN},
        )
        for _ in range(3)
    ]
    assert [a.status_code for a in answers] == [201, 201, 429]
    code = answers[0].get_json()["code"]
    client.get(answers[0].get_json()["view_url"])
    scrape = client.get("/metrics")
    assert scrape.status_code == 200 and scrape.mimetype == "text/plain"
    text = scrape.get_data(as_text=True)
    found = samples(text)
    assert found[("browsercheck_reports_created_total", (("verdict", "supported"),))] == 2
    route = (("method", "POST"), ("route", "/api/v1/reports"))
    assert found[("browsercheck_http_requests_total", (*route, ("status", "201")))] == 2
    assert found[("browsercheck_http_requests_total", (*route, ("status", "429")))] == 1
    assert found[("browsercheck_rate_limited_total", ())] == 1
    assert found[("browsercheck_groupcommit_batch_size_count", ())] == 2
    latency = ("browsercheck_http_request_duration_seconds_count", (("route", "/r/<code>"),))
    assert found[latency] == 1  # the URL rule, never the code or its token
    assert code not in text and code.replace("-", "") not in text
    assert "secret-login" not in text and "Chrome/" not in text


def test_beacons_answered_before_flask_are_counted_too(tmp_path: Path) -> None:
    # The beacon's fast path answers 204 and 429 itself, outside Flask's hooks; a refusal (400)
    # goes on to the view. All three are in /metrics under the beacon's route.
    app = create_app(
        {
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "TESTING": True,
            "METRICS": True,
            "BEACON_RATELIMIT": "2/minute",
        }
    )
    client = app.test_client()
    headers = {"Content-Type": "text/plain;charset=UTF-8", "User-Agent": CHROME_WIN}
    statuses = [
        client.post("/api/v1/beacon", data=body, headers=headers).status_code
        for body in ('{"verdict": "ok"}', '{"verdict": "ok", "build": "b1"}', '{"verdict": 7}')
    ]
    statuses.append(
        client.post("/api/v1/beacon", data='{"verdict": "ok"}', headers=headers).status_code
    )
    assert statuses == [204, 204, 400, 429]
    found = samples(client.get("/metrics").get_data(as_text=True))
    route = (("method", "POST"), ("route", "/api/v1/beacon"))
    for status, count in (("204", 2), ("400", 1), ("429", 1)):
        assert found[("browsercheck_http_requests_total", (*route, ("status", status)))] == count
    latency = ("browsercheck_http_request_duration_seconds_count", (("route", "/api/v1/beacon"),))
    assert found[latency] == 4
    assert found[("browsercheck_rate_limited_total", ())] == 1
    app.extensions["browsercheck.store"].close()


def test_shed_and_database_errors_are_counted(tmp_path: Path) -> None:
    app = create_app(
        {
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "DATABASE_URL": f"postgresql+psycopg://nobody@127.0.0.1:{free_port()}/none",
            "MIGRATE_ON_START": False,
            "METRICS": True,
            "RATELIMIT": "off",
            "MAX_IN_FLIGHT": 1,
        }
    )
    try:
        client = app.test_client()
        refused = client.post("/api/v1/reports", json={}, headers={"User-Agent": CHROME_WIN})
        assert refused.status_code == 503
        assert refused.get_json()["error"]["code"] == "database_unavailable"
        app.wsgi_app._slots.acquire()  # type: ignore[attr-defined] # one request in progress
        try:
            assert (
                client.post("/api/v1/reports", json={}).get_json()["error"]["code"] == "overloaded"
            )
            found = samples(client.get("/metrics").get_data(as_text=True))  # never shed
        finally:
            app.wsgi_app._slots.release()  # type: ignore[attr-defined]
    finally:
        app.extensions["browsercheck.store"].close()
    assert found[("browsercheck_database_errors_total", ())] == 1
    assert found[("browsercheck_shed_total", ())] == 1


def test_a_real_server_sums_its_workers(tmp_path: Path) -> None:
    env = {"BROWSERCHECK_METRICS": "on", "BROWSERCHECK_RATELIMIT": "off"}
    with LiveServer(tmp_path / "instance", env=env, args=("--workers", "2")) as server:
        for _ in range(8):
            answer = requests.post(
                server.url + "/api/v1/reports",
                json={"lang": "en"},
                headers={"User-Agent": CHROME_WIN},
                timeout=30,
            )
            assert answer.status_code == 201
        totals = set()
        for _ in range(6):  # whichever worker answers the scrape, it counts all eight
            text = requests.get(server.url + "/metrics", timeout=30).text
            totals.add(
                samples(text)[("browsercheck_reports_created_total", (("verdict", "supported"),))]
            )
    assert totals == {8}
