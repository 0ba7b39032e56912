"""Language negotiation and the user-interface strings of the web pages (Ukrainian and English)."""

from __future__ import annotations

from typing import Any

from flask import current_app, g, request, url_for

from diagnostics.models import Text

SUPPORTED = ("uk", "en")

UI: dict[str, Text] = {
    "check_title": Text("Перевірити браузер", "Check my browser"),
    "check_intro": Text(
        "Ця сторінка перевіряє ваш браузер і готує звіт для служби підтримки. "
        "Вам не потрібно нічого переписувати вручну.",
        "This page checks your browser and prepares a report for the support desk. "
        "You do not need to copy anything by hand.",
    ),
    "checking": Text("Перевіряємо ваш браузер…", "Checking your browser…"),
    "sending": Text("Надсилаємо результати…", "Sending the results…"),
    "done": Text("Перевірку завершено.", "The check is complete."),
    "failed": Text(
        "Не вдалося надіслати звіт. Скопіюйте або завантажте його текст нижче й надішліть "
        "службі підтримки.",
        "The report could not be sent. Copy or download its text below and send it to the "
        "support desk.",
    ),
    "result": Text("Результат", "Result"),
    "report_code": Text("Код звіту", "Report code"),
    "code_hint": Text(
        "Назвіть цей код службі підтримки або надішліть звіт.",
        "Give this code to the support desk or send them the report.",
    ),
    "copy": Text("Копіювати", "Copy"),
    "copied": Text("Звіт скопійовано.", "The report was copied."),
    "copy_failed": Text(
        "Не вдалося скопіювати: виділіть текст звіту вручну.",
        "Copying failed: select the report text by hand.",
    ),
    "download_txt": Text("Завантажити .txt", "Download .txt"),
    "download_json": Text("Завантажити .json", "Download .json"),
    "email": Text("Надіслати в підтримку", "Send to support"),
    "private_link": Text("Переглянути повний звіт", "View the full report"),
    "private_hint": Text(
        "Посилання особисте: не публікуйте його.",
        "This link is private: do not publish it.",
    ),
    "report_text": Text("Текст звіту", "Report text"),
    "language": Text("Мова", "Language"),
    "noscript": Text(
        "JavaScript вимкнено. Ми можемо скласти звіт лише з даних, які надсилає браузер.",
        "JavaScript is off. We can only make a report from what the browser sends.",
    ),
    "noscript_button": Text("Скласти звіт без JavaScript", "Make a report without JavaScript"),
    "matrix_link": Text("Підтримувані браузери та системи", "Supported browsers and systems"),
    "report_page_title": Text("Звіт про браузер", "Browser report"),
    "not_found": Text("Сторінку не знайдено.", "Page not found."),
    "email_subject": Text("Звіт про браузер", "Browser report"),
    "email_prompt": Text(
        "Опишіть, будь ласка: сервіс (сайт чи застосунок), сторінку, дію, текст помилки, "
        "логін, особовий рахунок.",
        "Please describe: the service (site or app), the page, the action, the error text, "
        "your login and personal account number.",
    ),
    # the probe's retries (issue 15); {n} and {s} are filled in by check.js
    "retrying": Text(
        "Сервер не відповів. Повторюємо спробу {n} з 3 за {s} с…",
        "The server did not answer. Trying again ({n} of 3) in {s} s…",
    ),
    "unsent": Text(
        "Звіт про браузер (не надіслано: сервер був недоступний)",
        "Browser report (not sent: the server could not be reached)",
    ),
}


def negotiate_lang() -> str:
    """``?lang=`` first, then Accept-Language, then the configured default."""
    asked = request.args.get("lang")
    if asked in SUPPORTED:
        return asked
    best = request.accept_languages.best_match(SUPPORTED)
    return best or current_app.config["DEFAULT_LANG"]


def t(key: str) -> str:
    """The UI string ``key`` in the current request's language."""
    return UI[key].get(getattr(g, "lang", "uk"))


def lang_url(lang: str) -> str:
    """The current page in ``lang``, keeping its other query arguments (a report's token)."""
    values: dict[str, Any] = {**(request.view_args or {}), **request.args.to_dict(), "lang": lang}
    return url_for(request.endpoint or "public.check", **values)
