"""Outbound Standard Webhooks against a real HTTP receiver on loopback.

The receiver checks signatures with the specification's algorithm written out here (not the
code under test): base64 of HMAC-SHA256 over ``"{webhook-id}.{webhook-timestamp}.{body}"``,
keyed with the base64-decoded part of the ``whsec_`` secret, sent as ``v1,<signature>``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient

from tests.browser.conftest import LiveServer
from tests.conftest import CHROME_WIN, CommandRunner
from tests.payloads import probe_payload
from webapp import create_app
from webapp.storage.reports import ReportStore
from webapp.storage.webhooks import WebhookStore

PUBLIC_URL = "https://check.example"


def spec_signature_ok(secret: str, headers: dict[str, str], body: bytes) -> bool:
    """Standard Webhooks verification, from the specification's text."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
    expected = "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    return any(
        hmac.compare_digest(candidate, expected)
        for candidate in headers["webhook-signature"].split(" ")
    )


class Receiver:
    """A loopback HTTP server that answers each POST with ``answer(n)`` (n: requests so far)
    and records the path, headers, body and the status it answered."""

    def __init__(self, answer: Callable[[int], int] = lambda n: 200) -> None:
        self.answer = answer
        self.seen: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with receiver._lock:
                    status = receiver.answer(len(receiver.seen))
                    receiver.seen.append(
                        {
                            "path": self.path,
                            "headers": {k.lower(): v for k, v in self.headers.items()},
                            "body": body,
                            "status": status,
                        }
                    )
                self.send_response(status)
                if 300 <= status < 400:
                    self.send_header("Location", "/elsewhere")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def accepted(self) -> list[dict[str, Any]]:
        with self._lock:
            return [seen for seen in self.seen if 200 <= seen["status"] < 300]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver(lambda n: 500 if n < 2 else 200)  # fails the first two attempts
    yield found
    found.close()


@pytest.fixture
def app(tmp_path: Path, db_url: str | None) -> Iterator[Flask]:
    """The app with a short retry schedule (the default waits 5 s, then minutes)."""
    config: dict[str, object] = {
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "TESTING": True,
        "WEBHOOK_RETRY_SCHEDULE": "0.05s,0.05s,0.05s",
        "PUBLIC_URL": PUBLIC_URL,
    }
    if db_url:
        config["DATABASE_URL"] = db_url
    app = create_app(config)
    yield app
    app.extensions["browsercheck.store"].close()


def add_endpoint(runner: CommandRunner, url: str, *options: str) -> str:
    result = runner.invoke("webhooks", "add", url, *options)
    assert result.exit_code == 0, result.output
    secret = result.output.strip().splitlines()[-1]
    assert secret.startswith("whsec_") and secret not in result.output.strip().splitlines()[0]
    return secret


