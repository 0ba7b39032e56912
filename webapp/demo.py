"""The demo portal (``/demo/portal``): a fake self-service cabinet that embeds ``/embed.js``.

A newcomer runs ``make run``, opens it, clicks "Submit meter reading" (its API answers 500), then
"Check my browser", and sees the report say which action failed with which answer, and that the
browser is fine. The page also loads an old bundle that is gone (404): a stale build. Nothing here
is stored; the demo's API keeps nothing it is sent.
"""

from __future__ import annotations

from flask import Blueprint, Flask, Response, jsonify, render_template

from .extensions import csrf
from .i18n import current_lang

bp = Blueprint("demo", __name__, url_prefix="/demo")
csrf.exempt(bp)  # a cookie-less fake API: nothing to forge

#: The old bundle the demo page still names: never served, so that it fails like a stale build.
MISSING_BUNDLE = "/demo/assets/app-2024-03.js"


@bp.get("/portal")
def portal() -> str:
    """The fake cabinet page with the embed, a failing action and a missing old bundle."""
    return render_template("demo_portal.html", lang=current_lang(), missing_bundle=MISSING_BUNDLE)


@bp.post("/api/readings")
def readings() -> tuple[Response, int]:
    """The demo portal's broken API: every meter reading fails on the server's side."""
    return jsonify({"error": "the demo portal's server failed, on purpose"}), 500


def init_app(app: Flask) -> None:
    """Serve the demo portal."""
    app.register_blueprint(bp)
