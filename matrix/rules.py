"""Evaluate an :class:`~diagnostics.models.Environment` against a policy into a :class:`Verdict`.

:func:`explain_policy` returns every check that ran (rule, status, why, policy line);
:func:`evaluate_policy` returns only the verdict. Both are pure and deterministic: the policy
carries the date its "evergreen" rules are counted at.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from diagnostics.models import Environment, Text

from .baseline import NO_TARGET, target_name
from .features import FEATURE_TEXTS
from .policy import (
    APP_PLATFORMS,
    DEVICE_NAMES,
    ENGINE_NAMES,
    STATUS_SEVERITY,
    BrowserRule,
    Check,
    EngineRule,
    Explanation,
    Policy,
    SystemRule,
    Verdict,
    fill_text,
)
from .versions import Version, compare_to_bound, format_version, parse_version

# --- helpers -------------------------------------------------------------------------------------


def _engine_major(env: Environment) -> int | None:
    parsed = parse_version(env.engine.version)
    return parsed[0] if parsed else None


def _shown(version: str | None, fallback: object = "") -> str:
    """``"108.0.0"`` -> ``"108"``, ``"16.0"`` -> ``"16"``, ``"15.6"`` stays: what users read."""
    if not version:
        return str(fallback)
    parts = version.split(".")
    while len(parts) > 1 and parts[-1] == "0":
        parts.pop()
    return ".".join(parts)


def _browser_version(env: Environment) -> Version | None:
    parsed = parse_version(env.browser.version)
    if parsed:
        return parsed
    return (env.browser.major,) if env.browser.major is not None else None


def recommended_links(policy: Policy, os_family: str = "default") -> str:
    """``"Chrome https://..., Firefox https://..."`` for the install_browser remedy."""
    links = []
    families = policy.recommended.get(os_family) or policy.recommended.get("default", ())
    for family in families:
        rule = policy.browser(family)
        links.append(f"{family} {rule.download}" if rule and rule.download else family)
    return ", ".join(links)


def _install_browser(policy: Policy, env: Environment) -> Text | None:
    if "install_browser" not in policy.remedies:
        return None
    links = recommended_links(policy, env.os.family)
    return policy.fill("remedies", "install_browser", browsers=links)


def _update_browser(policy: Policy, rule: BrowserRule) -> Text | None:
    if "update_browser" not in policy.remedies:
        return None
    return policy.fill("remedies", "update_browser", browser=rule.family, download=rule.download)


def _reason(policy: Policy, key: str, **values: Any) -> Text | None:
    return policy.fill("reasons", key, **values) if key in policy.reasons else None


# --- browser checks ----------------------------------------------------------------------------


def _in_app_check(policy: Policy, env: Environment) -> Check | None:
    rule = policy.in_app
    if rule is None:
        return None
    family = env.browser.family
    name = env.in_app or (family if family in rule.apps else None)
    if name is None and family in rule.web_views:
        name = family
    if name is None:
        return None
    why = Text(
        f"Сторінку відкрито в «{name}» (вбудований браузер або web view).",
        f'The page is open in "{name}" (an in-app browser or web view).',
    )
    return Check(f"in_app:{name}", rule.status, why, rule.reason, rule.remedy, rule.line)


def _device_check(policy: Policy, rule: BrowserRule, env: Environment) -> Check | None:
    allowed = rule.devices if rule.devices is not None else policy.devices.allowed
    device = env.device.type
    if device == "unknown" or device in allowed:
        return None
    reason = _reason(
        policy,
        "device_not_allowed",
        browser=rule.family,
        device=DEVICE_NAMES.get(device, Text(device, device)),
    )
    why = Text(
        f"Тип пристрою «{device}» не входить до дозволених для {rule.family}: "
        f"{', '.join(allowed)}.",
        f'Device class "{device}" is not among those allowed for {rule.family}: '
        f"{', '.join(allowed)}.",
    )
    return Check(
        f"device:{rule.family}",
        policy.devices.otherwise,
        why,
        reason or policy.devices.reason,
        None,
        rule.line,
    )


def _outdated(
    policy: Policy, rule: BrowserRule, env: Environment, why: Text, major: int, minimum: int
) -> Check:
    """The check of a browser below its own-version minimum."""
    reason = _reason(
        policy,
        "browser_outdated",
        browser=rule.family,
        version=_shown(env.browser.version, major),
        min=minimum,
    )
    return Check(
        f"browser:{rule.family}",
        "unsupported",
        why,
        reason,
        _update_browser(policy, rule),
        rule.line,
    )


def _version_check(policy: Policy, rule: BrowserRule, env: Environment, rid: str) -> Check:
    family = rule.family
    engine_major = _engine_major(env) if env.engine.family == "Blink" else None
    own = _browser_version(env)
    own_major = own[0] if own else None
    checks_engine = rule.engine_min is not None and engine_major is not None
    measured = engine_major if checks_engine else own_major
    if rule.limited and measured is not None and rule.limited.contains((measured,)):
        unit = "Chromium " if checks_engine else f"{family} "
        why = Text(
            f"{unit}{measured} входить до обмежених версій ({rule.limited.describe()}).",
            f"{unit}{measured} is within the limited versions ({rule.limited.describe()}).",
        )
        return Check(
            rid, "limited", why, rule.limited.reason, _update_browser(policy, rule), rule.line
        )
    if rule.engine_min is not None:
        if engine_major is not None:
            if engine_major < rule.engine_min:
                why = Text(
                    f"{family} на Chromium {engine_major} < {rule.engine_min}.",
                    f"{family} on Chromium {engine_major} < {rule.engine_min}.",
                )
                return Check(
                    rid,
                    "unsupported",
                    why,
                    _reason(
                        policy,
                        "engine_outdated",
                        browser=family,
                        engine="Chromium",
                        engine_version=engine_major,
                        min=rule.engine_min,
                    ),
                    _update_browser(policy, rule),
                    rule.line,
                )
        else:
            # No Chromium version in the signals (an old Presto Opera): the release table's
            # own-version equivalent stands in.
            own_min = policy.own_min_for_engine(rule)
            if own_min is None or own_major is None:
                why = Text(
                    f"Невідомо, на якій версії Chromium працює {family}.",
                    f"Which Chromium version {family} runs on is not known.",
                )
                return Check(rid, "unknown", why, None, _update_browser(policy, rule), rule.line)
            if own_major < own_min:
                why = Text(
                    f"{family} {own_major} < {own_min} "
                    f"(перша версія на Chromium {rule.engine_min}).",
                    f"{family} {own_major} < {own_min} (its first on Chromium {rule.engine_min}).",
                )
                return _outdated(policy, rule, env, why, own_major, own_min)
    bound = policy.browser_min(rule)
    if bound is not None:
        if own_major is None:
            why = Text(f"Версія {family} невідома.", f"The {family} version is not known.")
            return Check(rid, "unknown", why, None, _update_browser(policy, rule), rule.line)
        if own_major < bound:
            how = (
                f"останні {rule.evergreen} версій" if rule.evergreen else "мінімум",
                f"the last {rule.evergreen} majors" if rule.evergreen else "minimum",
            )
            why = Text(
                f"{family} {own_major} < {bound} ({how[0]}).",
                f"{family} {own_major} < {bound} ({how[1]}).",
            )
            return _outdated(policy, rule, env, why, own_major, bound)
    shown = (
        f"Chromium {engine_major} ≥ {rule.engine_min}"
        if checks_engine
        else f"{family} {own_major} ≥ {bound}"
        if bound is not None
        else family
    )
    return Check(rid, "supported", Text(f"{shown}.", f"{shown}."), line=rule.line)


def _browser_rule_checks(
    policy: Policy, rule: BrowserRule, env: Environment, follows_os: bool
) -> list[Check]:
    rid = f"browser:{rule.family}"
    if rule.status:
        why = Text(
            f"Політика дає {rule.family} статус «{rule.status}» для будь-якої версії.",
            f'The policy gives every {rule.family} version the status "{rule.status}".',
        )
        remedy = _install_browser(policy, env) if rule.status != "supported" else None
        return [Check(rid, rule.status, why, rule.reason, remedy, rule.line)]
    checks = []
    device = _device_check(policy, rule, env)
    if device:
        checks.append(device)
    if follows_os:
        why = Text(
            f"На {env.os.family} усі браузери працюють на системному рушії: вирішує версія "
            f"{env.os.family}, а не версія {rule.family}.",
            f"On {env.os.family} every browser runs the system's engine: the {env.os.family} "
            f"version decides, not the {rule.family} version.",
        )
        checks.append(Check(rid, "supported", why, line=rule.line))
    else:
        checks.append(_version_check(policy, rule, env, rid))
    return checks


def _engine_check(policy: Policy, rule: EngineRule, env: Environment) -> Check:
    family, engine = env.browser.family, ENGINE_NAMES.get(rule.engine, rule.engine)
    rid = f"engine:{rule.engine}"
    major = _engine_major(env)
    if major is None:
        why = Text(
            f"{family} відсутній у переліку, а версія рушія невідома.",
            f"{family} is not listed and its engine version is not known.",
        )
        return Check(
            rid,
            "unknown",
            why,
            _reason(policy, "unlisted_browser", browser=family),
            _install_browser(policy, env),
            rule.line,
        )
    if rule.limited and rule.limited.contains((major,)):
        why = Text(
            f"{family}: {engine} {major} входить до обмежених версій.",
            f"{family}: {engine} {major} is within the limited versions.",
        )
        return Check(
            rid, "limited", why, rule.limited.reason, _install_browser(policy, env), rule.line
        )
    if major < rule.min:
        why = Text(
            f"{family} відсутній у переліку; його рушій {engine} {major} < {rule.min}.",
            f"{family} is not listed; its engine {engine} {major} < {rule.min}.",
        )
        return Check(
            rid,
            "unsupported",
            why,
            _reason(
                policy,
                "engine_outdated",
                browser=family,
                engine=engine,
                engine_version=major,
                min=rule.min,
            ),
            _install_browser(policy, env),
            rule.line,
        )
    why = Text(
        f"{family} відсутній у переліку; його оцінено за рушієм: {engine} {major} ≥ {rule.min} "
        f"({rule.name.uk}).",
        f"{family} is not listed; judged by its engine: {engine} {major} ≥ {rule.min} "
        f"({rule.name.en}).",
    )
    return Check(rid, "supported", why, line=rule.line)


def _os_version(rule: SystemRule | None, env: Environment) -> Version | None:
    version = env.os.version
    if rule and version in rule.version_names:
        return rule.version_names[version]
    parsed = parse_version(version)
    if parsed:
        return parsed
    return (env.os.major,) if env.os.major is not None else None


def _is_frozen(rule: SystemRule, env: Environment, version: Version) -> bool:
    """True when the OS version is the User-Agent's frozen value (client hints tell the truth:
    macOS 10.15.7 from ``Sec-CH-UA-Platform-Version`` is a real Catalina)."""
    from_ua = env.sources.get("os", "ua") == "ua"
    return from_ua and rule.frozen is not None and compare_to_bound(version, rule.frozen) == 0


def _follows_os(policy: Policy, env: Environment) -> bool:
    rule = policy.system(env.os.family)
    if rule is None or not rule.engine_follows_os or env.os.approximate:
        return False
    version = _os_version(rule, env)
    return version is not None and not _is_frozen(rule, env, version)


# --- Baseline ------------------------------------------------------------------------------------

#: Used when the policy's ``reasons`` has no ``baseline_outdated`` text.
BASELINE_OUTDATED = Text(
    "{browser} {version} не підтримує всіх можливостей {baseline}: потрібна версія {min} або "
    "новіша.",
    "{browser} {version} lacks features of {baseline}: version {min} or newer is needed.",
)


def _baseline_check(
    policy: Policy, rule: BrowserRule | None, env: Environment, follows_os: bool
) -> Check | None:
    """The browser against its Baseline target (the family's, else the policy's): its own
    version, its Chromium version (Opera, Samsung Internet, web views, unlisted browsers) or,
    where every browser runs the system's engine (iOS), the system version, against the
    minimum ``matrix/baseline.json`` gives. None when no target applies or nothing is known."""
    if rule is not None and rule.status:
        return None
    key = rule.baseline if rule is not None and rule.baseline else policy.baseline
    if key is None or key == NO_TARGET:
        return None
    target = policy.baseline_table.target(key)
    system = policy.system(env.os.family)
    if target is None or (system is not None and system.engine_follows_os and not follows_os):
        return None  # a frozen or approximate system version is a lower bound: never condemn
    line = rule.line if rule is not None and rule.baseline else policy.baseline_line
    family = env.browser.family
    measured: Version | None
    if follows_os:
        entry = target.families.get(env.os.family)
        bound, measured = (entry.min if entry else None), _os_version(system, env)
        family, version, shown_min = env.os.family, _shown(env.os.version), ""
        remedy = _upgrade_os(policy, env.os.family, system, bound)
    else:
        entry = target.families.get(family)
        engine_major = _engine_major(env)
        engine_min = entry.engine_min if entry else target.engines.get(env.engine.family)
        engine = entry.engine if entry and entry.engine else env.engine.family
        version, shown_min = _shown(env.browser.version), ""
        if engine_min is not None and env.engine.family == engine and engine_major is not None:
            unit = ENGINE_NAMES.get(engine, engine)
            bound, measured = (engine_min,), (engine_major,)
            # Users read their own version numbers; Opera for Android counts differently from
            # the desktop Opera the data's own minimum is for.
            own = entry.min if entry and (family, env.os.family) != ("Opera", "Android") else None
            version = f"{version} ({unit} {engine_major})"
            shown_min = f"{_shown(format_version(own))} ({unit} {engine_min})" if own else ""
            shown_min = shown_min or f"{unit} {engine_min}"
        else:
            bound, measured = (entry.min if entry else None), _browser_version(env)
        remedy = _update_browser(policy, rule) if rule else _install_browser(policy, env)
    if bound is None or measured is None:
        return None
    name = target_name(key)
    source = policy.baseline_table.source.get("baseline-browser-mapping", "?")
    minimum = shown_min or format_version(bound)
    cmp = "≥" if compare_to_bound(measured, bound) >= 0 else "<"
    why = Text(
        f"{family} {version} {cmp} {minimum} ({name.uk}, з baseline-browser-mapping {source}).",
        f"{family} {version} {cmp} {minimum} ({name.en}, from baseline-browser-mapping {source}).",
    )
    rid = f"baseline:{key}"
    if cmp == "≥":
        return Check(rid, "supported", why, line=line)
    template = policy.reasons.get("baseline_outdated", BASELINE_OUTDATED)
    values = {"browser": family, "version": version, "min": minimum, "baseline": name}
    return Check(rid, "unsupported", why, fill_text(template, values), remedy, line)


# --- required features ---------------------------------------------------------------------------

#: Used when the policy's ``reasons`` has no ``feature_missing`` text.
FEATURE_MISSING = Text(
    "Ваш браузер не вміє {feature} ({name}).", "Your browser cannot {feature} ({name})."
)


def feature_checks(
    policy: Policy, env: Environment, features: Mapping[str, Any] | None
) -> list[Check]:
    """One check per feature the policy requires (``requires:``) that the probe tested:
    ``features`` is the probe's ``features`` object (web-features id -> true/false). A feature
    the probe did not report (no JavaScript, an older probe) gives no check: nothing is known."""
    checks: list[Check] = []
    if not isinstance(features, Mapping):
        return checks
    for required in policy.requires:
        found = features.get(required.feature)
        if not isinstance(found, bool):
            continue
        name = policy.baseline_table.features.get(required.feature, required.feature)
        rid = f"feature:{required.feature}"
        if found:
            why = Text(
                f"Перевірка в браузері знайшла {name} ({required.feature}).",
                f"The in-browser check found {name} ({required.feature}).",
            )
            checks.append(Check(rid, "supported", why, line=required.line))
            continue
        why = Text(
            f"Перевірка в браузері не знайшла {name} ({required.feature}), якого вимагає політика.",
            f"The in-browser check did not find {name} ({required.feature}), which the policy "
            "requires.",
        )
        template = policy.reasons.get("feature_missing", FEATURE_MISSING)
        phrase = FEATURE_TEXTS.get(required.feature, Text(name, name))
        reason = fill_text(template, {"feature": phrase, "name": name})
        checks.append(
            Check(rid, required.status, why, reason, _install_browser(policy, env), required.line)
        )
    return checks


def with_feature_checks(
    policy: Policy, env: Environment, verdict: Verdict, features: Mapping[str, Any] | None
) -> Verdict:
    """``verdict`` (of :func:`evaluate_policy`) with the required features' checks added: the
    worse status wins (a missing feature names the rule ``feature:<id>``), and every missing
    feature adds its reason ("Your browser cannot show dialog windows (<dialog>)")."""
    failing = [c for c in feature_checks(policy, env, features) if c.status != "supported"]
    if not failing:
        return verdict
    worst = max(failing, key=lambda c: STATUS_SEVERITY[c.status])
    status, rule, message = verdict.status, verdict.rule, verdict.message
    if STATUS_SEVERITY[worst.status] > STATUS_SEVERITY[verdict.status]:
        status, rule, message = worst.status, worst.rule, policy.messages.get(worst.status)
    reasons = tuple(dict.fromkeys([*verdict.reasons, *(c.reason for c in failing if c.reason)]))
    remedies = tuple(dict.fromkeys([*verdict.remedies, *(c.remedy for c in failing if c.remedy)]))
    return Verdict(status, rule, reasons, remedies, message)


def _browser_checks(policy: Policy, env: Environment) -> list[Check]:
    checks: list[Check] = []
    in_app = _in_app_check(policy, env)
    if in_app:
        checks.append(in_app)
    rule = policy.browser(env.browser.family)
    follows_os = _follows_os(policy, env)
    engine_rule = policy.engine(env.engine.family)
    if rule is not None:
        checks.extend(_browser_rule_checks(policy, rule, env, follows_os))
    elif follows_os:
        why = Text(
            f"{env.browser.family} працює на системному рушії {env.os.family}: вирішує версія "
            f"{env.os.family}.",
            f"{env.browser.family} runs the system's engine on {env.os.family}: the "
            f"{env.os.family} version decides.",
        )
        checks.append(Check(f"os_engine:{env.os.family}", "supported", why))
    elif engine_rule is not None and (in_app is None or _engine_major(env) is not None):
        checks.append(_engine_check(policy, engine_rule, env))
    elif in_app is None:
        why = Text(
            f"Немає правила для «{env.browser.family}» чи його рушія «{env.engine.family}».",
            f'No rule for "{env.browser.family}" or its engine "{env.engine.family}".',
        )
        unrecognised = env.browser.family in ("Other", "")
        reason = (
            _reason(policy, "unrecognised")
            if unrecognised
            else _reason(policy, "unlisted_browser", browser=env.browser.family)
        )
        checks.append(
            Check("browser:unlisted", "unknown", why, reason, _install_browser(policy, env))
        )
    baseline = _baseline_check(policy, rule, env, follows_os)
    if baseline is not None:
        checks.append(baseline)
    return checks


# --- system and app checks ----------------------------------------------------------------------


def _upgrade_os(
    policy: Policy, family: str, rule: SystemRule | None, minimum: Version | None
) -> Text | None:
    if "upgrade_os" not in policy.remedies:
        return None
    return policy.fill(
        "remedies",
        "upgrade_os",
        os=family,
        min=format_version(minimum) if minimum else "",
        download=rule.download if rule else None,
    )


def _system_check(policy: Policy, env: Environment) -> Check:
    family = env.os.family
    rule = policy.system(family)
    if rule is None:
        return Check(
            "os:unlisted",
            "supported",
            Text(
                f"Для {family} немає правила: підходить будь-яка версія.",
                f"No rule for {family}: any version is accepted.",
            ),
        )
    rid, line = f"os:{family}", rule.line
    version = _os_version(rule, env)
    if version is None:
        return Check(
            rid,
            "supported",
            Text(f"Версія {family} невідома.", f"The {family} version is not known."),
            line=line,
        )
    shown = env.os.version or format_version(version)
    if env.os.approximate or _is_frozen(rule, env, version):
        # A frozen or approximate version is a lower bound only: never condemn on it.
        why = Text(
            f"{family} {shown} — застигле значення User-Agent: означає «{shown} або новіша».",
            f'{family} {shown} is a frozen User-Agent value: it means "{shown} or newer".',
        )
        return Check(rid, "supported", why, line=line)
    if rule.limited and rule.limited.contains(version):
        why = Text(
            f"{family} {shown} входить до обмежених версій ({rule.limited.describe()}).",
            f"{family} {shown} is within the limited versions ({rule.limited.describe()}).",
        )
        return Check(
            rid,
            "limited",
            why,
            rule.limited.reason,
            _upgrade_os(policy, family, rule, rule.min),
            line,
        )
    if rule.min is not None and compare_to_bound(version, rule.min) < 0:
        minimum = format_version(rule.min)
        why = Text(f"{family} {shown} < {minimum}.", f"{family} {shown} < {minimum}.")
        return Check(
            rid,
            "unsupported",
            why,
            _reason(
                policy,
                "os_outdated",
                os=family,
                version=shown,
                min=minimum,
            ),
            _upgrade_os(policy, family, rule, rule.min),
            line,
        )
    minimum = format_version(rule.min) if rule.min else "—"
    return Check(
        rid,
        "supported",
        Text(f"{family} {shown} ≥ {minimum}.", f"{family} {shown} ≥ {minimum}."),
        line=line,
    )


def _app_checks(policy: Policy, env: Environment) -> list[Check]:
    platform = APP_PLATFORMS.get(env.os.family, env.os.family.lower())
    rule = policy.app(platform)
    if rule is None:
        why = Text(
            f"Немає правила для застосунку на «{platform}».",
            f'No rule for the app on "{platform}".',
        )
        return [
            Check(
                f"app:{platform}",
                "unknown",
                why,
                _reason(policy, "app_unlisted", platform=platform),
            )
        ]
    rid, checks = f"app:{platform}", []
    version = parse_version(env.browser.version)
    update = policy.fill("remedies", "update_app", store=rule.store)
    minimum = format_version(rule.min_version)
    if version is None:
        checks.append(
            Check(
                rid,
                "unknown",
                Text("Версію застосунку не вказано.", "The app version was not given."),
                None,
                update,
                rule.line,
            )
        )
    elif compare_to_bound(version, rule.min_version) < 0:
        why = Text(
            f"Застосунок {env.browser.version} < {minimum}.",
            f"App {env.browser.version} < {minimum}.",
        )
        checks.append(
            Check(
                rid,
                "unsupported",
                why,
                _reason(
                    policy,
                    "app_outdated",
                    version=env.browser.version,
                    min=minimum,
                ),
                update,
                rule.line,
            )
        )
    else:
        checks.append(
            Check(
                rid,
                "supported",
                Text(
                    f"Застосунок {env.browser.version} ≥ {minimum}.",
                    f"App {env.browser.version} ≥ {minimum}.",
                ),
                line=rule.line,
            )
        )
    os_version = parse_version(env.os.version)
    os_min = format_version(rule.os_min)
    if os_version is not None and compare_to_bound(os_version, rule.os_min) < 0:
        why = Text(
            f"{env.os.family} {env.os.version} < {os_min} (для застосунку).",
            f"{env.os.family} {env.os.version} < {os_min} (for the app).",
        )
        checks.append(
            Check(
                f"{rid}:os",
                "unsupported",
                why,
                _reason(
                    policy,
                    "app_os_outdated",
                    os=env.os.family,
                    version=env.os.version,
                    min=os_min,
                ),
                _upgrade_os(policy, env.os.family, policy.system(env.os.family), rule.os_min),
                rule.line,
            )
        )
    elif os_version is not None:
        checks.append(
            Check(
                f"{rid}:os",
                "supported",
                Text(
                    f"{env.os.family} {env.os.version} ≥ {os_min}.",
                    f"{env.os.family} {env.os.version} ≥ {os_min}.",
                ),
                line=rule.line,
            )
        )
    return checks


def _verdict(policy: Policy, checks: list[Check]) -> Verdict:
    # first of the worst: the browser first
    worst = max(checks, key=lambda c: STATUS_SEVERITY[c.status])
    failing = [c for c in checks if c.status != "supported"]
    reasons = tuple(dict.fromkeys(c.reason for c in failing if c.reason is not None))
    remedies = tuple(dict.fromkeys(c.remedy for c in failing if c.remedy is not None))
    return Verdict(worst.status, worst.rule, reasons, remedies, policy.messages.get(worst.status))


def explain_policy(
    policy: Policy, env: Environment, features: Mapping[str, Any] | None = None
) -> Explanation:
    """Evaluate ``env`` against ``policy`` and say how.

    Runs, in order: the bot check; for the portal's app (``env.sources["browser"] == "app"``)
    the app rule; otherwise the in-app check, the browser rule (or, for an unlisted browser,
    its engine's rule), the device check, the Baseline check, then the system rule and (given
    the probe's ``features``) the required features. The worst status wins and
    names the rule; every failing check adds its reason and remedy. Never raises.
    """
    if env.is_bot or env.device.type == "bot":
        why = Text("User-Agent належить роботу.", "The User-Agent belongs to a robot.")
        checks = [Check("bot", "unknown", why, _reason(policy, "bot"))]
    elif env.sources.get("browser") == "app":
        checks = _app_checks(policy, env)
    else:
        checks = [*_browser_checks(policy, env), _system_check(policy, env)]
        checks += feature_checks(policy, env, features)
    return Explanation(_verdict(policy, checks), tuple(checks))


def evaluate_policy(policy: Policy, env: Environment) -> Verdict:
    """Evaluate ``env`` against ``policy`` into a :class:`Verdict` (see :func:`explain_policy`).

    Returns the worst verdict of the checks, naming the rule that decided it, with every reason
    and remedy that applied. Deterministic; never raises. Remembers nothing: a process that
    evaluates the same clients again holds a :class:`~matrix.memo.VerdictMemo`.
    """
    return explain_policy(policy, env).verdict


def verdict_reason_ids(verdict: Verdict) -> tuple[str, ...]:
    """What kind of reason stands behind a verdict that is not "supported", as ids the
    statistics count beside the findings: ``outdated_browser`` (a browser, engine or Baseline
    rule), ``missing_feature`` (a required feature the probe did not find),
    ``outdated_os`` (a system rule), ``unknown_browser``; empty for a supported verdict or
    another rule (device, in-app browser: those have findings of their own).

    Only the deciding rule is known (:attr:`Verdict.rule`), so a report whose browser and
    system are both too old counts as an outdated browser (the browser is checked first)."""
    if verdict.status == "supported":
        return ()
    kind, _, name = verdict.rule.partition(":")
    if kind in ("browser", "engine", "baseline"):
        return ("unknown_browser",) if name == "unlisted" else ("outdated_browser",)
    if kind == "feature":
        return ("missing_feature",)
    if kind == "os" and name != "unlisted":
        return ("outdated_os",)
    return ()
