"""Rate limits (flask-limiter): per client address and for everyone together.

``BROWSERCHECK_RATELIMIT`` (default ``60/minute;600/hour``) bounds each address separately on
creating reports and, with its own counters, on looking them up; ``BROWSERCHECK_RATELIMIT_GLOBAL``
bounds the reports all addresses create together. A person checking a browser sends a handful;
a script sending hundreds from one address gets ``429`` with ``Retry-After`` and the JSON error
shape. ``off`` disables. Counters are keyed by the address's keyed hash, so neither the limiter's
storage nor its log lines hold an address.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any

from flask import Flask, Response, current_app, request
from flask_limiter import Limiter, RateLimitExceeded
from limits import parse_many

from .errors import error_response, wants_json
from .privacy import client_address_hash

#: Views that write a report: the per-address and the global limit.
WRITE_ENDPOINTS = ("collector.create", "public.check_noscript")
#: Views that read a report by code and token: the per-address limit, counted apart from writes.
LOOKUP_ENDPOINTS = (
    "collector.show",
    "public.report_view",
    "collector.answer",
    "public.report_download",
    "public.report_context",
)
EXTENSION = "browsercheck.limiter"
#: The desk API (issue 17): limited per bearer token, by DESK_API_RATELIMIT.
DESK_ENDPOINTS = ("desk_api.report", "desk_api.reports", "desk_api.sidebar_link", "builds.create")
#: The sampled page-load beacon (issue 18): per address, by BEACON_RATELIMIT, counted apart.
BEACON_ENDPOINTS = ("beacon.receive",)


def _desk_token_key() -> str:
    """The presented token's hash: each token has its own counter (none stored in clear)."""
    from .desk_api import bearer_token
    from .storage.reports import hash_token

    return "desk-" + hash_token(bearer_token())[:32]


def _everyone() -> str:
    return "everyone"


def is_off(spec: str | None) -> bool:
    """A rate-limit setting that turns its limit off: empty, or the word "off"."""
    return not spec or spec.strip().lower() == "off"


def _checked(spec: str, setting: str) -> str:
    try:
        parse_many(spec)
    except ValueError as exc:
        raise ValueError(f"BROWSERCHECK_{setting}: not a rate limit: {spec!r} ({exc})") from exc
    return spec


def _retry_after() -> int:
    """Seconds until the limit that was just broken lets a request through again."""
    limiter: Limiter = current_app.extensions[EXTENSION]
    current = limiter.current_limit
    if current is None:
        return 60
    # RequestLimit.reset_at is int(expiry + 1), a second late; the window's own float is exact,
    # and no wait is longer than the limit's window ("2/minute": at most 60 s).
    reset_at = current.window[0]
    return max(1, min(math.ceil(reset_at - time.time()), current.limit.get_expiry()))


def _too_many(exc: RateLimitExceeded) -> Response:
    seconds = _retry_after()
    if wants_json():
        response = error_response(
            429, "rate_limited", f"too many requests; try again in {seconds} s", None
        )
    else:  # the no-JavaScript form: a plain answer in both languages
        response = Response(
            f"Забагато запитів. Спробуйте ще раз за {seconds} с.\n"
            f"Too many requests. Try again in {seconds} s.\n",
            status=429,
            mimetype="text/plain",
        )
    response.headers["Retry-After"] = str(seconds)
    return response


def init_app(app: Flask) -> None:
    """Bind a limiter of its own to ``app`` (so apps made in one process never share counters)."""
    spec = app.config.get("RATELIMIT")
    enabled = not is_off(spec)
    limiter = Limiter(
        key_func=client_address_hash,
        storage_uri=app.config.get("RATELIMIT_STORAGE_URI") or "memory://",
        strategy="sliding-window-counter",  # no burst of twice the limit at a window's edge
        headers_enabled=False,  # Retry-After on 429 only; successes need no limit headers
        key_prefix="browsercheck",
        enabled=enabled,
    )
    limiter.init_app(app)
    app.extensions[EXTENSION] = limiter
    app.register_error_handler(RateLimitExceeded, _too_many)
    if not enabled:
        return
    desk = app.config.get("DESK_API_RATELIMIT")
    desk_endpoints = DESK_ENDPOINTS if not is_off(desk) else ()
    beacon = app.config.get("BEACON_RATELIMIT")
    beacon_endpoints = BEACON_ENDPOINTS if not is_off(beacon) else ()
    limited = frozenset(WRITE_ENDPOINTS + LOOKUP_ENDPOINTS + desk_endpoints + beacon_endpoints)
    # Every other route (pages, the probe, static files) skips the limiter's work entirely.
    limiter.request_filter(lambda: request.endpoint not in limited)
    assert spec is not None
    decorators: dict[str, list[Callable[[Any], Any]]] = {}
    per_address = _checked(spec, "RATELIMIT")
    for scope, endpoints in (("write", WRITE_ENDPOINTS), ("lookup", LOOKUP_ENDPOINTS)):
        for endpoint in endpoints:
            decorators.setdefault(endpoint, []).append(
                limiter.shared_limit(per_address, scope=f"address-{scope}")
            )
    everyone = app.config.get("RATELIMIT_GLOBAL")
    if not is_off(everyone):
        assert everyone is not None
        for endpoint in WRITE_ENDPOINTS:
            decorators[endpoint].append(
                limiter.shared_limit(
                    _checked(everyone, "RATELIMIT_GLOBAL"), scope="everyone", key_func=_everyone
                )
            )
    for endpoint in desk_endpoints:
        decorators.setdefault(endpoint, []).append(
            limiter.shared_limit(
                _checked(str(desk), "DESK_API_RATELIMIT"),
                scope="desk-token",
                key_func=_desk_token_key,
            )
        )
    for endpoint in beacon_endpoints:
        decorators.setdefault(endpoint, []).append(
            limiter.shared_limit(_checked(str(beacon), "BEACON_RATELIMIT"), scope="address-beacon")
        )
    for endpoint, wrap in decorators.items():
        view = app.view_functions.get(endpoint)
        if view is None:  # a renamed view would silently lose its limit
            raise RuntimeError(f"rate limit for unknown endpoint {endpoint!r}: register it first")
        for decorator in wrap:
            view = decorator(view)
        app.view_functions[endpoint] = view
