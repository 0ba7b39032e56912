"""Personal data: the address only as a keyed hash, nothing typed by the user in any log, and no
answer that tells an existing code from a made-up one without its token."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from webapp import create_app
from webapp.privacy import REDACTED, address_hash, protect
from webapp.storage.tables import Base, ReportRow

# What a user might type, each unique so a log line holding it cannot be a coincidence.
CONTEXT = {
    "login": "olena.kovalenko+leak@example.com",
    "account": "0123456789-LEAK",
    "meter": "METER-LEAK-4242",
    "error_text": "Рахунок не завантажується LEAK\nдругий рядок",
    "company": "ТОВ «Газ-LEAK»",
}


def _rows(app: Flask) -> list[ReportRow]:
    with app.extensions["browsercheck.store"].session() as session:
        return list(session.scalars(select(ReportRow)))


def test_address_is_stored_only_as_keyed_hash(app: Flask, client: FlaskClient) -> None:
    for address in ("203.0.113.7", "203.0.113.7", "2001:db8::1"):
        client.post("/api/v1/reports", json={}, environ_base={"REMOTE_ADDR": address})
    rows = _rows(app)
    key = app.config["SECRET_KEY"]
    assert [r.ip_hash for r in rows] == [
        address_hash("203.0.113.7", key),
        address_hash("203.0.113.7", key),
        address_hash("2001:db8::1", key),
    ]
    assert rows[0].ip_hash != rows[2].ip_hash and re.fullmatch(r"[0-9a-f]{64}", rows[0].ip_hash)
    assert address_hash("203.0.113.7", "another key") != rows[0].ip_hash
    assert address_hash("2001:0db8:0000::0001", key) == rows[2].ip_hash  # canonical form
    for row in rows:
        stored = json.dumps(
            {c.name: getattr(row, c.name) for c in ReportRow.__table__.columns}, default=str
        )
        assert "203.0.113.7" not in stored and "2001:db8::1" not in stored


@pytest.mark.parametrize(
    "hops,expected", [(0, "127.0.0.1"), (1, "198.51.100.9")], ids=["direct", "behind-one-proxy"]
)
def test_forwarded_address_counts_only_behind_trusted_proxies(
    tmp_path: Path, hops: int, expected: str
) -> None:
    app = create_app({"INSTANCE_PATH": str(tmp_path), "TRUSTED_PROXIES": hops})
    app.test_client().post("/api/v1/reports", json={}, headers={"X-Forwarded-For": "198.51.100.9"})
    assert _rows(app)[0].ip_hash == address_hash(expected, app.config["SECRET_KEY"])
    app.extensions["browsercheck.store"].close()


def _assert_no_context_in(text: str) -> None:
    for value in CONTEXT.values():
        for piece in [value, *value.split("\n"), json.dumps(value)[1:-1]]:
            assert piece not in text, piece


@pytest.fixture
def loud_logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Every logger at DEBUG, SQLAlchemy echoing its statements: the worst case for leaks."""
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="sqlalchemy.engine")
    yield caplog


def test_context_never_reaches_the_logs(
    tmp_path: Path, loud_logs: pytest.LogCaptureFixture
) -> None:
    app = create_app({"INSTANCE_PATH": str(tmp_path), "PROPAGATE_EXCEPTIONS": False})
    client = app.test_client()
    created = client.post("/api/v1/reports", json={"lang": "uk", "context": CONTEXT}).get_json()
    page = client.get(created["view_url"])
    as_json = client.get(created["view_url"].replace("/r/", "/api/v1/reports/"))
    assert CONTEXT["login"] in page.get_data(as_text=True)  # shown to the token's holder...
    assert as_json.status_code == 200
    client.post("/api/v1/reports", json={"context": {"login": "x" * 300, **CONTEXT}})  # 400
    Base.metadata.drop_all(app.extensions["browsercheck.store"].engine)
    failed = client.post("/api/v1/reports", json={"context": CONTEXT})
    assert failed.status_code == 500
    app.extensions["browsercheck.store"].close()

    assert any(r.name.startswith("sqlalchemy.engine") for r in loud_logs.records)
    assert any(r.exc_text or r.exc_info for r in loud_logs.records)  # the 500 was logged
    _assert_no_context_in(loud_logs.text)  # ...and written to no log
    for record in loud_logs.records:
        _assert_no_context_in(record.getMessage())
        _assert_no_context_in(str(record.exc_text or ""))


def test_scrubber_redacts_messages_arguments_and_tracebacks(
    app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    secret = CONTEXT["account"]
    with app.test_request_context("/api/v1/reports"):
        protect([secret, "", None])
        try:
            raise ValueError(f"bad account {secret!r}")
        except ValueError:
            logging.getLogger("anything.at.all").exception("while storing %s", secret)
        logging.getLogger("werkzeug").info("GET /r/ABCD-EFGH?t=SeCrEtToKeN&lang=uk 200")
    _assert_no_context_in(caplog.text)
    assert "SeCrEtToKeN" not in caplog.text
    assert caplog.text.count(REDACTED) >= 3
    assert caplog.records[0].browsercheck_redacted == 2  # what it removed, as the model says


def test_no_answer_confirms_a_code_without_its_token(app: Flask, client: FlaskClient) -> None:
    created = client.post("/api/v1/reports", json={}).get_json()
    code = created["code"]
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or ()):
            continue
        if "code" in rule.arguments:
            real = client.get(rule.rule.replace("<code>", code) + "?t=wrong-token")
            made_up = client.get(rule.rule.replace("<code>", "ZZZZ-ZZZZ") + "?t=wrong-token")
            untokened = client.get(rule.rule.replace("<code>", code))
            if rule.rule.startswith("/support"):  # agents only: strangers go to the login
                assert real.status_code == made_up.status_code == 302, rule.rule
                assert real.location.replace(code, "X") == made_up.location.replace(
                    "ZZZZ-ZZZZ", "X"
                ), rule.rule
                continue
            if rule.rule.startswith("/api/v1/desk/"):  # desk tools only: 401 alike for both
                assert real.status_code == made_up.status_code == untokened.status_code == 401
                assert real.data == made_up.data == untokened.data, rule.rule
                continue
            assert real.status_code == made_up.status_code == untokened.status_code == 404
            assert real.data == made_up.data == untokened.data, rule.rule
            assert code not in real.get_data(as_text=True)
        elif not rule.arguments:  # nothing lists codes (e.g. "recent reports") to strangers
            with client.get(rule.rule, follow_redirects=True) as response:
                body = response.get_data(as_text=True)
            assert code not in body and code.replace("-", "") not in body, rule.rule
