"""Browser-specific instructions for the remedies of findings, in Ukrainian and English.

A remedy that says "clear the site's data" helps nobody who does not know where that is; these
tables say where it is in Chrome, Firefox, Safari, Edge, Samsung Internet and Opera, on a computer,
on Android and on iPhone/iPad. :func:`browser_kind` reads which of them an Environment is.
"""

from __future__ import annotations

from typing import Literal

from .models import Environment, Text

Kind = Literal["chrome", "firefox", "safari", "edge", "samsung", "opera", "other"]
Platform = Literal["desktop", "android", "ios"]

#: Substrings of a browser family name -> the browser whose menus it has; first match wins
#: (Edge, Opera and Samsung Internet before Chrome: they are Chromium-based and mention it).
_KINDS: tuple[tuple[str, Kind], ...] = (
    ("edge", "edge"),
    ("samsung", "samsung"),
    ("opera", "opera"),
    ("firefox", "firefox"),
    ("chrom", "chrome"),
    ("safari", "safari"),
)


def browser_kind(env: Environment) -> tuple[Kind, Platform]:
    """Which browser's menus ``env`` has, and on which platform.

    Returns ``(kind, platform)``: kind is one of chrome, firefox, safari, edge, samsung, opera or
    other (any other family); platform is ios (iPhone/iPad), android or desktop. Never raises.
    """
    family = env.browser.family.lower()
    kind: Kind = next((k for needle, k in _KINDS if needle in family), "other")
    os_family = env.os.family
    platform: Platform = "desktop"
    if os_family in ("iOS", "iPadOS"):
        platform = "ios"
    elif os_family == "Android":
        platform = "android"
    return kind, platform


_CLEAR_DATA: dict[tuple[Kind, Platform], Text] = {
    ("chrome", "desktop"): Text(
        "Chrome: натисніть значок ліворуч від адреси сайту → «Налаштування сайту» → «Видалити "
        "дані», потім перезавантажте сторінку (Ctrl+Shift+R).",
        'Chrome: click the icon to the left of the site\'s address → "Site settings" → '
        '"Delete data", then reload the page (Ctrl+Shift+R).',
    ),
    ("chrome", "android"): Text(
        "Chrome: ⋮ → «Налаштування» → «Налаштування сайтів» → «Усі сайти» → цей сайт → "
        "«Видалити й скинути», потім відкрийте сторінку знову.",
        'Chrome: ⋮ → Settings → Site settings → All sites → this site → "Delete & reset", '
        "then open the page again.",
    ),
    ("chrome", "ios"): Text(
        "Chrome: ⋯ → «Налаштування» → «Конфіденційність і безпека» → «Очистити дані "
        "веб-перегляду» → позначте «Файли cookie, дані сайтів» і «Зображення та файли в кеші» "
        "→ «Очистити».",
        'Chrome: ⋯ → Settings → Privacy and Security → Clear Browsing Data → tick "Cookies, '
        'Site Data" and "Cached Images and Files" → Clear.',
    ),
    ("firefox", "desktop"): Text(
        "Firefox: натисніть замок ліворуч від адреси → «Очистити файли cookie і дані сайту…» "
        "→ «Вилучити», потім перезавантажте сторінку (Ctrl+Shift+R).",
        'Firefox: click the padlock to the left of the address → "Clear cookies and site '
        'data…" → "Remove", then reload the page (Ctrl+Shift+R).',
    ),
    ("firefox", "android"): Text(
        "Firefox: ⋮ → «Налаштування» → «Видалити дані перегляду» → позначте «Файли cookie і "
        "дані сайтів» і «Кешовані зображення та файли» → «Видалити».",
        'Firefox: ⋮ → Settings → Delete browsing data → tick "Cookies and site data" and '
        '"Cached images and files" → Delete.',
    ),
    ("firefox", "ios"): Text(
        "Firefox: ☰ → «Налаштування» → «Керування даними» → «Дані вебсайтів» → цей сайт → "
        "«Очистити».",
        "Firefox: ☰ → Settings → Data Management → Website Data → this site → Clear.",
    ),
    ("safari", "desktop"): Text(
        "Safari: меню Safari → «Параметри» → «Приватність» → «Керувати даними вебсайтів…» → "
        "знайдіть цей сайт → «Вилучити», потім перезавантажте сторінку (Option+Cmd+R).",
        'Safari: Safari menu → Settings → Privacy → "Manage Website Data…" → find this site '
        '→ "Remove", then reload the page (Option+Cmd+R).',
    ),
    ("safari", "ios"): Text(
        "iPhone/iPad: «Параметри» → «Safari» (у новіших iOS: «Програми» → «Safari») → "
        "«Додатково» → «Дані вебсайтів» → проведіть ліворуч по цьому сайту → «Видалити».",
        "iPhone/iPad: Settings → Safari (newer iOS: Apps → Safari) → Advanced → Website Data "
        "→ swipe left on this site → Delete.",
    ),
    ("edge", "desktop"): Text(
        "Edge: відкрийте edge://settings/siteData («Параметри» → «Файли cookie та дозволи "
        "сайтів» → «Переглянути всі файли cookie та дані сайтів»), знайдіть цей сайт і "
        "видаліть його дані, потім перезавантажте сторінку (Ctrl+Shift+R).",
        "Edge: open edge://settings/siteData (Settings → Cookies and site permissions → See all "
        "cookies and site data), find this site and delete its data, then reload the page "
        "(Ctrl+Shift+R).",
    ),
    ("edge", "android"): Text(
        "Edge: ⋯ → «Параметри» → «Конфіденційність і безпека» → «Очистити дані браузера» → "
        "позначте «Файли cookie та дані сайтів» і «Кешовані зображення та файли» → «Очистити».",
        'Edge: ⋯ → Settings → Privacy and security → Clear browsing data → tick "Cookies and '
        'site data" and "Cached images and files" → Clear data.',
    ),
    ("samsung", "android"): Text(
        "Samsung Internet: ≡ → «Налаштування» → «Особисті дані перегляду» → «Видалити дані "
        "перегляду» → позначте «Файли cookie і дані сайтів» і «Зображення та файли в кеші» → "
        "«Видалити дані».",
        "Samsung Internet: ≡ → Settings → Personal browsing data → Delete browsing data → tick "
        '"Cookies and site data" and "Cached images and files" → Delete data.',
    ),
    ("opera", "desktop"): Text(
        "Opera: натисніть замок ліворуч від адреси → «Налаштування сайту» → «Видалити дані», "
        "потім перезавантажте сторінку (Ctrl+Shift+R).",
        'Opera: click the padlock to the left of the address → "Site settings" → "Delete '
        'data", then reload the page (Ctrl+Shift+R).',
    ),
    ("opera", "android"): Text(
        "Opera: значок профілю → ⚙ «Налаштування» → «Конфіденційність» → «Очистити дані "
        "перегляду» → позначте «Файли cookie і дані сайтів» і «Кешовані зображення та файли» → "
        "«Очистити».",
        'Opera: profile icon → ⚙ Settings → Privacy → Clear browsing data → tick "Cookies and '
        'site data" and "Cached images and files" → Clear.',
    ),
}
_CLEAR_DATA_ANY = Text(
    "Очистіть кеш і файли cookie цього сайту в налаштуваннях браузера (на комп'ютері зазвичай "
    "Ctrl+Shift+Delete), потім перезавантажте сторінку.",
    "Clear this site's cache and cookies in your browser's settings (on a computer usually "
    "Ctrl+Shift+Delete), then reload the page.",
)

