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

import io
import json
import math
import re
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

import orjson
from flask import Blueprint, Flask, Response, current_app, request
from limits import parse_many
from limits.storage import storage_from_string
from limits.strategies import SlidingWindowCounterRateLimiter

from diagnostics import detect_environment
from diagnostics.models import Environment
from diagnostics.validate import BeaconPayload, is_valid_beacon, validate_beacon
from matrix.impact import view_record
from reports.build import diagnostic_headers

from .builds import build_store
from .embed import origin_patterns
from .errors import ApiError
from .extensions import csrf
from .privacy import address_hash
from .ratelimit import is_off
from .services import policy, verdicts
from .storage.beacons import BeaconStore

bp = Blueprint("beacon", __name__)
csrf.exempt(bp)  # no session is read: nothing for a forged request to ride on

#: Largest beacon body: a real one is about 100 bytes.
BEACON_MAX_BYTES = 1024
PATH = "/api/v1/beacon"
#: Content types accepted: text/plain is what sendBeacon sends without a preflight.
BEACON_TYPES = ("text/plain", "application/json")
EXTENSION = "browsercheck.beacons"


def beacons() -> BeaconStore:
    found: BeaconStore = current_app.extensions[EXTENSION]
    return found


def current_build() -> str:
    """The build the portal runs now, against which the desk marks builds as current: the
    newest deploy of the deploy history (``POST /api/v1/builds``, ``browsercheck builds set``),
    else the app's ``BUILD_ID`` (``BROWSERCHECK_BUILD_ID``, else the served assets' hash)."""
    latest = build_store().latest()
    return latest.build if latest is not None else str(current_app.config["BUILD_ID"])


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def origin_allowed(
    origin: str | None, own: tuple[str, ...], patterns: list[re.Pattern[str]]
) -> bool:
    """True for no ``Origin`` (not a browser's cross-origin request: curl, a test client), the
    collector's ``own`` origins, and the ``BROWSERCHECK_CORS_ORIGINS`` ``patterns``."""
    if origin is None:
        return True
    return origin in own or any(p.match(origin) for p in patterns)


def _allowed_origin() -> None:
    own = (request.host_url.rstrip("/"), current_app.config["PUBLIC_URL"].rstrip("/"))
    patterns = current_app.extensions["browsercheck.beacon_origins"]
    if not origin_allowed(request.headers.get("Origin"), own, patterns):
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


#: Policy views remembered per environment object (the detector hands out its cached object
#: for a User-Agent it has seen): computing one costs more than the rest of a beacon's count.
VIEW_MEMO_SIZE = 4096
_views: dict[int, tuple[Environment, tuple[str, str]]] = {}


def _view_of(env: Environment) -> tuple[str, str]:
    """:func:`matrix.impact.view_record` of ``env``, remembered by identity (the entry holds
    ``env``, so its id cannot be reused while remembered)."""
    found = _views.get(id(env))
    if found is not None and found[0] is env:
        return found[1]
    record = view_record(env)
    if len(_views) >= VIEW_MEMO_SIZE:
        _views.clear()
    _views[id(env)] = (env, record)
    return record


def count_beacon(beacon: BeaconPayload, headers: Mapping[str, str]) -> None:
    """Count ``beacon`` with the client class the request ``headers`` say (in an app context)."""
    kept = diagnostic_headers(headers)
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
        },
        _view_of(env),  # what `matrix impact` evaluates for the sampled page loads
    )


@bp.post(PATH)
def receive() -> Response:
    """Count one sampled page load (probes/beacon_schema.json); 204, nothing stored but counts.
    Valid beacons are answered by :class:`BeaconFastPath` before they get here: this view
    gives the refusals their error answers."""
    _allowed_origin()
    count_beacon(validate_beacon(_document()), dict(request.headers.items()))
    response = Response(status=204)
    response.headers["Cache-Control"] = "no-store"
    return response


