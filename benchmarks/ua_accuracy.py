"""Accuracy of our UA detection against ua-parser's labelled fixtures, next to bare user-agents.

Usage: python benchmarks/ua_accuracy.py [--fixtures DIR] [--summary]

Two comparisons, both over uap-core's test_ua.yaml (browser family, major), test_os.yaml (OS
family, major) and test_device.yaml (device family; brand and model):

1. raw: the ua-parser-level fields as user-agents exposes them, ``user_agents.parse`` (legacy
   pure-Python ua-parser) against our :class:`FastUserAgent` (the same rules run by ua-parser's
   fastest resolver), each against the fixture's label as written.
2. normalised: our Environment (``detect_environment`` on the UA alone) against the label put
   through the same normalisation we apply (``Mobile Safari`` -> ``Safari``, ``Mac OS X`` ->
   ``macOS``, integer majors, Windows XP -> 5 ...), with bare user-agents' answer normalised
   the same way as the baseline. Device: brand and model (type has no label upstream).

3. per cause: our labelled set (tests/data/labelled_environments.yaml), whose cases carry the
   client hints, probe fields and X-Requested-With headers the UA alone lacks; each issue-16
   case names its ``cause`` (unquoted hints, platform missing, JS form, X-Requested-With,
   tablets, emulation, desktop site). Per cause and field (browser family and major, OS family
   and major, device type, in-app) the cases that pin the field are scored: ours with every
   signal, bare user-agents with the UA (all it reads).

Every disagreement with the label is listed by category (field, label -> answer). The exit
status is 1 when ours is worse than bare user-agents on any field.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from user_agents import parse as bare_parse

from diagnostics.useragent import (
    EnvironmentDetector,
    normalise_browser,
    normalise_os,
    parse_user_agent,
)

LABELLED = Path(__file__).resolve().parents[1] / "tests" / "data" / "labelled_environments.yaml"

DEFAULT_FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "uap-core"
if not DEFAULT_FIXTURES.is_dir():  # a worktree under /work/wt/<name>/: shared/ is two levels up
    DEFAULT_FIXTURES = Path(__file__).resolve().parents[3] / "shared" / "fixtures" / "uap-core"


#: UA parts we correct on purpose (Chrome's reduced "Android 10; K", Safari 26's frozen
#: "OS 18_6"): a label that repeats the frozen value disagrees with us by design.
FROZEN_MARKS = ("Android 10; K)", "Android 10; K;", "OS 18_6 like Mac OS X")


@dataclass
class FieldScore:
    name: str
    cases: int = 0
    bare: int = 0
    ours: int = 0
    #: (category, label, bare's answer, our answer) -> UAs
    misses: dict[tuple[str, str, str, str], list[str]] = field(
        default_factory=lambda: defaultdict(list)
    )

    def add(self, ua: str, label: Any, bare: Any, ours: Any) -> None:
        self.cases += 1
        self.bare += bare == label
        self.ours += ours == label
        if bare == label and ours == label:
            return
        if bare != label and ours != label:
            category = "both differ from the label"
        elif ours != label:
            category = "only ours differs"
            if any(mark in ua for mark in FROZEN_MARKS):
                category += " (a frozen UA value we correct on purpose)"
        else:
            category = "only bare differs"
        self.misses[(category, repr(label), repr(bare), repr(ours))].append(ua)


def _load(fixtures: Path, name: str) -> list[dict[str, Any]]:
    return yaml.safe_load((fixtures / name).read_text(encoding="utf-8"))["test_cases"]


def _major_text(version: tuple[Any, ...]) -> str | None:
    return str(version[0]) if version else None


def score(fixtures: Path) -> list[FieldScore]:
    """Score bare user-agents and ours on every field of both comparisons."""
    ua_cases = _load(fixtures, "test_ua.yaml")
    os_cases = _load(fixtures, "test_os.yaml")
    device_cases = _load(fixtures, "test_device.yaml")
    detector = EnvironmentDetector()
    bare_answers: dict[str, Any] = {}  # each UA through bare user-agents once, for both passes

    def bare(ua: str) -> Any:
        if ua not in bare_answers:
            bare_answers[ua] = bare_parse(ua)
        return bare_answers[ua]

    cases_of = {"browser": ua_cases, "os": os_cases, "device": device_cases}
    scores = []
    # raw: the same getter reads user-agents' object and FastUserAgent (they share the API).
    raw_fields = [
        ("browser", "family"),
        ("browser", "major"),
        ("os", "family"),
        ("os", "major"),
        ("device", "family"),
    ]
    for part, attr in raw_fields:
        fs = FieldScore(f"raw {part}.{attr}")
        for case in cases_of[part]:
            ua = case["user_agent_string"]
            answers = [getattr(parsed, part) for parsed in (bare(ua), parse_user_agent(ua))]
            if attr == "major":
                answers = [_major_text(answer.version) for answer in answers]
            else:
                answers = [answer.family for answer in answers]
            fs.add(ua, case[attr], *answers)
        scores.append(fs)

    def label_of(part: str, c: dict[str, Any]) -> Any:
        if part == "device":
            return c["brand"], c["model"]
        normalise = normalise_browser if part == "browser" else normalise_os
        return normalise(c["family"], c["major"], c["minor"], c["patch"], c.get("patch_minor"))

    def bare_of(part: str, parsed: Any) -> Any:
        if part == "device":
            return parsed.device.brand, parsed.device.model
        raw = getattr(parsed, part)
        normalise = normalise_browser if part == "browser" else normalise_os
        return normalise(raw.family, *([str(x) for x in raw.version] + [None] * 3)[:3])

    def ours_of(part: str, env: Any) -> Any:
        return (env.device.brand, env.device.model) if part == "device" else getattr(env, part)

    norm_fields = [
        ("browser", "family"),
        ("browser", "major"),
        ("os", "family"),
        ("os", "major"),
        ("device", None),
    ]
    for part, attr in norm_fields:
        fs = FieldScore(f"normalised {part}.{attr or 'brand+model'}")
        for case in cases_of[part]:
            ua = case["user_agent_string"]
            answers = [
                label_of(part, case),
                bare_of(part, bare(ua)),
                ours_of(part, detector.detect(ua)),
            ]
            if attr:
                answers = [getattr(answer, attr) for answer in answers]
            fs.add(ua, *answers)
        scores.append(fs)
    detector.close()
    return scores


#: (field name, how to read it from an Environment.to_dict()-shaped dict)
LABELLED_FIELDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("browser.family", ("browser", "family")),
    ("browser.major", ("browser", "major")),
    ("os.family", ("os", "family")),
    ("os.major", ("os", "major")),
    ("device.type", ("device", "type")),
    ("in_app", ("in_app",)),
)
_MISSING = object()


def _get(data: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(data, dict) or key not in data:
            return _MISSING
        data = data[key]
    return data


def _bare_environment(ua: str) -> dict[str, Any]:
    """Bare user-agents' answer in our Environment's shape (normalised like ours)."""
    parsed = bare_parse(ua)
    browser = normalise_browser(
        parsed.browser.family, *([str(x) for x in parsed.browser.version] + [None] * 3)[:3]
    )
    os_ = normalise_os(parsed.os.family, *([str(x) for x in parsed.os.version] + [None] * 3)[:3])
    kind = (
        "bot"
        if parsed.is_bot
        else "tablet"
        if parsed.is_tablet
        else "mobile"
        if parsed.is_mobile
        else "desktop"
        if parsed.is_pc
        else "unknown"
    )
    return {
        "browser": browser.to_dict(),
        "os": os_.to_dict(),
        "device": {"type": kind},
        "in_app": None,  # user-agents knows no in-app browsers
    }


def score_labelled(path: Path = LABELLED) -> list[FieldScore]:
    """Per cause and field, our answer (all signals) and bare user-agents' (the UA) against
    the labelled cases that pin that field."""
    cases = yaml.safe_load(path.read_text(encoding="utf-8"))
    detector = EnvironmentDetector()
    scores: dict[str, FieldScore] = {}
    for case in cases:
        ours = detector.detect(case["ua"], case.get("headers"), case.get("probe")).to_dict()
        bare = _bare_environment(case["ua"])
        hinted = bool(case.get("headers") or (case.get("probe") or {}).get("userAgentData"))
        groups = [case.get("cause") or "earlier cases"]
        if hinted:
            groups.append("all cases with hints")
        for group in groups:
            for name, where in LABELLED_FIELDS:
                label = _get(case["expect"], where)
                if label is _MISSING:
                    continue
                key = f"{group}: {name}"
                fs = scores.setdefault(key, FieldScore(key))
                fs.add(case["ua"], label, _get(bare, where), _get(ours, where))
    detector.close()
    # causes in the order the labelled set introduces them, then the rest, then the totals
    causes = [c["cause"] for c in cases if c.get("cause")]
    groups = [*dict.fromkeys(causes), "earlier cases", "all cases with hints"]
    order = {group: i for i, group in enumerate(groups)}
    return sorted(scores.values(), key=lambda fs: (order.get(fs.name.split(":")[0], len(order)), 0))


def report(scores: list[FieldScore], summary_only: bool) -> bool:
    """Print the table and the disagreements; True when ours >= bare on every field."""
    ok = True
    if not summary_only:
        for fs in scores:
            if not fs.misses:
                continue
            print(f"\n## {fs.name}: disagreements with the label, by category")
            for (category, label, bare, ours), uas in sorted(fs.misses.items()):
                print(f"- {category}: label {label}, bare {bare}, ours {ours} ({len(uas)})")
                for ua in uas:
                    print(f"    {ua}")
    print("\n## Summary (cases where the answer equals the label)")
    width = max([34] + [len(fs.name) for fs in scores])
    print(f"{'field':{width}} {'cases':>6} {'bare user-agents':>18} {'ours':>18} {'ours-bare':>9}")
    for fs in scores:
        print(
            f"{fs.name:{width}} {fs.cases:6d} {fs.bare:8d} ({fs.bare / fs.cases:6.2%})"
            f" {fs.ours:8d} ({fs.ours / fs.cases:6.2%}) {fs.ours - fs.bare:+9d}"
        )
        ok = ok and fs.ours >= fs.bare
    print("\nours is at least as good as bare user-agents on every field:", "yes" if ok else "NO")
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--fixtures",
        type=Path,
        default=DEFAULT_FIXTURES,
        help="folder with uap-core's test_ua.yaml, test_os.yaml, test_device.yaml",
    )
    parser.add_argument(
        "--labelled", type=Path, default=LABELLED, help="our labelled environments (YAML)"
    )
    parser.add_argument("--summary", action="store_true", help="only the summary table")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    scores = score(args.fixtures)
    ok = report(scores, args.summary)
    print("\n# Labelled set, per cause (ours: UA + hints + probe + headers; bare: the UA)")
    ok = report(score_labelled(args.labelled), args.summary) and ok
    print(f"({time.perf_counter() - started:.1f} s; fixtures: {args.fixtures})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
