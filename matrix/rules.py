"""Evaluate an :class:`~diagnostics.models.Environment` against a policy into a :class:`Verdict`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from diagnostics.models import Environment, Text

STATUSES: tuple[str, ...] = ("supported", "limited", "unsupported", "unknown")
# How bad a status is when several checks disagree: the worst one wins.
_SEVERITY = {"supported": 0, "unknown": 1, "limited": 2, "unsupported": 3}


@dataclass(frozen=True, slots=True)
class BrowserRule:
    family: str
    min: int | None = None
    engine_min: int | None = None
    status: str | None = None
    reason: Text | None = None
    download: str | None = None


@dataclass(frozen=True, slots=True)
class SystemRule:
    family: str
    min: int | None = None
    limited: tuple[int, ...] = ()
    frozen: str | None = None
    reason: Text | None = None


@dataclass(frozen=True, slots=True)
class Policy:
    browsers: tuple[BrowserRule, ...] = ()
    systems: tuple[SystemRule, ...] = ()
    messages: dict[str, Text] = field(default_factory=dict)

    def browser(self, family: str) -> BrowserRule | None:
        return next((b for b in self.browsers if b.family == family), None)

    def system(self, family: str) -> SystemRule | None:
        return next((s for s in self.systems if s.family == family), None)


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


def _engine_major(env: Environment) -> int | None:
    version = env.engine.version or ""
    head = version.split(".")[0]
    # isdecimal, not isdigit: "²" is a digit that int() refuses
    return int(head) if head.isdecimal() and len(head) <= 9 else None


def _update_remedy(rule: BrowserRule) -> Text:
    link = f" {rule.download}" if rule.download else ""
    return Text(
        f"Оновіть {rule.family} до останньої версії:{link}",
        f"Update {rule.family} to its latest version:{link}",
    )


def _check_browser(policy: Policy, env: Environment) -> tuple[str, str, Text | None, Text | None]:
    family, major = env.browser.family, env.browser.major
    rule = policy.browser(family)
    if rule is None:
        return "unknown", "browser:unlisted", Text(
            f"Браузер «{family}» відсутній у переліку підтримуваних.",
            f"The browser \"{family}\" is not in the list of supported browsers.",
        ), None
    rid = f"browser:{family}"
    if rule.status:
        return rule.status, rid, rule.reason, None
    if rule.engine_min is not None:
        engine_major = _engine_major(env)
        if engine_major is None:
            return "unknown", rid, None, None
        if engine_major < rule.engine_min:
            return "unsupported", rid, Text(
                f"{family} на рушії Chromium {engine_major} застарів (потрібен {rule.engine_min}+).",
                f"{family} on Chromium {engine_major} is outdated (needs {rule.engine_min}+).",
            ), _update_remedy(rule)
        return "supported", rid, None, None
    if rule.min is not None:
        if major is None:
            return "unknown", rid, None, None
        if major < rule.min:
            return "unsupported", rid, Text(
                f"{family} {major} застарів: потрібна версія {rule.min} або новіша.",
                f"{family} {major} is outdated: version {rule.min} or newer is needed.",
            ), _update_remedy(rule)
    return "supported", rid, None, None


def _check_system(policy: Policy, env: Environment) -> tuple[str, str, Text | None, Text | None]:
    family, major = env.os.family, env.os.major
    rule = policy.system(family)
    if rule is None:
        return "supported", "os:unlisted", None, None
    rid = f"os:{family}"
    if env.os.approximate or major is None:
        # A frozen or missing version is a lower bound only: never condemn on it.
        return "supported", rid, None, None
    if major in rule.limited:
        return "limited", rid, rule.reason, Text(
            f"Оновіть {family} до версії {rule.min} або новішої.",
            f"Upgrade {family} to version {rule.min} or newer.",
        )
    if rule.min is not None and major < rule.min:
        return "unsupported", rid, Text(
            f"{family} {env.os.version or major} застаріла: потрібна версія {rule.min} або новіша.",
            f"{family} {env.os.version or major} is outdated: version {rule.min} or newer is needed.",
        ), Text(
            f"Оновіть {family} або скористайтеся іншим пристроєм.",
            f"Upgrade {family} or use another device.",
        )
    return "supported", rid, None, None


def evaluate_policy(policy: Policy, env: Environment) -> Verdict:
    """Evaluate ``env`` against ``policy``.

    Returns the worst verdict of the browser rule and the OS rule, naming the rule that decided
    it, with every reason and remedy that applied. Deterministic; never raises.
    """
    if env.is_bot:
        return Verdict(
            "unknown", "bot",
            (Text("Це автоматизований клієнт, а не браузер.", "This is an automated client, not a browser."),),
            (), policy.messages.get("unknown"),
        )
    checks = [_check_browser(policy, env), _check_system(policy, env)]
    worst = max(checks, key=lambda c: _SEVERITY[c[0]])
    status = worst[0]
    reasons = tuple(c[2] for c in checks if c[2] is not None and c[0] != "supported")
    remedies = tuple(c[3] for c in checks if c[3] is not None and c[0] != "supported")
    return Verdict(status, worst[1], reasons, remedies, policy.messages.get(status))