_ALLOW_COOKIES: dict[tuple[Kind, Platform], Text] = {
    ("chrome", "desktop"): Text(
        "Chrome: ⋮ → «Налаштування» → «Конфіденційність і безпека» → «Налаштування сайтів» → "
        "«Дані сайтів на пристрої» → дозвольте сайтам зберігати дані або додайте цей сайт до "
        "дозволених.",
        "Chrome: ⋮ → Settings → Privacy and security → Site settings → On-device site data → "
        "allow sites to save data, or add this site to the allowed ones.",
    ),
    ("chrome", "android"): Text(
        "Chrome: ⋮ → «Налаштування» → «Налаштування сайтів» → «Файли cookie» → «Дозволити».",
        "Chrome: ⋮ → Settings → Site settings → Cookies → Allow.",
    ),
    ("chrome", "ios"): Text(
        "iPhone/iPad: «Параметри» → «Chrome» — переконайтеся, що cookies не заблоковано, "
        "і вимкніть «Режим блокування» для цього сайту.",
        "iPhone/iPad: Settings → Chrome — make sure cookies are not blocked, and turn off "
        "Lockdown Mode for this site.",
    ),
    ("firefox", "desktop"): Text(
        "Firefox: ☰ → «Налаштування» → «Приватність і захист» → «Файли cookie та дані сайтів» "
        "→ «Керувати винятками…» → введіть адресу цього сайту → «Дозволити».",
        'Firefox: ☰ → Settings → Privacy & Security → Cookies and Site Data → "Manage '
        "Exceptions…\" → enter this site's address → Allow.",
    ),
    ("firefox", "android"): Text(
        "Firefox: ⋮ → «Налаштування» → «Покращений захист від стеження» → оберіть «Стандартний».",
        "Firefox: ⋮ → Settings → Enhanced Tracking Protection → choose Standard.",
    ),
    ("safari", "desktop"): Text(
        "Safari: меню Safari → «Параметри» → «Приватність» → зніміть позначку «Блокувати всі "
        "файли cookie».",
        'Safari: Safari menu → Settings → Privacy → untick "Block all cookies".',
    ),
    ("safari", "ios"): Text(
        "iPhone/iPad: «Параметри» → «Safari» → вимкніть «Блокувати всі cookie».",
        'iPhone/iPad: Settings → Safari → turn off "Block All Cookies".',
    ),
    ("edge", "desktop"): Text(
        "Edge: «Параметри» → «Файли cookie та дозволи сайтів» → «Керування та видалення файлів "
        "cookie й даних сайтів» → увімкніть «Дозволити сайтам зберігати й читати дані файлів "
        "cookie».",
        "Edge: Settings → Cookies and site permissions → Manage and delete cookies and site data "
        '→ turn on "Allow sites to save and read cookie data".',
    ),
    ("edge", "android"): Text(
        "Edge: ⋯ → «Параметри» → «Конфіденційність і безпека» → «Файли cookie» → «Дозволити».",
        "Edge: ⋯ → Settings → Privacy and security → Cookies → Allow.",
    ),
    ("samsung", "android"): Text(
        "Samsung Internet: ≡ → «Налаштування» → «Конфіденційність» → увімкніть «Приймати файли "
        "cookie».",
        'Samsung Internet: ≡ → Settings → Privacy → turn on "Accept cookies".',
    ),
    ("opera", "desktop"): Text(
        "Opera: «Налаштування» → «Конфіденційність і безпека» → «Налаштування сайтів» → «Файли "
        "cookie та дані сайтів» → дозвольте сайтам зберігати дані.",
        "Opera: Settings → Privacy & security → Site settings → Cookies and site data → allow "
        "sites to save data.",
    ),
    ("opera", "android"): Text(
        "Opera: значок профілю → ⚙ «Налаштування» → «Файли cookie» → «Дозволено».",
        "Opera: profile icon → ⚙ Settings → Cookies → Enabled.",
    ),
}
_ALLOW_COOKIES_ANY = Text(
    "Дозвольте cookies для цього сайту в налаштуваннях конфіденційності браузера.",
    "Allow cookies for this site in your browser's privacy settings.",
)