class BeaconFastPath:
    """WSGI middleware: a valid beacon from an allowed origin, within its rate limit, is
    counted and answered ``204`` here, without Flask's per-request work (request context,
    session, the after-request hooks): that work cost more than the beacon itself, and a beacon
    must be at least 3x cheaper than a report (benchmarks/beacon_ingest.py). Anything else (a
    refusal of any kind) goes on to the Flask view, which answers it in the API's error shape;
    over the limit is answered here, in that shape. It sits inside load shedding and the
    trusted-proxy fix (both wrap the app later), so REMOTE_ADDR is the client's. What it
    answers never reaches Flask's hooks, so ``on_answered(status, seconds)`` (set by
    webapp/metrics.py) hears each of its answers."""

    def __init__(self, app: Flask, wsgi_app: Any) -> None:
        self.on_answered: Callable[[int, float], None] | None = None
        self.app = app
        self.wsgi_app = wsgi_app
        self.origins: list[re.Pattern[str]] = app.extensions["browsercheck.beacon_origins"]
        self.public = app.config["PUBLIC_URL"].rstrip("/")
        spec = app.config.get("BEACON_RATELIMIT")
        off = any(is_off(app.config.get(name)) for name in ("RATELIMIT", "BEACON_RATELIMIT"))
        self.limit = None if off else parse_many(str(spec))
        self.limiter = None
        if self.limit is not None:
            storage = storage_from_string(app.config.get("RATELIMIT_STORAGE_URI") or "memory://")
            self.limiter = SlidingWindowCounterRateLimiter(storage)

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        if environ.get("PATH_INFO") != PATH or environ.get("REQUEST_METHOD") != "POST":
            return self.wsgi_app(environ, start_response)
        started = time.perf_counter()
        answered = self._fast(environ, start_response)
        if answered is None:
            return self.wsgi_app(environ, start_response)
        status, body = answered
        if self.on_answered is not None:
            self.on_answered(status, time.perf_counter() - started)
        return body

    def _fast(self, environ: dict[str, Any], start_response: Any) -> tuple[int, list[bytes]] | None:
        """The status and body this path answered, or None for the view to answer."""
        mimetype = environ.get("CONTENT_TYPE", "").split(";", 1)[0].strip().lower()
        try:
            length = int(environ.get("CONTENT_LENGTH") or -1)
        except ValueError:
            return None
        if mimetype not in BEACON_TYPES or not 0 <= length <= BEACON_MAX_BYTES:
            return None
        raw = environ["wsgi.input"].read(length)
        environ["wsgi.input"] = io.BytesIO(raw)  # the view reads it again if it is refused
        origin = environ.get("HTTP_ORIGIN")
        host = f"{environ.get('wsgi.url_scheme', 'http')}://{environ.get('HTTP_HOST', '')}"
        if not origin_allowed(origin, (host, self.public), self.origins):
            return None
        cors = [("Access-Control-Allow-Origin", origin), ("Vary", "Origin")] if origin else []
        try:
            document = orjson.loads(raw)
        except orjson.JSONDecodeError:
            return None
        if not is_valid_beacon(document):  # orjson refused NaN and unpaired surrogates already
            return None
        with self.app.app_context():
            if self.limiter is not None:
                key = address_hash(environ.get("REMOTE_ADDR") or "", self.app.config["SECRET_KEY"])
                for item in self.limit or ():
                    if not self.limiter.hit(item, "beacon", key):
                        return self._too_many(item, key, cors, start_response)
            headers = {
                k[5:].replace("_", "-"): v for k, v in environ.items() if k.startswith("HTTP_")
            }
            count_beacon(
                BeaconPayload(
                    build=document.get("build", ""),
                    controlled=document.get("controlled", False),
                    waiting=document.get("waiting", False),
                    verdict=document["verdict"],
                ),
                headers,
            )
        start_response(
            "204 No Content",
            [("Cache-Control", "no-store"), ("X-Content-Type-Options", "nosniff"), *cors],
        )
        return 204, []

    def _too_many(
        self, item: Any, key: str, cors: list[tuple[str, str]], start_response: Any
    ) -> tuple[int, list[bytes]]:
        assert self.limiter is not None
        reset = self.limiter.get_window_stats(item, "beacon", key).reset_time
        seconds = max(1, min(math.ceil(reset - time.time()), item.get_expiry()))
        body = orjson.dumps(
            {
                "error": {
                    "code": "rate_limited",
                    "message": f"too many requests; try again in {seconds} s",
                    "field": None,
                }
            }
        )
        start_response(
            "429 Too Many Requests",
            [
                ("Content-Type", "application/json"),
                ("Content-Length", str(len(body))),
                ("Retry-After", str(seconds)),
                ("Cache-Control", "no-store"),
                *cors,
            ],
        )
        return 429, [body]


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
    fast = BeaconFastPath(app, app.wsgi_app)
    app.extensions["browsercheck.beacon_fast_path"] = fast
    app.wsgi_app = fast  # type: ignore[method-assign]
