"""Webhook benchmark: delivery latency under a steady load, and what the outbox costs ingest.

    .venv/bin/python benchmarks/webhooks.py [--reports 1000] [--rate 100]

Two fresh servers (``browsercheck serve``, gunicorn, 2 workers, SQLite synchronous=FULL) in one
run: one without webhook endpoints (the baseline: the outbox query finds none), one with one
endpoint on a loopback receiver that answers 200. First each is loaded as fast as 8 clients go
(ingest throughput, the ratio on/off is the outbox's cost); then the one with webhooks gets
``--rate`` reports per second and the receiver notes when each report's event arrived:
latency = arrival - the client's 201.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser.conftest import LiveServer  # noqa: E402
from tests.payloads import probe_payload, user_agents  # noqa: E402

ENV = {"BROWSERCHECK_RATELIMIT": "off", "BROWSERCHECK_MAX_IN_FLIGHT": "0"}


class Arrivals:
    """A loopback receiver: report code -> time.monotonic() of its event's arrival."""

    def __init__(self) -> None:
        self.at: dict[str, float] = {}
        arrivals = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                arrivals.at.setdefault(json.loads(body)["data"]["code"], time.monotonic())
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        class Server(ThreadingHTTPServer):
            request_queue_size = 128  # socketserver's 5 drops SYNs of 8 parallel senders: +1 s

        self.server = Server(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def start(instance: Path, endpoint: str | None) -> LiveServer:
    if endpoint:
        subprocess.run(
            [sys.executable, "-m", "webapp", "webhooks", "add", endpoint],
            env={**os.environ, "BROWSERCHECK_INSTANCE_PATH": str(instance), **ENV},
            check=True,
            capture_output=True,
        )
    return LiveServer(instance, env=ENV, args=("--workers", "2", "--threads", "8"))


def post(session: requests.Session, url: str, ua: str) -> tuple[str, float]:
    response = session.post(url, json=probe_payload(ua), headers={"User-Agent": ua}, timeout=30)
    response.raise_for_status()
    return response.json()["code"], time.monotonic()


def ingest_rate(server: LiveServer, uas: list[str], n: int) -> float:
    """Reports per second with 8 clients posting as fast as they can."""
    sessions = [requests.Session() for _ in range(8)]
    url = server.url + "/api/v1/reports"
    began = time.monotonic()
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda i: post(sessions[i % 8], url, uas[i % len(uas)]), range(n)))
    return n / (time.monotonic() - began)


def paced_latencies(server: LiveServer, arrivals: Arrivals, uas: list[str], n: int, rate: float):  # type: ignore[no-untyped-def]
    url = server.url + "/api/v1/reports"
    acked: dict[str, float] = {}
    sessions = [requests.Session() for _ in range(8)]
    began = time.monotonic()

    def one(i: int) -> None:
        time.sleep(max(0.0, began + i / rate - time.monotonic()))
        code, at = post(sessions[i % 8], url, uas[i % len(uas)])
        acked[code] = at

    with ThreadPoolExecutor(16) as pool:
        list(pool.map(one, range(n)))
    deadline = time.monotonic() + 60
    while any(code not in arrivals.at for code in acked) and time.monotonic() < deadline:
        time.sleep(0.05)
    sent_rate = n / (max(acked.values()) - began)
    missing = [code for code in acked if code not in arrivals.at]
    waits = sorted(arrivals.at[c] - t for c, t in acked.items() if c in arrivals.at)
    return sent_rate, waits, missing


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=100.0)
    args = parser.parse_args()
    uas = user_agents()
    arrivals = Arrivals()
    with tempfile.TemporaryDirectory(prefix="bench-webhooks-") as tmp:
        off = start(Path(tmp) / "off", None)
        on = start(Path(tmp) / "on", arrivals.url)
        try:
            rate_off = ingest_rate(off, uas, args.reports)
            rate_on = ingest_rate(on, uas, args.reports)
            arrivals.at.clear()  # the ingest round's events are not timed
            time.sleep(2)
            sent, waits, missing = paced_latencies(on, arrivals, uas, args.reports, args.rate)
        finally:
            off.stop()
            on.stop()
    print(f"ingest, 8 clients, {args.reports} reports each:")
    print(f"  webhooks off (baseline)  {rate_off:8.1f} reports/s  1.00")
    print(f"  one webhook endpoint     {rate_on:8.1f} reports/s  {rate_on / rate_off:.2f}")
    print(
        f"delivery latency at {sent:.0f} reports/s ({len(waits)} delivered, {len(missing)} missing):"
    )
    if waits:
        p50 = statistics.median(waits) * 1000
        p99 = waits[min(len(waits) - 1, int(len(waits) * 0.99))] * 1000
        print(f"  report 201 -> receiver   p50 {p50:.0f} ms  p99 {p99:.0f} ms")
    sys.exit(1 if missing else 0)


if __name__ == "__main__":
    main()
