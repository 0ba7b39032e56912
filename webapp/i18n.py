"""Language negotiation and the one lookup of user-visible strings (Ukrainian and English).

:data:`STRINGS` joins the three tables of labels: the report's (``reports.i18n.LABELS``), the
public pages' (:data:`UI`, here) and the desk's (``support.strings.DESK``); a key means the
same words everywhere, and two tables giving one key different words fail at import.
Python code and templates reach them only through :func:`t` (the templates' one global ``t``),
in the request's language (:func:`current_lang`), with ``{placeholders}`` filled from keywords.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, g, request, url_for

from diagnostics.models import LANGUAGES, Text
from reports.i18n import LABELS

from .support.strings import DESK

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
    "email": Text("Надіслати до служби підтримки", "Send to support"),
    "private_link": Text("Переглянути повний звіт", "View the full report"),
    "private_hint": Text(
        "Посилання особисте: не публікуйте його.",
        "This link is private: do not publish it.",
    ),
    "report_text": Text("Текст звіту", "Report text"),
    "language": Text("Мова", "Language"),
    # each language by its own name, in both pages: a reader finds theirs
    "language_name_uk": Text("Українська", "Українська"),
    "language_name_en": Text("English", "English"),
    "skip_to_content": Text("Перейти до основного вмісту", "Skip to content"),
    "noscript": Text(
        "JavaScript вимкнено. Ми можемо скласти звіт лише з даних, які надсилає браузер.",
        "JavaScript is off. We can only make a report from what the browser sends.",
    ),
    "noscript_button": Text("Скласти звіт без JavaScript", "Make a report without JavaScript"),
    "matrix_link": Text("Підтримувані браузери та системи", "Supported browsers and systems"),
    "report_page_title": Text("Звіт про браузер", "Browser report"),
    "not_found": Text("Сторінку не знайдено.", "Page not found."),
    # error pages (webapp/errors.py) and the "tell support more" form's errors (issue 21)
    "not_found_hint": Text(
        "Можливо, посилання неповне або застаріле. Перевірте браузер ще раз, щоб отримати "
        "новий звіт.",
        "The link may be incomplete or out of date. Check your browser again to get a new report.",
    ),
    "error_page": Text("Цю дію виконати не вдалося.", "This could not be done."),
    "error_page_hint": Text(
        "Поверніться на попередню сторінку й спробуйте ще раз.",
        "Go back to the previous page and try again.",
    ),
    "too_large_page": Text("Надіслано забагато даних.", "Too much data was sent."),
    "rate_limited_page": Text("Забагато запитів.", "Too many requests."),
    "rate_limited_hint": Text(
        "Зачекайте хвилину й спробуйте ще раз.", "Wait a minute and try again."
    ),
    "server_error_page": Text("На сервері сталася помилка.", "The server failed."),
    "server_error_hint": Text(
        "Ми вже знаємо про неї. Спробуйте ще раз за кілька хвилин.",
        "It has been logged. Try again in a few minutes.",
    ),
    "ctx_err_not_an_image": Text(
        "цей файл не є зображенням PNG, JPEG, GIF чи WebP",
        "the file is not a PNG, JPEG, GIF or WebP image",
    ),
    "ctx_err_image_too_large": Text(
        "зображення завелике: зменште його або зробіть знімок меншої частини екрана",
        "the image is too large: make it smaller or capture a smaller part of the screen",
    ),
    "ctx_err_field": Text(
        "поле «{field}» задовге або містить символи, які не можна надіслати",
        "the field “{field}” is too long or holds characters that cannot be sent",
    ),
    "ctx_err_rate_limited": Text(
        "забагато спроб, зачекайте хвилину й спробуйте ще раз",
        "too many attempts, wait a minute and try again",
    ),
    "ctx_err_network": Text(
        "немає зв'язку із сервером, перевірте інтернет і спробуйте ще раз",
        "the server cannot be reached, check your connection and try again",
    ),
    "ctx_err_server": Text(
        "помилка на сервері, спробуйте ще раз за кілька хвилин",
        "the server failed, try again in a few minutes",
    ),
    "email_subject": Text("Звіт про браузер", "Browser report"),
    "email_prompt": Text(
        "Опишіть, будь ласка: сервіс (сайт чи застосунок), сторінку, дію, текст помилки, "
        "логін, особовий рахунок.",
        "Please describe: the service (site or app), the page, the action, the error text, "
        "your login and personal account number.",
    ),
    # one report per visit and no dead ends (issue 21a)
    "check_again": Text("Перевірити ще раз", "Check again"),
    "try_again": Text("Спробувати ще раз", "Try again"),
    "failed_busy": Text(
        "Забагато перевірок з вашої адреси. Зачекайте хвилину і спробуйте ще раз.",
        "Too many checks from your address. Wait a minute and try again.",
    ),
    "failed_offline": Text(
        "Не вдалося зв'язатися із сервером. Перевірте з'єднання і спробуйте ще раз.",
        "Could not reach the server. Check your connection and try again.",
    ),
    "failed_server": Text(
        "Сервер зараз не зміг прийняти звіт. Спробуйте ще раз за хвилину.",
        "The server could not take the report just now. Try again in a minute.",
    ),
    "failed_text_intro": Text(
        "Звіт не збережено, але ось що ми дізналися: скопіюйте цей текст і надішліть його в "
        "підтримку.",
        "The report was not saved, but here is what we found: copy this text and send it to "
        "support.",
    ),
    "email_other": Text(
        "Або напишіть на цю адресу з будь-якої пошти й вкажіть код звіту.",
        "Or write to this address from any mail and give the report code.",
    ),
    "embed_not_allowed": Text(
        "Перевірка тут недоступна. Відкрийте сторінку перевірки в новій вкладці.",
        "The check is not available here. Open the check page in a new tab.",
    ),
    # the embed's link to the collector's check page, beside its button (issue 21)
    "embed_check_page": Text(
        "Перевірити на сторінці browsercheck", "Check on the browsercheck page"
    ),
    # the policy page, /matrix
    "intro": Text(
        "Особистий кабінет перевірено в цих браузерах і системах. Якщо ваш браузер старший, "
        "оновіть його: так сайт працюватиме безпечніше, швидше та зручніше.",
        "The cabinet is tested in these browsers and systems. If yours is older, update it: "
        "the site will work more safely, faster and more comfortably.",
    ),
    "check": Text("Перевірити мій браузер", "Check my browser"),
    "browsers": Text("Браузери", "Browsers"),
    "version": Text("Версія", "Version"),
    "notes": Text("Примітки", "Notes"),
    "link": Text("Посилання", "Link"),
    "upgrade": Text("Як оновити", "How to update"),
    "other_browsers": Text("Інші браузери", "Other browsers"),
    "other_browsers_intro": Text(
        "Браузер, якого немає в переліку, оцінюємо за рушієм, на якому він побудований:",
        "A browser not on the list is judged by the engine it is built on:",
    ),
    "not_supported": Text("Не підтримуються", "Not supported"),
    "systems": Text("Операційні системи", "Operating systems"),
    "system": Text("Система", "System"),
    "any_other_system": Text(
        "Інші системи ({systems}): будь-яка версія.", "Other systems ({systems}): any version."
    ),
    "devices": Text("Пристрої", "Devices"),
    "in_app_browsers": Text("Вбудовані браузери застосунків", "In-app browsers"),
    "in_app_intro": Text(
        "У браузерах, вбудованих в інші застосунки ({apps}), особистий кабінет {status}.",
        "Pages opened inside other apps ({apps}): {status}.",
    ),
    "apps": Text("Мобільні застосунки порталу", "The portal's mobile apps"),
    "app_requirement": Text(
        "версія {app} або новіша, {os} {os_min} або новіша",
        "version {app} or newer, on {os} {os_min} or newer",
    ),
    "store": Text("Магазин застосунків", "App store"),
    "as_of": Text("Станом на", "As of"),
    "json": Text("Те саме у форматі JSON", "The same as JSON"),
    # the probe's retries (issue 15); {n} and {s} are filled in by check.js
    "retrying": Text(
        "Сервер не відповів. Повторюємо спробу {n} з 3 за {s} с…",
        "The server did not answer. Trying again ({n} of 3) in {s} s…",
    ),
    "unsent": Text(
        "Звіт про браузер (не надіслано: сервер був недоступний)",
        "Browser report (not sent: the server could not be reached)",
    ),
    # The demo portal (webapp/demo.py).
    "demo_title": Text("Особистий кабінет — демо", "Self-service cabinet — demo"),
    "demo_intro": Text(
        "Це несправжня сторінка порталу з вбудованим browsercheck: її сервер навмисно не "
        "приймає показання, а один її файл застарів. Так видно, що звіт каже про збій.",
        "This is a fake portal page with browsercheck embedded: its server refuses meter "
        "readings on purpose and one of its files is out of date. It shows what the report "
        "says about a failure.",
    ),
    "demo_step_submit": Text(
        "Введіть будь-яке число й натисніть «Передати показання».",
        'Type any number and click "Submit meter reading".',
    ),
    "demo_step_check": Text(
        "Потім натисніть «Перевірити браузер»: звіт назве дію, що не вдалася, і відповідь "
        "сервера, і скаже, що браузер у порядку.",
        'Then click "Check my browser": the report names the action that failed and the '
        "server's answer, and says that the browser is fine.",
    ),
    "demo_reading": Text("Показання лічильника", "Meter reading"),
    "demo_meter": Text("Показання газового лічильника", "Gas meter reading"),
    "demo_submit": Text("Передати показання", "Submit meter reading"),
    "demo_failed": Text(
        "Не вдалося передати показання. Спробуйте пізніше.",
        "The reading could not be submitted. Please try later.",
    ),
    # the desk's answer on the user's report page (issue 17)
    "reply_title": Text("Служба підтримки відповіла", "Support replied"),
    "reply_team": Text("Служба підтримки", "Support desk"),
    "reply_meta": Text("{name}, {time}", "{name}, {time}"),
    "reply_what_to_do": Text("Що зробити", "What to do"),
    # The one-click repair of a stale page (issue 18): the check page's "Fix it", its confirmation
    "repair_intro": Text(
        "Цю проблему можна виправити одним натисканням.", "This problem can be fixed in one click."
    ),
    "repair_fix": Text("Виправити", "Fix it"),
    "repair_remove": Text(
        "Буде видалено лише збережені дані цього сайту: {what}. Вхід і файли cookie залишаться.",
        "Only this site's stored data will be removed: {what}. Your sign-in and cookies stay.",
    ),
    "repair_sw": Text("збережену версію сайту", "the stored copy of the site"),
    "repair_caches": Text("кеші сайту ({n})", "the site's caches ({n})"),
    "repair_keys": Text("збережені записи ({names})", "saved entries ({names})"),
    "repair_nothing": Text(
        "нічого збереженого, сторінку буде перезавантажено",
        "nothing is stored; the page will be reloaded",
    ),
    "repair_confirm": Text("Так, видалити й перезавантажити", "Yes, remove and reload"),
    "repair_cancel": Text("Скасувати", "Cancel"),
}


def _joined(*tables: dict[str, Text]) -> dict[str, Text]:
    joined: dict[str, Text] = {}
    for table in tables:
        for key, text in table.items():
            if joined.get(key, text) != text:
                raise RuntimeError(f"string {key!r} has two different texts: {joined[key]}, {text}")
            joined[key] = text
    return joined


#: Every user-visible string of the web app, by key.
STRINGS: dict[str, Text] = _joined(LABELS, UI, DESK)


def negotiate_lang() -> str:
    """``?lang=`` first, then Accept-Language, then the configured default."""
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        return asked
    best = request.accept_languages.best_match(LANGUAGES)
    return best or current_app.config["DEFAULT_LANG"]


def current_lang() -> str:
    """The language of this request (negotiated before it ran), else ``DEFAULT_LANG``."""
    lang = g.get("lang") if g else None
    return lang or current_app.config["DEFAULT_LANG"]


def asked_lang(fallback: str) -> str:
    """``?lang=`` when it names a language, else ``fallback`` (a report's own language)."""
    asked = request.args.get("lang")
    return asked if asked in LANGUAGES else fallback


def t(key: str, **values: object) -> str:
    """The string ``key`` in the request's language, ``{placeholders}`` filled from ``values``."""
    text = STRINGS[key].get(current_lang())
    return text.format(**values) if values else text


def lang_url(lang: str) -> str:
    """The current page in ``lang``, keeping its other query arguments (a report's token)."""
    values: dict[str, Any] = {**(request.view_args or {}), **request.args.to_dict(), "lang": lang}
    return url_for(request.endpoint or "public.check", **values)


def init_app(app: Flask) -> None:
    """Each request's language (``g.lang``) and the templates' ``t``, ``lang`` and ``lang_url``."""

    @app.before_request
    def _lang() -> None:
        g.lang = negotiate_lang()

    @app.context_processor
    def _template_globals() -> dict[str, Any]:
        return {"t": t, "lang": current_lang(), "languages": LANGUAGES, "lang_url": lang_url}