def post_report(client: FlaskClient) -> dict[str, Any]:
    response = client.post(
        "/api/v1/reports", json=probe_payload(CHROME_WIN), headers={"User-Agent": CHROME_WIN}
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    body: dict[str, Any] = response.get_json()
    return body


def send_until(app: Flask, done: Callable[[], bool], seconds: float = 15.0) -> None:
    sender = app.extensions["browsercheck.webhooks"]
    deadline = time.monotonic() + seconds
    while not done() and time.monotonic() < deadline:
        sender.send_due()
        time.sleep(0.02)


def test_a_report_is_delivered_once_signed_after_two_failures(
    app: Flask, client: FlaskClient, runner: CommandRunner, receiver: Receiver
) -> None:
    secret = add_endpoint(runner, receiver.url)
    report = post_report(client)
    token = report["view_url"].split("t=")[1]

    send_until(app, lambda: bool(receiver.accepted()))
    for _ in range(5):  # nothing more goes out once it was taken
        app.extensions["browsercheck.webhooks"].send_due()
        time.sleep(0.06)

    assert [seen["status"] for seen in receiver.seen] == [500, 500, 200]
    assert len({seen["headers"]["webhook-id"] for seen in receiver.seen}) == 1
    for seen in receiver.seen:
        assert spec_signature_ok(secret, seen["headers"], seen["body"])
        assert seen["headers"]["webhook-timestamp"].isdigit()
        assert seen["body"] == receiver.seen[0]["body"]  # retries send the same event
    assert not spec_signature_ok(
        "whsec_" + base64.b64encode(b"x" * 32).decode(), seen["headers"], seen["body"]
    )
    event = json.loads(receiver.seen[-1]["body"])
    assert event["type"] == "report.created"
    data = event["data"]
    assert data["code"] == report["code"]
    assert data["verdict"] == report["verdict"]["status"]
    assert data["finding_ids"] == [f["id"] for f in report["findings"]]
    assert data["summary"]["os"] and data["summary"]["browser"].startswith("Chrome")
    assert data["desk_url"] == f"{PUBLIC_URL}/support/reports/{report['code']}"
    assert "context" not in data
    assert token.encode() not in receiver.seen[-1]["body"]

    shown = runner.invoke("webhooks", "deliveries")
    assert shown.exit_code == 0
    assert "report.created" in shown.output and "delivered\t3 attempt(s)\tHTTP 200" in shown.output


def test_free_text_goes_only_to_a_personal_endpoint(
    app: Flask, client: FlaskClient, runner: CommandRunner
) -> None:
    plain, personal = Receiver(), Receiver()
    try:
        add_endpoint(runner, plain.url)
        add_endpoint(runner, personal.url, "--personal", "--events", "report.context_added")
        report = post_report(client)
        typed = {"error_text": "Помилка 42 у кошику", "login": "olena@example.com"}
        assert client.post(report["context_url"], json=typed).status_code == 200

        send_until(app, lambda: len(plain.accepted()) == 2 and len(personal.accepted()) == 1)
        time.sleep(0.1)
        app.extensions["browsercheck.webhooks"].send_due()
    finally:
        plain.close()
        personal.close()
    # the sender sends due deliveries side by side, so the two may arrive in either order
    assert sorted(json.loads(s["body"])["type"] for s in plain.seen) == [
        "report.context_added",
        "report.created",
    ]
    for seen in plain.seen:
        assert b"olena" not in seen["body"] and "Помилка".encode() not in seen["body"]
        assert "context" not in json.loads(seen["body"])["data"]
    [only] = personal.seen  # it asked for context_added alone
    event = json.loads(only["body"])
    assert event["type"] == "report.context_added"
    assert event["data"]["context"] == typed


def test_after_the_last_retry_the_delivery_fails(
    app: Flask, client: FlaskClient, runner: CommandRunner
) -> None:
    refusing = Receiver(lambda n: 503)
    try:
        add_endpoint(runner, refusing.url)
        post_report(client)
        send_until(app, lambda: len(refusing.seen) >= 4)
        time.sleep(0.2)
        app.extensions["browsercheck.webhooks"].send_due()
    finally:
        refusing.close()
    assert len(refusing.seen) == 4  # the first attempt and the schedule's three retries
    shown = runner.invoke("webhooks", "deliveries", "--status", "failed")
    assert "failed\t4 attempt(s)\tHTTP 503" in shown.output


def test_a_redirect_is_never_followed(
    app: Flask, client: FlaskClient, runner: CommandRunner
) -> None:
    redirecting = Receiver(lambda n: 307)
    try:
        add_endpoint(runner, redirecting.url)
        post_report(client)
        send_until(app, lambda: len(redirecting.seen) >= 4)
    finally:
        redirecting.close()
    assert {seen["path"] for seen in redirecting.seen} == {"/hooks"}
    assert "HTTP 307" in runner.invoke("webhooks", "deliveries").output
    assert redirecting.accepted() == []


@pytest.mark.parametrize(
    ("url", "accepted"),
    [
        ("https://desk.example/hooks", True),
        ("http://127.0.0.1:9/hooks", True),
        ("http://localhost:9/hooks", True),
        ("http://[::1]:9/hooks", True),
        ("http://desk.example/hooks", False),
        ("http://10.0.0.1/hooks", False),
        ("ftp://desk.example/hooks", False),
        ("https://user:pw@desk.example/hooks", False),
        ("desk.example/hooks", False),
    ],
)
def test_endpoints_must_be_https_except_loopback(
    runner: CommandRunner, url: str, accepted: bool
) -> None:
    result = runner.invoke("webhooks", "add", url)
    assert (result.exit_code == 0) is accepted, result.output
    listed = runner.invoke("webhooks", "list").output
    assert (url in listed) is accepted


def test_list_remove_and_test(runner: CommandRunner, receiver: Receiver) -> None:
    secret = add_endpoint(runner, receiver.url, "--events", "report.created")
    listed = runner.invoke("webhooks", "list").output
    endpoint_id = listed.split("\t")[0]
    assert f"{receiver.url}\treport.created\t-" in listed and secret not in listed

    first = runner.invoke("webhooks", "test", endpoint_id)  # the receiver fails it: exit 1
    assert first.exit_code == 1 and "refused (HTTP 500)" in first.output
    runner.invoke("webhooks", "test", endpoint_id)
    third = runner.invoke("webhooks", "test", endpoint_id)
    assert third.exit_code == 0 and "delivered (HTTP 200)" in third.output
    assert spec_signature_ok(secret, receiver.seen[-1]["headers"], receiver.seen[-1]["body"])
    assert json.loads(receiver.seen[-1]["body"])["type"] == "webhook.test"

    assert runner.invoke("webhooks", "remove", endpoint_id).exit_code == 0
    assert runner.invoke("webhooks", "list").output == ""
    assert runner.invoke("webhooks", "remove", endpoint_id).exit_code == 1


def test_no_delivery_is_lost_when_the_server_is_sigkilled(
    tmp_path: Path, db_url: str | None
) -> None:
    """Deliveries pending (the receiver refuses while the first server runs), the real server
    is SIGKILLed; a new server on the same database delivers every one, each once."""
    accepting = threading.Event()
    receiver = Receiver(lambda n: 200 if accepting.is_set() else 503)
    instance = tmp_path / "instance"
    env = {
        "BROWSERCHECK_RATELIMIT": "off",
        "BROWSERCHECK_WEBHOOK_RETRY_SCHEDULE": ",".join(["0.5s"] * 200),
    }
    if db_url:
        env["BROWSERCHECK_DATABASE_URL"] = db_url
    added = subprocess.run(
        [sys.executable, "-m", "webapp", "webhooks", "add", receiver.url],
        env={**os.environ, "BROWSERCHECK_INSTANCE_PATH": str(instance), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert added.returncode == 0, added.stderr
    secret = added.stdout.strip().splitlines()[-1]
    server = LiveServer(instance, env=env, args=("--workers", "2", "--threads", "4"))
    try:
        codes = []
        with requests.Session() as session:
            for _ in range(30):
                response = session.post(
                    server.url + "/api/v1/reports",
                    json=probe_payload(CHROME_WIN),
                    headers={"User-Agent": CHROME_WIN},
                    timeout=30,
                )
                assert response.status_code == 201
                codes.append(response.json()["code"])
        deadline = time.monotonic() + 30
        while len(receiver.seen) < 5 and time.monotonic() < deadline:  # the sender is at work
            time.sleep(0.05)
        assert receiver.seen, "the first server never tried to deliver:\n" + server.log.read_text()
        server.kill()
    finally:
        server.stop()

    url = db_url or f"sqlite:///{instance / 'browsercheck.db'}"
    store = ReportStore(url)
    try:
        pending = WebhookStore(store.session).deliveries(limit=1000, status="pending")
    finally:
        store.close()
    assert sorted(d.report_code for d in pending) == sorted(c.replace("-", "") for c in codes)

    accepting.set()
    server = LiveServer(instance, env=env, args=("--workers", "2", "--threads", "4"))
    try:
        deadline = time.monotonic() + 90  # the killed sender's lease expires first
        while len(receiver.accepted()) < len(codes) and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(1.5)  # a duplicate would arrive within a retry wait
    finally:
        server.stop()
        receiver.close()
    accepted = receiver.accepted()
    delivered = sorted(json.loads(seen["body"])["data"]["code"] for seen in accepted)
    assert delivered == sorted(codes)  # every one, once
    assert len({seen["headers"]["webhook-id"] for seen in accepted}) == len(codes)
    assert all(spec_signature_ok(secret, s["headers"], s["body"]) for s in accepted)


def test_the_retention_purge_deletes_old_deliveries(
    app: Flask, client: FlaskClient, runner: CommandRunner
) -> None:
    from datetime import UTC, datetime, timedelta

    from webapp.retention import purge_expired

    add_endpoint(runner, "https://desk.example/hooks")
    post_report(client)
    store = app.extensions["browsercheck.store"]
    outbox = WebhookStore(store.session)
    assert len(outbox.deliveries()) == 1
    assert purge_expired(store, 180)["webhook_deliveries"] == 0
    later = datetime.now(UTC) + timedelta(days=200)
    assert purge_expired(store, 180, now=later)["webhook_deliveries"] == 1
    assert outbox.deliveries() == []
