"""Evidence from the portal's own page -> findings (pure: no Flask, no SQL).

The embed's recorder (probes/embed.js) sends what it saw before the user asked for help: failed
requests, failed scripts and stylesheets, CSP violations, uncaught errors and the user's last
actions (payload fields ``evidence`` and ``errors``, probes/schema.json). :func:`evidence_findings`
turns them into findings with a title and a remedy in Ukrainian and English, each carrying the
evidence item that caused it (``Finding.evidence``).

Severities say how bad it is for the user: ``error`` means the portal will not work as it is (a
request the portal needed failed, its code is gone, its own policy blocked what it needs),
``warning`` that it works with problems.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from .models import Environment, Finding, Text
from .remedies import browser_kind

#: A request this soon after a click or submit (milliseconds) is taken to be that action's.
ACTION_WINDOW_MS = 5000
#: 4xx answers that are a normal part of a portal's life (signed out, no right, gone), not a fault.
EXPECTED_CLIENT_ERRORS = frozenset({401, 403, 404})
#: Chunk-load errors of the common bundlers and engines: the page's build is gone from the server.
#: webpack ("ChunkLoadError: Loading chunk 5 failed", "Loading CSS chunk"), Vite ("Unable to
#: preload CSS"), and the dynamic import() failures of Chromium, Firefox and WebKit.
CHUNK_ERROR = re.compile(
    r"Failed to fetch dynamically imported module|error loading dynamically imported module"
    r"|Importing a module script failed|Unable to preload CSS|Loading (?:CSS )?chunk \S+ failed"
    r"|ChunkLoadError",
    re.IGNORECASE,
)
#: Blocked origins that are the browser's extensions, not something the page needed.
_EXTENSION = re.compile(r"^(?:chrome|moz|safari(?:-web)?|ms-browser)-extension:", re.IGNORECASE)
#: CSP directives whose violation breaks what the page does (scripts, its own requests, frames).
_BREAKING_DIRECTIVES = re.compile(r"^(?:script-src|connect-src|default-src|frame-src|worker-src)")

Check = Callable[[Environment, Mapping[str, Any]], Finding | None]
_CHECKS: list[Check] = []


def _check(func: Check) -> Check:
    _CHECKS.append(func)
    return func


def _items(data: Mapping[str, Any], name: str) -> list[Mapping[str, Any]]:
    evidence = data.get("evidence")
    items = evidence.get(name) if isinstance(evidence, Mapping) else None
    return [i for i in items or () if isinstance(i, Mapping)]


def _page_origin(data: Mapping[str, Any]) -> str | None:
    match = re.match(r"^[a-z][a-z0-9+.-]*://[^/]+", str(data.get("page") or ""), re.IGNORECASE)
    return match.group(0).lower() if match else None


def request_label(request: Mapping[str, Any], page_origin: str | None = None) -> str:
    """``POST /api/readings -> 500`` (the origin shown only when it is not the page's own)."""
    origin = str(request.get("origin") or "")
    where = request.get("path") or "/"
    if origin and origin.lower() != page_origin:
        where = origin + str(where)
    status = request.get("status")
    answer = str(status) if status else "—"
    return f"{request.get('method') or 'GET'} {where} → {answer}"


def _is_portal_failure(request: Mapping[str, Any], page_origin: str | None) -> bool:
    status = request.get("status")
    if not isinstance(status, int):
        return False
    if status >= 500:
        return True
    own = str(request.get("origin") or "").lower() == page_origin
    return 400 <= status < 500 and status not in EXPECTED_CLIENT_ERRORS and own


def _action_before(
    actions: Iterable[Mapping[str, Any]], at: Any, window_ms: int = ACTION_WINDOW_MS
) -> Mapping[str, Any] | None:
    """The last click or submit at most ``window_ms`` before time ``at``, or None."""
    if not isinstance(at, int | float):
        return None
    best = None
    for action in actions:
        t = action.get("t")
        if action.get("kind") in ("click", "submit") and isinstance(t, int | float):
            if 0 <= at - t <= window_ms and (best is None or t >= best["t"]):
                best = action
    return best


def action_label(action: Mapping[str, Any]) -> str:
    """What the user did, as they would say it: the control's name, else its role or tag."""
    return str(action.get("name") or action.get("role") or action.get("kind") or "?")


@_check
def _action_request_failed(env: Environment, data: Mapping[str, Any]) -> Finding | None:
    origin = _page_origin(data)
    actions = _items(data, "actions")
    for request in _items(data, "requests"):
        if not _is_portal_failure(request, origin):
            continue
        action = _action_before(actions, request.get("t"))
        if action is None:
            continue
        did, req = action_label(action), request_label(request, origin)
        return Finding(
            "action_request_failed",
            "error",
            Text(
                f"Проблема на боці порталу, не у вашому браузері: після «{did}» портал "
                f"відповів помилкою ({req})",
                f"The problem is on the portal's side, not in your browser: after «{did}» "
                f"the portal answered with an error ({req})",
            ),
            Text(
                "Ваш браузер тут ні до чого: сервер порталу не виконав дію. Спробуйте ще раз "
                "пізніше; якщо повторюється, надішліть цей звіт у підтримку: у ньому видно, яка "
                "дія і який запит не вдалися.",
                "Your browser is not at fault: the portal's server did not carry out the "
                "action. Try again later; if it happens again, send this report to support: it "
                "shows which action and which request failed.",
            ),
            evidence={"action": dict(action), "request": dict(request)},
        )
    return None


_ALLOW_SITE: dict[str, Text] = {
    "chrome": Text(
        "Chrome: натисніть значок розширення-блокувальника праворуч від адреси (uBlock Origin: "
        "велика кнопка живлення; AdBlock / Adblock Plus: «Не запускати на цьому сайті») і "
        "перезавантажте сторінку.",
        "Chrome: click the blocker extension's icon right of the address bar (uBlock Origin: "
        'the big power button; AdBlock / Adblock Plus: "Don\'t run on this site") and reload '
        "the page.",
    ),
    "edge": Text(
        "Edge: значок замка ліворуч від адреси → «Запобігання стеженню» → вимкнути для цього "
        "сайту; у розширенні-блокувальнику виберіть «Не запускати на цьому сайті».",
        'Edge: the lock icon left of the address → "Tracking prevention" → off for this site; '
        'in a blocker extension choose "Don\'t run on this site".',
    ),
    "firefox": Text(
        "Firefox: значок щита ліворуч від адреси → вимкніть «Розширений захист від стеження» "
        "для цього сайту; в uBlock Origin натисніть велику кнопку живлення; перезавантажте "
        "сторінку.",
        "Firefox: the shield icon left of the address → turn Enhanced Tracking Protection off "
        "for this site; in uBlock Origin click the big power button; reload the page.",
    ),
    "safari": Text(
        "Safari: меню «аА» (або Safari → «Параметри для цього вебсайту») → зніміть «Увімкнути "
        "блокувальники вмісту», потім перезавантажте сторінку.",
        'Safari: the "aA" menu (or Safari → "Settings for This Website") → untick "Enable '
        'content blockers", then reload the page.',
    ),
    "opera": Text(
        "Opera: значок щита в адресному рядку → вимкніть блокування реклами та стеження для "
        "цього сайту й перезавантажте сторінку.",
        "Opera: the shield icon in the address bar → turn ad and tracker blocking off for "
        "this site and reload the page.",
    ),
    "samsung": Text(
        "Samsung Internet: ☰ → «Блокувальники реклами» → вимкніть їх для цього сайту й "
        "перезавантажте сторінку.",
        "Samsung Internet: ☰ → Ad blockers → turn them off for this site and reload the page.",
    ),
}
_ALLOW_SITE_OTHER = Text(
    "Вимкніть для цього сайту блокувальник реклами, фільтр або антивірусний захист у браузері "
    "(Brave: значок лева → «Щити» вимкнено) і перезавантажте сторінку.",
    "Turn off the ad blocker, filter or antivirus web protection for this site (Brave: the lion "
    "icon → Shields down) and reload the page.",
)


@_check
def _request_no_answer(env: Environment, data: Mapping[str, Any]) -> Finding | None:
    requests = _items(data, "requests")
    answered = {str(r.get("origin") or "").lower() for r in _items(data, "requestsOk")}
    answered |= {str(r.get("origin") or "").lower() for r in requests if r.get("status")}
    unanswered = [
        r
        for r in requests
        if r.get("status") == 0 and str(r.get("origin") or "").lower() in answered
    ]
    if not unanswered:
        return None
    origin = _page_origin(data)
    own = any(str(r.get("origin") or "").lower() == origin for r in unanswered)
    first = request_label(unanswered[0], origin)
    count = len(unanswered)
    kind, _ = browser_kind(env)
    return Finding(
        "request_no_answer",
        "error" if own else "warning",
        Text(
            f"Запити без відповіді ({count}; перший: {first}), хоча інші до того ж сервера "
            "пройшли: схоже, їх блокує розширення або фільтр",
            f"Requests got no answer ({count}; first: {first}) while others to the same server "
            "did: an extension or filter is likely blocking them",
        ),
        _ALLOW_SITE.get(kind, _ALLOW_SITE_OTHER),
        evidence={"request": dict(unanswered[0]), "count": count},
    )


def _chunk_errors(data: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    errors = [e for e in data.get("errors") or () if isinstance(e, Mapping)]
    return [
        e for e in errors if CHUNK_ERROR.search(f"{e.get('name') or ''} {e.get('message') or ''}")
    ]


@_check
def _stale_build_assets(env: Environment, data: Mapping[str, Any]) -> Finding | None:
    files = [r for r in _items(data, "resources") if r.get("element") in ("script", "link")]
    chunks = _chunk_errors(data)
    if not files and not chunks:
        return None
    what = files[0].get("path") if files else chunks[0].get("message")
    return Finding(
        "stale_build_assets",
        "error",
        Text(
            f"Сторінка — стара версія порталу: її файлів уже немає на сервері ({what})",
            f"The page is an old version of the portal whose files are gone ({what})",
        ),
        Text(
            "Перезавантажте сторінку (Ctrl+Shift+R, на телефоні — потягніть сторінку донизу): "
            "браузер завантажить нову версію порталу.",
            "Reload the page (Ctrl+Shift+R; on a phone, pull the page down): the browser loads "
            "the portal's new version.",
        ),
        evidence={"resource": dict(files[0])} if files else {"error": dict(chunks[0])},
    )


@_check
def _page_errors(env: Environment, data: Mapping[str, Any]) -> Finding | None:
    errors = [e for e in data.get("errors") or () if isinstance(e, Mapping)]
    chunks = _chunk_errors(data)
    others = [e for e in errors if e not in chunks]  # chunk errors: stale_build_assets says it
    if not others:
        return None
    count = len(errors) + int(data.get("errorsDropped") or 0)
    first = str(others[0].get("message") or "")[:120]
    return Finding(
        "page_errors",
        "warning",
        Text(
            f"На сторінці сталися помилки JavaScript ({count}; перша: {first})",
            f"Scripts on the page failed ({count} errors; first: {first})",
        ),
        Text(
            "Перезавантажте сторінку. Якщо помилки повторюються, вимкніть розширення браузера "
            "(блокувальники реклами, перекладачі) і надішліть цей звіт у підтримку: у ньому "
            "є тексти помилок.",
            "Reload the page. If the errors come back, turn off browser extensions (ad blockers, "
            "translators) and send this report to support: it lists the error messages.",
        ),
        evidence={"error": dict(others[0]), "count": count},
    )


@_check
def _csp_blocked(env: Environment, data: Mapping[str, Any]) -> Finding | None:
    violations = [
        v for v in _items(data, "csp") if not _EXTENSION.match(str(v.get("blocked") or ""))
    ]
    if not violations:
        return None
    breaking = [v for v in violations if _BREAKING_DIRECTIVES.match(str(v.get("directive")))]
    first = (breaking or violations)[0]
    what = f"{first.get('directive')}: {first.get('blocked') or '?'}"
    return Finding(
        "csp_blocked",
        "error" if breaking else "warning",
        Text(
            f"Власна політика безпеки порталу (CSP) заблокувала потрібне сторінці ({what})",
            f"The portal's own security policy (CSP) blocked something the page needs ({what})",
        ),
        Text(
            "Це налаштування порталу, а не вашого браузера: надішліть цей звіт у підтримку. "
            "Поки що спробуйте перезавантажити сторінку.",
            "This is the portal's setting, not your browser's: send this report to support. "
            "Meanwhile, try reloading the page.",
        ),
        evidence={"csp": dict(first), "count": len(violations)},
    )


def evidence_findings(env: Environment, data: Mapping[str, Any] | None) -> list[Finding]:
    """Findings from what the recorder saw on the portal's page (``data["evidence"]`` and
    ``data["errors"]`` of a validated payload), in the order of the checks; never raises on
    missing or odd fields. ``env`` picks browser-specific remedies."""
    return [f for check in _CHECKS if (f := check(env, data or {})) is not None]


def timeline(data: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    """Every recorded item of a payload in time order: ``{"t", "kind", "item"}`` with kind one of
    action, request, resource, csp, error, console (items without a time come first)."""
    data = data or {}
    rows: list[dict[str, Any]] = []
    for kind, items in (
        ("action", _items(data, "actions")),
        ("request", _items(data, "requests")),
        ("resource", _items(data, "resources")),
        ("csp", _items(data, "csp")),
        ("console", _items(data, "console")),
        ("error", [e for e in data.get("errors") or () if isinstance(e, Mapping)]),
    ):
        rows.extend({"t": i.get("t"), "kind": kind, "item": dict(i)} for i in items)
    return sorted(rows, key=lambda r: r["t"] if isinstance(r["t"], int | float) else -1)
