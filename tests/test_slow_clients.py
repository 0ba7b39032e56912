"""Slow clients cannot hold the default server: 300 connections trickling their headers leave
``/check`` and ``POST /api/v1/reports`` answering, and each of them is closed after
``HEADER_TIMEOUT`` seconds without a complete header block (a real ``browsercheck serve``)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.browser.conftest import LiveServer
from tests.conftest import CHROME_WIN
from tests.slow_clients import Trickler

SLOW_CONNECTIONS = 300
HEADER_TIMEOUT = 4  # seconds; the default (10) would only make the test longer


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    live = LiveServer(
        tmp_path / "instance",
        env={"BROWSERCHECK_HEADER_TIMEOUT": str(HEADER_TIMEOUT), "BROWSERCHECK_RATELIMIT": "off"},
    )
    yield live
    live.stop()


def _timed(call: object) -> tuple[int, float]:
    started = time.monotonic()
    answer = call()  # type: ignore[operator]
    return answer.status_code, time.monotonic() - started


def test_300_trickling_connections_neither_hold_the_server_nor_stay_open(
    server: LiveServer,
) -> None:
    assert "Starting granian" in server.log.read_text()  # the default server
    slow = Trickler(server.port, SLOW_CONNECTIONS)
    try:
        time.sleep(1)  # every slow connection has sent a few header lines by now
        answers = []
        for _ in range(3):
            answers.append(_timed(lambda: requests.get(server.url + "/check?lang=en", timeout=10)))
            answers.append(
                _timed(
                    lambda: requests.post(
                        server.url + "/api/v1/reports",
                        json={"lang": "en"},
                        headers={"User-Agent": CHROME_WIN},
                        timeout=10,
                    )
                )
            )
        still_open = SLOW_CONNECTIONS - len(slow.closed_after)
        deadline = time.monotonic() + HEADER_TIMEOUT + 5
        while len(slow.closed_after) < SLOW_CONNECTIONS and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        slow.close()

    assert [status for status, _ in answers] == [200, 201] * 3
    assert max(seconds for _, seconds in answers) < 1.0, answers
    assert still_open == SLOW_CONNECTIONS  # all were open while the others were answered
    assert len(slow.closed_after) == SLOW_CONNECTIONS  # the server closed every one ...
    closed = sorted(slow.closed_after.values())
    assert HEADER_TIMEOUT - 0.5 <= closed[0] and closed[-1] <= HEADER_TIMEOUT + 3, closed[::50]
