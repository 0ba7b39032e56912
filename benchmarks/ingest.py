"""Ingest benchmark: POST /api/v1/reports on SQLite and PostgreSQL against a naive durable peer
and a bare-Flask ceiling, then the slow-client round.

    .venv/bin/python benchmarks/ingest.py          (or: make bench)

One run starts four servers with the same server software and settings (``browsercheck serve``:
granian, 2 workers, 32 threads): the app on SQLite (WAL, synchronous=FULL), the app on a
throwaway PostgreSQL cluster with PostgreSQL's default durability (fsync on,
synchronous_commit on), the naive durable peer (Flask + sqlite3, one INSERT and COMMIT per
report, WAL, synchronous=FULL: benchmarks/naive_peer.py, what a user would write instead) and
a bare Flask endpoint that parses the JSON and answers 201 (the ceiling,
benchmarks/bare_app.py). The target: ours on SQLite at least as fast as the peer, p99 < 50 ms. The load generator is wrk (C, one thread, keep-alive
connections; benchmarks/post_reports.lua) so that the client is not what limits the figures;
it sends real probe payloads (tests/data/probe-payloads/, captured from Chromium and Firefox)
for 2,000 distinct User-Agents (tests/data/user-agents.txt), each with its own User-Agent
header; every 256th request closes its connection and wrk opens a new one, so that the
workers' race to accept connections is dealt again during a round (otherwise one worker
sometimes serves all 16 connections for a whole run). The targets are measured round by
round, interleaved, so that other load on the machine falls on all of them alike; throughput
is the mean over rounds and the latencies the worst round's. After the run every acknowledged
report must be in the database (ours and the peer's).

The slow-client round then opens 300 connections to the SQLite server that send a request line
and a header line every half second but never end their headers, times ``GET /check`` and
``POST /api/v1/reports`` from another client meanwhile, and times how long the server takes to
close them (``BROWSERCHECK_HEADER_TIMEOUT``); the same against gunicorn's gthread worker
(``--server gunicorn``), the server we used before, for comparison.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import naive_peer  # noqa: E402
from tests.browser.conftest import LiveServer  # noqa: E402
from tests.payloads import probe_payload, user_agents  # noqa: E402
from tests.postgres import PostgresCluster  # noqa: E402
from webapp.storage.reports import ReportStore  # noqa: E402

LUA = Path(__file__).resolve().parent / "post_reports.lua"
TARGET_PEER_RATIO = 1.0
TARGET_P99_MS = 50.0


@dataclass
class Round:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    not_created: int
    refused: int
    socket_errors: int
    cpu_seconds: float = 0.0  # CPU the server's processes used during the round

    @property
    def cpu_ms_per_request(self) -> float:
        return self.cpu_seconds * 1000 / max(1, self.requests)

    @property
    def rate(self) -> float:
        return self.requests / self.seconds


def write_load(folder: Path) -> tuple[Path, Path]:
    """The User-Agent file and the body file wrk reads, one request per line."""
    uas, bodies = folder / "uas.txt", folder / "bodies.txt"
    agents = user_agents()
    uas.write_text("\n".join(agents) + "\n", encoding="utf-8")
    bodies.write_text(
        "\n".join(json.dumps(probe_payload(ua), ensure_ascii=False) for ua in agents) + "\n",
        encoding="utf-8",
    )
    return uas, bodies


def server_cpu_seconds(server: LiveServer) -> float:
    """User + system CPU of the server's master and workers so far (Linux /proc)."""
    total = 0
    pids = [server.process.pid]
    children = Path(f"/proc/{server.process.pid}/task/{server.process.pid}/children")
    if children.exists():
        pids += [int(pid) for pid in children.read_text().split()]
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime in clock ticks
    return total / os.sysconf("SC_CLK_TCK")


def run_round(
    server: LiveServer,
    files: tuple[Path, Path],
    seconds: float,
    connections: int,
    target: tuple[str, ...] = (),
) -> Round:
    """One wrk round against ``server``; ``target`` is (path, status that counts as done,
    content type) for another endpoint than POST /api/v1/reports (benchmarks/beacon_ingest.py)."""
    before = server_cpu_seconds(server)
    result = run_wrk(server.url, files, seconds, connections, target)
    result.cpu_seconds = server_cpu_seconds(server) - before
    return result


