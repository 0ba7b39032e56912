"""``Idempotency-Key`` on ``POST /api/v1/reports``: a retry answers the first report again and
stores nothing more; the same key with another body is a 422 (both databases)."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, update

from tests.browser.conftest import LiveServer
from tests.conftest import CHROME_WIN
from webapp.storage.tables import ReportRow

KEY = "5f0c6c1e-8d0b-4a43-9a57-0c2d41f5e0aa"
BODY = json.dumps({"lang": "en", "screen": {"width": 1280, "height": 800}})


def post(client: FlaskClient, body: str = BODY, key: str | None = KEY):  # type: ignore[no-untyped-def]
    headers = {"User-Agent": CHROME_WIN, "Content-Type": "application/json"}
    if key is not None:
        headers["Idempotency-Key"] = key
    return client.post("/api/v1/reports", data=body, headers=headers)


def stored(app: Flask) -> int:
    with app.extensions["browsercheck.store"].session() as session:
        return int(session.scalar(select(func.count(ReportRow.id))) or 0)


def test_a_retry_with_the_same_key_answers_the_first_report(
    app: Flask, client: FlaskClient
) -> None:
    first, again = post(client), post(client, key=f'"{KEY}"')  # bare or as an sf-string
    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json()  # same code, same private link, same verdict
    assert "Idempotent-Replayed" not in first.headers
    assert again.headers["Idempotent-Replayed"] == "true"
    assert client.get(again.get_json()["view_url"]).status_code == 200  # the link works
    assert stored(app) == 1


def test_the_same_key_with_another_body_is_422(app: Flask, client: FlaskClient) -> None:
    assert post(client).status_code == 201
    other = post(client, body=json.dumps({"lang": "uk"}))
    assert other.status_code == 422
    assert other.get_json()["error"]["code"] == "idempotency_key_reused"
    assert stored(app) == 1


def test_without_a_key_every_post_is_a_new_report(app: Flask, client: FlaskClient) -> None:
    codes = {post(client, key=None).get_json()["code"] for _ in range(2)}
    assert len(codes) == 2 and stored(app) == 2


@pytest.mark.parametrize("key", ["short", "with space in it", "x" * 256, 'a"quote"inside'])
def test_a_malformed_key_is_400(app: Flask, client: FlaskClient, key: str) -> None:
    answer = post(client, key=key)
    assert answer.status_code == 400
    assert answer.get_json()["error"]["code"] == "invalid_idempotency_key"
    assert stored(app) == 0


def test_after_24_hours_the_key_makes_a_new_report(app: Flask, client: FlaskClient) -> None:
    first = post(client).get_json()["code"]
    with app.extensions["browsercheck.store"].session() as session:
        session.execute(
            update(ReportRow).values(created_at=datetime.now(UTC) - timedelta(hours=25))
        )
        session.commit()
    later = post(client, body=json.dumps({"lang": "uk"}))  # another body: no longer a conflict
    assert later.status_code == 201 and later.get_json()["code"] != first
    assert stored(app) == 2


def test_concurrent_retries_store_one_report(tmp_path: Path, db_url: str | None) -> None:
    """Retries racing each other on a real two-worker server: one report, one answer."""
    env = {"BROWSERCHECK_RATELIMIT": "off"}
    if db_url:
        env["BROWSERCHECK_DATABASE_URL"] = db_url
    answers: list[requests.Response] = []
    with LiveServer(tmp_path / "instance", env=env) as server:
        start = threading.Barrier(8)

        def send() -> None:
            start.wait()
            answers.append(
                requests.post(
                    server.url + "/api/v1/reports",
                    data=BODY,
                    headers={
                        "Content-Type": "application/json",
                        "User-Agent": CHROME_WIN,
                        "Idempotency-Key": KEY,
                    },
                    timeout=30,
                )
            )

        threads = [threading.Thread(target=send) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        count = requests.get(server.url + "/readyz", timeout=10)  # still serving
    assert count.status_code == 200
    assert [answer.status_code for answer in answers] == [201] * 8, answers[0].text
    assert len({answer.json()["code"] for answer in answers}) == 1
