"""Web-platform features a policy may require (``requires: [dialog, ...]``), by web-features id.

The probe tests each with a runtime check from its table (``FEATURES`` in ``probes/probe.js``:
one check per id below, each saying which API it tests and reviewed against MDN); a test keeps
the two lists equal. Here is what users read when their browser lacks one: the sentence
"Your browser cannot show dialog windows (<dialog>)" is the policy's ``feature_missing`` reason
(``{feature}`` = :data:`FEATURE_TEXTS`, ``{name}`` = the web-features name).
"""

from __future__ import annotations

from functools import cache

from diagnostics.models import Text

from .baseline import BaselineDataError, read_baseline

#: web-features id -> what a browser lacking it cannot do (completes "Your browser cannot ...").
FEATURE_TEXTS: dict[str, Text] = {
    "abortable-fetch": Text("скасовувати запити до сервера", "cancel requests to the server"),
    "array-at": Text("брати елементи списку з кінця", "take list items from the end"),
    "aspect-ratio": Text("зберігати пропорції зображень і блоків", "keep the shape of boxes"),
    "broadcast-channel": Text(
        "обмінюватися повідомленнями між вкладками", "pass messages between tabs"
    ),
    "compression-streams": Text("стискати й розпаковувати дані", "compress and unpack data"),
    "container-queries": Text(
        "підлаштовувати блоки сторінки під їхній розмір", "fit page blocks to their own size"
    ),
    "dialog": Text("показувати діалогові вікна", "show dialog windows"),
    "fetch-priority": Text(
        "завантажувати найважливіше першим", "load the most important things first"
    ),
    "file-system-access": Text(
        "відкривати й зберігати файли на пристрої", "open and save files on the device"
    ),
    "has": Text(
        "оформлювати елементи залежно від їхнього вмісту", "style elements by what they contain"
    ),
    "import-maps": Text(
        "завантажувати модулі сторінки за картою імпорту",
        "load the page's modules through an import map",
    ),
    "intersection-observer": Text(
        "помічати, коли частина сторінки стає видимою",
        "notice when part of the page comes into view",
    ),
    "navigation": Text(
        "керувати переходами між сторінками сайту", "handle moves between the site's pages"
    ),
    "popover": Text("показувати спливні панелі", "show pop-up panels"),
    "promise-withresolvers": Text(
        "чекати на результати так, як це робить сайт", "wait for results the way the site does"
    ),
    "resize-observer": Text(
        "помічати зміну розміру частин сторінки", "notice when parts of the page change size"
    ),
    "set-methods": Text("поєднувати й порівнювати множини", "combine and compare sets"),
    "structured-clone": Text("копіювати складні дані", "copy complex data"),
    "url-canparse": Text("перевіряти вебадреси", "check web addresses"),
    "view-transitions": Text(
        "плавно змінювати вигляд сторінки", "animate changes of the page's view"
    ),
    "web-locks": Text("узгоджувати роботу кількох вкладок", "coordinate work across tabs"),
}

#: The ids the probe has a check for, sorted.
CHECKED_FEATURES: tuple[str, ...] = tuple(sorted(FEATURE_TEXTS))
#: At most this many features per policy: each is a check in every visitor's browser.
MAX_REQUIRED = 30


@cache
def _names() -> dict[str, str]:
    try:
        return read_baseline().features
    except BaselineDataError:
        return {}


def feature_name(feature: str) -> str:
    """The web-features name of ``feature`` ("dialog" -> "<dialog>") from the shipped Baseline
    table; the id itself when the table does not know it."""
    return _names().get(feature, feature)
