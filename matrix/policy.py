"""The policy's types: statuses, rules, :class:`Policy`, and what evaluating one gives.

:mod:`matrix.rules` evaluates an environment against a :class:`Policy` (``explain_policy``,
``evaluate_policy``); :mod:`matrix.loader` builds one from YAML. These are plain frozen values, so
stored reports (``reports.model``) and storage can use :class:`Verdict` without the evaluator.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from diagnostics.models import Text

from .baseline import BaselineTable
from .releases import ReleaseTable
from .versions import Version, compare_to_bound, format_version

STATUSES: tuple[str, ...] = ("supported", "limited", "unsupported", "unknown")
DEVICE_TYPES: tuple[str, ...] = ("desktop", "mobile", "tablet", "tv", "bot", "unknown")
# How bad a status is when several checks disagree: the worst one wins.
STATUS_SEVERITY = {"supported": 0, "unknown": 1, "limited": 2, "unsupported": 3}
#: Engine names users know (Blink is what Chrome, Edge, Opera ... run on).
ENGINE_NAMES = {"Blink": "Chromium", "Gecko": "Gecko", "WebKit": "WebKit"}
DEVICE_NAMES: dict[str, Text] = {
    "desktop": Text("комп'ютер", "desktop"),
    "mobile": Text("смартфон", "mobile phone"),
    "tablet": Text("планшет", "tablet"),
    "tv": Text("телевізор", "TV"),
    "bot": Text("бот", "bot"),
    "unknown": Text("невідомий", "unknown"),
}
#: The app platform of each OS family (``apps:`` entries of the policy).
APP_PLATFORMS = {"iOS": "ios", "Android": "android"}


@dataclass(frozen=True, slots=True)
class Limited:
    """Versions that work with restrictions: a list of version prefixes and/or a range."""

    reason: Text
    versions: tuple[Version, ...] = ()
    low: Version | None = None
    high: Version | None = None

    def contains(self, version: Version) -> bool:
        """True when ``version`` is one of ``versions`` or within ``low..high`` (inclusive)."""
        if any(compare_to_bound(version, v) == 0 for v in self.versions):
            return True
        if self.low is None and self.high is None:
            return False
        return (self.low is None or compare_to_bound(version, self.low) >= 0) and (
            self.high is None or compare_to_bound(version, self.high) <= 0
        )

    def describe(self) -> str:
        """``"7, 8, 8.1"`` or ``"100-108"``, as the public page shows it."""
        parts = [format_version(v) for v in self.versions]
        if self.low is not None or self.high is not None:
            low = format_version(self.low) if self.low else "…"
            high = format_version(self.high) if self.high else "…"
            parts.append(f"{low}–{high}")
        return ", ".join(parts)


@dataclass(frozen=True, slots=True)
class BrowserRule:
    family: str
    min: int | None = None
    engine_min: int | None = None
    status: str | None = None
    reason: Text | None = None
    download: str | None = None
    evergreen: int | None = None
    limited: Limited | None = None
    devices: tuple[str, ...] | None = None
    line: int | None = None
    #: this family's Baseline target ("2023", "widely", "newly"; "none": not judged by
    #: Baseline), overriding the policy's; None: the policy's
    baseline: str | None = None


@dataclass(frozen=True, slots=True)
class RequiredFeature:
    """A web-features id the policy requires (``requires:``) and the status of a browser whose
    probe says it lacks it."""

    feature: str
    status: str = "unsupported"
    line: int | None = None


@dataclass(frozen=True, slots=True)
class EngineRule:
    """Judges browsers no browser rule names, by their engine's major version."""

    engine: str
    name: Text
    min: int
    limited: Limited | None = None
    line: int | None = None


@dataclass(frozen=True, slots=True)
class SystemRule:
    family: str
    min: Version | None = None
    limited: Limited | None = None
    frozen: Version | None = None
    version_names: dict[str, Version] = field(default_factory=dict)
    engine_follows_os: bool = False
    download: str | None = None
    line: int | None = None


@dataclass(frozen=True, slots=True)
class DevicePolicy:
    allowed: tuple[str, ...] = ("desktop", "mobile", "tablet")
    otherwise: str = "limited"
    reason: Text | None = None


@dataclass(frozen=True, slots=True)
class InAppRule:
    status: str
    reason: Text
    remedy: Text
    apps: tuple[str, ...] = ()
    web_views: tuple[str, ...] = ()
    line: int | None = None


@dataclass(frozen=True, slots=True)
class AppRule:
    """The portal's own app on one platform (``ios`` or ``android``)."""

    platform: str
    min_version: Version
    os_min: Version
    store: str
    line: int | None = None


