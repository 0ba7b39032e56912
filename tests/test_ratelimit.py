"""Rate limits: a person never meets them, a burst from one address does, and so does a flood
from many addresses together; ``off`` disables them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from webapp import create_app
from webapp.config import SETTINGS

DEFAULT = {s.name: s.default for s in SETTINGS}


@pytest.fixture
def make_app(tmp_path: Path) -> Iterator[Any]:
    apps: list[Flask] = []

    def make(**config: Any) -> Flask:
        app = create_app({"INSTANCE_PATH": str(tmp_path / str(len(apps))), **config})
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.extensions["browsercheck.store"].close()


def _post(client: FlaskClient, address: str = "203.0.113.1", **headers: str) -> int:
    return client.post(
        "/api/v1/reports", json={}, headers=headers, environ_base={"REMOTE_ADDR": address}
    ).status_code


def test_defaults_are_on() -> None:
    assert DEFAULT["RATELIMIT"] == "60/minute;600/hour"
    assert DEFAULT["RATELIMIT_GLOBAL"] == "3000/minute"


def test_a_person_checking_again_and_again_never_meets_the_limit(client: FlaskClient) -> None:
    # Ten full checks in a row: page, probe, build id, report, private page and its JSON, twice
    # in each language -- far more than anyone does while on the phone with support.
    for _ in range(10):
        for url in ("/check", "/probe.js", "/api/v1/build"):
            assert client.get(url).status_code == 200
        created = client.post("/api/v1/reports", json={"lang": "uk"})
        assert created.status_code == 201
        view = created.get_json()["view_url"]
        for url in (view, view + "&lang=en", view.replace("/r/", "/api/v1/reports/")):
            assert client.get(url).status_code == 200


def test_a_burst_from_one_address_is_stopped(client: FlaskClient) -> None:
    statuses = Counter(_post(client) for _ in range(200))
    assert statuses == {201: 60, 429: 140}
    assert _post(client, "198.51.100.2") == 201  # other addresses are not punished
    # Look-ups have counters of their own: the burst did not lock the sender out of its reports.
    assert (
        client.get(
            "/api/v1/reports/ZZZZ-ZZZZ?t=x", environ_base={"REMOTE_ADDR": "203.0.113.1"}
        ).status_code
        == 404
    )


def test_forged_forwarded_for_does_not_escape_the_limit(make_app: Any) -> None:
    client = make_app(RATELIMIT="5/minute").test_client()
    statuses = [_post(client, **{"X-Forwarded-For": f"10.0.0.{i}"}) for i in range(8)]
    assert statuses == [201] * 5 + [429] * 3


def test_the_noscript_form_shares_the_write_limit(make_app: Any) -> None:
    client = make_app(RATELIMIT="3/minute").test_client()
    assert [_post(client) for _ in range(3)] == [201] * 3
    answer = client.post("/check/noscript", environ_base={"REMOTE_ADDR": "203.0.113.1"})
    assert answer.status_code == 429 and int(answer.headers["Retry-After"]) >= 1
    assert "Too many requests" in answer.get_data(as_text=True)
    assert "Забагато запитів" in answer.get_data(as_text=True)


def test_global_limit_stops_a_flood_from_many_addresses(make_app: Any) -> None:
    client = make_app(RATELIMIT="100/minute", RATELIMIT_GLOBAL="10/minute").test_client()
    statuses = [_post(client, f"198.51.100.{i}") for i in range(15)]
    assert statuses == [201] * 10 + [429] * 5


@pytest.mark.parametrize("setting", ["off", "OFF", " off "])
def test_off_disables_every_limit(make_app: Any, setting: str) -> None:
    client = make_app(RATELIMIT=setting, RATELIMIT_GLOBAL="1/minute").test_client()
    assert {_post(client) for _ in range(70)} == {201}


@pytest.mark.parametrize("name", ["RATELIMIT", "RATELIMIT_GLOBAL"])
def test_a_malformed_limit_fails_at_start(make_app: Any, name: str) -> None:
    with pytest.raises(ValueError, match=f"BROWSERCHECK_{name}"):
        make_app(**{name: "sixty a minute"})
