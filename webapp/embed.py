"""Embedding in other sites: ``/embed.js`` and CORS for the allowed origins.

A host page adds one script tag; the script talks to this collector cross-origin, which the
browser allows only for origins listed in ``BROWSERCHECK_CORS_ORIGINS``.
"""

from __future__ import annotations

import re

from flask import Blueprint, Flask, Response, request
from flask_cors import CORS

from probes import embed_source

from .config import ORIGIN

bp = Blueprint("embed", __name__)

#: Seconds a browser may reuse a CORS preflight answer.
PREFLIGHT_MAX_AGE = 600


@bp.get("/embed.js")
def embed_js() -> Response:
    """The probe plus the embed button and banner, for a host site's script tag."""
    response = Response(embed_source(), mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"  # revalidate: a host must never run a stale one
    # Loadable by hosts that isolate themselves (Cross-Origin-Embedder-Policy: require-corp).
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    response.add_etag()
    response.make_conditional(request)  # 304 for a matching If-None-Match, in place
    return response


def origin_patterns(origins: list[str] | tuple[str, ...]) -> list[re.Pattern[str]]:
    """Exact-match patterns for ``origins`` (``scheme://host[:port]``, no path, no wildcard).

    Raises ValueError naming the first entry that is not an origin: a typo must not open the API.
    """
    patterns = []
    for origin in origins:
        if not ORIGIN.fullmatch(origin):
            raise ValueError(
                f"BROWSERCHECK_CORS_ORIGINS: {origin!r} is not an origin like https://portal.example"
            )
        patterns.append(re.compile(re.escape(origin.rstrip("/")) + r"\Z", re.IGNORECASE))
    return patterns


def init_app(app: Flask) -> None:
    """Register the blueprint and answer CORS only for ``CORS_ORIGINS`` on the API."""
    app.register_blueprint(bp)
    origins = origin_patterns(tuple(app.config.get("CORS_ORIGINS") or ()))
    if origins:
        CORS(
            app,
            resources={r"/api/v1/*": {"origins": origins}},
            methods=["GET", "POST", "OPTIONS"],
            allow_headers=["Content-Type", "Idempotency-Key"],
            expose_headers=["Retry-After"],  # the probe waits as long as it says
            max_age=PREFLIGHT_MAX_AGE,
        )