_ENABLE_JAVASCRIPT: dict[tuple[Kind, Platform], Text] = {
    ("chrome", "desktop"): Text(
        "Chrome: ⋮ → «Налаштування» → «Конфіденційність і безпека» → «Налаштування сайтів» → "
        "«JavaScript» → «Сайти можуть використовувати JavaScript».",
        'Chrome: ⋮ → Settings → Privacy and security → Site settings → JavaScript → "Sites can '
        'use JavaScript".',
    ),
    ("chrome", "android"): Text(
        "Chrome: ⋮ → «Налаштування» → «Налаштування сайтів» → «JavaScript» → увімкніть.",
        "Chrome: ⋮ → Settings → Site settings → JavaScript → turn it on.",
    ),
    ("firefox", "desktop"): Text(
        "Firefox: вимкніть розширення, що блокують скрипти (наприклад NoScript), або відкрийте "
        "about:config і встановіть javascript.enabled = true.",
        "Firefox: turn off script-blocking add-ons (such as NoScript), or open about:config and "
        "set javascript.enabled to true.",
    ),
    ("safari", "desktop"): Text(
        "Safari: меню Safari → «Параметри» → «Безпека» → позначте «Увімкнути JavaScript».",
        'Safari: Safari menu → Settings → Security → tick "Enable JavaScript".',
    ),
    ("safari", "ios"): Text(
        "iPhone/iPad: «Параметри» → «Safari» → «Додатково» → увімкніть «JavaScript».",
        "iPhone/iPad: Settings → Safari → Advanced → turn on JavaScript.",
    ),
    ("edge", "desktop"): Text(
        "Edge: «Параметри» → «Файли cookie та дозволи сайтів» → «JavaScript» → увімкніть "
        "«Дозволено».",
        'Edge: Settings → Cookies and site permissions → JavaScript → turn on "Allowed".',
    ),
    ("samsung", "android"): Text(
        "Samsung Internet: ≡ → «Налаштування» → «Додатково» → увімкніть «JavaScript».",
        "Samsung Internet: ≡ → Settings → Advanced → turn on JavaScript.",
    ),
    ("opera", "desktop"): Text(
        "Opera: «Налаштування» → «Конфіденційність і безпека» → «Налаштування сайтів» → "
        "«JavaScript» → дозвольте.",
        "Opera: Settings → Privacy & security → Site settings → JavaScript → allow it.",
    ),
}
_ENABLE_JAVASCRIPT_ANY = Text(
    "Увімкніть JavaScript у налаштуваннях браузера або вимкніть розширення, що блокують "
    "скрипти: без нього особистий кабінет не працює.",
    "Turn on JavaScript in your browser's settings, or turn off add-ons that block scripts: "
    "the cabinet does not work without it.",
)

