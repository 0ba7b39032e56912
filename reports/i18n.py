"""Labels of the report views in Ukrainian and English."""

from __future__ import annotations

from diagnostics.models import Text
from matrix.features import feature_name

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
    "cookies": Text("Файли cookie", "Cookies"),
    "in_app": Text("Вбудований браузер застосунку", "In-app browser"),
    "context": Text("Опис проблеми", "Problem description"),
    "yes": Text("так", "yes"),
    "no": Text("ні", "no"),
    "unknown": Text("невідомо", "unknown"),
    # a frozen OS version is a lower bound: "Windows 10 або новіша" (система: feminine)
    "os_or_newer": Text("{os} {version} або новіша", "{os} {version} or later"),
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
    # A finding or a policy reason named by its id (desk lists, filters, statistics, CLI, CSV):
    # short nouns a support manager says on the phone; the report itself shows each finding's
    # full title. Every id diagnostics/findings.py emits has one (tests/test_words.py).
    "finding_cookies_disabled": Text("Файли cookie вимкнено", "Cookies blocked"),
    "finding_private_mode": Text("Приватний режим", "Private window"),
    "finding_storage_blocked": Text("Збереження даних сайту заблоковано", "Site storage blocked"),
    "finding_offline": Text("Немає з'єднання", "Offline"),
    "finding_stale_build": Text("Застаріла версія сторінки", "Outdated copy of the page"),
    "finding_service_worker_outdated": Text(
        "Застаріла збережена версія сайту", "Outdated stored copy of the site"
    ),
    "finding_slow_network": Text("Повільне з'єднання", "Slow connection"),
    "finding_page_errors": Text("Помилки на сторінці", "Errors on the page"),
    "finding_action_request_failed": Text(
        "Збій на боці порталу після дії", "Portal failed after an action"
    ),
    "finding_request_no_answer": Text(
        "Запити без відповіді (блокувальник?)", "Requests without an answer (a blocker?)"
    ),
    "finding_stale_build_assets": Text(
        "Файли старої версії сторінки не завантажились", "Files of an old page version missing"
    ),
    "finding_csp_blocked": Text(
        "Політика безпеки сторінки щось заблокувала", "The page's security policy blocked something"
    ),
    "finding_signals_inconsistent": Text(
        "Браузер видає себе за інший пристрій", "Browser poses as another device"
    ),
    "finding_javascript_off": Text("JavaScript вимкнено", "JavaScript off"),
    "finding_repair": Text("Виправлення одним натисканням", "One-click repair"),
    "finding_in_app_browser": Text("Вбудований браузер застосунку", "In-app browser"),
    "finding_outdated_browser": Text("Застарілий браузер", "Outdated browser"),
    "finding_outdated_os": Text("Застаріла операційна система", "Outdated operating system"),
    "finding_missing_feature": Text(
        "Бракує потрібної можливості браузера", "A required browser feature is missing"
    ),
    "finding_unknown_browser": Text("Невідомий браузер", "Unknown browser"),
    # what ua-parser calls a family it does not know, per the noun's gender in Ukrainian
    "other_browser": Text("Інший", "Other"),
    "other_os": Text("Інша", "Other"),
    # where a report came from (report.source) and the language it was made in
    "sent_web": Text("сторінка перевірки", "check page"),
    "sent_app": Text("мобільний застосунок", "mobile app"),
    "sent_noscript": Text("сторінка перевірки без JavaScript", "check page without JavaScript"),
    "lang_uk": Text("українська", "Ukrainian"),
    "lang_en": Text("англійська", "English"),
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


def finding_label(finding_id: str, lang: str) -> str:
    """A finding (or policy reason) id in words; an id with no label yet (a finding added
    without one) is shown as it is rather than failing the page."""
    text = LABELS.get(f"finding_{finding_id}")
    return text.get(lang) if text else finding_id


def family_label(family: str, kind: str, lang: str) -> str:
    """A browser or OS family (``kind`` ``"browser"`` or ``"os"``) as people read it: the
    parser's ``"Other"`` in words, real names as they are."""
    return label(f"other_{kind}", lang) if family == "Other" else family


def value_label(column: str, value: str, lang: str) -> str:
    """One value of a statistics or export column in words: verdicts, devices, findings,
    sources and "Other" families by their labels; anything else unchanged."""
    if column in ("status", "outcome", "device_type", "source", "lang"):
        prefix = {
            "status": "status_",
            "outcome": "outcome_",
            "device_type": "device_",
            "source": "sent_",
            "lang": "lang_",
        }
        key = prefix[column] + value
        return LABELS[key].get(lang) if key in LABELS else value
    if column in ("finding", "finding_ids"):
        return ", ".join(finding_label(i, lang) for i in value.split())
    if column in ("browser_family", "os_family"):
        return family_label(value, "browser" if column == "browser_family" else "os", lang)
    if column == "feature":  # a web-features id: its name ("dialog" -> "<dialog>")
        return f"{feature_name(value)} ({value})" if feature_name(value) != value else value
    return value


#: How each language writes a decimal number and a per cent sign after it: Ukrainian with a
#: decimal comma and a no-break space before "%" ("33,3 %"), English "33.3%".
NUMBER_STYLES: dict[str, tuple[str, str]] = {"uk": (",", "\u00a0%"), "en": (".", "%")}


def format_number(value: float, lang: str, digits: int | None = None) -> str:
    """``value`` with ``lang``'s decimal separator (``digits`` after it, or as it is) and its
    thousands grouped as :func:`format_count` does: "1 500,5" in Ukrainian, "1,500.5" in English."""
    text = f"{value:,.{digits}f}" if digits is not None else f"{value:,}"
    if lang != "uk":
        return text
    return text.replace(",", "\u00a0").replace(".", NUMBER_STYLES["uk"][0])


def format_count(value: int, lang: str) -> str:
    """A whole number with its thousands grouped the way each language writes it: "1 000 000"
    (no-break spaces) in Ukrainian, "1,000,000" in English."""
    grouped = f"{value:,}"
    return grouped.replace(",", "\u00a0") if lang == "uk" else grouped


def format_percent(share: float, lang: str, digits: int = 1) -> str:
    """A 0..1 share as a percentage the way each language writes it (:data:`NUMBER_STYLES`):
    "33,3 %" in Ukrainian, "33.3%" in English."""
    sign = NUMBER_STYLES.get(lang, NUMBER_STYLES["en"])[1]
    return format_number(share * 100, lang, digits) + sign
