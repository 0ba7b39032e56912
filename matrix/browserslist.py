"""Compare a browserslist query ("> 0.5%, last 2 versions, not dead") with the policy.

Build time only: :func:`resolve_query` runs the real ``browserslist`` npm package through Node.js
(``npm ci`` installs it from ``package.json``); :func:`compare_query` is pure and turns its
answer (``["chrome 109", "ios_saf 18.5-18.7", "op_mini all", ...]``) into per-family minimums
next to what the policy says, with the YAML a support manager can paste into the policy.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .policy import Policy
from .versions import Version, format_version, parse_version

#: browserslist agent -> (kind, our family). Agents not here are reported as not mapped.
AGENTS: dict[str, tuple[str, str]] = {
    "chrome": ("browser", "Chrome"),
    "and_chr": ("browser", "Chrome"),
    "edge": ("browser", "Edge"),
    "firefox": ("browser", "Firefox"),
    "and_ff": ("browser", "Firefox"),
    "safari": ("browser", "Safari"),
    "ios_saf": ("system", "iOS"),  # Safari on iOS: its version is the iOS version
    "samsung": ("browser", "Samsung Internet"),
    "opera": ("browser", "Opera"),
    "op_mini": ("browser", "Opera Mini"),
    "ie": ("browser", "IE"),
    "android": ("browser", "Chrome WebView"),
    "and_uc": ("browser", "UC Browser"),
}
#: Families whose browserslist versions are their own numbers, not Chromium's.
OWN_NUMBERS = ("Samsung Internet", "Opera")


class BrowserslistError(RuntimeError):
    """browserslist could not be run, or rejected the query (its message is kept)."""


@dataclass(frozen=True, slots=True)
class QueryResult:
    """What browserslist answered, and which versions of it and its data did."""

    query: str
    browsers: tuple[str, ...]
    browserslist: str = ""
    caniuse_lite: str | None = None


def resolve_query(query: str, script: Path, timeout: float = 60) -> QueryResult:
    """Resolve ``query`` with the browserslist package via ``node script`` (build time only)."""
    node = shutil.which("node")
    if node is None:
        raise BrowserslistError("Node.js is not installed: install it, then run npm ci")
    if not script.exists():
        raise BrowserslistError(f"{script} is missing: run this from a source checkout")
    try:
        done = subprocess.run(  # noqa: S603 - fixed program, the query is one argument
            [node, str(script), query],
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=script.parent,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise BrowserslistError(f"browserslist took over {timeout:.0f} s") from exc
    if done.returncode != 0:
        message = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "failed"
        if "Cannot find module 'browserslist'" in done.stderr:
            message = "the browserslist package is not installed: run npm ci"
        raise BrowserslistError(message)
    data = json.loads(done.stdout)
    return QueryResult(
        query, tuple(data["browsers"]), data.get("browserslist", ""), data.get("caniuse_lite")
    )


@dataclass(frozen=True, slots=True)
class Comparison:
    """One family: the lowest version the query includes, and the policy's rule for it."""

    kind: str  # "browser" or "system"
    family: str
    query_min: str  # "109", "18.5", "all"
    policy: str  # "min 109", "engine_min 109 (Opera 95)", "unsupported", "no rule"
    verdict: str  # "same", "policy is wider", "policy is narrower", "conflict", "not covered"
    engine_min: int | None = None  # for own-number browsers: the Chromium version it means


def _lowest(versions: Iterable[str]) -> str:
    if "all" in versions:
        return "all"
    parsed = [(parse_version(v.split("-")[0]) or (0,), v.split("-")[0]) for v in versions]
    return min(parsed)[1]


def _compare(query: Version, policy: Version) -> str:
    if query == policy:
        return "same"
    return "policy is wider" if policy < query else "policy is narrower"


def compare_query(result: QueryResult, policy: Policy) -> tuple[list[Comparison], list[str]]:
    """Per family, the query's lowest version against the policy; and the agents not mapped."""
    by_family: dict[tuple[str, str], list[str]] = {}
    unmapped: list[str] = []
    for entry in result.browsers:
        agent, _, version = entry.partition(" ")
        if agent not in AGENTS:
            unmapped.append(entry)
            continue
        by_family.setdefault(AGENTS[agent], []).append(version)
    out = []
    for (kind, family), versions in sorted(by_family.items(), key=lambda kv: kv[0][::-1]):
        lowest = _lowest(versions)
        out.append(_compare_family(kind, family, lowest, policy))
    return out, unmapped


def _compare_family(kind: str, family: str, lowest: str, policy: Policy) -> Comparison:
    if kind == "system":
        srule = policy.system(family)
        query_version = parse_version(lowest) or (0,)
        if srule is None or srule.min is None:
            return Comparison(kind, family, lowest, "no rule", "policy is wider")
        return Comparison(
            kind,
            family,
            lowest,
            f"min {format_version(srule.min)}",
            _compare(query_version[: len(srule.min)], srule.min),
        )
    rule = policy.browser(family)
    if rule is None:
        blink = policy.engine("Blink")
        covered = f"engine rule Chromium {blink.min}" if blink else "no rule"
        return Comparison(kind, family, lowest, covered, "not covered")
    if rule.status:
        conflict = rule.status == "unsupported"
        return Comparison(kind, family, lowest, rule.status, "conflict" if conflict else "same")
    if lowest == "all":
        return Comparison(kind, family, lowest, "versioned", "policy is narrower")
    own = parse_version(lowest) or (0,)
    if family in OWN_NUMBERS and rule.engine_min is not None:
        release = next((r for r in policy.releases.of(family) if r.major == own[0]), None)
        engine = release.engine_major if release else None
        shown = policy.own_min_for_engine(rule)
        policy_text = f"engine_min {rule.engine_min}" + (f" ({family} {shown})" if shown else "")
        if engine is None:
            return Comparison(
                kind, family, lowest, policy_text, "unknown (not in the release table)"
            )
        return Comparison(
            kind, family, lowest, policy_text, _compare((engine,), (rule.engine_min,)), engine
        )
    minimum = policy.browser_min(rule)
    if minimum is None:
        return Comparison(kind, family, lowest, "any version", "policy is wider")
    return Comparison(kind, family, lowest, f"min {minimum}", _compare((own[0],), (minimum,)))


def suggested_yaml(comparisons: Iterable[Comparison]) -> str:
    """The query's minimums as policy YAML lines (browsers, then systems) to review and paste."""
    browsers, systems = [], []
    for c in comparisons:
        if c.query_min == "all" or c.verdict in ("not covered", "conflict"):
            continue  # a fixed status or no rule: for the support manager to decide
        if c.kind == "system":
            systems.append(f'  - family: {c.family}\n    min: "{c.query_min}"')
        elif c.engine_min is not None:
            browsers.append(
                f"  - family: {c.family}\n    engine_min: {c.engine_min}"
                f"   # {c.family} {c.query_min}"
            )
        elif c.family not in OWN_NUMBERS:
            browsers.append(f"  - family: {c.family}\n    min: {c.query_min.split('.')[0]}")
    parts = []
    if browsers:
        parts.append("browsers:\n" + "\n".join(browsers))
    if systems:
        parts.append("systems:\n" + "\n".join(systems))
    return "\n".join(parts) + "\n"
