"""The desk API (issue 17): reports as the support desk sees them, for help-desk tools.

``GET /api/v1/desk/reports/<code>`` and ``GET /api/v1/desk/reports?code=...&code=...`` with
``Authorization: Bearer <token>`` (``browsercheck tokens add``): the environment with the
source of each value, the verdict, findings, the probe's evidence and the user's context. 401
without a token or with an unknown or revoked one; limited per token (``DESK_API_RATELIMIT``,
webapp/ratelimit.py).

``POST /api/v1/desk/sidebar-links`` answers a short-lived signed link to ``/support/sidebar``
(webapp/integrations/links.py) that a help desk's iframe opens without an agent's session.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, jsonify, request

from diagnostics.models import LANGUAGES
from reports.model import Report, format_code, normalize_code
from reports.replies import reply_document

from .errors import ApiError
from .extensions import csrf
from .i18n import current_lang
from .integrations.cards import codes_in
from .integrations.links import LINK_PARAMETER, new_link
from .privacy import protect
from .services import store
from .storage.replies import ReplyStore
from .storage.tokens import DeskToken, TokenStore

bp = Blueprint("desk_api", __name__)
csrf.exempt(bp)  # bearer tokens, no cookies: nothing for a forged request to ride on

#: Codes one list request may ask for.
MAX_CODES = 50


def bearer_token() -> str:
    """The token of the request's ``Authorization: Bearer`` header, or ""."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def authorized(scope: str = "read") -> DeskToken:
    """The request's active token, which must have ``scope`` (``read``: reports; ``deploy``:
    the deploy hook of webapp/builds.py): 401 without one, 403 with another scope."""
    token = bearer_token()
    if not token:
        raise ApiError(401, "unauthorized", "send Authorization: Bearer <token>")
    found = TokenStore(store().session).check(token, datetime.now(UTC))
    if found is None:
        raise ApiError(401, "unauthorized", "the token is unknown or revoked")
    if found.scope != scope:
        raise ApiError(403, "forbidden", f"this token's scope is {found.scope}, not {scope}")
    return found


@bp.after_request
def _challenge(response: Response) -> Response:
    if response.status_code == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="browsercheck desk"'
    response.headers["Cache-Control"] = "no-store"
    return response


def desk_document(report: Report) -> dict[str, Any]:
    """The report as the desk sees it: its JSON shape, the user's context and the desk link."""
    protect(report.context.values())
    public_url = current_app.config["PUBLIC_URL"].rstrip("/")
    return {
        **report.to_dict(),
        "context": dict(report.context),
        "desk_url": f"{public_url}/support/reports/{report.display_code}",
        "replies": [
            reply_document(reply, report, for_desk=True)
            for reply in ReplyStore(store()).for_report(report.code)
        ],
    }


@bp.get("/api/v1/desk/reports/<code>")
def report(code: str) -> Response:
    """One report by its code, for a desk tool with a token."""
    authorized()
    canonical = normalize_code(code)
    found = store().get(canonical) if canonical else None
    if found is None:
        raise ApiError(404, "not_found", "no report with this code", "code")
    return jsonify(desk_document(found))


@bp.get("/api/v1/desk/reports")
def reports() -> Response:
    """Several reports by code (``?code=...&code=...``), for a desk tool with a token."""
    authorized()
    asked = request.args.getlist("code")
    if not asked:
        raise ApiError(400, "missing_code", "name at least one report: ?code=XXXX-XXXX", "code")
    if len(asked) > MAX_CODES:
        raise ApiError(400, "too_many_codes", f"at most {MAX_CODES} codes at once", "code")
    found: list[dict[str, Any]] = []
    missing: list[str] = []
    seen: set[str] = set()
    for typed in asked:
        canonical = normalize_code(typed)
        if canonical in seen:
            continue
        one = store().get(canonical) if canonical else None
        if one is None:
            missing.append(typed[:16])
            continue
        seen.add(one.code)
        found.append(desk_document(one))
    return jsonify({"reports": found, "missing": missing})


@bp.post("/api/v1/desk/sidebar-links")
def sidebar_link() -> tuple[Response, int]:
    """A short-lived signed link to the ticket sidebar, for a desk tool with a token."""
    token = authorized()
    body = request.get_json(silent=True)
    body = body if isinstance(body, dict) else {}
    lang, text = body.get("lang"), body.get("text")
    query: dict[str, str] = {"lang": lang if lang in LANGUAGES else current_lang()}
    if isinstance(text, str) and text:  # only its codes: a short URL without the ticket's words
        query["text"] = " ".join(format_code(code) for code in codes_in(text))
    value, expires_at = new_link(token.name)
    query[LINK_PARAMETER] = value
    public_url = current_app.config["PUBLIC_URL"].rstrip("/")
    return jsonify(
        {
            "url": f"{public_url}/support/sidebar?{urlencode(query)}",
            "expires_at": datetime.fromtimestamp(expires_at, UTC).isoformat(),
        }
    ), 201
