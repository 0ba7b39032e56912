"""One JSON error shape for the whole API: ``{"error": {"code", "message", "field"}}``.

``code`` is stable (clients branch on it); ``message`` is for people; ``field`` names what was at
fault: a JSON path into the body (``$`` for the body as a whole, ``$.screen.width``), or null when
nothing in the body is to blame (404, 405, 429, 500).
"""

from __future__ import annotations

import logging
import sys

from flask import Flask, Response, g, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable
from werkzeug.wrappers import Response as WerkzeugResponse

from diagnostics.errors import PayloadError

from .storage.availability import DATABASE_ERRORS, is_database_unavailable

#: Stable error codes of the HTTP errors the API answers (the rest fall back to werkzeug's name).
HTTP_ERROR_CODES: dict[int, str] = {
    400: "bad_request",
    404: "not_found",
    405: "method_not_allowed",
    413: "body_too_large",
    415: "unsupported_media_type",
    429: "rate_limited",
    500: "internal_error",
}
#: Headers of werkzeug's own error answer worth keeping on the JSON one (405 lists what is allowed).
_KEPT_ERROR_HEADERS = ("Allow", "Retry-After")

#: Seconds in the Retry-After header of a 503 ``database_unavailable``: a database restart
#: takes seconds, not the one second of an overload.
DATABASE_RETRY_AFTER = 5
log = logging.getLogger(__name__)


class ApiError(Exception):
    """An error answer of the API with a stable ``code`` and the offending ``field``."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.field = status, code, message, field


def error_response(status: int, code: str, message: str, field: str | None = None) -> Response:
    response = jsonify({"error": {"code": code, "message": message, "field": field}})
    response.status_code = status
    return response


def wants_json() -> bool:
    """True when the current request should get errors as JSON (API paths, JSON bodies)."""
    return request.path.startswith("/api/") or request.mimetype == "application/json"


def _http_message(exc: HTTPException, limit: int) -> tuple[str, str | None]:
    """The message and field of an HTTP error; never the text of an unexpected exception."""
    status = exc.code or 500
    if status == 413:
        return f"the body is over {limit} bytes", "$"
    if status == 405:
        return f"{request.method} is not allowed here", None
    if status >= 500:
        return "the server failed; the error was logged, please try again later", None
    return exc.description or exc.name, None


def database_unavailable() -> WerkzeugResponse:
    """The 503 answer of a request that needs the database while it is unavailable: JSON on
    API paths, a short bilingual page elsewhere; both with ``Retry-After``."""
    seconds = DATABASE_RETRY_AFTER
    message = (
        f"База даних недоступна, повторіть за {seconds} с. / "
        f"The database is unavailable, try again in {seconds} s."
    )
    response: WerkzeugResponse
    if wants_json():
        response = error_response(503, "database_unavailable", message)
    else:
        response = ServiceUnavailable(description=message).get_response()
    response.headers["Retry-After"] = str(seconds)
    response.headers["Cache-Control"] = "no-store"
    return response


#: The page's words for an HTTP error a person can meet in the browser, by status: the key of
#: the title and of the line under it (webapp/i18n.py); any other status reads as "error_page".
PAGE_ERRORS: dict[int, tuple[str, str | None]] = {
    404: ("not_found", "not_found_hint"),
    405: ("error_page", "error_page_hint"),
    413: ("too_large_page", None),
    429: ("rate_limited_page", "rate_limited_hint"),
}


def error_page(exc: HTTPException) -> Response:
    """An HTTP error as a page in the request's language (werkzeug's own is English only)."""
    from .i18n import t  # errors are wired before the strings' module needs the app

    status = exc.code or 500
    title, detail = PAGE_ERRORS.get(
        status,
        ("server_error_page", "server_error_hint") if status >= 500 else ("error_page", None),
    )
    body = render_template("error.html", title=t(title), detail=t(detail) if detail else "")
    response = Response(body, status=status, mimetype="text/html")
    for name, value in exc.get_headers():
        if name in _KEPT_ERROR_HEADERS:
            response.headers[name] = value
    return response


def init_app(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def _api_error(exc: ApiError) -> Response:
        return error_response(exc.status, exc.code, exc.message, exc.field)

    @app.errorhandler(PayloadError)
    def _payload_error(exc: PayloadError) -> Response:
        return error_response(400, exc.code, exc.message, exc.field)

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> Response | HTTPException:
        if not wants_json():
            return error_page(exc)
        status = exc.code or 500
        code = HTTP_ERROR_CODES.get(status) or (exc.name or "error").lower().replace(" ", "_")
        message, field = _http_message(exc, app.config["MAX_BODY_BYTES"])
        response = error_response(status, code, message, field)
        for name, value in exc.get_headers():
            if name in _KEPT_ERROR_HEADERS:
                response.headers[name] = value
        return response

    def _database_error(exc: Exception) -> WerkzeugResponse | HTTPException:
        if not is_database_unavailable(exc):
            app.log_exception(sys.exc_info())  # the handler runs inside the except block
            return _http_error(InternalServerError(original_exception=exc))
        # one line, not a traceback per request while the database is down; no statement or
        # parameters (the engines hide them): only what kind of failure it was
        log.warning("database unavailable: %s", str(exc).splitlines()[0][:300])
        g.database_unavailable = True  # counted by webapp/metrics.py
        return database_unavailable()

    for kind in DATABASE_ERRORS:
        app.register_error_handler(kind, _database_error)
