"""Help Scout Dynamic App: ``POST /integrations/helpscout``.

Help Scout signs each request with the app's secret key: ``X-HelpScout-Signature`` is the base64
HMAC-SHA1 of the raw body (``BROWSERCHECK_HELPSCOUT_SECRET``); a wrong or missing one is 401.
The answer is ``{"html": ...}``: one card per report whose code is in the ticket's subject,
and, when ``HELPSCOUT_MATCH_EMAIL`` is on (off by default), per recent report whose *login* field
is one of the customer's e-mail addresses (the last ``MATCH_DAYS`` days, at most ``MATCH_LIMIT``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request

from ..errors import ApiError
from ..extensions import csrf
from ..i18n import current_lang
from ..services import store
from ..storage.desk import SupportStore
from .cards import render_cards, reports_in

#: How far back, and how many, reports are matched by the customer's e-mail.
MATCH_DAYS = 30
MATCH_LIMIT = 5

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
    reports = reports_in(text)
    if current_app.config["HELPSCOUT_MATCH_EMAIL"]:
        shown = {report.code for report in reports}
        for code in _codes_by_email(document):
            found = store().get(code) if code not in shown else None
            if found is not None:
                shown.add(code)
                reports.append(found)
    public_url = current_app.config["PUBLIC_URL"].rstrip("/")
    html = render_cards(reports, current_lang(), link_base=public_url)
    response = jsonify({"html": html})
    response.headers["Cache-Control"] = "no-store"
    return response


def _customer_emails(document: Any) -> list[str]:
    """The customer's e-mail addresses in a Dynamic App request (``email`` and ``emails``)."""
    customer = document.get("customer") if isinstance(document, dict) else None
    if not isinstance(customer, dict):
        return []
    listed = customer.get("emails")
    candidates = [customer.get("email"), *(listed if isinstance(listed, list) else [])]
    emails: list[str] = []
    for candidate in candidates:
        if isinstance(candidate, str) and "@" in candidate and candidate not in emails:
            emails.append(candidate[:254])
    return emails[:5]


def _codes_by_email(document: Any) -> list[str]:
    """Codes of the recent reports whose login field is one of the customer's e-mails."""
    since = datetime.now(UTC) - timedelta(days=MATCH_DAYS)
    desk = SupportStore(store())
    codes: list[str] = []
    for email in _customer_emails(document):
        for code in desk.codes_by_login(email, since, MATCH_LIMIT):
            if code not in codes:
                codes.append(code)
    return codes[:MATCH_LIMIT]
