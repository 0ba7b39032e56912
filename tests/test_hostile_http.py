"""Hostile HTTP against a real server (``browsercheck serve``: granian on a free port): bodies without a declared length,
over-long and numerous headers, bytes no browser sends. Each answer is bounded, JSON where the app
answers, and leaves the server serving."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.browser.conftest import LiveServer
from webapp.serving import MAX_HEADER_BYTES
from webapp.storage.reports import ReportStore
from webapp.storage.tables import ReportRow


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = LiveServer(tmp_path_factory.mktemp("hostile") / "instance")
    yield live
    live.stop()


def _stored(server: LiveServer, code: str) -> ReportRow:
    store = ReportStore(f"sqlite:///{Path(server.log).parent / 'browsercheck.db'}")
    try:
        with store.session() as session:
            row = session.scalar(select(ReportRow).where(ReportRow.code == code.replace("-", "")))
            assert row is not None
            return row
    finally:
        store.close()


def _raw(server: LiveServer, request: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as sock:
        sock.sendall(request)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return answer


def test_a_long_user_agent_is_cut_and_a_huge_one_refused(server: LiveServer) -> None:
    # granian refuses a header block over MAX_HEADER_BYTES (431) before the app reads it
    huge = "Mozilla/5.0 " + "x" * (MAX_HEADER_BYTES + 1000)
    refused = requests.post(
        f"{server.url}/api/v1/reports", json={}, headers={"User-Agent": huge}, timeout=30
    )
    assert refused.status_code == 431
    for ua in (
        "Mozilla/5.0 (Windows NT 10.0) Chrome/131.0.0.0 " + "x" * 6_000,
        "Mozilla/5.0 (Windows NT 10.0) Chrome/131.0.0.0 " + "x" * 20_000,
    ):
        answer = requests.post(
            f"{server.url}/api/v1/reports", json={}, headers={"User-Agent": ua}, timeout=30
        )
        assert answer.status_code == 201
        row = _stored(server, answer.json()["code"])
        assert row.user_agent == ua[:1000] and row.headers["user-agent"] == ua[:1000]
        assert row.browser_family == "Chrome"  # the cut copy still diagnoses


def test_hundreds_of_hint_headers_store_no_more_than_a_browser(server: LiveServer) -> None:
    # granian (hyper) refuses more than 100 header fields; below that, only a browser's are kept
    made_up = {f"Sec-CH-UA-Made-Up-{i}": "y" * 500 for i in range(80)}
    repeated = b"".join(b'Sec-CH-UA: "Brand%d";v="1"\r\n' % i for i in range(90))
    too_many = {f"Sec-CH-UA-Made-Up-{i}": "y" for i in range(300)}
    refused = requests.post(f"{server.url}/api/v1/reports", json={}, headers=too_many, timeout=30)
    assert refused.status_code in (400, 431)
    answer = requests.post(f"{server.url}/api/v1/reports", json={}, headers=made_up, timeout=30)
    assert answer.status_code == 201
    assert set(_stored(server, answer.json()["code"]).headers) <= {
        "user-agent",
        "accept-language",
        "accept-encoding",
        "sec-ch-ua",
    }
    raw = _raw(
        server,
        b"POST /api/v1/reports HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
        b"Content-Type: application/json\r\nContent-Length: 2\r\n" + repeated + b"\r\n{}",
    )
    assert raw.startswith(b"HTTP/1.1 201"), raw[:200]
    code = raw.split(b'"code":"')[1][:9].decode()
    stored = _stored(server, code).headers
    assert set(stored) == {"sec-ch-ua"} and len(stored["sec-ch-ua"]) == 1000  # joined, then cut


def test_a_streamed_body_over_the_limit_gets_413_json(server: LiveServer) -> None:
    def body() -> Iterator[bytes]:  # chunked: no Content-Length to refuse it by
        yield b'{"page": "'
        for _ in range(100):
            yield b"x" * 1000
        yield b'"}'

    answer = requests.post(
        f"{server.url}/api/v1/reports",
        data=body(),
        timeout=30,
        headers={"Content-Type": "application/json"},
    )
    assert answer.status_code == 413, answer.text
    assert answer.json()["error"] == {
        "code": "body_too_large",
        "field": "$",
        "message": "the body is over 65536 bytes",
    }


def test_control_bytes_in_a_header_are_refused_by_the_server(server: LiveServer) -> None:
    for ua in (b"Mozilla\x00/5.0", b"Mozilla\x01/5.0\x7f"):
        raw = _raw(
            server,
            b"POST /api/v1/reports HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
            b"Content-Type: application/json\r\nUser-Agent: "
            + ua
            + b"\r\nContent-Length: 2\r\n\r\n{}",
        )
        assert raw.split(b" ", 2)[1] == b"400", raw[:200]


def test_control_bytes_that_pass_another_server_are_removed(
    app: Flask, client: FlaskClient
) -> None:
    # Servers other than waitress may pass them on; PostgreSQL text would refuse the NUL.
    answer = client.post(
        "/api/v1/reports", json={}, headers={"User-Agent": "Mozilla\x00/5.0\x01 (X11)\x7f"}
    )
    assert answer.status_code == 201
    with app.extensions["browsercheck.store"].session() as session:
        assert session.scalar(select(ReportRow.user_agent)) == "Mozilla/5.0 (X11)"


def test_a_header_block_over_the_server_bound_is_refused_and_the_server_lives(
    server: LiveServer,
) -> None:
    answer = requests.post(
        f"{server.url}/api/v1/reports", json={}, timeout=30, headers={"X-Padding": "z" * 300_000}
    )
    assert answer.status_code == 431  # granian, before the app: MAX_HEADER_BYTES at most
    assert len(answer.content) < 1000
    assert requests.get(f"{server.url}/api/v1/build", timeout=30).status_code == 200