#: Every this many requests one connection is closed and reopened (benchmarks/post_reports.lua):
#: the workers' accept race deals the connections again, so that no round runs on one worker.
RECYCLE_EVERY = 256


def run_wrk(
    url: str,
    files: tuple[Path, Path],
    seconds: float,
    connections: int,
    target: tuple[str, ...] = (),
) -> Round:
    command = [
        "wrk",
        "-t1",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "10s",
        "-s",
        str(LUA),
        url,
        "--",
        str(files[0]),
        str(files[1]),
        str(RECYCLE_EVERY),
        *target,
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    line = next(ln for ln in done.stdout.splitlines() if ln.startswith("RESULT "))
    data: dict[str, Any] = json.loads(line.removeprefix("RESULT "))
    return Round(
        data["requests"],
        data["duration_us"] / 1e6,
        data["p50_us"] / 1e3,
        data["p99_us"] / 1e3,
        data["not_created"],
        data["refused"],
        data["socket_errors"],
    )


def measure(
    folder: Path, files: tuple[Path, Path], cluster: PostgresCluster, args: argparse.Namespace
) -> tuple[Any, ...]:
    """Serve the three targets, load them round by round, count what each database stored."""
    serve_args = ("--workers", str(args.workers), "--threads", str(args.threads))
    env = {"BROWSERCHECK_RATELIMIT": "off"}
    recovered = None
    servers: dict[str, LiveServer] = {}
    urls = {
        "sqlite": f"sqlite:///{folder / 'sqlite' / 'browsercheck.db'}",
        "postgresql": cluster.create_database("bench"),
    }
    try:
        servers["bare"] = LiveServer(
            folder / "bare",
            env={**env, "PYTHONPATH": str(ROOT)},
            args=(*serve_args, "--app", "benchmarks.bare_app:create_app"),
        )
        servers["peer"] = LiveServer(
            folder / "peer",
            env={**env, "PYTHONPATH": str(ROOT)},
            args=(*serve_args, "--app", "benchmarks.naive_peer:create_app"),
        )
        servers["sqlite"] = LiveServer(folder / "sqlite", env=env, args=serve_args)
        servers["postgresql"] = LiveServer(
            folder / "postgresql",
            env={**env, "BROWSERCHECK_DATABASE_URL": urls["postgresql"]},
            args=serve_args,
        )
        sent = {name: 0 for name in servers}
        for name, server in servers.items():
            warm = run_round(server, files, args.warmup, args.connections)
            sent[name] += warm.requests - warm.not_created
        rounds: dict[str, list[Round]] = {name: [] for name in servers}
        for number in range(args.rounds):
            for name, server in servers.items():
                result = run_round(server, files, args.seconds, args.connections)
                rounds[name].append(result)
                sent[name] += result.requests - result.not_created
                print(
                    f"round {number + 1} {name:<10} {result.rate:8.0f} req/s  "
                    f"p50 {result.p50_ms:6.1f} ms  p99 {result.p99_ms:6.1f} ms  "
                    f"CPU {result.cpu_ms_per_request:5.2f} ms/req  "
                    f"non-201 {result.not_created}",
                    file=sys.stderr,
                )
        overload = None
        if args.overload_connections:
            overload = run_round(servers["sqlite"], files, args.seconds, args.overload_connections)
            sent["sqlite"] += overload.requests - overload.not_created
            time.sleep(2)  # what Retry-After (1 s) asks of a client
            recovered = run_round(servers["sqlite"], files, 2, args.connections)
            sent["sqlite"] += recovered.requests - recovered.not_created
        slow = {}
        if args.slow_connections:
            slow["granian"] = slow_client_round(servers["sqlite"], args.slow_connections)
            sent["sqlite"] += slow["granian"].pop("created")
    finally:
        for server in servers.values():
            server.stop()
    if args.slow_connections:
        with LiveServer(
            folder / "gunicorn", env=env, args=(*serve_args, "--server", "gunicorn")
        ) as old:
            slow["gunicorn"] = slow_client_round(old, args.slow_connections)
    stored = {}
    for name in ("sqlite", "postgresql"):
        store = ReportStore(urls[name])
        stored[name] = store.count()
        store.close()
    stored["peer"] = naive_peer.stored(folder / "peer")

    return rounds, sent, overload, recovered, stored, slow


def slow_client_round(server: LiveServer, connections: int) -> dict[str, Any]:
    """``connections`` trickling connections open; 5 x GET /check and 5 x POST from another
    client (each given 5 s); then how long until the server closed the slow ones."""
    import requests

    from tests.conftest import CHROME_WIN
    from tests.slow_clients import Trickler

    slow = Trickler(server.port, connections)
    timings: dict[str, list[float | None]] = {"check": [], "post": []}
    created = 0
    try:
        time.sleep(1)
        for _ in range(5):
            for name, call in (
                ("check", lambda: requests.get(server.url + "/check", timeout=5)),
                (
                    "post",
                    lambda: requests.post(
                        server.url + "/api/v1/reports",
                        json={"lang": "en"},
                        headers={"User-Agent": CHROME_WIN},
                        timeout=5,
                    ),
                ),
            ):
                started = time.monotonic()
                try:
                    answer = call()
                    timings[name].append(time.monotonic() - started)
                    created += answer.status_code == 201
                except requests.RequestException:
                    timings[name].append(None)  # no answer within 5 s
        deadline = time.monotonic() + 15  # HEADER_TIMEOUT (10 s) and some
        while len(slow.closed_after) < connections and time.monotonic() < deadline:
            time.sleep(0.2)
        closed = sorted(slow.closed_after.values())
    finally:
        slow.close()

    def worst(values: list[float | None]) -> float | None:
        return None if None in values else round(max(v for v in values if v is not None) * 1000, 1)

    return {
        "connections": connections,
        "check_worst_ms": worst(timings["check"]),
        "post_worst_ms": worst(timings["post"]),
        "timed_out": sum(v is None for values in timings.values() for v in values),
        "closed": len(closed),
        "closed_after_s": [round(closed[0], 1), round(closed[-1], 1)] if closed else None,
        "created": created,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10, help="length of one round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--warmup", type=float, default=3, help="seconds per server first")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=32, help="per worker (serve's default)")
    parser.add_argument(
        "--overload-connections",
        type=int,
        default=256,
        help="then load the SQLite server this hard once (0: skip)",
    )
    parser.add_argument(
        "--slow-connections",
        type=int,
        default=300,
        help="slow-client round: trickling connections (0: skip)",
    )
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: bash scripts/install-test-deps.sh (or make bench)")

    with tempfile.TemporaryDirectory(prefix="browsercheck-bench-") as tmp:
        folder = Path(tmp)
        files = write_load(folder)
        cluster = PostgresCluster(durable=True)
        try:
            rounds, sent, overload, recovered, stored, slow = measure(folder, files, cluster, args)
        finally:
            cluster.close()  # also when a round fails: no server is left running

    figures = summarize(rounds, sent, stored, args)
    if overload is not None and recovered is not None:
        figures["overload"] = report_overload(overload, recovered, args)
    if slow:
        figures["slow_clients"] = slow
        print(f"\nslow clients: {args.slow_connections} connections trickling their headers")
        for server_name, row in slow.items():
            print(
                f"{server_name:<9} GET /check worst {_ms(row['check_worst_ms'])}, "
                f"POST worst {_ms(row['post_worst_ms'])}, {row['timed_out']} of 10 without an "
                f"answer in 5 s; {row['closed']} closed by the server"
                + (
                    f" after {row['closed_after_s'][0]}-{row['closed_after_s'][1]} s"
                    if row["closed_after_s"]
                    else ""
                )
            )
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0 if figures["sqlite_meets_targets"] and figures["nothing_lost"] else 1


