"""Labels of the report views in Ukrainian and English."""

from __future__ import annotations

from diagnostics.models import Text

LABELS: dict[str, Text] = {
    "title": Text("Звіт про браузер", "Browser report"),
    "code": Text("Код звіту", "Report code"),
    "created": Text("Створено", "Created"),
    "browser": Text("Браузер", "Browser"),
    "engine": Text("Рушій", "Engine"),
    "os": Text("Операційна система", "Operating system"),
    "device": Text("Пристрій", "Device"),
    "verdict": Text("Висновок", "Verdict"),
    "findings": Text("Виявлені проблеми", "Problems found"),
    "no_findings": Text("Проблем не виявлено.", "No problems found."),
    "remedy": Text("Що зробити", "What to do"),
    "reasons": Text("Причини", "Reasons"),
    "user_agent": Text("User-Agent", "User-Agent"),
    "screen": Text("Екран", "Screen"),
    "languages": Text("Мови", "Languages"),
    "time_zone": Text("Часовий пояс", "Time zone"),
    "cookies": Text("Cookies", "Cookies"),
    "in_app": Text("Вбудований браузер застосунку", "In-app browser"),
    "context": Text("Опис проблеми", "Problem description"),
    "yes": Text("так", "yes"),
    "no": Text("ні", "no"),
    "unknown": Text("невідомо", "unknown"),
    "at_least": Text("щонайменше", "at least"),
    "status_supported": Text("Підтримується", "Supported"),
    "status_limited": Text("Працює з обмеженнями", "Limited support"),
    "status_unsupported": Text("Не підтримується", "Not supported"),
    "status_unknown": Text("Невідомий браузер", "Unknown browser"),
    "device_desktop": Text("комп'ютер", "desktop"),
    "device_mobile": Text("смартфон", "mobile phone"),
    "device_tablet": Text("планшет", "tablet"),
    "device_tv": Text("телевізор", "TV"),
    "device_bot": Text("бот", "bot"),
    "device_unknown": Text("невідомий", "unknown"),
    # The outcome (matrix/outcome.py): the headline of every view of a report.
    "outcome": Text("Результат", "Result"),
    "outcome_works": Text("Має працювати", "Should work"),
    "outcome_works_with_problems": Text("Працює з проблемами", "Works with problems"),
    "outcome_will_not_work": Text("Не працюватиме", "Will not work"),
    "outcome_unknown": Text("Невідомо, чи працюватиме", "Cannot tell"),
    "headline_works": Text(
        "Особистий кабінет має працювати повністю.", "The cabinet should work fully."
    ),
    "headline_works_with_problems": Text(
        "Особистий кабінет працюватиме, але дещо може не працювати:",
        "The cabinet will work, but some things may not:",
    ),
    "headline_will_not_work": Text(
        "Особистий кабінет не працюватиме, доки ви не виправите це:",
        "The cabinet will not work until you fix this:",
    ),
    "headline_unknown": Text(
        "Ми не можемо сказати, чи працюватиме особистий кабінет.",
        "We cannot tell whether the cabinet will work.",
    ),
    "support_address": Text("Адреса служби підтримки", "Support address"),
    "private_report_link": Text("Повний звіт (посилання особисте)", "Full report (private link)"),
    "email_ask": Text("Що саме не працює?", "What does not work?"),
    "ctx_service": Text("Сервіс (сайт чи застосунок)", "Service (site or app)"),
    "ctx_page": Text("Сторінка чи екран", "Page or screen"),
    "ctx_action": Text("Дія", "Action"),
    "ctx_error_text": Text("Текст помилки", "Error text"),
    "ctx_login": Text("Логін (e-mail або телефон)", "Login (e-mail or phone)"),
    "ctx_account": Text(
        "Особовий рахунок (або ЄДРПОУ і номер договору)",
        "Personal account (or EDRPOU and contract number)",
    ),
    "ctx_company": Text(
        "Компанія (оператор ГРМ або постачальник)",
        "Company (gas distribution operator or supplier)",
    ),
    "ctx_meter": Text("Номер лічильника газу", "Gas meter number"),
    "ctx_app_version": Text("Версія застосунку", "App version"),
    # The evidence the embed recorded on the portal's page (issue 14).
    "evidence": Text("Що сталося на сторінці порталу", "What happened on the portal's page"),
    "evidence_intro": Text(
        "Записано на сторінці порталу до звернення і надіслано разом зі звітом (час від "
        "відкриття сторінки; без введених вами даних, параметрів адрес і вмісту запитів).",
        "Recorded on the portal's page before you asked for help and sent with this report "
        "(time since the page opened; nothing you typed, no address parameters, no request "
        "contents).",
    ),
    "evidence_more": Text(
        "ще {count} раніших записів не збережено", "{count} earlier items dropped"
    ),
    "ev_click": Text("натиснуто", "clicked"),
    "ev_submit": Text("надіслано форму", "submitted"),
    "ev_navigate": Text("перехід на", "went to"),
    "ev_resource": Text("не завантажився файл", "file failed to load"),
    "ev_csp": Text("CSP заблокувала", "CSP blocked"),
    "ev_error": Text("помилка", "error"),
}

CONTEXT_KEYS: tuple[str, ...] = (
    "service",
    "page",
    "action",
    "error_text",
    "login",
    "account",
    "company",
    "meter",
    "app_version",
)


def label(key: str, lang: str) -> str:
    """The label ``key`` in ``lang``; raises KeyError for an unknown key (a bug, not input)."""
    return LABELS[key].get(lang)
