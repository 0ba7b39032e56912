"""Findings: problems in the client's environment, each with a remedy in Ukrainian and English."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from .builds import (
    REFERENCE_TEXT,
    REPAIRABLE,
    BuildReference,
    age_sentence,
    build_evidence,
    repair_summary,
    resolve_reference,
)
from .evidence import evidence_findings
from .models import Environment, Finding, Text
from .remedies import (
    allow_cookies,
    clear_site_data,
    describe_signals,
    enable_javascript,
    private_mode_name,
    signals_inconsistent_remedy,
)
from .useragent import SIGNALS_FIELD

Check = Callable[[Environment, Mapping[str, Any]], Finding | None]

_CHECKS: list[Check] = []


def _check(func: Check) -> Check:
    _CHECKS.append(func)
    return func


def _then(first: Text, second: Text) -> Text:
    """Two remedies in a row, in both languages."""
    return Text(f"{first.uk} {second.uk}", f"{first.en} {second.en}")


#: Network conditions that make the portal feel broken (Network Information API terms).
SLOW_EFFECTIVE_TYPES = ("slow-2g", "2g")
SLOW_RTT_MS = 1000
#: Browser storage that the portal needs and the probe really tests (a write, an open).
_STORAGE_KINDS = ("localStorage", "sessionStorage", "indexedDB")


@_check
def _cookies_disabled(env: Environment, data: Mapping[str, Any]) -> Finding | None:
    storage = data.get("storage") or {}
    if data.get("cookieEnabled") is False or storage.get("cookies") is False:
        return Finding(
            "cookies_disabled",
            "error",
            Text("Файли cookie вимкнено або заблоковано", "Cookies are disabled or blocked"),
            _then(
                Text(
                    "Без файлів cookie вхід до особистого кабінету не працює.",
                    "Signing in to your cabinet needs cookies.",
                ),
                allow_cookies(env),
            ),
        )
    return None


def _private_mode_signs(data: Mapping[str, Any]) -> list[str]:
    """Restrictions typical of private windows, while cookies still work (not a blocking
    setting): storage APIs that exist but refuse to work."""
    storage = data.get("storage") or {}
    cache = data.get("cache") or {}
    if storage.get("cookies") is False or data.get("cookieEnabled") is False:
        return []
    signs = []
    if cache.get("storageError") in ("SecurityError", "InvalidStateError"):
        signs.append("Cache Storage")  # Firefox private windows refuse Cache Storage
    if storage.get("indexedDB") is False and storage.get("localStorage") is True:
        signs.append("IndexedDB")  # older Firefox private windows refuse IndexedDB
    if storage.get("localStorage") is False and storage.get("sessionStorage") is True:
        signs.append("localStorage")  # older Safari private windows: quota 0
    return signs


@_check
def _private_mode(env: Environment, data: Mapping[str, Any]) -> Finding | None:
    signs = _private_mode_signs(data)
    if not signs:
        return None
    name = private_mode_name(env)
    # which storage APIs refused is in the payload for the desk; people read what it means
    return Finding(
        "private_mode",
        "warning",
        Text(
            "Схоже на приватний режим: браузер не дає сайту зберігати дані",
            "Looks like private browsing: the browser does not let the site store data",
        ),
        Text(
            f"Відкрийте сайт у звичайному вікні, а не в режимі «{name.uk}»: приватні вікна "
            "не зберігають дані сайту й забувають вхід.",
            f"Open the site in a normal window instead of {name.en}: private windows keep "
            "no site data and forget your sign-in.",
        ),
    )


@_check
def _storage_blocked(env: Environment, data: Mapping[str, Any]) -> Finding | None:
    storage = data.get("storage") or {}
    blocked = [name for name in _STORAGE_KINDS if storage.get(name) is False]
    if blocked and not _private_mode_signs(data):
        return Finding(
            "storage_blocked",
            "warning",
            Text(
                "Браузер не дозволяє сайту зберігати дані",
                "The browser does not let the site store data",
            ),
            _then(
                Text(
                    "Дозвольте сайту зберігати дані (це той самий дозвіл, що й для cookies).",
                    "Allow this site to store data (it is the same setting as for cookies).",
                ),
                allow_cookies(env),
            ),
        )
    return None


@_check
def _offline(env: Environment, data: Mapping[str, Any]) -> Finding | None:
    if data.get("online") is False:
        return Finding(
            "offline",
            "warning",
            Text("Браузер вважає, що немає з'єднання", "The browser reports it is offline"),
            Text(
                "Перевірте підключення до інтернету та спробуйте ще раз.",
                "Check your internet connection and try again.",
            ),
        )
    return None


def _build_is_stale(data: Mapping[str, Any], reference: BuildReference) -> bool:
    build = data.get("build") or {}
    page, current = build.get("page"), reference.current
    return bool(page and current and page != current)


def _stale_build(
    env: Environment, data: Mapping[str, Any], reference: BuildReference, now: datetime
) -> Finding | None:
    if not _build_is_stale(data, reference):
        return None
    page = str((data.get("build") or {}).get("page"))
    age = age_sentence(reference, page, now)
    said = REFERENCE_TEXT[reference.kind]
    return Finding(
        "stale_build",
        "error",
        Text(
            "Браузер показує застарілу версію сайту з кешу",
            "The browser shows an outdated copy of the site from its cache",
        ),
        _then(
            _then(
                _then(age, said),
                Text(
                    "Через це кнопки можуть не працювати, а дані — не оновлюватися. Очистіть "
                    "кеш і дані цього сайту.",
                    "This is why buttons may do nothing and data may not update. Clear this "
                    "site's cache and data.",
                ),
            ),
            clear_site_data(env),
        ),
        evidence=build_evidence(reference, page, now),
    )


def _outdated_service_worker(
    env: Environment, data: Mapping[str, Any], reference: BuildReference
) -> Finding | None:
    worker = data.get("serviceWorker") or {}
    waiting = worker.get("waiting") is True
    stale_and_controlled = worker.get("controlled") is True and _build_is_stale(data, reference)
    if not (waiting or stale_and_controlled):
        return None
    return Finding(
        "service_worker_outdated",
        "warning",
        # "service worker" is the desk's word (its label); people read what it does
        Text(
            "Браузер показує збережену застарілу версію сайту",
            "The browser shows a stored, outdated version of the site",
        ),
        _then(
            Text(
                "Закрийте всі вкладки цього сайту й відкрийте його знову; якщо не допоможе, "
                "очистіть дані сайту (це видалить і збережену версію).",
                "Close every tab of this site and open it again; if that does not help, clear "
                "the site's data (that removes the stored version too).",
            ),
            clear_site_data(env),
        ),
    )


def _repair(data: Mapping[str, Any], found: list[Finding]) -> Finding | None:
    """The second check of a one-click repair (payload ``repair``): what it removed, from which
    build to which, and whether the page is current now."""
    repair = data.get("repair")
    if not isinstance(repair, Mapping):
        return None
    worked = not any(f.id in REPAIRABLE for f in found) and not repair.get("failed")
    summary = repair_summary(repair, (data.get("build") or {}).get("page"), worked)
    return Finding(
        "repair",
        "info" if worked else "warning",
        summary,
        Text("Нічого робити не треба.", "Nothing to do.")
        if worked
        else Text(
            "Закрийте всі вкладки цього сайту й відкрийте його знову; якщо не допоможе, "
            "зверніться до служби підтримки з кодом цього звіту.",
            "Close every tab of this site and open it again; if that does not help, contact "
            "the support desk with this report's code.",
        ),
        evidence={k: repair[k] for k in ("of", "build", "removed", "failed") if k in repair},
    )


@_check
def _slow_network(env: Environment, data: Mapping[str, Any]) -> Finding | None:
    net = data.get("network") or {}
    rtt = net.get("requestRttMs")
    slow = (
        net.get("effectiveType") in SLOW_EFFECTIVE_TYPES
        or (isinstance(net.get("rtt"), int | float) and net["rtt"] >= SLOW_RTT_MS)
        or (isinstance(rtt, int | float) and rtt >= SLOW_RTT_MS)
    )
    if not slow:
        return None
    rounded = round(rtt) if isinstance(rtt, int | float) else None
    shown = Text(f" ({rounded} мс)", f" ({rounded} ms)") if rounded is not None else Text("", "")
    return Finding(
        "slow_network",
        "warning",
        Text(f"Повільне з'єднання{shown.uk}", f"Slow connection{shown.en}"),
        Text(
            "Сторінки можуть завантажуватися довго або не до кінця. Перейдіть ближче до Wi-Fi або "
            "на швидшу мережу й вимкніть режим економії трафіку для цього сайту.",
            "Pages may load slowly or only partly. Move closer to the Wi-Fi or to a faster "
            "network, and turn off data saving for this site.",
        ),
    )


@_check
def _javascript_off(env: Environment, data: Mapping[str, Any]) -> Finding | None:
    if data.get("source") != "noscript":
        return None
    return Finding(
        "javascript_off",
        "error",
        Text("JavaScript вимкнено", "JavaScript is off"),
        _then(
            Text(
                "Звіт складено лише із заголовків запиту; особистий кабінет без JavaScript не "
                "працює.",
                "This report was made from the request headers alone; the cabinet does not work "
                "without JavaScript.",
            ),
            enable_javascript(env),
        ),
    )


@_check
def _in_app(env: Environment, data: Mapping[str, Any]) -> Finding | None:
    if env.in_app:
        return Finding(
            "in_app_browser",
            "warning",
            Text(
                f"Сторінку відкрито у вбудованому браузері застосунку {env.in_app}",
                f"The page is open in {env.in_app}'s built-in browser",
            ),
            Text(
                "Відкрийте сторінку у своєму браузері (меню ⋯ → «Відкрити в браузері»): "
                "вбудовані браузери ламають вхід і завантаження файлів.",
                'Open this page in your browser (menu ⋯ → "Open in browser"): built-in '
                "browsers break sign-in and downloads.",
            ),
        )
    return None


@_check
def _signals_inconsistent(env: Environment, data: Mapping[str, Any]) -> Finding | None:
    # detect_environment took one consistent reading and left what contradicted it here
    signals = next((c for c in env.conflicts if c.get("field") == SIGNALS_FIELD), None)
    if signals is None:
        return None
    values = signals.get("values") or {}
    presents = describe_signals(values.get("ua") or {})
    behaves = describe_signals(values.get(signals.get("used")) or {})
    return Finding(
        "signals_inconsistent",
        "warning",
        Text(
            f"Браузер видає себе за «{presents.uk}», але поводиться як «{behaves.uk}»: емуляція "
            "пристрою, перемикач User-Agent або режим «Версія для ПК»",
            f'The browser presents itself as "{presents.en}" but behaves as "{behaves.en}": '
            "device emulation, a user-agent switcher or 'desktop site' mode",
        ),
        signals_inconsistent_remedy(env),
    )


def collect_findings(
    env: Environment,
    data: Mapping[str, Any] | None,
    reference: BuildReference | None = None,
    now: datetime | None = None,
) -> list[Finding]:
    """Run every check over ``env`` and the validated probe ``data``; return what they found.

    ``reference``: the build the page is compared with (:func:`.builds.resolve_reference`;
    default: the payload's own ``build.current``); ``now`` dates the page's build against the
    reference's deploy history. Errors come first, then warnings, then notes. Never raises on
    missing fields.
    """
    data = data or {}
    reference = reference or resolve_reference(data)
    found = [f for check in _CHECKS if (f := check(env, data)) is not None]
    for finding in (
        _stale_build(env, data, reference, now or datetime.now(UTC)),
        _outdated_service_worker(env, data, reference),
    ):
        if finding is not None:
            found.append(finding)
    found += evidence_findings(env, data)
    repaired = _repair(data, found)
    if repaired is not None:
        found.append(repaired)
    order = {"error": 0, "warning": 1, "info": 2}
    return sorted(found, key=lambda f: order[f.severity])
