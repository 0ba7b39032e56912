"""``GET /support/sidebar``: report cards for the codes in a ticket's text, for a help desk to
frame beside the ticket. For signed-in agents, or with a short-lived signed link from the desk
API (``?link=``, webapp/integrations/links.py); framable only by the origins of
``SIDEBAR_FRAME_ANCESTORS`` (nobody by default).

The text comes as ``?text=`` or, from a framing page on one of those origins, by
``postMessage({type: "browsercheck.ticket", text})``: static/sidebar.js checks the message's
origin against the same setting and asks ``POST /support/sidebar/cards`` for the cards.
"""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, make_response, render_template, request
from flask.typing import ResponseReturnValue

from ..extensions import csrf
from ..i18n import current_lang, t
from ..integrations.cards import MAX_TEXT, render_cards, reports_in
from ..integrations.links import LINK_PARAMETER, LinkError, check_link
from ..security import PAGE_POLICY, csp_nonce
from .auth import current_agent, login_redirect
from .views import bp


def _framable(response: Response) -> Response:
    """Let the help desks of ``SIDEBAR_FRAME_ANCESTORS`` frame ``response``."""
    ancestors = current_app.config["SIDEBAR_FRAME_ANCESTORS"]
    if ancestors:  # the page's own policy; webapp/security.py then adds no X-Frame-Options
        policy = PAGE_POLICY.format(nonce=csp_nonce()).replace(
            "frame-ancestors 'none'", "frame-ancestors " + " ".join(ancestors)
        )
        response.headers["Content-Security-Policy"] = policy
    return response


def _refusal(link: str) -> LinkError | None:
    """Why this request may not see cards (a bad signed link, or no agent), or None."""
    if link:
        try:
            check_link(link)
        except LinkError as exc:
            return exc
        return None
    if current_agent() is None:
        return LinkError(401, "login_needed")
    return None


@bp.get("/sidebar")
def sidebar() -> ResponseReturnValue:
    """Compact report cards for the codes in ``?text=`` (a ticket's subject and body)."""
    link = request.args.get(LINK_PARAMETER, "")
    refused = _refusal(link)
    if refused is not None and not link:
        return login_redirect()
    if refused is not None:
        body = render_template(
            "error.html", title=t("sidebar_link_refused"), detail=t(refused.reason)
        )
        return _framable(Response(body, status=refused.status, mimetype="text/html"))
    text = request.args.get("text", "")[:MAX_TEXT]
    cards = render_cards(reports_in(text), current_lang())
    page = render_template(
        "support/sidebar.html",
        cards=cards,
        text=text,
        link=link,
        origins=" ".join(current_app.config["SIDEBAR_FRAME_ANCESTORS"]),
    )
    return _framable(make_response(page))


@bp.post("/sidebar/cards")
@csrf.exempt  # reads only; a signed link's frame has no session, hence no CSRF token
def sidebar_cards() -> Response:
    """The cards alone, for the text a framing page posted (static/sidebar.js)."""
    body: Any = request.get_json(silent=True)
    body = body if isinstance(body, dict) else {}
    link = body.get(LINK_PARAMETER)
    refused = _refusal(link if isinstance(link, str) else "")
    if refused is not None:
        return Response(t(refused.reason), status=refused.status, mimetype="text/plain")
    text = body.get("text")
    text = text[:MAX_TEXT] if isinstance(text, str) else ""
    return Response(render_cards(reports_in(text), current_lang()), mimetype="text/html")