#: What each browser calls its private windows.
PRIVATE_MODE_NAMES: dict[Kind, Text] = {
    "chrome": Text("режим анонімного перегляду (інкогніто)", "Incognito mode"),
    "firefox": Text("приватне вікно", "a private window"),
    "safari": Text("приватний режим", "Private Browsing"),
    "edge": Text("режим InPrivate", "InPrivate mode"),
    "samsung": Text("секретний режим", "Secret mode"),
    "opera": Text("приватне вікно", "a private window"),
    "other": Text("приватний режим", "private mode"),
}


def _pick(table: dict[tuple[Kind, Platform], Text], fallback: Text, env: Environment) -> Text:
    kind, platform = browser_kind(env)
    # Samsung Internet is Android-only; a desktop UA claiming it reads the Android menus.
    if kind == "samsung":
        platform = "android"
    return table.get((kind, platform)) or fallback


def clear_site_data(env: Environment) -> Text:
    """How to clear this site's cached files, cookies and storage in the browser of ``env``."""
    return _pick(_CLEAR_DATA, _CLEAR_DATA_ANY, env)


def allow_cookies(env: Environment) -> Text:
    """How to allow cookies for this site in the browser of ``env``."""
    return _pick(_ALLOW_COOKIES, _ALLOW_COOKIES_ANY, env)


def enable_javascript(env: Environment) -> Text:
    """How to turn JavaScript on in the browser of ``env``."""
    return _pick(_ENABLE_JAVASCRIPT, _ENABLE_JAVASCRIPT_ANY, env)


def private_mode_name(env: Environment) -> Text:
    """What the browser of ``env`` calls its private windows."""
    return PRIVATE_MODE_NAMES[browser_kind(env)[0]]


#: Device classes in the words of :func:`signals_inconsistent_text`.
_DEVICE_WORDS = {
    "mobile": Text("телефон", "phone"),
    "tablet": Text("планшет", "tablet"),
    "desktop": Text("комп'ютер", "computer"),
    "tv": Text("телевізор", "TV"),
}


def describe_signals(reading: dict[str, str]) -> Text:
    """``{"browser", "os", "device"}`` (a ``signals`` conflict's side) in words:
    "Safari on iOS, phone" / "Safari в iOS, телефон"."""
    browser = reading.get("browser") or "?"
    os_name = reading.get("os") or "?"
    device = _DEVICE_WORDS.get(reading.get("device") or "", Text("пристрій", "device"))
    return Text(f"{browser} в {os_name}, {device.uk}", f"{browser} on {os_name}, {device.en}")


_SIGNALS_REMEDY: dict[tuple[Kind, Platform], Text] = {
    ("chrome", "android"): Text(
        "Якщо це не навмисно: меню ⋮ → зніміть «Версія для ПК», вимкніть розширення, що "
        "підмінюють User-Agent, і перезавантажте сторінку.",
        'If this is not on purpose: menu ⋮ → untick "Desktop site", turn off extensions that '
        "change the User-Agent, and reload the page.",
    ),
    ("chrome", "desktop"): Text(
        "Якщо це не навмисно: закрийте емуляцію пристрою в DevTools (Ctrl+Shift+M), вимкніть "
        "розширення, що підмінюють User-Agent, і перезавантажте сторінку.",
        "If this is not on purpose: leave device emulation in DevTools (Ctrl+Shift+M), turn off "
        "extensions that change the User-Agent, and reload the page.",
    ),
}
_SIGNALS_REMEDY_ANY = Text(
    "Якщо це не навмисно: вимкніть емуляцію пристрою, розширення, що підмінюють User-Agent, "
    "або режим «Версія для ПК» і перезавантажте сторінку. Для служби підтримки: звіт описує "
    "браузер, яким він є, а не яким себе називає.",
    "If this is not on purpose: turn off device emulation, user-agent switcher extensions or "
    "'desktop site' mode and reload the page. For support: the report describes the browser as "
    "it behaves, not as it presents itself.",
)


def signals_inconsistent_remedy(env: Environment) -> Text:
    """Where to turn off what makes a browser present itself as another device (emulation,
    a user-agent switcher, 'desktop site' mode) in ``env``'s browser."""
    return _pick(_SIGNALS_REMEDY, _SIGNALS_REMEDY_ANY, env)
