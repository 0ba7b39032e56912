"""Ingest benchmark: POST /api/v1/reports on SQLite and PostgreSQL against a bare-Flask ceiling.

    .venv/bin/python benchmarks/ingest.py          (or: make bench)

One run starts three servers with the same server software and settings (``browsercheck serve``:
gunicorn, 2 workers, gthread): the app on SQLite (WAL, synchronous=FULL), the app on a
throwaway PostgreSQL cluster with PostgreSQL's default durability (fsync on,
synchronous_commit on), and a bare Flask endpoint that parses the JSON and answers 201 (the
ceiling, benchmarks/bare_app.py). The load generator is wrk (C, one thread, keep-alive
connections; benchmarks/post_reports.lua) so that the client is not what limits the figures;
it sends real probe payloads (tests/data/probe-payloads/, captured from Chromium and Firefox)
for 2,000 distinct User-Agents (tests/data/user-agents.txt), each with its own User-Agent
header; every 256th request closes its connection and wrk opens a new one, so that the
workers' race to accept connections is dealt again during a round (otherwise one worker
sometimes serves all 16 connections for a whole run). The targets are measured round by
round, interleaved, so that other load on the machine falls on all of them alike; throughput
is the mean over rounds and the latencies the worst round's. After the run every acknowledged
report must be in the database.
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

from tests.browser.conftest import LiveServer  # noqa: E402
from tests.payloads import probe_payload, user_agents  # noqa: E402
from tests.postgres import PostgresCluster  # noqa: E402
from webapp.storage.reports import ReportStore  # noqa: E402

LUA = Path(__file__).resolve().parent / "post_reports.lua"
TARGET_RATIO = 0.6
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
    server: LiveServer, files: tuple[Path, Path], seconds: float, connections: int
) -> Round:
    before = server_cpu_seconds(server)
    result = run_wrk(server.url, files, seconds, connections)
    result.cpu_seconds = server_cpu_seconds(server) - before
    return result


#: Every this many requests one connection is closed and reopened (benchmarks/post_reports.lua):
#: the workers' accept race deals the connections again, so that no round runs on one worker.
RECYCLE_EVERY = 256


def run_wrk(url: str, files: tuple[Path, Path], seconds: float, connections: int) -> Round:
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
    finally:
        for server in servers.values():
            server.stop()
    stored = {}
    for name in ("sqlite", "postgresql"):
        store = ReportStore(urls[name])
        stored[name] = store.count()
        store.close()

    return rounds, sent, overload, recovered, stored


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
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: bash scripts/install-test-deps.sh (or make bench)")

    with tempfile.TemporaryDirectory(prefix="browsercheck-bench-") as tmp:
        folder = Path(tmp)
        files = write_load(folder)
        cluster = PostgresCluster(durable=True)
        try:
            rounds, sent, overload, recovered, stored = measure(folder, files, cluster, args)
        finally:
            cluster.close()  # also when a round fails: no server is left running

    figures = summarize(rounds, sent, stored, args)
    if overload is not None and recovered is not None:
        figures["overload"] = report_overload(overload, recovered, args)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0 if figures["sqlite_meets_targets"] and figures["nothing_lost"] else 1


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
        f"{'target':<12}{'req/s':>9}{'vs bare':>9}{'p50 ms':>9}{'p99 ms':>9}"
        f"{'CPU ms/req':>12}{'non-201':>9}{'errors':>8}"
    )
    for name, results in rounds.items():
        rate = statistics.fmean(r.rate for r in results)
        row = {
            "requests_per_s": round(rate, 1),
            "ratio_to_bare": round(rate / bare_rate, 3),
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
            f"{name:<12}{rate:>9.0f}{row['ratio_to_bare']:>8.2f}x{row['p50_ms']:>9.1f}"
            f"{row['p99_ms']:>9.1f}{row['server_cpu_ms_per_request']:>12.2f}"
            f"{row['not_201']:>9}{row['socket_errors']:>8}"
        )
    sqlite = figures["targets"]["sqlite"]
    checks = {
        f"throughput >= {TARGET_RATIO}x bare": sqlite["ratio_to_bare"] >= TARGET_RATIO,
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