def _ms(value: float | None) -> str:
    return "no answer" if value is None else f"{value:.0f} ms"


def report_overload(overload: Round, recovered: Round, args: argparse.Namespace) -> dict[str, Any]:
    """Past capacity: how many were refused (503), how fast every answer came, and that the
    server answered normally right after."""
    row = {
        "connections": args.overload_connections,
        "answers_per_s": round(overload.rate, 1),
        "refused_503_share": round(overload.refused / max(1, overload.requests), 3),
        "other_non_201": overload.not_created - overload.refused,
        "p50_ms": overload.p50_ms,
        "p99_ms": overload.p99_ms,
        "socket_errors_or_timeouts": overload.socket_errors,
        "after_non_201": recovered.not_created,
        "after_p99_ms": recovered.p99_ms,
    }
    print(
        f"\noverload, SQLite, {args.overload_connections} connections: "
        f"{overload.rate:.0f} answers/s, {row['refused_503_share']:.0%} refused with 503, "
        f"{row['other_non_201']} other non-201, "
        f"p50 {overload.p50_ms:.1f} ms, p99 {overload.p99_ms:.1f} ms, "
        f"{overload.socket_errors} socket errors/timeouts; then at {args.connections} "
        f"connections: {recovered.not_created} non-201, p99 {recovered.p99_ms:.1f} ms"
    )
    return row


