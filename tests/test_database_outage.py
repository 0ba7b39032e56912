"""A database outage under a running server (``browsercheck serve``, two workers): requests that
need the database answer 503 ``database_unavailable`` with Retry-After, pages that do not need
it keep working, and the server recovers by itself when the database is back.

PostgreSQL is a server of the test's own, stopped (``-m immediate``) and started again; SQLite's
file lives on a small tmpfs that is remounted read-only and back (as root, like the tests'
PostgreSQL set-up: ``make test`` runs as root).
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests

from tests.browser.conftest import LiveServer
from tests.conftest import CHROME_WIN
from tests.postgres import PostgresCluster

#: Pages and endpoints that never touch the database.
WITHOUT_DATABASE = ("/check", "/probe.js", "/matrix", "/api/v1/build", "/healthz")


def post(server: LiveServer) -> requests.Response:
    return requests.post(
        server.url + "/api/v1/reports",
        json={"lang": "en"},
        headers={"User-Agent": CHROME_WIN},
        timeout=30,
    )


def assert_unavailable(answer: requests.Response) -> None:
    assert answer.status_code == 503, answer.text
    assert answer.headers["Retry-After"] == "5"
    if answer.headers["Content-Type"].startswith("application/json"):
        error = answer.json()["error"]
        assert error["code"] == "database_unavailable" and error["field"] is None
    else:
        assert "The database is unavailable" in answer.text


def outage_round(
    server: LiveServer, cut: Callable[[], None], restore: Callable[[], None], *, reads_fail: bool
) -> None:
    """A report stored, the database cut, what answers during the outage, the database back."""
    before = post(server)
    assert before.status_code == 201, before.text
    code, view = before.json()["code"], before.json()["view_url"]
    json_view = f"/api/v1/reports/{code}?t={view.split('t=')[1]}"
    cut()
    try:
        for _ in range(4):  # both workers, each more than once
            refused = post(server)
            assert_unavailable(refused)
            assert "5 s." in refused.json()["error"]["message"]
        for path in WITHOUT_DATABASE:
            assert requests.get(server.url + path, timeout=30).status_code == 200, path
        if reads_fail:
            for path in (json_view, view, "/readyz"):
                assert_unavailable(requests.get(server.url + path, timeout=30))
    finally:
        restore()
    after = [post(server) for _ in range(4)]  # no restart: the very next reports are stored
    assert [answer.status_code for answer in after] == [201] * 4, after[0].text
    stored = requests.get(server.url + json_view, timeout=30)
    assert stored.status_code == 200 and stored.json()["code"] == code, stored.text
    assert requests.get(server.url + "/readyz", timeout=30).status_code == 200


def test_postgresql_stopped_and_started_under_the_server(tmp_path: Path) -> None:
    cluster = PostgresCluster(durable=True)  # an acknowledged report survives the stop
    try:
        url = cluster.create_database("outage")
        server = LiveServer(
            tmp_path / "instance",
            env={"BROWSERCHECK_DATABASE_URL": url, "BROWSERCHECK_RATELIMIT": "off"},
        )
        try:
            outage_round(server, cluster.stop, cluster.start, reads_fail=True)
        finally:
            server.stop()
    finally:
        cluster.close()
    assert "database unavailable" in server.log.read_text()  # one line per failure, logged


@contextmanager
def small_disk(path: Path) -> Iterator[Path]:
    """A 32 MB tmpfs at ``path`` (unmounted at the end)."""
    path.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=32m", "tmpfs", str(path)], check=True)
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def fill(disk: Path) -> None:
    """Write a file until the disk is full (ENOSPC): SQLite cannot grow its WAL any more.

    A read-only remount would be the other way to make the file unwritable, but the kernel
    refuses it while the server holds the database open for writing."""
    with open(disk / "filler", "wb") as filler:
        try:
            while True:
                filler.write(b"\0" * (1 << 20))
                filler.flush()
        except OSError:
            pass


@pytest.mark.skipif("os.geteuid() != 0", reason="mounting a tmpfs needs root")
def test_sqlite_on_a_full_disk_under_the_server(tmp_path: Path) -> None:
    with small_disk(tmp_path / "disk") as disk:
        server = LiveServer(
            tmp_path / "instance",
            env={
                "BROWSERCHECK_DATABASE_URL": f"sqlite:///{disk / 'browsercheck.db'}",
                "BROWSERCHECK_RATELIMIT": "off",
            },
        )
        try:
            # Reading still works on a full disk: only the writes fail.
            outage_round(
                server,
                lambda: fill(disk),
                lambda: (disk / "filler").unlink(),
                reads_fail=False,
            )
        finally:
            server.stop()
