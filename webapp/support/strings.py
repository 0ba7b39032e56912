"""Strings of the support desk and of the check page's "tell support more" form (uk and en)."""

from __future__ import annotations

from diagnostics.models import Text

DESK: dict[str, Text] = {
    # sign-in
    "desk": Text("Служба підтримки", "Support desk"),
    "login_title": Text("Вхід для служби підтримки", "Support desk sign-in"),
    "email_address": Text("Електронна пошта", "E-mail"),
    "password": Text("Пароль", "Password"),
    "sign_in": Text("Увійти", "Sign in"),
    "sign_out": Text("Вийти", "Sign out"),
    "signed_out": Text("Ви вийшли.", "You are signed out."),
    "login_needed": Text("Увійдіть, щоб продовжити.", "Sign in to continue."),
    "login_failed": Text("Неправильна електронна пошта або пароль.", "Wrong e-mail or password."),
    "login_locked": Text(
        "Забагато невдалих спроб. Спробуйте знову через {minutes} хв.",
        "Too many failed attempts. Try again in {minutes} min.",
    ),
    "csrf_failed": Text(
        "Форма застаріла або надіслана не з цього сайту. Оновіть сторінку й спробуйте ще раз.",
        "The form has expired or was not sent from this site. Reload the page and try again.",
    ),
    "forbidden": Text("Ця сторінка лише для адміністраторів.", "This page is for admins only."),
    # navigation and lists
    "reports": Text("Звіти", "Reports"),
    "statistics": Text("Статистика", "Statistics"),
    "users": Text("Користувачі", "Users"),
    "search_code": Text("Код звіту", "Report code"),
    "find": Text("Знайти", "Find"),
    "not_found_code": Text(
        "Звіту з кодом «{code}» немає.", "There is no report with code “{code}”."
    ),
    "bad_code": Text(
        "«{code}» не схоже на код звіту (8 знаків, напр. ABCD-2345).",
        "“{code}” does not look like a report code (8 characters, e.g. ABCD-2345).",
    ),
    "filters": Text("Фільтри", "Filters"),
    "any": Text("будь-який", "any"),
    "date_from": Text("Від дати", "From date"),
    "date_to": Text("До дати (включно)", "To date (inclusive)"),
    "text_search": Text("Текст у полях користувача", "Text in the user's fields"),
    "finding": Text("Проблема", "Finding"),
    "apply": Text("Застосувати", "Apply"),
    "reset": Text("Скинути", "Reset"),
    "no_reports": Text("Звітів не знайдено.", "No reports found."),
    "newer": Text("← Новіші", "← Newer"),
    "older": Text("Старіші →", "Older →"),
    "page": Text("Сторінка", "Page"),
    "user_note": Text("Від користувача", "From the user"),
    "bad_filter": Text(
        "Неправильне значення фільтра «{name}».", "Bad value of the filter “{name}”."
    ),
    "dates_swapped": Text(
        "Дата «від» пізніша за дату «до»: показано звіти з {start} до {end}.",
        "The “from” date is after the “to” date: showing reports from {start} to {end}.",
    ),
    # the compact list and the handled/unhandled state (issue 21)
    "time_in_zone": Text("Час ({zone})", "Time ({zone})"),
    "environment_short": Text("Браузер · ОС · пристрій", "Browser · OS · device"),
    "top_finding": Text("Головна проблема", "Main problem"),
    "has_screenshot": Text("є знімок екрана", "has a screenshot"),
    "state": Text("Стан", "State"),
    "state_unhandled": Text("Не опрацьовано", "Not handled"),
    "state_handled": Text("Опрацьовано", "Handled"),
    "mark_handled": Text("Позначити опрацьованим", "Mark handled"),
    "mark_unhandled": Text("Повернути в неопрацьовані", "Mark not handled"),
    "handled_by": Text("Опрацьовано: {agent}, {time}", "Handled by {agent}, {time}"),
    # report page
    "agent_report_title": Text("Звіт {code}", "Report {code}"),
    "user_context": Text("Що повідомив користувач", "What the user told us"),
    "no_context": Text("Користувач нічого не додав.", "The user added nothing."),
    "screenshot": Text("Знімок екрана", "Screenshot"),
    "screenshot_alt": Text("Знімок екрана від користувача", "Screenshot from the user"),
    "environment_sources": Text("Середовище та джерела даних", "Environment and its sources"),
    "field": Text("Поле", "Field"),
    "value": Text("Значення", "Value"),
    "source": Text("Джерело", "Source"),
    "conflicts": Text("Розбіжності в даних", "Conflicting signals"),
    "used": Text("використано", "used"),
    "ignored": Text("відкинуто", "ignored"),
    "headers": Text("Заголовки запиту", "Request headers"),
    "raw_payload": Text("Необроблені дані перевірки (JSON)", "Raw check data (JSON)"),
    # the report page: what the probe saw of the page, as fields (issue 21)
    "page_state": Text("Сторінка, кеш і мережа", "Page, cache and network"),
    "page_errors": Text("Помилки на сторінці", "Errors on the page"),
    "no_page_errors": Text("Помилок на сторінці не було.", "The page had no errors."),
    "errors_dropped": Text(
        "Ще {count} помилок не записано (ліміт 20).", "{count} more errors not recorded (limit 20)."
    ),
    "error_kind_error": Text("помилка", "error"),
    "error_kind_rejection": Text("необроблена помилка в Promise", "unhandled rejection"),
    "build": Text("Версія сторінки / сервера", "Page build / server build"),
    "build_same": Text("збігаються", "the same"),
    "build_differs": Text("різняться: сторінка з кешу", "differ: the page is a cached copy"),
    "cache": Text("Кеш", "Cache"),
    "page_from": Text("сторінка", "page"),
    "scripts_from": Text("скрипти", "scripts"),
    "stored_caches": Text("Cache Storage", "Cache Storage"),
    "load_network": Text("з мережі", "from the network"),
    "load_cache": Text("з кешу браузера", "from the browser cache"),
    "load_service_worker": Text("через service worker", "through the service worker"),
    "service_worker": Text("Service worker (фоновий скрипт сайту)", "Service worker"),
    "sw_controlled": Text("керує сторінкою", "controls the page"),
    "sw_waiting": Text("новіша версія чекає", "a newer version is waiting"),
    "network": Text("Мережа", "Network"),
    "online": Text("у мережі", "online"),
    "net_effective_type": Text("якість", "quality"),
    "net_type": Text("тип", "type"),
    "net_rtt": Text("затримка (оцінка браузера)", "round trip (browser's estimate)"),
    "net_downlink": Text("швидкість", "bandwidth"),
    "request_rtt": Text("затримка до сервера", "round trip to the server"),
    "save_data": Text("заощадження трафіку", "data saver"),
    "unit_ms": Text("мс", "ms"),
    "unit_mbps": Text("Мбіт/с", "Mbit/s"),
    "same_browser": Text("Інші звіти з цього браузера", "Other reports from this browser"),
    "no_same_browser": Text(
        "Інших звітів з цього браузера немає.", "No other reports from this browser."
    ),
    "report_source": Text("Надіслано з", "Sent from"),
    "language": Text("Мова", "Language"),
    "src_ua": Text("заголовок User-Agent", "User-Agent header"),
    "src_hints-header": Text("Client Hints (заголовки)", "Client Hints (headers)"),
    "src_hints-js": Text("Client Hints (JavaScript)", "Client Hints (JavaScript)"),
    "src_probe": Text("скрипт перевірки на сторінці", "in-page probe"),
    "src_app": Text("мобільний застосунок", "mobile app"),
    "src_headers": Text(
        "заголовки запиту (X-Requested-With)", "request headers (X-Requested-With)"
    ),
    # statistics and export
    "period": Text("Період", "Period"),
    "last_days": Text("останні {days} дн.", "last {days} days"),
    "show": Text("Показати", "Show"),
    "total": Text("Усього звітів", "Reports in total"),
    "no_data": Text("Немає даних за цей період.", "No data for this period."),
    "export": Text("Вивантаження", "Export"),
    "format": Text("Формат", "Format"),
    "no_personal": Text("Без персональних полів", "No personal fields"),
    "no_personal_hint": Text(
        "Без логіна, рахунку, лічильника, вільного тексту користувача та ідентифікатора браузера.",
        "Without login, account, meter, the user's free text and the browser id.",
    ),
    "download": Text("Завантажити", "Download"),
    "csv_for_people": Text(
        "Назви замість кодів, час у поясі служби, роздільник «;» для Excel",
        "Words instead of codes, times in the desk's zone, for spreadsheets",
    ),
    "export_hint": Text(
        "Вивантажуються звіти, що відповідають фільтрам списку.",
        "The export holds the reports that match the list's filters.",
    ),
    "role": Text("Роль", "Role"),
    "role_agent": Text("оператор", "agent"),
    "role_admin": Text("адміністратор", "admin"),
    "last_login": Text("Останній вхід", "Last sign-in"),
    "active": Text("Активний", "Active"),
    # check page: the user's context form
    "ctx_title": Text(
        "Розкажіть службі підтримки більше (необов'язково)", "Tell support more (optional)"
    ),
    "ctx_intro": Text(
        "Ці поля бачить лише служба підтримки. Заповніть те, що стосується вашої проблеми.",
        "Only the support desk sees these fields. Fill in what concerns your problem.",
    ),
    "ctx_screenshot": Text(
        "Знімок екрана (зображення до 5 МБ)", "Screenshot (an image up to 5 MB)"
    ),
    "ctx_save": Text("Додати до звіту", "Add to the report"),
    "ctx_saving": Text("Зберігаємо…", "Saving…"),
    "ctx_saved": Text("Додано до звіту.", "Added to the report."),
    "ctx_failed": Text("Не вдалося зберегти: {reason}", "Could not save: {reason}"),
    "ctx_too_big": Text("файл більший за 5 МБ", "the file is larger than 5 MB"),
    # the help desk's sidebar (issue 17)
    "sidebar_title": Text("Звіти в зверненні", "Reports in this ticket"),
    "sidebar_text": Text("Текст звернення", "The ticket's text"),
    "sidebar_no_codes": Text(
        "У тексті немає кодів наявних звітів.", "The text names no stored report's code."
    ),
    # The sampled page-load beacon's statistics (issue 18)
    "current_build": Text("Поточна збірка", "Current build"),
    "beacon_explained": Text(
        "Частка вибраних завантажень сторінок порталу (атрибут data-beacon вбудованого скрипту) "
        "за збіркою та висновком; поточну збірку позначено.",
        "Share of the portal's sampled page loads (the embed's data-beacon attribute) by build "
        "and verdict; the current build is marked.",
    ),
}
