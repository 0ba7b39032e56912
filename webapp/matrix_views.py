"""The public policy: ``GET /matrix`` (the "Supported browsers and systems" page) and
``GET /api/v1/matrix`` (its compact JSON for the in-page banner and the QA runner)."""

from __future__ import annotations

import hashlib
import json

from flask import Blueprint, Response, g, render_template, request
from flask.blueprints import BlueprintSetupState

from matrix.check import KNOWN_SYSTEMS
from matrix.loader import load_policy
from matrix.policy import Policy
from matrix.summary import STATUS_NAMES, browser_row, engine_rows, policy_summary, system_row
from matrix.versions import format_version

from .i18n import UI, current_lang
from .services import policy

bp = Blueprint("matrix", __name__)


@bp.record_once
def _check_policy(state: BlueprintSetupState) -> None:
    """Refuse to start with a broken policy: the PolicyError names its file and line."""
    load_policy(state.app.config.get("POLICY_FILE"))


APP_OS = {"ios": "iOS", "android": "Android"}


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
                UI["app_requirement"]
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
    )


def _in_app_intro(current: Policy) -> str:
    rule = current.in_app
    if rule is None:
        return ""
    apps = ", ".join(rule.apps[:5]) + (" …" if len(rule.apps) > 5 else "")
    status = STATUS_NAMES[rule.status].get(g.lang)
    return UI["in_app_intro"].get(current_lang()).format(apps=apps, status=status)


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
