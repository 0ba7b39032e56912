"""The sampled page-load beacon (issue 18): ``POST /api/v1/beacon`` -> ``204``, counted per day.

A host that sets ``data-beacon="0.05"`` on its embed tag has that share of its page loads send
one small beacon after the load event (probes/embed_beacon.js): the page's build, whether a
service worker controls the page and whether a newer one waits, and the banner's verdict
(probes/beacon_schema.json). The collector adds the browser family and major, OS family and
device class it reads from the request's User-Agent and client hints, and its own policy
verdict, and adds one to that day's count (webapp/storage/beacons.py). Nothing identifying is
kept: no address (the rate limit counts the address's keyed hash in memory), no User-Agent
string, no cookie, no time finer than the day.

The embed sends the JSON as ``text/plain``: ``navigator.sendBeacon`` with a string body is
then a CORS "simple" request, sent cross-origin without a preflight (a Blob typed
``application/json`` would need one, and sendBeacon cannot make one: Chromium refuses such a
beacon outright). ``application/json`` is accepted too, for other tools. The browser sends it
whatever this server answers, so origins outside ``BROWSERCHECK_CORS_ORIGINS`` are refused
here (403) rather than counted.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Flask, Response, current_app, request

from diagnostics import detect_environment
from diagnostics.validate import validate_beacon
from reports.build import diagnostic_headers

from .embed import origin_patterns
from .errors import ApiError
from .extensions import csrf
from .services import policy, verdicts
from .storage.beacons import BeaconStore

bp = Blueprint("beacon", __name__)
csrf.exempt(bp)  # no session is read: nothing for a forged request to ride on

#: Largest beacon body: a real one is about 100 bytes.
BEACON_MAX_BYTES = 1024
#: Content types accepted: text/plain is what sendBeacon sends without a preflight.
BEACON_TYPES = ("text/plain", "application/json")
EXTENSION = "browsercheck.beacons"


def beacons() -> BeaconStore:
    found: BeaconStore = current_app.extensions[EXTENSION]
    return found


def current_build() -> str:
    """The build the portal runs now, against which the desk marks builds as current: for now
    the app's ``BUILD_ID`` (``BROWSERCHECK_BUILD_ID``, else the served assets' hash)."""
    return str(current_app.config["BUILD_ID"])


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _allowed_origin() -> None:
    origin = request.headers.get("Origin")
    if origin is None:  # not a browser's cross-origin request (curl, a test client)
        return
    own = {request.host_url.rstrip("/"), current_app.config["PUBLIC_URL"].rstrip("/")}
    patterns: list[re.Pattern[str]] = current_app.extensions["browsercheck.beacon_origins"]
    if origin in own or any(p.match(origin) for p in patterns):
        return
    raise ApiError(403, "origin_not_allowed", "this origin is not in BROWSERCHECK_CORS_ORIGINS")


def _document() -> Any:
    if request.mimetype not in BEACON_TYPES:
        raise ApiError(
            415, "unsupported_media_type", "send the beacon as text/plain or application/json", "$"
        )
    if (request.content_length or 0) > BEACON_MAX_BYTES:
        raise ApiError(413, "body_too_large", f"a beacon is at most {BEACON_MAX_BYTES} bytes", "$")
    raw = request.stream.read(BEACON_MAX_BYTES + 1)  # a chunked body has no length to check
    if len(raw) > BEACON_MAX_BYTES:
        raise ApiError(413, "body_too_large", f"a beacon is at most {BEACON_MAX_BYTES} bytes", "$")
    try:
        return json.loads(raw, parse_constant=_reject_constant)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise ApiError(400, "malformed_json", f"the body is not valid JSON: {exc}", "$") from exc


@bp.post("/api/v1/beacon")
def receive() -> Response:
    """Count one sampled page load (probes/beacon_schema.json); 204, nothing stored but counts."""
    _allowed_origin()
    beacon = validate_beacon(_document())
    kept = diagnostic_headers(dict(request.headers.items()))
    env = detect_environment(kept.get("user-agent", ""), kept)
    verdict = verdicts()(policy(), env).status
    if verdict == "unknown" and beacon.verdict == "unsupported":  # the banner knew better
        verdict = "unsupported"
    beacons().count(
        {
            "day": datetime.now(UTC).date(),
            "build": beacon.build,
            "verdict": verdict,
            "browser_family": env.browser.family[:64],
            "browser_major": env.browser.major or 0,
            "os_family": env.os.family[:64],
            "device_type": env.device.type,
            "controlled": beacon.controlled,
            "waiting": beacon.waiting,
        }
    )
    response = Response(status=204)
    response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    """Register the endpoint and its counter (closed with the report store, before its engine)."""
    app.register_blueprint(bp)
    reports = app.extensions["browsercheck.store"]
    counter = BeaconStore(reports.engine)
    reports.on_close(counter.close)
    app.extensions[EXTENSION] = counter
    app.extensions["browsercheck.beacon_origins"] = origin_patterns(
        tuple(app.config.get("CORS_ORIGINS") or ())
    )
