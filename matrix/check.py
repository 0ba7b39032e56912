"""What a valid policy still leaves open: gaps (browsers, devices, platforms no rule covers)
and dead rules (rules that can never match). ``browsercheck matrix check`` prints them."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

import ua_parser

from .baseline import NO_TARGET, target_name
from .policy import DEVICE_TYPES, ENGINE_NAMES, Policy
from .versions import compare_to_bound, format_version

#: Browser families browsercheck's detection names, with the engine each runs on.
KNOWN_BROWSERS: dict[str, str] = {
    "Chrome": "Blink",
    "Chromium": "Blink",
    "Edge": "Blink",
    "Opera": "Blink",
    "Samsung Internet": "Blink",
    "Yandex Browser": "Blink",
    "Brave": "Blink",
    "Vivaldi": "Blink",
    "Firefox": "Gecko",
    "Safari": "WebKit",
    "IE": "Trident",
    "Opera Mini": "Presto",
}
KNOWN_SYSTEMS: tuple[str, ...] = ("Windows", "macOS", "iOS", "Android", "Linux", "Chrome OS")
APP_PLATFORMS: tuple[str, ...] = ("ios", "android")
#: A release table older than this (newest row vs the policy's day) is reported as stale.
STALE_AFTER = timedelta(days=120)


@dataclass(frozen=True, slots=True)
class CheckFinding:
    """One gap, dead rule or note about a valid policy."""

    kind: str  # "gap", "dead" or "note"
    line: int | None
    message: str

    def to_dict(self) -> dict[str, object]:
        return {"kind": self.kind, "line": self.line, "message": self.message}


@cache
def _detected_names() -> tuple[frozenset[str], frozenset[str], str, str]:
    """Literal browser and OS family names of ua-parser's rules, and all their patterns."""
    ua, os_, _ = ua_parser.load_builtins()
    browsers = frozenset(m.family for m in ua if "$" not in m.family)  # type: ignore[attr-defined]
    systems = frozenset(m.family for m in os_ if "$" not in m.family)  # type: ignore[attr-defined]
    return browsers, systems, "\n".join(m.regex for m in ua), "\n".join(m.regex for m in os_)


def _may_be_detected(family: str, literal: frozenset[str], patterns: str) -> bool:
    if family in literal:
        return True
    # A "$1" family comes from the text the pattern captured: look for the name in the patterns.
    loose = r"[\s_-]?".join(re.escape(word) for word in family.split())
    return re.search(rf"(?<![a-z]){loose}(?![a-z])", patterns, re.IGNORECASE) is not None


