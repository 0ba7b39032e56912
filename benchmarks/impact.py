"""Benchmark: ``matrix impact`` over 1,000,000 stored reports in SQLite, under 10 s.

Generates the reports once into an SQLite file that later runs reuse (a realistic mix of
environments: Chrome, Edge, Firefox, Opera, Samsung Internet, Safari on iOS and macOS, in-app
browsers, old Windows and Android, each over a spread of versions weighted to the recent ones,
plus the 2,000 assorted User-Agents of tests/data/user-agents.txt as a tail; every stored
environment is what the detector made of its User-Agent), then times in the same run:

- ours: ``measure_impact(stored_environments(...))``, what ``browsercheck matrix impact`` runs:
  every report streamed from the database, each distinct environment evaluated once per policy;
- baseline: the same reports evaluated one by one through ``explain_policy`` under both
  policies (each stored environment decoded and rebuilt). That is measured on a sample of the
  reports and extrapolated to all of them (said in the output), and the time of streaming every
  row (measured in full) is added, since the baseline has to read them too.

The changed policy is the shipped one with Chrome's minimum raised from 109 to 120 and
Android's from 8 to 10. Ours and the baseline must count the same moves on the sample
(checked). Prints the times and the ratio; exits 1 when ours misses the 10 s target.

    .venv/bin/python benchmarks/impact.py [--reports 1000000] [--sample 20000] [--db PATH] [--fresh]
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from diagnostics.models import Environment  # noqa: E402
from diagnostics.useragent import detect_environment  # noqa: E402
from matrix import explain_policy, load_policy  # noqa: E402
from matrix.impact import measure_impact  # noqa: E402
from matrix.loader import default_policy_path  # noqa: E402
from matrix.policy import Policy  # noqa: E402
from matrix.rules import evaluate_policy  # noqa: E402
from reports.model import CROCKFORD  # noqa: E402
from webapp.storage.impact import stored_environments  # noqa: E402
from webapp.storage.reports import ReportStore  # noqa: E402
from webapp.storage.tables import ReportRow  # noqa: E402

TARGET_SECONDS = 10.0
DAYS = 180
ROOT = Path(__file__).resolve().parent.parent
CHROME = "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{c}.0.0.0"
WIN10, WIN7 = "Windows NT 10.0; Win64; x64", "Windows NT 6.1; Win64; x64"
IOS = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS {u} like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/{v} Mobile/15E148 Safari/604.1"
)
IOS_VERSIONS = "14.8 15.7 15.8 16.1 16.6 16.7 17.1 17.4 17.5 17.6 18.0 18.1 18.3 18.5 18.6"
MAC_SAFARI = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/{v} Safari/605.1.15"
)
SAMSUNG = [(18, 99), (19, 102), (20, 106), (21, 110), (22, 111), (23, 115), (24, 117), (25, 121)]
OPERA = [(90, 104), (95, 109), (100, 114), (105, 119), (110, 124), (114, 128)]

Variant = tuple[str, dict[str, str]]


def _recent(low: int, high: int) -> list[tuple[int, float]]:
    """Majors low..high, each a third more common than the one before (people update)."""
    return [(m, 1.35 ** (m - low)) for m in range(low, high + 1)]


def variants() -> tuple[list[Variant], np.ndarray]:
    """The distinct (User-Agent, client hints) clients and how common each is."""
    out: list[tuple[Variant, float]] = []

    def family(weight: float, items: list[tuple[Variant, float]]) -> None:
        total = sum(w for _, w in items)
        out.extend((v, weight * w / total) for v, w in items)

    def chrome(system: str, c: int, tail: str = "") -> str:
        return f"Mozilla/5.0 ({system}) {CHROME.format(c=c)} Safari/537.36{tail}"

    win11 = {"Sec-CH-UA-Platform": '"Windows"', "Sec-CH-UA-Platform-Version": '"15.0.0"'}
    family(30, [((chrome(WIN10, m), {}), w) for m, w in _recent(100, 131)])
    family(8, [((chrome(WIN10, m), win11), w) for m, w in _recent(110, 131)])
    family(1.5, [((chrome(WIN7, m), {}), w) for m, w in _recent(100, 109)])
    family(9, [((chrome(WIN10, m, f" Edg/{m}.0.0.0"), {}), w) for m, w in _recent(100, 131)])
    firefox = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:{m}.0) Gecko/20100101 Firefox/{m}.0"
    family(5, [((firefox.format(m=m), {}), w) for m, w in _recent(102, 131)])
    family(2, [((chrome(WIN10, c, f" OPR/{o}.0.0.0"), {}), 1.0) for o, c in OPERA])
    android = "Mozilla/5.0 (Linux; Android 10; K) {e} Mobile Safari/537.36"
    family(
        20,
        [((android.format(e=CHROME.format(c=m)), {}), w) for m, w in _recent(100, 131)],
    )
    old_android = "Mozilla/5.0 (Linux; Android {a}; SM-A{n}F) {e} Mobile Safari/537.36"
    family(
        3,
        [
            ((old_android.format(a=a, n=n, e=CHROME.format(c=c)), {}), 1.0)
            for a, n, c in itertools.product((7, 8, 9), (105, 205, 305), (90, 100, 109))
        ],
    )
    samsung = "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) " + (
        "SamsungBrowser/{s}.0 Chrome/{c}.0.0.0 Mobile Safari/537.36"
    )
    family(5, [((samsung.format(s=s, c=c), {}), float(i + 1)) for i, (s, c) in enumerate(SAMSUNG)])
    ios = [
        (IOS.format(u=v.replace(".", "_"), v=v), float(i + 1))
        for i, v in enumerate(IOS_VERSIONS.split())
    ]
    family(14, [((ua, {}), w) for ua, w in ios])
    family(1.5, [((ua + " [FBAN/FBIOS;FBAV/450.0.0.38.109]", {}), w) for ua, w in ios])
    family(
        3, [((MAC_SAFARI.format(v=v), {}), 1.0) for v in ("14.1", "15.6", "16.6", "17.6", "18.1")]
    )
    tail = (ROOT / "tests/data/user-agents.txt").read_text(encoding="utf-8").splitlines()
    family(3, [((ua.strip(), {}), 1.0) for ua in tail if ua.strip() and not ua.startswith("#")])
    weights = np.array([w for _, w in out])
    return [v for v, _ in out], weights / weights.sum()


def _code(number: int) -> str:
    chars = []
    for _ in range(8):
        number, digit = divmod(number, 32)
        chars.append(CROCKFORD[digit])
    return "".join(chars)


def generate(store: ReportStore, count: int, policy: Policy, seed: int = 11) -> int:
    """Insert ``count`` reports with the real table's columns (executemany, one transaction);
    returns the number of distinct clients used."""
    clients, weights = variants()
    rng = np.random.default_rng(seed)
    picks = rng.choice(len(clients), size=count, p=weights)
    now = np.datetime64(datetime.now(UTC).replace(tzinfo=None), "us")
    offsets = rng.integers(0, DAYS * 86400 * 1_000_000, size=count).astype("timedelta64[us]")
    created = np.datetime_as_string(now - offsets, unit="us")
    columns = (
        "code token_hash created_at lang source status browser_family os_family device_type "
        "user_agent environment findings verdict probe context headers finding_ids "
        "context_text outcome"
    ).split()
    sql = f"INSERT INTO reports ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    made: dict[int, tuple[Any, ...]] = {}
    connection = store.engine.raw_connection()
    try:
        cursor = connection.cursor()
        cursor.execute("PRAGMA synchronous=OFF")
        batch: list[tuple[Any, ...]] = []
        for i in range(count):
            pick = int(picks[i])
            if pick not in made:
                ua, hints = clients[pick]
                env = detect_environment(ua, hints)
                verdict = evaluate_policy(policy, env)
                made[pick] = (
                    verdict.status,
                    env.browser.family,
                    env.os.family,
                    env.device.type,
                    ua,
                    orjson.dumps(env.to_dict()).decode(),
                    "[]",
                    orjson.dumps(verdict.to_dict()).decode(),
                )
            status, browser, system, device, ua, env_json, findings, verdict_json = made[pick]
            batch.append(
                (
                    _code(i),
                    "0" * 64,
                    created[i].replace("T", " "),
                    "uk",
                    "web",
                    status,
                    browser,
                    system,
                    device,
                    ua,
                    env_json,
                    findings,
                    verdict_json,
                    "{}",
                    "{}",
                    "{}",
                    "",
                    "",
                    "works" if status == "supported" else "works_with_problems",
                )
            )
            if len(batch) == 50_000:
                cursor.executemany(sql, batch)
                batch.clear()
        if batch:
            cursor.executemany(sql, batch)
        connection.commit()
    finally:
        connection.close()
    return len(made)


def changed_policy(folder: Path) -> Path:
    """The shipped policy with Chrome's minimum 109 -> 120 and Android's 8 -> 10."""
    text = default_policy_path().read_text(encoding="utf-8")
    releases = default_policy_path().parent / "releases.csv"
    for old, new in (
        ("releases: releases.csv", f"releases: {releases}"),
        ("min: 109          # the last Chrome for Windows 7", "min: 120  #"),
        ('  - family: Android\n    min: "8"', '  - family: Android\n    min: "10"'),
    ):
        assert old in text, old
        text = text.replace(old, new, 1)
    path = folder / "changed-policy.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def one_by_one(rows: list[tuple[str, str]], current: Policy, new: Policy) -> Counter[Any]:
    """Baseline: every report's environment rebuilt and explained under both policies."""
    moves: Counter[tuple[str, str]] = Counter()
    for _, stored in rows:
        env = Environment.from_dict(orjson.loads(stored))
        before = explain_policy(current, env).verdict.status
        after = explain_policy(new, env).verdict.status
        if before != after:
            moves[(before, after)] += 1
    return moves


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=20_000, help="reports the baseline times")
    parser.add_argument("--db", type=Path, default=None)
    parser.add_argument("--fresh", action="store_true", help="regenerate the database")
    args = parser.parse_args()
    path = args.db or Path(tempfile.gettempdir()) / f"browsercheck-impact-{args.reports}.db"
    if args.fresh and path.exists():
        os.remove(path)
    current = load_policy()
    with tempfile.TemporaryDirectory(prefix="impact-bench-") as folder:
        new = load_policy(changed_policy(Path(folder)))
    store = ReportStore(f"sqlite:///{path}")
    store.create_schema()
    if store.count() != args.reports:
        print(f"generating {args.reports:,} reports into {path} ...", flush=True)
        started = time.perf_counter()
        with store.session() as session:
            session.query(ReportRow).delete()
            session.commit()
        clients = generate(store, args.reports, current)
        print(f"  {clients:,} distinct clients, in {time.perf_counter() - started:.0f} s")

    load = os.getloadavg()[0]
    started, cpu = time.perf_counter(), time.process_time()
    impact = measure_impact(stored_environments(store), current, new)
    ours, ours_cpu = time.perf_counter() - started, time.process_time() - cpu

    started, cpu = time.perf_counter(), time.process_time()
    streamed = sum(1 for _ in stored_environments(store))
    read_only, read_cpu = time.perf_counter() - started, time.process_time() - cpu
    sample = list(itertools.islice(stored_environments(store), args.sample))
    started, cpu = time.perf_counter(), time.process_time()
    baseline_moves = one_by_one(sample, current, new)
    per_report = (time.perf_counter() - started) / len(sample)
    per_report_cpu = (time.process_time() - cpu) / len(sample)
    store.close()
    baseline = read_only + per_report * impact.reports
    baseline_cpu = read_cpu + per_report_cpu * impact.reports

    sample_impact = measure_impact(sample, current, new)
    consistent = impact.reports == streamed == args.reports and baseline_moves == Counter(
        {(m.from_status, m.to_status): m.count for m in sample_impact.moves}
    )
    print(
        f"reports: {impact.reports:,}; distinct environments evaluated: {impact.environments:,}; "
        f"moved: {impact.moved:,}; CPUs: {os.cpu_count()}; "
        f"load average before ours: {load:.1f}"
    )
    for move in impact.moves:
        browsers = ", ".join(f"{k} {n:,}" for k, n in itertools.islice(move.by_browser.items(), 3))
        systems = ", ".join(f"{k} {n:,}" for k, n in itertools.islice(move.by_os.items(), 3))
        print(f"  {move.from_status} -> {move.to_status}: {move.count:,} ({browsers}; {systems})")
    # CPU seconds beside the wall clock: on a shared machine the wall clock mostly says how
    # busy the other processes were
    print(f"{'ours (measure_impact, grouped)':44} {ours:7.2f} s   (CPU {ours_cpu:.2f} s)")
    print(
        f"{'baseline: one by one through explain_policy':44} {baseline:7.2f} s   "
        f"(CPU {baseline_cpu:.2f} s)   x{baseline / ours:,.1f} ours (CPU x"
        f"{baseline_cpu / ours_cpu:,.1f})"
    )
    print(
        f"  (baseline extrapolated: {per_report * 1e6:.1f} µs per report measured on "
        f"{len(sample):,} reports, x {impact.reports:,}, plus {read_only:.2f} s measured for "
        f"streaming every row, {read_cpu:.2f} s of it CPU)"
    )
    print(f"same moves from both on the sample: {'yes' if consistent else 'NO'}")
    met = ours < TARGET_SECONDS
    print(
        f"target: impact over {args.reports:,} reports in < {TARGET_SECONDS:.0f} s: "
        f"{'met' if met else 'NOT met'} ({ours:.2f} s)"
    )
    return 0 if met and consistent else 1


if __name__ == "__main__":
    sys.exit(main())
