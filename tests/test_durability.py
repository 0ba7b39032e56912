"""Nothing acknowledged is lost: SIGKILL the real server (gunicorn, 2 workers) under load.

Clients keep posting real probe payloads; once enough reports are acknowledged the whole
server (master and workers) is killed at once. Every code that got a 201 must then be in the
database, and ``browsercheck report show CODE`` must print it.
"""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests

from reports.model import normalize_code
from tests.browser.conftest import LiveServer
from tests.payloads import probe_payload, user_agents
from webapp.storage.reports import ReportStore

CLIENTS = 8
ACKED_BEFORE_KILL = 150


class Load:
    """``CLIENTS`` threads posting reports until the server stops answering."""

    def __init__(self, url: str) -> None:
        self.url = url + "/api/v1/reports"
        self.acked: list[str] = []
        self.refused: list[str] = []  # connection errors: the kill cut these off
        self._uas = itertools.cycle(user_agents())
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._client) for _ in range(CLIENTS)]
        for thread in self._threads:
            thread.start()

    def _client(self) -> None:
        with requests.Session() as session:
            while not self._stop.is_set():
                with self._lock:
                    ua = next(self._uas)
                try:
                    response = session.post(
                        self.url, json=probe_payload(ua), headers={"User-Agent": ua}, timeout=30
                    )
                except requests.RequestException as exc:
                    self.refused.append(type(exc).__name__)
                    return
                if response.status_code == 201:
                    self.acked.append(response.json()["code"])

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(60)


def test_every_acknowledged_report_survives_a_sigkill(tmp_path: Path, db_url: str | None) -> None:
    instance = tmp_path / "instance"
    env = {"BROWSERCHECK_RATELIMIT": "off", "BROWSERCHECK_MAX_IN_FLIGHT": "0"}
    if db_url:
        env["BROWSERCHECK_DATABASE_URL"] = db_url
    server = LiveServer(instance, env=env, args=("--workers", "2", "--threads", "4"))
    load = Load(server.url)
    try:
        deadline = time.monotonic() + 120
        while len(load.acked) < ACKED_BEFORE_KILL and time.monotonic() < deadline:
            time.sleep(0.02)
        server.kill()  # mid-load: the clients are still posting
    finally:
        load.stop()
        server.stop()
    acked = list(load.acked)
    assert len(acked) >= ACKED_BEFORE_KILL
    assert load.refused, "the kill should have cut off requests in progress"

    url = db_url or f"sqlite:///{instance / 'browsercheck.db'}"
    store = ReportStore(url)
    try:
        missing = [code for code in acked if store.get(normalize_code(code) or "") is None]
        stored = store.count()
    finally:
        store.close()
    assert missing == []
    assert stored >= len(acked)  # at most a few committed reports whose 201 the kill cut off

    cli_env = {**os.environ, "BROWSERCHECK_INSTANCE_PATH": str(instance), **env}
    for code in (acked[0], acked[len(acked) // 2], acked[-1]):  # a sample through the CLI
        shown = subprocess.run(
            [sys.executable, "-m", "webapp", "report", "show", code],
            env=cli_env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert shown.returncode == 0, shown.stderr
        assert code in shown.stdout
