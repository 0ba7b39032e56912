"""What the policy costs per request and per load, against baselines measured in the same run.

- evaluation: ``explain_policy`` on detected environments vs parsing the same User-Agents with
  ua-parser (uncached), the other per-request step of a verdict;
- loading: ``read_policy`` (YAML with line numbers, JSON Schema, checks, release table) vs a
  plain ``yaml.safe_load`` of the same file.

Run: ``.venv/bin/python benchmarks/matrix_policy.py``. Prints ratios only: absolute times depend
on the machine.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import ua_parser
import yaml

from diagnostics.useragent import detect_environment
from matrix import default_policy_path, explain_policy, load_policy, read_policy

UAS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 6.1; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/109.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.1 Safari/605.1.15",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) CriOS/120.0.6099.119 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 13; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) "
    "SamsungBrowser/23.0 Chrome/115.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:115.0) Gecko/20100101 Firefox/115.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Safari/537.36 Vivaldi/6.5.3206.48",
    "Mozilla/5.0 (Windows NT 10.0; WOW64; Trident/7.0; rv:11.0) like Gecko",
    "SomethingElse/1.0",
]


def per_call(func: Callable[[], object], rounds: int) -> float:
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(rounds):
            func()
        best = min(best, (time.perf_counter() - start) / rounds)
    return best


def main() -> None:
    policy = load_policy()
    envs = [detect_environment(ua) for ua in UAS]
    parser = ua_parser.Parser(ua_parser.BestAvailableResolver(ua_parser.load_builtins()))
    evaluate = per_call(lambda: [explain_policy(policy, env) for env in envs], 300)
    parse = per_call(lambda: [parser.parse(ua) for ua in UAS], 30)
    print(
        f"evaluation of {len(UAS)} environments: {evaluate / parse:.3f}x the time of parsing "
        f"their User-Agents with ua-parser (baseline 1.0)"
    )
    text = default_policy_path().read_text(encoding="utf-8")
    load = per_call(lambda: read_policy(), 10)
    plain = per_call(lambda: yaml.safe_load(text), 10)
    print(
        f"checked policy load (schema, lines, release table): {load / plain:.1f}x a plain "
        f"yaml.safe_load of the same file (baseline 1.0); cached per file, mtime and day"
    )


if __name__ == "__main__":
    main()
