"""`browsercheck serve`: gunicorn with N workers, waitress as the fallback, a TOML file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.browser.conftest import LiveServer


def worker_pids(server: LiveServer) -> set[int]:
    """gunicorn's worker processes: the children of the master."""
    pid = server.process.pid
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return {int(child) for child in children}


def wait_for_workers(server: LiveServer, count: int) -> set[int]:
    deadline = time.monotonic() + 30
    while len(pids := worker_pids(server)) != count and time.monotonic() < deadline:
        time.sleep(0.1)
    return pids


@pytest.fixture
def server_factory(tmp_path: Path):  # type: ignore[no-untyped-def]
    servers: list[LiveServer] = []

    def start(*args: str, env: dict[str, str] | None = None) -> LiveServer:
        server = LiveServer(tmp_path / f"instance{len(servers)}", env=env, args=args)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


def test_gunicorn_runs_the_requested_workers_and_prints_the_url(server_factory) -> None:  # type: ignore[no-untyped-def]
    server = server_factory("--workers", "3", "--server", "gunicorn")
    assert len(wait_for_workers(server, 3)) == 3
    assert requests.get(server.url + "/healthz", timeout=10).json() == {"status": "ok"}
    assert requests.get(server.url + "/readyz", timeout=10).json()["status"] == "ready"
    log = server.log.read_text()
    assert f"browsercheck is running on http://127.0.0.1:{server.port}/check" in log
    assert "gthread" in log  # gunicorn's threaded worker answers


def test_waitress_serves_where_gunicorn_cannot(server_factory) -> None:  # type: ignore[no-untyped-def]
    server = server_factory("--server", "waitress")
    assert worker_pids(server) == set()  # one process, threads only
    response = requests.get(server.url + "/healthz", timeout=10)
    assert response.status_code == 200 and response.headers["Server"] == "browsercheck"


def test_workers_come_from_the_toml_file(server_factory, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    config = tmp_path / "browsercheck.toml"
    config.write_text("workers = 2\nthreads = 2\n", encoding="utf-8")
    server = server_factory(env={"BROWSERCHECK_CONFIG": str(config)})
    assert len(wait_for_workers(server, 2)) == 2


def test_a_bad_setting_stops_serve_with_its_name(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="BROWSERCHECK_WORKERS"):
        LiveServer(tmp_path / "instance", env={"BROWSERCHECK_WORKERS": "many"})


def test_a_worker_builds_the_app_warm_and_frozen(tmp_path: Path) -> None:
    """As a worker builds it, in a fresh process: the UA parser's rules, the policy and the
    report templates are loaded before the first request, and what the build made is kept out
    of the garbage collector's scans."""
    script = (
        "import gc, json\n"
        "from diagnostics.useragent import _extract\n"
        "from reports.render import jinja_env\n"
        "from webapp.serving import build_app\n"
        "app = build_app('webapp:create_app')\n"
        "print(json.dumps({'frozen': gc.get_freeze_count(),"
        " 'parsers': _extract.cache_info().currsize,"
        " 'policy': 'browsercheck.policy' in app.extensions,"
        " 'templates': sorted(str(key[1]) for key in jinja_env().cache)}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        env={**os.environ, "BROWSERCHECK_INSTANCE_PATH": str(tmp_path / "instance")},
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    built = json.loads(done.stdout.splitlines()[-1])
    assert built["frozen"] > 100_000  # the whole app, not a handful of objects
    assert built["parsers"] == 1 and built["policy"] is True
    assert {"report.html", "report.txt"} <= set(built["templates"])