def policy_findings(policy: Policy) -> list[CheckFinding]:
    """Gaps, dead rules and notes of a valid ``policy``, sorted by line. Pure."""
    found: list[CheckFinding] = []
    browsers, systems, ua_patterns, os_patterns = _detected_names()
    known_browsers = (
        set(KNOWN_BROWSERS)
        | set(policy.releases.browsers())
        | set(policy.in_app.apps if policy.in_app else ())
        | set(policy.in_app.web_views if policy.in_app else ())
    )

    seen: dict[str, int | None] = {}
    for rule in policy.browsers:
        if rule.family in seen:
            found.append(
                CheckFinding(
                    "dead",
                    rule.line,
                    (
                        f"browser rule {rule.family} never matches: line "
                        f"{seen[rule.family]} has the same family and is used first"
                    ),
                )
            )
            continue
        seen[rule.family] = rule.line
        if rule.family not in known_browsers and not _may_be_detected(
            rule.family, browsers, ua_patterns
        ):
            close = difflib.get_close_matches(rule.family, sorted(KNOWN_BROWSERS), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            found.append(
                CheckFinding(
                    "dead",
                    rule.line,
                    (
                        f"browser rule {rule.family} never matches: browsercheck never detects a "
                        f"browser by that name{hint}"
                    ),
                )
            )
        newest = policy.releases.latest(rule.family, policy.as_of)
        bound = policy.browser_min(rule)
        if newest and bound is not None and bound > newest.major:
            found.append(
                CheckFinding(
                    "dead",
                    rule.line,
                    (
                        f"browser rule {rule.family}: min {bound} is above the newest release "
                        f"({newest.major}, {newest.released}); every {rule.family} is unsupported"
                    ),
                )
            )
        if rule.devices is not None and not rule.devices:
            found.append(
                CheckFinding(
                    "dead",
                    rule.line,
                    (f"browser rule {rule.family} allows no device class: it is never supported"),
                )
            )

    for family, engine in KNOWN_BROWSERS.items():
        if family in seen:
            continue
        engine_rule = policy.engine(engine)
        if engine_rule is not None:
            found.append(
                CheckFinding(
                    "note",
                    engine_rule.line,
                    (
                        f"{family} has no browser rule: it is judged by the {engine} engine rule "
                        f"({ENGINE_NAMES.get(engine, engine)} {engine_rule.min} or newer)"
                    ),
                )
            )
        else:
            found.append(
                CheckFinding(
                    "gap",
                    None,
                    (f"no rule covers {family} (engine {engine}): its users get 'unknown'"),
                )
            )

    seen_os: dict[str, int | None] = {}
    for srule in policy.systems:
        if srule.family in seen_os:
            found.append(
                CheckFinding(
                    "dead",
                    srule.line,
                    (
                        f"system rule {srule.family} never matches: line "
                        f"{seen_os[srule.family]} has the same family and is used first"
                    ),
                )
            )
            continue
        seen_os[srule.family] = srule.line
        if srule.family not in KNOWN_SYSTEMS and not _may_be_detected(
            srule.family, systems, os_patterns
        ):
            close = difflib.get_close_matches(srule.family, KNOWN_SYSTEMS, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            found.append(
                CheckFinding(
                    "dead",
                    srule.line,
                    (
                        f"system rule {srule.family} never matches: browsercheck never detects a "
                        f"system by that name{hint}"
                    ),
                )
            )
        if srule.limited and srule.frozen:
            for version in srule.limited.versions:
                if (
                    compare_to_bound(version, srule.frozen) == 0
                    or compare_to_bound(srule.frozen, version) == 0
                ):
                    found.append(
                        CheckFinding(
                            "dead",
                            srule.line,
                            (
                                f"{srule.family}: limited version {format_version(version)} "
                                f"is the frozen value {format_version(srule.frozen)}, which "
                                "is never judged"
                            ),
                        )
                    )
    for family in KNOWN_SYSTEMS:
        if family not in seen_os:
            found.append(
                CheckFinding("note", None, f"no system rule for {family}: any version is accepted")
            )

    allowed = set(policy.devices.allowed)
    for rule in policy.browsers:
        if rule.devices is not None:
            allowed |= set(rule.devices)
    for device in DEVICE_TYPES:
        if device not in allowed and device not in ("bot", "unknown"):
            found.append(
                CheckFinding(
                    "gap",
                    None,
                    (
                        f"no browser is supported on device class '{device}': such users get "
                        f"'{policy.devices.otherwise}'"
                    ),
                )
            )

    platforms: dict[str, int | None] = {}
    for app in policy.apps:
        if app.platform in platforms:
            found.append(
                CheckFinding(
                    "dead",
                    app.line,
                    (
                        f"app rule {app.platform} never matches: line {platforms[app.platform]} is "
                        "used first"
                    ),
                )
            )
        platforms.setdefault(app.platform, app.line)
    for platform in APP_PLATFORMS:
        if platform not in platforms:
            found.append(
                CheckFinding(
                    "gap",
                    None,
                    (f"no app rule for {platform}: reports from that app get 'unknown'"),
                )
            )
    if policy.in_app is None:
        found.append(
            CheckFinding(
                "gap",
                None,
                (
                    "no in_app section: pages opened inside Facebook, Instagram, ... are "
                    "judged like the browser they embed"
                ),
            )
        )

    for family in sorted({r.family for r in policy.browsers if r.evergreen}):
        newest = policy.releases.latest(family, policy.as_of)
        if newest and policy.as_of - newest.released > STALE_AFTER:
            found.append(
                CheckFinding(
                    "gap",
                    None,
                    (
                        f"the release table's newest {family} is {newest.version} of "
                        f"{newest.released}: refresh it (browsercheck matrix releases import), or "
                        "evergreen rules accept versions that are no longer recent"
                    ),
                )
            )
    found.extend(_baseline_findings(policy))
    return sorted(found, key=lambda f: (f.line or 10**9, f.kind))


def _baseline_findings(policy: Policy) -> list[CheckFinding]:
    """What each Baseline target of the policy means in versions, the browser minimums it
    overrules, and a table too old for "widely"/"newly" (they move with the calendar)."""
    found: list[CheckFinding] = []
    table = policy.baseline_table
    used: list[tuple[str, int | None, str | None]] = []
    if policy.baseline:
        used.append((policy.baseline, policy.baseline_line, None))
    used += [(r.baseline, r.line, r.family) for r in policy.browsers if r.baseline]
    for key, line, only in used:
        target = table.target(key) if key != NO_TARGET else None
        if target is None:
            continue
        versions = ", ".join(
            " ".join(
                [family]
                + ([format_version(entry.min)] if entry.min else [])
                + ([f"(Chromium {entry.engine_min})"] if entry.engine_min else [])
            )
            for family, entry in target.families.items()
            if only is None or family == only
        )
        name = target_name(key).en
        found.append(CheckFinding("note", line, f"{name} means: {versions or 'no data'}"))
        if target.as_of and policy.as_of - date.fromisoformat(target.as_of) > STALE_AFTER:
            found.append(
                CheckFinding(
                    "gap",
                    line,
                    f"{name} was counted on {target.as_of}: refresh the Baseline table "
                    "(browsercheck matrix baseline refresh), or it lags behind the calendar",
                )
            )
    if policy.baseline:
        target = table.target(policy.baseline)
        for rule in policy.browsers:
            entry = target.families.get(rule.family) if target and not rule.baseline else None
            if entry and entry.min and rule.min is not None and (rule.min,) < entry.min[:1]:
                found.append(
                    CheckFinding(
                        "note",
                        rule.line,
                        f"browser rule {rule.family}: min {rule.min} is below "
                        f"{target_name(policy.baseline).en}'s {format_version(entry.min)}, "
                        "which decides",
                    )
                )
    return found
