"""The public policy: ``GET /matrix`` (the "Supported browsers and systems" page) and
``GET /api/v1/matrix`` (its compact JSON for the in-page banner and the QA runner)."""

from __future__ import annotations

import hashlib
import json

from flask import Blueprint, Response, g, render_template, request
from flask.blueprints import BlueprintSetupState

from diagnostics.models import Text
from matrix.check import KNOWN_SYSTEMS
from matrix.loader import load_policy
from matrix.policy import Policy
from matrix.summary import STATUS_NAMES, browser_row, engine_rows, policy_summary, system_row
from matrix.versions import format_version

from .services import policy

bp = Blueprint("matrix", __name__)


@bp.record_once
def _check_policy(state: BlueprintSetupState) -> None:
    """Refuse to start with a broken policy: the PolicyError names its file and line."""
    load_policy(state.app.config.get("POLICY_FILE"))


#: Words of the page, in Ukrainian and English.
PAGE: dict[str, Text] = {
    "intro": Text(
        "Особистий кабінет перевірено в цих браузерах і системах. Якщо ваш браузер старший, "
        "оновіть його: так сайт працюватиме безпечніше, швидше та зручніше.",
        "The cabinet is tested in these browsers and systems. If yours is older, update it: "
        "the site will work more safely, faster and more comfortably.",
    ),
    "check": Text("Перевірити мій браузер", "Check my browser"),
    "browsers": Text("Браузери", "Browsers"),
    "browser": Text("Браузер", "Browser"),
    "version": Text("Версія", "Version"),
    "notes": Text("Примітки", "Notes"),
    "link": Text("Посилання", "Link"),
    "download": Text("Завантажити", "Download"),
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
    "in_app": Text("Вбудовані браузери застосунків", "In-app browsers"),
    "in_app_intro": Text(
        "Сторінки, відкриті всередині інших застосунків ({apps}): {status}.",
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
}
APP_OS = {"ios": "iOS", "android": "Android"}


def _page(key: str) -> str:
    return PAGE[key].get(g.get("lang", "uk"))


@bp.get("/matrix")
def page() -> str:
    """The public "Supported browsers and systems" page, generated from the policy."""
    current = policy()
    rows = [browser_row(current, rule) for rule in current.browsers]
    return render_template(
        "matrix.html",
        policy=current,
        supported=[r for r in rows if r.status != "unsupported"],
        unsupported=[r for r in rows if r.status == "unsupported"],
        engines=engine_rows(current),
        systems=[system_row(rule) for rule in current.systems],
        apps=[
            (
                APP_OS[a.platform],
                PAGE["app_requirement"]
                .get(g.lang)
                .format(
                    app=format_version(a.min_version),
                    os=APP_OS[a.platform],
                    os_min=format_version(a.os_min),
                ),
                a.store,
            )
            for a in current.apps
        ],
        device_names=[_device(d) for d in current.devices.allowed],
        in_app_intro=_in_app_intro(current),
        other_systems=", ".join(f for f in KNOWN_SYSTEMS if current.system(f) is None),
        p=_page,
    )


def _in_app_intro(current: Policy) -> str:
    rule = current.in_app
    if rule is None:
        return ""
    apps = ", ".join(rule.apps[:5]) + (" …" if len(rule.apps) > 5 else "")
    status = STATUS_NAMES[rule.status].get(g.lang)
    return PAGE["in_app_intro"].get(g.lang).format(apps=apps, status=status)


def _device(device: str) -> str:
    from matrix.policy import DEVICE_NAMES

    return DEVICE_NAMES[device].get(g.lang)


@bp.get("/api/v1/matrix")
def api() -> Response:
    """The policy as compact JSON (cacheable; any origin may read it)."""
    body = json.dumps(policy_summary(policy()), ensure_ascii=False, sort_keys=True)
    etag = hashlib.sha256(body.encode()).hexdigest()[:16]
    response = Response(body, mimetype="application/json")
    response.set_etag(etag)
    response.headers["Cache-Control"] = "public, max-age=300"
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.make_conditional(request)
    return response
