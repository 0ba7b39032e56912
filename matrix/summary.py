"""The policy as people and pages read it: the compact JSON of ``GET /api/v1/matrix`` and the
rows of the public "Supported browsers and systems" page. Pure; both come from one Policy."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from diagnostics.models import Text

from .policy import DEVICE_NAMES, ENGINE_NAMES, BrowserRule, Limited, Policy, SystemRule
from .versions import format_version

STATUS_NAMES: dict[str, Text] = {
    "supported": Text("підтримується", "supported"),
    "limited": Text("працює з обмеженнями", "limited support"),
    "unsupported": Text("не підтримується", "not supported"),
    "unknown": Text("не перевірено", "not tested"),
}


def _limited_json(limited: Limited | None) -> dict[str, Any] | None:
    if limited is None:
        return None
    out: dict[str, Any] = {}
    if limited.versions:
        out["versions"] = [format_version(v) for v in limited.versions]
    if limited.low:
        out["from"] = format_version(limited.low)
    if limited.high:
        out["to"] = format_version(limited.high)
    return out


def policy_summary(policy: Policy) -> dict[str, Any]:
    """The compact JSON the in-page banner and the QA runner read.

    ``browsers[family]``: ``min`` (own major; evergreen already counted), ``engine_min``
    (Chromium major: when present it decides, read it from the ``Chrome/NNN`` UA token),
    ``display_min`` (the own version an engine minimum means, for showing only), ``status``
    (a fixed verdict), ``download``. ``engines``: minimum major per engine for unlisted
    browsers. ``systems[family]``: ``min``, ``limited``, ``frozen`` (a UA showing this version
    is a lower bound: never "unsupported"). ``messages``: per status, uk and en. ``requires``:
    the web-features ids the policy requires (the probe checks exactly these); ``baseline``: its
    Baseline target or null.
    """
    browsers: dict[str, dict[str, Any]] = {}
    for rule in policy.browsers:
        entry: dict[str, Any] = {}
        if rule.status:
            entry["status"] = rule.status
        if (minimum := policy.browser_min(rule)) is not None:
            entry["min"] = minimum
        if rule.engine_min is not None:
            entry["engine_min"] = rule.engine_min
            if (own := policy.own_min_for_engine(rule)) is not None:
                entry["display_min"] = own
        if (limited := _limited_json(rule.limited)) is not None:
            entry["limited"] = limited
        if rule.devices is not None:
            entry["devices"] = list(rule.devices)
        if rule.download:
            entry["download"] = rule.download
        browsers.setdefault(rule.family, entry)
    systems: dict[str, dict[str, Any]] = {}
    for srule in policy.systems:
        entry = {}
        if srule.min:
            entry["min"] = format_version(srule.min)
        if (limited := _limited_json(srule.limited)) is not None:
            entry["limited"] = limited
        if srule.frozen:
            entry["frozen"] = format_version(srule.frozen)
        if srule.engine_follows_os:
            entry["engine_follows_os"] = True
        systems.setdefault(srule.family, entry)
    return {
        "version": 1,
        "as_of": policy.as_of.isoformat(),
        "browsers": browsers,
        "unsupported": [r.family for r in policy.browsers if r.status == "unsupported"],
        "engines": {e.engine: e.min for e in policy.engines},
        "systems": systems,
        "devices": list(policy.devices.allowed),
        "in_app": policy.in_app.status if policy.in_app else None,
        "apps": {
            a.platform: {
                "min_version": format_version(a.min_version),
                "os_min": format_version(a.os_min),
                "store": a.store,
            }
            for a in policy.apps
        },
        "messages": {status: text.to_dict() for status, text in policy.messages.items()},
        # the web-features ids the probe tests (probes/probe.js FEATURES), and the Baseline target
        "requires": [r.feature for r in policy.requires],
        "baseline": policy.baseline,
    }


@dataclass(frozen=True, slots=True)
class Row:
    """One line of the public page: a name, what is required, notes, a link."""

    name: str
    status: str
    requirement: Text
    notes: tuple[Text, ...] = ()
    link: str | None = None


def _or_newer(version: str) -> Text:
    return Text(f"{version} або новіша", f"{version} or newer")


def browser_row(policy: Policy, rule: BrowserRule) -> Row:
    """The public page's row for one browser rule."""
    notes: list[Text] = []
    if rule.status:
        requirement = STATUS_NAMES[rule.status]
        if rule.reason:
            notes.append(rule.reason)
        return Row(rule.family, rule.status, requirement, tuple(notes), None)
    minimum = policy.browser_min(rule)
    if rule.engine_min is not None:
        own = policy.own_min_for_engine(rule)
        engine = f"Chromium {rule.engine_min}"
        requirement = (
            Text(f"{own} або новіша (на основі {engine}+)", f"{own} or newer (built on {engine}+)")
            if own is not None
            else Text(f"на основі {engine} або новішого", f"built on {engine} or newer")
        )
    elif minimum is not None:
        requirement = _or_newer(str(minimum))
    else:
        requirement = Text("будь-яка версія", "any version")
    if rule.evergreen:
        notes.append(
            Text(
                f"Останні {rule.evergreen} основні версії.",
                f"The last {rule.evergreen} major versions.",
            )
        )
    if rule.limited:
        notes.append(
            Text(
                f"Версії {rule.limited.describe()}: {rule.limited.reason.uk}",
                f"Versions {rule.limited.describe()}: {rule.limited.reason.en}",
            )
        )
    if rule.devices is not None:  # the policy-wide device classes are shown once, below
        devices = rule.devices
        notes.append(
            Text(
                "Пристрої: " + ", ".join(DEVICE_NAMES[d].uk for d in devices),
                "Devices: " + ", ".join(DEVICE_NAMES[d].en for d in devices),
            )
        )
    return Row(rule.family, "supported", requirement, tuple(notes), rule.download)


def system_row(rule: SystemRule) -> Row:
    """The public page's row for one operating-system rule."""
    requirement = (
        _or_newer(format_version(rule.min)) if rule.min else Text("будь-яка версія", "any version")
    )
    notes: list[Text] = []
    if rule.limited:
        notes.append(
            Text(
                f"{rule.limited.describe()}: {rule.limited.reason.uk}",
                f"{rule.limited.describe()}: {rule.limited.reason.en}",
            )
        )
    if rule.engine_follows_os:
        notes.append(
            Text(
                f"Усі браузери на {rule.family} працюють на системному рушії: важлива версія "
                f"{rule.family}.",
                f"Every browser on {rule.family} runs the system's engine: the {rule.family} "
                "version is what counts.",
            )
        )
    if rule.frozen:
        frozen = format_version(rule.frozen)
        notes.append(
            Text(
                f"Браузери можуть показувати {rule.family} {frozen} навіть на новішій системі; "
                "таку версію ми не вважаємо застарілою.",
                f"Browsers may report {rule.family} {frozen} even on a newer system; we never "
                "treat that value as outdated.",
            )
        )
    return Row(rule.family, "supported", requirement, tuple(notes), rule.download)


def _engine(engine: str) -> str:
    return ENGINE_NAMES.get(engine, engine)


def engine_rows(policy: Policy) -> tuple[Row, ...]:
    """Rows for the engine rules ("other Chromium-based browsers")."""
    return tuple(
        Row(
            rule.engine,
            "supported",
            Text(
                f"{rule.name.uk}: {_engine(rule.engine)} {rule.min} або новіший",
                f"{rule.name.en}: {_engine(rule.engine)} {rule.min} or newer",
            ),
        )
        for rule in policy.engines
    )
