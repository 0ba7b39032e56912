"""Embedding in other sites: ``/embed.js``, ``/embed/probe.js`` and CORS for the allowed origins.

A host page adds one script tag. ``/embed.js`` is the small always-on part (the recorder, the
button and, for a browser this collector's policy calls outdated, a loader of the banner
``/embed/banner.js``: decided here from the request's User-Agent and client hints, nothing
stored); the probe (``/embed/probe.js``) is
loaded only when the user clicks or the host calls the API. The script talks to this collector
cross-origin, which the browser allows only for origins listed in ``BROWSERCHECK_CORS_ORIGINS``.
"""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

from flask import Blueprint, Flask, Response, request
from flask_cors import CORS

from diagnostics import detect_environment
from diagnostics.models import LANGUAGES
from probes import banner_source, embed_probe_source, embed_source
from reports.build import diagnostic_headers

from .config import ORIGIN
from .i18n import STRINGS
from .services import policy, verdicts

bp = Blueprint("embed", __name__)

#: Seconds a browser may reuse a CORS preflight answer.
PREFLIGHT_MAX_AGE = 600


def outdated_banner() -> dict[str, Any] | None:
    """The banner's data when the policy calls the requesting browser outdated, else None."""
    kept = diagnostic_headers(dict(request.headers.items()))
    env = detect_environment(kept.get("user-agent", ""), kept)
    current = policy()
    verdict = verdicts()(current, env)
    if verdict.status != "unsupported":
        return None
    message = verdict.message or current.messages.get("unsupported")
    download = next((r.download for r in current.browsers if r.family == env.browser.family), None)
    return {
        "status": verdict.status,
        "download": download,
        "message": message.to_dict() if message else None,
    }


def _script(source: str) -> Response:
    response = Response(source, mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"  # revalidate: a host must never run a stale one
    # Loadable by hosts that isolate themselves (Cross-Origin-Embedder-Policy: require-corp).
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    response.add_etag()
    response.make_conditional(request)  # 304 for a matching If-None-Match, in place
    return response


#: What the banner depends on: the browser (the policy's verdict for it).
BROWSER_HEADERS = ("User-Agent", "Sec-CH-UA")


@bp.get("/embed.js")
def embed_js() -> Response:
    """The embed's always-on part (recorder, button; for an outdated browser, a banner loader)."""
    response = _script(embed_source(outdated=outdated_banner() is not None))
    response.vary.update(BROWSER_HEADERS)
    return response


@bp.get("/embed/banner.js")
def embed_banner_js() -> Response:
    """The outdated-browser banner with its data, fetched by ``/embed.js`` only where outdated."""
    response = _script(banner_source(outdated_banner()))
    response.vary.update(BROWSER_HEADERS)
    return response


#: The page texts the embed's on-demand part shows after a failed send (embed_report.js).
EMBED_WORDS = (
    "retrying",
    "failed_busy",
    "failed_offline",
    "failed_server",
    "try_again",
    "report_text",
    "embed_not_allowed",
    "embed_check_page",
)
#: The string in ``embed_report.js`` that those texts replace.
WORDS_SLOT = '"__BROWSERCHECK_WORDS__"'


@cache
def embed_probe_script() -> str:
    """``/embed/probe.js``: the on-demand part with :data:`EMBED_WORDS` in every language."""
    words = {lang: {key: STRINGS[key].get(lang) for key in EMBED_WORDS} for lang in LANGUAGES}
    data = json.dumps(words, ensure_ascii=True, separators=(",", ":")).replace("</", "<\\/")
    return embed_probe_source().replace(WORDS_SLOT, data, 1)


@bp.get("/embed/probe.js")
def embed_probe_js() -> Response:
    """The probe and the embed's report part, loaded by ``/embed.js`` on the click or API call."""
    return _script(embed_probe_script())


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
