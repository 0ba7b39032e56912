"""Response headers that keep hostile content inert, and the client address behind proxies.

Every HTML page gets a Content-Security-Policy whose scripts must come from this origin or carry
the request's nonce (``csp_nonce()`` in templates) -- no inline script runs, so a ``<script>`` or
an ``onerror=`` that slipped into a report would stay text. Pages may not be framed. Private
pages (``/r/...``, ``/support...``) and the report JSON are never cached. ``/probe.js`` stays
loadable from other origins: host sites embed it.
"""

from __future__ import annotations

import secrets

from flask import Flask, Response, g, request
from werkzeug.middleware.proxy_fix import ProxyFix

#: The policy of HTML pages. ``'self'`` next to the nonce keeps pages working in CSP-1 browsers
#: that ignore nonces (they still refuse inline script: there is no 'unsafe-inline').
PAGE_POLICY = (
    "default-src 'none'; script-src 'self' 'nonce-{nonce}'; style-src 'self'; "
    "img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; "
    "object-src 'none'; frame-ancestors 'none'"
)
#: Anything else (JSON, text): nothing in it may run or be framed, should a browser render it.
OTHER_POLICY = "default-src 'none'; frame-ancestors 'none'; sandbox"
#: Path prefixes whose answers hold private data: never stored by browsers or proxies.
PRIVATE_PREFIXES = ("/r/", "/support", "/api/v1/reports/")
#: Scripts other sites load with <script src>: no framing rules, and allowed cross-origin.
EMBEDDABLE_PATHS = ("/probe.js",)


def csp_nonce() -> str:
    """The current request's script nonce (made on first use, 128 bits)."""
    nonce: str | None = g.get("_csp_nonce")
    if nonce is None:
        nonce = g._csp_nonce = secrets.token_urlsafe(16)
    return nonce


def _set_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "no-referrer")  # private links carry their token
    if request.path in EMBEDDABLE_PATHS:
        headers.setdefault("Cross-Origin-Resource-Policy", "cross-origin")
    elif response.mimetype == "text/html":
        policy = headers.setdefault(
            "Content-Security-Policy", PAGE_POLICY.format(nonce=csp_nonce())
        )
        if "frame-ancestors 'none'" in policy:  # a page that names its framers says so itself
            headers.setdefault("X-Frame-Options", "DENY")  # frame-ancestors for older browsers
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    elif not request.path.startswith("/static/"):
        headers.setdefault("Content-Security-Policy", OTHER_POLICY)
    if request.path.startswith(PRIVATE_PREFIXES):
        headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    hops = int(app.config.get("TRUSTED_PROXIES") or 0)
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
    app.add_template_global(csp_nonce)
    app.after_request(_set_headers)
