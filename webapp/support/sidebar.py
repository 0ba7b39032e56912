"""``GET /support/sidebar``: report cards for the codes in a ticket's text (``?text=``), for a
help desk to frame beside the ticket. Signed-in agents only, like the whole desk; framable only
by the origins of ``SIDEBAR_FRAME_ANCESTORS`` (nobody by default)."""

from __future__ import annotations

from flask import Response, current_app, make_response, render_template, request

from ..i18n import current_lang
from ..integrations.cards import MAX_TEXT, render_cards, reports_in
from ..security import PAGE_POLICY, csp_nonce
from .views import bp


@bp.get("/sidebar")
def sidebar() -> Response:
    """Compact report cards for the codes in ``?text=`` (a ticket's subject and body)."""
    text = request.args.get("text", "")[:MAX_TEXT]
    cards = render_cards(reports_in(text), current_lang())
    response = make_response(render_template("support/sidebar.html", cards=cards, text=text))
    ancestors = current_app.config["SIDEBAR_FRAME_ANCESTORS"]
    if ancestors:  # the page's own policy; webapp/security.py then adds no X-Frame-Options
        policy = PAGE_POLICY.format(nonce=csp_nonce()).replace(
            "frame-ancestors 'none'", "frame-ancestors " + " ".join(ancestors)
        )
        response.headers["Content-Security-Policy"] = policy
    return response
