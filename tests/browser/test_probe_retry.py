"""The check page's probe retries a dropped connection, 429 and 503 (Retry-After honoured, at most three
retries within 30 s) with one Idempotency-Key, tells the user, and when every try failed shows
the report text it built in the page (real browsers; the network is cut by Playwright's router)."""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, Route, expect

from tests.browser.conftest import LiveServer

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = LiveServer(
        tmp_path_factory.mktemp("retry") / "instance", env={"BROWSERCHECK_RATELIMIT": "off"}
    )
    yield live
    live.stop()


def stored_reports(server: LiveServer) -> int:
    with sqlite3.connect(Path(server.log).parent / "browsercheck.db") as conn:
        return int(conn.execute("SELECT count(*) FROM reports").fetchone()[0])


class Network:
    """Answers the report POSTs by a script: "drop" (the connection is lost), a status code
    (with Retry-After: 1), or "pass" (to the server); records each try's Idempotency-Key and
    time. (A lost answer to a stored report is tests/test_idempotency.py's: Firefox over BiDi
    shows a route no request body to replay.)"""

    def __init__(self, page: Page, script: list[str | int]) -> None:
        self.script, self.keys, self.times = list(script), [], []  # type: ignore[var-annotated]
        page.route(re.compile(r"/api/v1/reports(\?|$)"), self._answer)  # ?include=...

    def _answer(self, route: Route) -> None:
        self.keys.append(route.request.headers.get("idempotency-key"))
        self.times.append(time.monotonic())
        step = self.script.pop(0) if self.script else "pass"
        if step == "drop":
            route.abort("connectionreset")
        elif isinstance(step, int):
            route.fulfill(
                status=step,
                headers={"Retry-After": "1", "Content-Type": "application/json"},
                body='{"error": {"code": "overloaded", "message": "busy", "field": null}}',
            )
        else:
            route.continue_()


def test_retries_after_a_drop_a_503_and_a_429_store_one_report(
    page: Page, server: LiveServer
) -> None:
    before = stored_reports(server)
    network = Network(page, ["drop", 503, 429])
    page.goto(f"{server.url}/check?lang=en")
    expect(page.get_by_test_id("progress")).to_contain_text("Trying again", timeout=10_000)
    expect(page.get_by_test_id("result")).to_be_visible(timeout=30_000)
    expect(page.get_by_test_id("report-code")).to_have_text(re.compile(r"^\w{4}-\w{4}$"))
    assert len(network.keys) == 4 and len(set(network.keys)) == 1 and network.keys[0]
    assert network.times[3] - network.times[2] >= 1.0  # Retry-After: 1 was honoured
    assert stored_reports(server) == before + 1


def test_when_every_try_fails_the_page_shows_the_report_text(
    page: Page, server: LiveServer
) -> None:
    network = Network(page, [503, 429, "drop", 503, 503])
    page.goto(f"{server.url}/check?lang=en")
    expect(page.get_by_test_id("send-failed")).to_be_visible(timeout=30_000)
    assert len(network.keys) == 4  # the first try and three retries, then it stopped
    assert network.times[-1] - network.times[0] < 30
    # The last answer was a 503: the page says the server failed, offers "Try again", and
    # shows the report text built in the page from the payload, to copy.
    expect(page.get_by_test_id("progress")).to_contain_text("server")
    expect(page.locator("#try-again")).to_be_visible()
    text = page.get_by_test_id("failed-text").input_value()
    assert page.evaluate("navigator.userAgent") in text  # built in the page from the payload
    assert "HTTP 503" in text
    expect(page.get_by_test_id("report-code")).to_be_hidden()
