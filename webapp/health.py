"""Health checks for load balancers and orchestrators: ``/healthz`` and ``/readyz``."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify
from sqlalchemy.exc import SQLAlchemyError

from .errors import DATABASE_RETRY_AFTER, error_response
from .services import store

bp = Blueprint("health", __name__)


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/healthz")
def healthz() -> Response:
    """The process is up and answering (never shed under overload)."""
    return _no_store(jsonify({"status": "ok"}))


@bp.get("/readyz")
def readyz() -> Response:
    """The database answers a query: this process can take reports (503 + Retry-After when
    it cannot)."""
    try:
        store().ping()
    except SQLAlchemyError as exc:
        message = f"the database is unreachable: {type(exc).__name__}"
        response = error_response(503, "database_unavailable", message)
        response.headers["Retry-After"] = str(DATABASE_RETRY_AFTER)
        return _no_store(response)
    return _no_store(jsonify({"status": "ready", "database": store().engine.dialect.name}))
