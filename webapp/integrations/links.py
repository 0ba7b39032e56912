"""Short-lived signed sidebar links: ``/support/sidebar?link=...`` shows the report cards to a
help desk's iframe without an agent's session (cookies are often blocked in a third-party
frame, and the help desk's user is not signed in to our desk).

A link is made by the desk API for a bearer token (``POST /api/v1/desk/sidebar-links``) and
carries that token's name and an expiry, signed with the app's ``SECRET_KEY`` (itsdangerous,
its own salt); it is refused once expired, altered, or when its token has been revoked.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from ..services import store
from ..storage.tokens import TokenStore

#: The sidebar's query parameter holding the signed value.
LINK_PARAMETER = "link"
_SALT = "browsercheck.sidebar-link"


class LinkError(Exception):
    """A sidebar link that cannot be used; ``status`` is the HTTP answer, ``reason`` the DESK
    string that says why."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass(frozen=True, slots=True)
class SidebarLink:
    token_name: str
    expires_at: int  # Unix seconds


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def sign_link(token_name: str, expires_at: int) -> str:
    """The signed value of a link for ``token_name`` valid until ``expires_at`` (Unix seconds)."""
    return str(_serializer().dumps({"token": token_name, "exp": expires_at}))


def new_link(token_name: str) -> tuple[str, int]:
    """A signed value for ``token_name`` and its expiry, ``SIDEBAR_LINK_SECONDS`` from now."""
    expires_at = int(time.time()) + int(current_app.config["SIDEBAR_LINK_SECONDS"])
    return sign_link(token_name, expires_at), expires_at


def check_link(value: str, now: float | None = None) -> SidebarLink:
    """The link ``value`` stands for; raises LinkError: 403 when it is not ours (altered, not
    signed with this server's key), 401 when it has expired or its token was revoked."""
    try:
        loaded: Any = _serializer().loads(value)
    except BadSignature as exc:
        raise LinkError(403, "sidebar_link_invalid") from exc
    if (
        not isinstance(loaded, dict)
        or not isinstance(loaded.get("token"), str)
        or not isinstance(loaded.get("exp"), int)
    ):
        raise LinkError(403, "sidebar_link_invalid")
    link = SidebarLink(loaded["token"], loaded["exp"])
    if (time.time() if now is None else now) >= link.expires_at:
        raise LinkError(401, "sidebar_link_expired")
    if not TokenStore(store().session).is_active(link.token_name):
        raise LinkError(401, "sidebar_link_revoked")
    return link
