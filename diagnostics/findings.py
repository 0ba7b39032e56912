"""Findings: problems in the client's environment, each with a remedy in Ukrainian and English."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from .models import Environment, Finding, Text

Check = Callable[[Environment, Mapping[str, Any]], Finding | None]

_CHECKS: list[Check] = []


def _check(func: Check) -> Check:
    _CHECKS.append(func)
    return func


@_check
def _cookies_disabled(env: Environment, data: Mapping[str, Any]) -> Finding | None:
    if data.get("cookieEnabled") is False:
        return Finding(
            "cookies_disabled",
            "error",
            Text("Cookies вимкнено", "Cookies are disabled"),
            Text(
                "Увімкніть cookies для цього сайту в налаштуваннях браузера: без них вхід до "
                "особистого кабінету не працює.",
                "Allow cookies for this site in your browser settings: signing in to your "
                "cabinet needs them.",
            ),
        )
    return None


@_check
def _storage_blocked(env: Environment, data: Mapping[str, Any]) -> Finding | None:
    storage = data.get("storage") or {}
    blocked = [name for name in ("localStorage", "sessionStorage") if storage.get(name) is False]
    if blocked:
        return Finding(
            "storage_blocked",
            "warning",
            Text(
                "Сховище сайту заблоковано (" + ", ".join(blocked) + ")",
                "Site storage is blocked (" + ", ".join(blocked) + ")",
            ),
            Text(
                "Вийдіть з приватного режиму або дозвольте сайту зберігати дані в налаштуваннях "
                "браузера.",
                "Leave private browsing, or allow this site to store data in your browser "
                "settings.",
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


@_check
def _stale_build(env: Environment, data: Mapping[str, Any]) -> Finding | None:
    build = data.get("build") or {}
    page, current = build.get("page"), build.get("current")
    if page and current and page != current:
        return Finding(
            "stale_build",
            "error",
            Text(
                "Браузер показує застарілу версію сайту з кешу",
                "The browser shows an outdated copy of the site from its cache",
            ),
            Text(
                "Очистіть кеш і дані цього сайту, потім перезавантажте сторінку (Ctrl+Shift+R).",
                "Clear this site's cache and data, then reload the page (Ctrl+Shift+R).",
            ),
        )
    return None


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
                "Open this page in your browser (menu ⋯ → \"Open in browser\"): built-in "
                "browsers break sign-in and downloads.",
            ),
        )
    return None


def collect_findings(env: Environment, data: Mapping[str, Any] | None) -> list[Finding]:
    """Run every check over ``env`` and the validated probe ``data``; return what they found.

    Errors come first, then warnings, then notes. Never raises on missing fields.
    """
    found = [f for check in _CHECKS if (f := check(env, data or {})) is not None]
    order = {"error": 0, "warning": 1, "info": 2}
    return sorted(found, key=lambda f: order[f.severity])
