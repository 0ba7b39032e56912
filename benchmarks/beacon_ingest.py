"""Beacon ingest benchmark: POST /api/v1/beacon beside POST /api/v1/reports, in one run.

    .venv/bin/python benchmarks/beacon_ingest.py

The sampled page-load beacon (issue 18) promises to be cheap: at least 3x the report ingest rate
of the same server in the same run. This measures both the way benchmarks/ingest.py does, with
its helpers: ``browsercheck serve`` (granian, 2 workers, 32 threads) on SQLite (WAL,
synchronous=FULL) and on a throwaway PostgreSQL cluster with PostgreSQL's default durability;
wrk (one thread, keep-alive, benchmarks/post_reports.lua) as the load generator, with the same
2,000 User-Agents (tests/data/user-agents.txt), each request with its own User-Agent header;
the reports are the probe's real payloads, the beacons what probes/embed_beacon.js sends (as
``text/plain``, one of five builds, service-worker flags varied). Rounds are interleaved (report,
beacon, report, beacon, ...) so that other load on the machine falls on both alike; the rate is
the mean over rounds, the latency the worst round's, CPU per request from /proc. After the run
every acknowledged beacon (204) must be counted in ``beacon_rollup`` and every acknowledged
report stored. The baseline is the report ingest (1.0).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.ingest import Round, run_round, write_load  # noqa: E402
from tests.browser.conftest import LiveServer  # noqa: E402
from tests.payloads import user_agents  # noqa: E402
from tests.postgres import PostgresCluster  # noqa: E402
from webapp.storage.reports import ReportStore  # noqa: E402

TARGET_RATIO = 3.0
BEACON = ("/api/v1/beacon", "204", "text/plain;charset=UTF-8")
BUILDS = ("2026.12.01-1", "2026.11.30-2", "2026.11.30-1", "2026.11.28-1", "2026.11.20-3")


def write_beacons(folder: Path) -> tuple[Path, Path]:
    """The User-Agent file and one beacon body per User-Agent (same order)."""
    uas, bodies = folder / "uas.txt", folder / "beacons.txt"
    agents = user_agents()
    uas.write_text("\n".join(agents) + "\n", encoding="utf-8")
    lines = []
    for i, _ua in enumerate(agents):
        beacon = {
            "build": BUILDS[i % len(BUILDS)],
            "controlled": i % 3 == 0,
            "waiting": i % 11 == 0,
            "verdict": "ok",
        }
        lines.append(json.dumps(beacon, separators=(",", ":")))
    bodies.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return uas, bodies


def counted_beacons(url: str) -> int:
    """Beacons counted in ``beacon_rollup`` of the database at ``url``."""
    from sqlalchemy import func, select

    from webapp.storage.tables import BeaconRollupRow

    store = ReportStore(url)
    try:
        with store.engine.connect() as conn:
            return int(conn.scalar(select(func.coalesce(func.sum(BeaconRollupRow.n), 0))) or 0)
    finally:
        store.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10, help="length of one round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--warmup", type=float, default=3, help="seconds per kind first")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=32)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: bash scripts/install-test-deps.sh (or make bench)")

    serve_args = ("--workers", str(args.workers), "--threads", str(args.threads))
    env = {"BROWSERCHECK_RATELIMIT": "off"}
    rounds: dict[tuple[str, str], list[Round]] = {}
    sent: dict[tuple[str, str], int] = {}
    stored: dict[tuple[str, str], int] = {}
    with tempfile.TemporaryDirectory(prefix="browsercheck-bench-") as tmp:
        folder = Path(tmp)
        loads = {"reports": write_load(folder), "beacons": write_beacons(folder)}
        targets: dict[str, tuple[str, ...]] = {"reports": (), "beacons": BEACON}
        cluster = PostgresCluster(durable=True)
        try:
            urls = {
                "sqlite": f"sqlite:///{folder / 'sqlite' / 'browsercheck.db'}",
                "postgresql": cluster.create_database("bench"),
            }
            for database, url in urls.items():
                server = LiveServer(
                    folder / database,
                    env={**env, "BROWSERCHECK_DATABASE_URL": url},
                    args=serve_args,
                )
                try:
                    for kind in loads:
                        key = (database, kind)
                        rounds[key] = []
                        warm = run_round(
                            server, loads[kind], args.warmup, args.connections, targets[kind]
                        )
                        sent[key] = warm.requests - warm.not_created
                    for number in range(args.rounds):
                        for kind in loads:
                            key = (database, kind)
                            result = run_round(
                                server, loads[kind], args.seconds, args.connections, targets[kind]
                            )
                            rounds[key].append(result)
                            sent[key] += result.requests - result.not_created
                            print(
                                f"round {number + 1} {database:<10} {kind:<8} "
                                f"{result.rate:8.0f} req/s  p99 {result.p99_ms:6.1f} ms  "
                                f"CPU {result.cpu_ms_per_request:5.2f} ms/req  "
                                f"not done {result.not_created}",
                                file=sys.stderr,
                            )
                finally:
                    server.stop()
                store = ReportStore(url)
                stored[(database, "reports")] = store.count()
                store.close()
                stored[(database, "beacons")] = counted_beacons(url)
        finally:
            cluster.close()

    figures = summarize(rounds, sent, stored, args)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0 if figures["meets_target"] and figures["nothing_lost"] else 1


def summarize(
    rounds: dict[tuple[str, str], list[Round]],
    sent: dict[tuple[str, str], int],
    stored: dict[tuple[str, str], int],
    args: argparse.Namespace,
) -> dict[str, Any]:
    print(
        f"\nPOST /api/v1/beacon vs POST /api/v1/reports, {args.connections} connections, "
        f"{args.workers} workers x {args.threads} threads, {len(user_agents())} User-Agents, "
        f"wrk, {args.rounds} x {args.seconds:g} s per kind, interleaved"
    )
    print(
        f"{'database':<12}{'kind':<22}{'req/s':>9}{'vs reports':>12}{'p50 ms':>9}{'p99 ms':>9}"
        f"{'CPU ms/req':>12}{'not done':>10}{'kept/acked':>18}"
    )
    figures: dict[str, Any] = {"target_ratio": TARGET_RATIO, "databases": {}}
    meets, lost = True, False
    for database in ("sqlite", "postgresql"):
        row: dict[str, Any] = {}
        base = statistics.fmean(r.rate for r in rounds[(database, "reports")])
        for kind, name in (("reports", "reports (baseline)"), ("beacons", "beacons")):
            results = rounds[(database, kind)]
            rate = statistics.fmean(r.rate for r in results)
            requests = max(1, sum(r.requests for r in results))
            row[kind] = {
                "requests_per_s": round(rate, 1),
                "ratio_to_reports": round(rate / base, 2),
                "p50_ms": max(r.p50_ms for r in results),
                "p99_ms": max(r.p99_ms for r in results),
                "server_cpu_ms_per_request": round(
                    sum(r.cpu_seconds for r in results) * 1000 / requests, 3
                ),
                "not_done": sum(r.not_created for r in results),
                "stored": stored[(database, kind)],
                "acknowledged": sent[(database, kind)],
            }
            lost |= stored[(database, kind)] < sent[(database, kind)]
            r = row[kind]
            print(
                f"{database:<12}{name:<22}{rate:>9.0f}{r['ratio_to_reports']:>11.2f}x"
                f"{r['p50_ms']:>9.1f}{r['p99_ms']:>9.1f}{r['server_cpu_ms_per_request']:>12.3f}"
                f"{r['not_done']:>10}{r['stored']:>9}/{r['acknowledged']:<8}"
            )
        ok = row["beacons"]["ratio_to_reports"] >= TARGET_RATIO and row["beacons"]["not_done"] == 0
        row["meets_target"] = ok
        meets &= ok
        figures["databases"][database] = row
    figures["meets_target"] = meets
    figures["nothing_lost"] = not lost
    print(
        f"\nbeacons {'meet' if meets else 'MISS'} the target (>= {TARGET_RATIO:g}x the report "
        f"ingest rate, every answer 204) on "
        + " and ".join(
            f"{db} ({figures['databases'][db]['beacons']['ratio_to_reports']:.2f}x)"
            for db in figures["databases"]
        )
        + f"; every acknowledged beacon and report kept: {'yes' if not lost else 'NO'}"
    )
    return figures


if __name__ == "__main__":
    sys.exit(main())
