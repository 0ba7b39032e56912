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
    # where the probe's "current" build came from (payload build.reference, issue 18)
    "build_reference": Text("Поточну версію взято з", "Current build from"),
    "build_reference_build_url": Text(
        "адреси версії порталу (data-build-url)", "the portal's build URL (data-build-url)"
    ),
    "build_reference_collector": Text(
        "сервера browsercheck (GET /api/v1/build)", "the browsercheck server (GET /api/v1/build)"
    ),
    "repair_of": Text(
        "Повторна перевірка після виправлення звіту", "Second check after the repair of report"
    ),
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
    # the answer back to the user (issue 17)
    "reply_section": Text("Відповідь користувачу", "Answer to the user"),
    "replies_none": Text("Відповідей користувачу ще не було.", "No answers to the user yet."),
    "reply_by": Text("{agent}, {time}", "{agent}, {time}"),
    "reply_signed_as": Text("підпис для користувача: «{name}»", "signed for the user as “{name}”"),
    "reply_seen": Text("користувач відкрив {time}", "seen by the user at {time}"),
    "reply_not_seen": Text("ще не відкрито", "not opened yet"),
    "reply_message": Text("Повідомлення користувачу", "Message to the user"),
    "reply_message_hint": Text(
        "Звичайний текст, до {max} знаків. Користувач побачить його на сторінці свого звіту "
        "так, як ви його написали.",
        "Plain text, up to {max} characters. The user sees it on their report page as you "
        "wrote it.",
    ),
    "reply_name": Text(
        "Ваше ім'я для користувача (необов'язково)", "Your name for the user (optional)"
    ),
    "reply_name_hint": Text(
        "Без імені користувач побачить «Служба підтримки». Вашу електронну пошту він не бачить.",
        "Without a name the user sees “Support desk”. They never see your e-mail.",
    ),
    "reply_remedies": Text(
        "Що зробити: поради зі звіту, як їх отримав користувач",
        "What to do: the report's remedies, as the user got them",
    ),
    "reply_remedies_hint": Text(
        "Користувач побачить вибрані поради мовою своєї сторінки.",
        "The user sees the picked remedies in the language of their page.",
    ),
    "reply_no_remedies": Text(
        "У звіті немає порад, які можна вибрати.", "The report has no remedies to pick."
    ),
    "reply_send": Text("Надіслати відповідь", "Send the answer"),
    "reply_sent": Text(
        "Відповідь надіслано: користувач побачить її на сторінці свого звіту.",
        "Answer sent: the user sees it on their report page.",
    ),
    "reply_error_empty": Text(
        "Напишіть повідомлення або виберіть, що зробити.", "Write a message or pick what to do."
    ),
    "reply_error_too_long": Text(
        "Повідомлення задовге (знаків: {length}), можна до {max} знаків.",
        "The message is too long: {length} characters, at most {max}.",
    ),
    "reply_error_too_many": Text(
        "Вибрано забагато порад: можна до {max}.", "Too many remedies picked: at most {max}."
    ),
    "reply_error_unknown_remedy": Text(
        "Вибраної поради немає в цьому звіті. Оновіть сторінку й спробуйте ще раз.",
        "A picked remedy is not in this report. Reload the page and try again.",
    ),
    "reply_error_name_too_long": Text(
        "Ім'я задовге: можна до {max} знаків.", "The name is too long: at most {max} characters."
    ),
    "reply_marker_unseen": Text(
        "Відповідь користувачу ще не відкрито", "Answer to the user not opened yet"
    ),
    "reply_marker_seen": Text("Користувач відкрив відповідь", "The user opened the answer"),
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
    # the impact of a policy change (issue 19): `matrix impact` and /support/impact
    "impact_title": Text("Вплив зміни політики", "Impact of a policy change"),
    "impact_intro": Text(
        "Завантажте новий файл політики (YAML), щоб побачити, скільки збережених звітів "
        "отримали б інший висновок. Нічого не зберігається: чинна політика не змінюється.",
        "Upload a new policy file (YAML) to see how many stored reports would get another "
        "verdict. Nothing is saved: the policy in use stays as it is.",
    ),
    "impact_file": Text("Новий файл політики", "New policy file"),
    "impact_run": Text("Порахувати вплив", "Show the impact"),
    "impact_summary": Text(
        "Звітів за період: {reports}; змінять висновок: {moved}; без змін: {unchanged}.",
        "Reports in the period: {reports}; would change verdict: {moved}; unchanged: {unchanged}.",
    ),
    "impact_compared": Text(
        "Нова політика «{new}» порівняно з чинною «{current}», звіти від {since}.",
        "The new policy “{new}” against the one in use “{current}”, reports since {since}.",
    ),
    "impact_none": Text(
        "Жоден звіт не отримав би іншого висновку.", "No report would get another verdict."
    ),
    "impact_move": Text("{before} → {after}", "{before} → {after}"),
    "impact_from": Text("Було", "Was"),
    "impact_to": Text("Стане", "Would be"),
    "impact_count": Text("Звітів", "Reports"),
    "impact_browsers": Text("Браузери", "Browsers"),
    "impact_systems": Text("Операційні системи", "Operating systems"),
    "impact_examples": Text("Приклади звітів", "Example reports"),
    "impact_invalid": Text(
        "У файлі політики є помилки ({count}); вплив не пораховано:",
        "The policy file has errors ({count}); the impact was not counted:",
    ),
    "impact_line": Text("рядок {line}", "line {line}"),
    "impact_no_file": Text("Виберіть файл політики.", "Choose a policy file."),
    "impact_too_large": Text(
        "Файл більший за {size} КБ: це не файл політики.",
        "The file is larger than {size} KB: it is not a policy file.",
    ),
    "impact_unreadable": Text(
        "Не вдалося прочитати дані про браузер у звітах: {count}; їх не враховано.",
        "The browser data of some reports could not be read: {count}; they are left out.",
    ),
    # ... and of the sampled page loads (the beacon's roll-up with its policy views)
    "impact_loads_title": Text("Вибрані завантаження сторінок", "Sampled page loads"),
    "impact_loads_summary": Text(
        "Вибраних завантажень сторінок за період: {loads}; змінять висновок: {moved}; "
        "без змін: {unchanged}.",
        "Sampled page loads in the period: {loads}; would change verdict: {moved}; "
        "unchanged: {unchanged}.",
    ),
    "impact_loads_unknown": Text(
        "Завантажень сторінок, пораховано без даних про браузер (до оновлення): {count}; "
        "їх не враховано.",
        "Page loads counted without their browser data (before the upgrade): {count}; "
        "they are left out.",
    ),
    "impact_loads_none": Text(
        "Жодне вибране завантаження сторінки не отримало б іншого висновку.",
        "No sampled page load would get another verdict.",
    ),
    "impact_loads_count": Text("Завантажень", "Page loads"),
    # the help desk's sidebar (issue 17)
    "sidebar_title": Text("Звіти в зверненні", "Reports in this ticket"),
    "sidebar_text": Text("Текст звернення", "The ticket's text"),
    "sidebar_no_codes": Text(
        "У тексті немає кодів наявних звітів.", "The text names no stored report's code."
    ),
    "sidebar_link_refused": Text("Посилання не відкривається", "This link cannot be opened"),
    "sidebar_link_expired": Text(
        "Термін дії посилання минув. Оновіть бічну панель у службі підтримки.",
        "The link has expired. Reload the sidebar in your help desk.",
    ),
    "sidebar_link_invalid": Text(
        "Посилання пошкоджене або створене не цим сервером.",
        "The link is damaged or was not made by this server.",
    ),
    "sidebar_link_revoked": Text(
        "Ключ API, яким створено посилання, відкликано.",
        "The API token that made this link has been revoked.",
    ),
    # the help desks' app packages (browsercheck integrations zendesk-app / freshdesk-app)
    "desk_app_name": Text("browsercheck: звіти в зверненні", "browsercheck: reports in the ticket"),
    "desk_app_short": Text(
        "Вердикт, браузер і поради з кожного звіту, код якого є у зверненні.",
        "The verdict, browser and remedies of every report whose code is in the ticket.",
    ),
    "desk_app_long": Text(
        "Шукає коди звітів browsercheck у темі й тексті звернення та показує поруч картку "
        "кожного звіту: вердикт, браузер, систему й пристрій, головні проблеми з порадами, "
        "які отримав користувач, і посилання на повний звіт.",
        "Finds browsercheck report codes in the ticket's subject and description and shows a "
        "card for each report beside it: the verdict, browser, system and device, the top "
        "findings with the remedies the user was given, and a link to the full report.",
    ),
    "desk_app_install": Text(
        "Вкажіть адресу сервера browsercheck і ключ API з «browsercheck tokens add». Додайте "
        "адресу служби підтримки до BROWSERCHECK_SIDEBAR_FRAME_ANCESTORS.",
        "Enter the browsercheck server's address and an API token from "
        "'browsercheck tokens add'. Add your help desk's address to "
        "BROWSERCHECK_SIDEBAR_FRAME_ANCESTORS.",
    ),
    "desk_app_collector": Text("Адреса сервера browsercheck", "browsercheck server address"),
    "desk_app_collector_help": Text(
        "Наприклад, https://check.example (значення BROWSERCHECK_PUBLIC_URL).",
        "For example https://check.example (the value of BROWSERCHECK_PUBLIC_URL).",
    ),
    "desk_app_host": Text("Ім'я сервера browsercheck", "browsercheck server host name"),
    "desk_app_host_help": Text(
        "Лише ім'я, без https:// (наприклад, check.example); з'єднання завжди https.",
        "The name only, without https:// (e.g. check.example); it is always reached over https.",
    ),
    "desk_app_token": Text("Ключ API служби підтримки", "Desk API token"),
    "desk_app_token_help": Text(
        "З «browsercheck tokens add NAME». Без ключа бічна панель відкривається лише агентам, "
        "які ввійшли в browsercheck.",
        "From 'browsercheck tokens add NAME'. Without one the sidebar opens only for agents "
        "signed in to browsercheck.",
    ),
    "desk_app_loading": Text("Шукаємо звіти…", "Looking for reports…"),
    "desk_app_no_collector": Text(
        "У налаштуваннях застосунку не вказано адресу сервера browsercheck.",
        "The app's settings name no browsercheck server.",
    ),
    "desk_app_no_client": Text(
        "Цю сторінку відкривають лише в службі підтримки.", "This page opens in the help desk only."
    ),
    "desk_app_failed": Text("Не вдалося прочитати звернення.", "The ticket could not be read."),
    # The sampled page-load beacon's statistics (issue 18)
    "current_build": Text("Поточна версія", "Current build"),
    "beacon_explained": Text(
        "Частка вибраних завантажень сторінок порталу (атрибут data-beacon вбудованого скрипту) "
        "за версією та висновком; поточну версію позначено.",
        "Share of the portal's sampled page loads (the embed's data-beacon attribute) by build "
        "and verdict; the current build is marked.",
    ),
}