def summarize(
    rounds: dict[str, list[Round]],
    sent: dict[str, int],
    stored: dict[str, int],
    args: argparse.Namespace,
) -> dict[str, Any]:
    bare_rate = statistics.fmean(r.rate for r in rounds["bare"])
    peer_rate = statistics.fmean(r.rate for r in rounds["peer"])
    figures: dict[str, Any] = {
        "setup": {
            "workers": args.workers,
            "threads": args.threads,
            "connections": args.connections,
            "rounds": args.rounds,
            "seconds_per_round": args.seconds,
            "user_agents": len(user_agents()),
            "load_generator": "wrk, 1 thread, keep-alive",
            "cpus": os.cpu_count(),
        },
        "targets": {},
    }
    print(
        f"\nPOST /api/v1/reports, {args.connections} connections, {args.workers} workers x "
        f"{args.threads} threads, {len(user_agents())} User-Agents, wrk, "
        f"{args.rounds} x {args.seconds:g} s per target"
    )
    print(
        f"{'target':<12}{'req/s':>9}{'vs bare':>9}{'vs peer':>9}{'p50 ms':>9}{'p99 ms':>9}"
        f"{'CPU ms/req':>12}{'non-201':>9}{'errors':>8}"
    )
    for name, results in rounds.items():
        rate = statistics.fmean(r.rate for r in results)
        row = {
            "requests_per_s": round(rate, 1),
            "ratio_to_bare": round(rate / bare_rate, 3),
            "ratio_to_peer": round(rate / peer_rate, 3),
            "p50_ms": max(r.p50_ms for r in results),
            "p99_ms": max(r.p99_ms for r in results),
            "server_cpu_ms_per_request": round(
                sum(r.cpu_seconds for r in results)
                * 1000
                / max(1, sum(r.requests for r in results)),
                2,
            ),
            "not_201": sum(r.not_created for r in results),
            "socket_errors": sum(r.socket_errors for r in results),
        }
        figures["targets"][name] = row
        print(
            f"{name:<12}{rate:>9.0f}{row['ratio_to_bare']:>8.2f}x{row['ratio_to_peer']:>8.2f}x"
            f"{row['p50_ms']:>9.1f}"
            f"{row['p99_ms']:>9.1f}{row['server_cpu_ms_per_request']:>12.2f}"
            f"{row['not_201']:>9}{row['socket_errors']:>8}"
        )
    sqlite = figures["targets"]["sqlite"]
    checks = {
        f"throughput >= {TARGET_PEER_RATIO}x the naive peer": sqlite["ratio_to_peer"]
        >= TARGET_PEER_RATIO,
        f"p99 < {TARGET_P99_MS:g} ms": sqlite["p99_ms"] < TARGET_P99_MS,
        "every answer 201": sqlite["not_201"] == 0,
    }
    figures["sqlite_checks"] = checks
    figures["sqlite_meets_targets"] = all(checks.values())
    figures["stored_vs_acknowledged"] = {name: [stored[name], sent[name]] for name in stored}
    figures["nothing_lost"] = all(stored[name] >= sent[name] for name in stored)
    verdict = "meets" if figures["sqlite_meets_targets"] else "MISSES"
    print(
        f"\nSQLite {verdict} the target: "
        + ", ".join(f"{check} {'met' if ok else 'MISSED'}" for check, ok in checks.items())
    )
    for name in stored:
        print(f"{name}: {stored[name]} reports stored, {sent[name]} acknowledged")
    return figures


if __name__ == "__main__":
    sys.exit(main())
