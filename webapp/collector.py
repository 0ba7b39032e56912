"""The collector API: ``POST /api/v1/reports`` and the token-protected JSON view."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, current_app, g, jsonify, request
from werkzeug.exceptions import RequestEntityTooLarge

from diagnostics.validate import validate_payload
from reports.model import Report, normalize_code

from . import idempotency
from .errors import ApiError
from .extensions import csrf
from .i18n import asked_lang
from .privacy import protect, protect_document
from .public import user_replies
from .services import create_report, created_answer, included_parts, shareable_parts, store
from .storage.reports import IdempotencyKeyTaken

bp = Blueprint("collector", __name__)
csrf.exempt(bp)  # a cookie-less JSON API: no session to forge a request with


def _reject_constant(name: str) -> Any:
    # NaN and Infinity are not JSON (RFC 8259); Python accepts them, PostgreSQL and browsers do not.
    raise ValueError(f"{name} is not a JSON number")


def _read_body(limit: int) -> bytes:
    """The request body, 413 over ``limit`` bytes, with or without a Content-Length.

    Werkzeug refuses a too-long Content-Length itself, but a chunked body (no length) is only
    cut at the limit, which would read as malformed JSON: read one byte past it to tell."""
    if request.content_length is not None or not request.environ.get("wsgi.input_terminated"):
        return request.get_data(cache=False)
    raw: bytes = request.environ["wsgi.input"].read(limit + 1)
    if len(raw) > limit:
        raise RequestEntityTooLarge()
    return raw


def _json_body() -> tuple[bytes, Any]:
    """The raw body and its JSON document."""
    if request.mimetype != "application/json":
        raise ApiError(
            415,
            "unsupported_media_type",
            "send the report as JSON (Content-Type: application/json)",
            "$",
        )
    raw = _read_body(current_app.config["MAX_CONTENT_LENGTH"])
    try:
        document = json.loads(raw, parse_constant=_reject_constant)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApiError(400, "malformed_json", f"the body is not valid JSON: {exc}", "$") from exc
    except RecursionError as exc:  # "[[[[..." deeper than the decoder's stack
        raise ApiError(400, "too_deep", "the body is nested too deeply", "$") from exc
    protect_document(document)  # from here on, no log line may carry what the user typed
    return raw, document


@bp.post("/api/v1/reports")
def create() -> tuple[Response, int]:
    """Validate a probe payload, diagnose, store, answer 201 with the code and private URL.
    With an Idempotency-Key, a retry answers the first report again (webapp/idempotency.py)."""
    raw, document = _json_body()
    payload = validate_payload(document)
    key = idempotency.request_key()
    if key is None:
        report, token = create_report(payload, request.headers, payload.lang or g.lang)
        return _created(report, token)
    body_hash = idempotency.sha256_hex(raw)
    replay = idempotency.find_replay(key, body_hash)
    if replay is None:
        try:
            report, token = create_report(
                payload,
                request.headers,
                payload.lang or g.lang,
                token=idempotency.token_for(key),
                idempotency=(idempotency.sha256_hex(key.encode("ascii")), body_hash),
            )
            return _created(report, token)
        except IdempotencyKeyTaken:  # a concurrent retry with this key committed first
            replay = idempotency.find_replay(key, body_hash)
            if replay is None:
                raise
    response, status = _created(*replay)
    response.headers["Idempotent-Replayed"] = "true"
    return response, status


def _created(report: Report, token: str) -> tuple[Response, int]:
    answer = created_answer(report, token, report.lang, included_parts(request.args.get("include")))
    response = jsonify(answer)
    response.headers["Location"] = answer["view_url"]
    response.headers["Cache-Control"] = "no-store"
    return response, 201


@bp.get("/api/v1/reports/<code>")
def show(code: str) -> Response:
    """The report as JSON, for the holder of its private token only; ``?include=text,email``
    adds the plain-text report and the e-mail parts (in ``?lang=``, else the report's)."""
    canonical = normalize_code(code)
    report = store().get_with_token(canonical, request.args.get("t", "")) if canonical else None
    if report is None:
        raise ApiError(404, "not_found", "no such report, or the token is wrong")
    protect(report.context.values())
    include = included_parts(request.args.get("include")) - {"report"}  # it is the report
    lang = asked_lang(report.lang)
    token = request.args.get("t", "")
    shared = shareable_parts(report, lang, include, token)
    response = jsonify({**report.to_dict(), **shared, "replies": user_replies(report)})
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/api/v1/reports/<code>/answer")
def answer(code: str) -> Response:
    """The check page's view of a report (the 201 body) in ``?lang=``, for the token's holder:
    the page shows its visit's report again after a reload or a language switch."""
    canonical = normalize_code(code)
    token = request.args.get("t", "")
    report = store().get_with_token(canonical, token) if canonical else None
    if report is None:
        raise ApiError(404, "not_found", "no such report, or the token is wrong")
    protect(report.context.values())
    # what the check page asked for when it made the report (its data-endpoint): text, email
    include = included_parts(request.args.get("include") or "text,email")
    response = jsonify(created_answer(report, token, asked_lang(report.lang), include))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/api/v1/build")
def build() -> Response:
    """The server's current front-end build id; the probe compares it with the page's."""
    response = jsonify({"build": current_app.config["BUILD_ID"]})
    response.headers["Cache-Control"] = "no-store"
    return response
