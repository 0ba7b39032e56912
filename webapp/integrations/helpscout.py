"""Help Scout Dynamic App: ``POST /integrations/helpscout``.

Help Scout signs each request with the app's secret key: ``X-HelpScout-Signature`` is the base64
HMAC-SHA1 of the raw body (``BROWSERCHECK_HELPSCOUT_SECRET``); a wrong or missing one is 401.
The answer is ``{"html": ...}``: one card per report whose code is in the ticket's subject.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request

from ..errors import ApiError
from ..extensions import csrf
from ..i18n import current_lang
from .cards import render_cards, reports_in

bp = Blueprint("helpscout", __name__)
csrf.exempt(bp)  # signed by Help Scout, no cookies


def helpscout_signature(secret: str, body: bytes) -> str:
    """Help Scout's signature of ``body``: base64 of its HMAC-SHA1 with ``secret``."""
    digest = hmac.new(secret.encode("utf-8"), body, hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


@bp.post("/integrations/helpscout")
def dynamic_app() -> Response:
    """Report cards for the codes in a Help Scout ticket's subject (signed request)."""
    secret = current_app.config["HELPSCOUT_SECRET"]
    if not secret:
        raise ApiError(404, "not_configured", "set BROWSERCHECK_HELPSCOUT_SECRET to enable this")
    body = request.get_data(cache=False)
    sent = request.headers.get("X-HelpScout-Signature", "")
    if not hmac.compare_digest(helpscout_signature(secret, body), sent):
        raise ApiError(401, "bad_signature", "X-HelpScout-Signature does not match the body")
    try:
        document: Any = json.loads(body)
    except ValueError as exc:
        raise ApiError(400, "malformed_json", "the body is not JSON", "$") from exc
    ticket = document.get("ticket") if isinstance(document, dict) else None
    subject = ticket.get("subject") if isinstance(ticket, dict) else None
    text = subject if isinstance(subject, str) else ""
    public_url = current_app.config["PUBLIC_URL"].rstrip("/")
    html = render_cards(reports_in(text), current_lang(), link_base=public_url)
    response = jsonify({"html": html})
    response.headers["Cache-Control"] = "no-store"
    return response