@dataclass(frozen=True, slots=True)
class Policy:
    browsers: tuple[BrowserRule, ...] = ()
    systems: tuple[SystemRule, ...] = ()
    messages: dict[str, Text] = field(default_factory=dict)
    engines: tuple[EngineRule, ...] = ()
    devices: DevicePolicy = field(default_factory=DevicePolicy)
    in_app: InAppRule | None = None
    apps: tuple[AppRule, ...] = ()
    #: system family (or "default") -> browsers suggested to its users
    recommended: dict[str, tuple[str, ...]] = field(default_factory=dict)
    reasons: dict[str, Text] = field(default_factory=dict)
    remedies: dict[str, Text] = field(default_factory=dict)
    releases: ReleaseTable = field(default_factory=ReleaseTable)
    #: The day "evergreen" rules are counted at (the day the policy was loaded).
    as_of: date = field(default_factory=date.today)
    source: str = "<policy>"
    #: The policy's Baseline target ("2023", "widely", "newly"), None for none, its line, and
    #: the table translating targets into minimum versions (matrix/baseline.json).
    baseline: str | None = None
    baseline_line: int | None = None
    baseline_table: BaselineTable = field(default_factory=BaselineTable)
    #: Web-platform features the probe must find (``requires:``), by web-features id.
    requires: tuple[RequiredFeature, ...] = ()

    def browser(self, family: str) -> BrowserRule | None:
        return next((b for b in self.browsers if b.family == family), None)

    def system(self, family: str) -> SystemRule | None:
        return next((s for s in self.systems if s.family == family), None)

    def engine(self, family: str) -> EngineRule | None:
        return next((e for e in self.engines if e.engine == family), None)

    def app(self, platform: str) -> AppRule | None:
        return next((a for a in self.apps if a.platform == platform), None)

    def browser_min(self, rule: BrowserRule) -> int | None:
        """The lowest supported own major of ``rule``: its ``min`` and its evergreen floor
        (counted from the release table at :attr:`as_of`), the higher of the two."""
        bounds = [rule.min] if rule.min is not None else []
        if rule.evergreen is not None:
            floor = self.releases.evergreen_min(rule.family, rule.evergreen, self.as_of)
            if floor is not None:
                bounds.append(floor)
        return max(bounds) if bounds else None

    def own_min_for_engine(self, rule: BrowserRule) -> int | None:
        """For an ``engine_min`` rule: the browser's own first major on that engine
        (Opera 95 for Chromium 109), from the release table; None when it does not say."""
        if rule.engine_min is None:
            return None
        return self.releases.first_major_on_engine(rule.family, rule.engine_min)

    def fill(self, kind: str, key: str, **values: Any) -> Text:
        """The ``reasons``/``remedies`` template ``key`` with its {placeholders} filled in."""
        template = (self.reasons if kind == "reasons" else self.remedies)[key]
        return fill_text(template, values)


def fill_text(template: Text, values: dict[str, Any]) -> Text:
    """Fill ``{name}`` placeholders of both languages; a value may itself be a Text."""

    def one(text: str, lang: str) -> str:
        filled = {
            k: ("" if v is None else v.get(lang) if isinstance(v, Text) else str(v))
            for k, v in values.items()
        }
        return text.format_map(_Blank(filled))

    return Text(one(template.uk, "uk"), one(template.en, "en"))


class _Blank(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return ""


@dataclass(frozen=True, slots=True)
class Verdict:
    """The policy's answer for one environment, with the rule that decided it and why."""

    status: str
    rule: str
    reasons: tuple[Text, ...] = ()
    remedies: tuple[Text, ...] = ()
    message: Text | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "rule": self.rule,
            "message": self.message.to_dict() if self.message else None,
            "reasons": [r.to_dict() for r in self.reasons],
            "remedies": [r.to_dict() for r in self.remedies],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Verdict:
        return cls(
            status=data["status"],
            rule=data["rule"],
            reasons=tuple(Text(**r) for r in data.get("reasons", [])),
            remedies=tuple(Text(**r) for r in data.get("remedies", [])),
            message=Text(**data["message"]) if data.get("message") else None,
        )


@dataclass(frozen=True, slots=True)
class Check:
    """One rule applied to one environment: its status, why, and the user-facing texts."""

    rule: str
    status: str
    why: Text
    reason: Text | None = None
    remedy: Text | None = None
    line: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "status": self.status,
            "why": self.why.to_dict(),
            "line": self.line,
            "reason": self.reason.to_dict() if self.reason else None,
            "remedy": self.remedy.to_dict() if self.remedy else None,
        }


@dataclass(frozen=True, slots=True)
class Explanation:
    """A verdict with every check behind it, in the order they ran."""

    verdict: Verdict
    checks: tuple[Check, ...]

    def to_dict(self) -> dict[str, Any]:
        return {**self.verdict.to_dict(), "checks": [c.to_dict() for c in self.checks]}
