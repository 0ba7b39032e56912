"""One JSON error shape for the whole API: ``{"error": {"code", "message", "field"}}``."""

from __future__ import annotations

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException

from diagnostics.errors import PayloadError


class ApiError(Exception):
    """An error answer of the API with a stable ``code`` and the offending ``field``."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.field = status, code, message, field


def error_response(status: int, code: str, message: str, field: str | None = None) -> Response:
    response = jsonify({"error": {"code": code, "message": message, "field": field}})
    response.status_code = status
    return response


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.mimetype == "application/json"


def init_app(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def _api_error(exc: ApiError) -> Response:
        return error_response(exc.status, exc.code, exc.message, exc.field)

    @app.errorhandler(PayloadError)
    def _payload_error(exc: PayloadError) -> Response:
        return error_response(400, exc.code, exc.message, exc.field)

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> Response | HTTPException:
        if not _wants_json():
            return exc
        code = (exc.name or "error").lower().replace(" ", "_")
        if exc.code == 413:
            limit = app.config["MAX_BODY_BYTES"]
            return error_response(413, "body_too_large", f"the body is over {limit} bytes", "$")
        return error_response(exc.code or 500, code, exc.description or exc.name)
