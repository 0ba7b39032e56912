"""The portal's deploy hook (issue 18): ``POST /api/v1/builds`` with a deploy token.

A deploy pipeline tells browsercheck which build the portal runs now::

    curl -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json" \\
         -d '{"build": "2026.12.01-3", "site": "portal.example.com"}' \\
         https://check.example/api/v1/builds

The token is a desk API token with the ``deploy`` scope (``browsercheck tokens add ci --scope
deploy``); a ``read`` token is refused (403), and a deploy token cannot read reports. The history
(webapp/storage/builds.py) is the reference of the stale-build finding for reports from the
portal's page, and dates the page's build ("the build of 3 days ago; 2 deploys since").
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Flask, Response, current_app, jsonify, request

from diagnostics.builds import BuildReference, resolve_reference

from .desk_api import authorized
from .errors import ApiError
from .extensions import csrf
from .storage.builds import BuildError, BuildRecord, BuildStore

bp = Blueprint("builds", __name__)
csrf.exempt(bp)  # bearer tokens, no cookies

EXTENSION = "browsercheck.builds"


def init_app(app: Flask) -> None:
    """The deploy hook's route and the app's build history (on the report store's database)."""
    app.extensions[EXTENSION] = BuildStore(app.extensions["browsercheck.store"].session)
    app.register_blueprint(bp)


def build_store() -> BuildStore:
    found: BuildStore = current_app.extensions[EXTENSION]
    return found


def reference_for(data: Any) -> BuildReference:
    """The build a new report's page is compared with (diagnostics/builds.py): the deploy
    history is read only for a report from the portal's page (the embed sets ``page``)."""
    page = data.get("page") if isinstance(data, Mapping) else None
    deploys = build_store().deploys_for(page) if page else ()
    return resolve_reference(data, deploys)


@bp.after_request
def _challenge(response: Response) -> Response:
    if response.status_code == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="browsercheck deploy"'
    response.headers["Cache-Control"] = "no-store"
    return response


def record_document(record: BuildRecord) -> dict[str, Any]:
    return {
        "build": record.build,
        "site": record.site,
        "deployed_at": record.deployed_at.isoformat(),
        "source": record.source,
        "added": record.added,
    }


@bp.post("/api/v1/builds")
def create() -> tuple[Response, int]:
    """Record a deploy of the portal: ``{"build": ID, "site": HOST}`` (site optional)."""
    token = authorized("deploy")
    if request.mimetype != "application/json":
        raise ApiError(415, "unsupported_media_type", 'send JSON: {"build": "..."}', "$")
    try:
        body = json.loads(request.get_data(cache=False))
    except (ValueError, RecursionError) as exc:
        raise ApiError(400, "malformed_json", "the body is not valid JSON", "$") from exc
    if not isinstance(body, dict):
        raise ApiError(400, "not_an_object", 'the body is {"build": "...", "site": "..."}', "$")
    unknown = sorted(set(body) - {"build", "site"})
    if unknown:
        raise ApiError(
            400, "unknown_field", f"unknown field {unknown[0][:50]!r}", "$." + unknown[0][:50]
        )
    for name in ("build", "site"):
        if name in body and not isinstance(body[name], str):
            raise ApiError(400, "not_a_string", f"{name} is a string", f"$.{name}")
    if "build" not in body:
        raise ApiError(400, "missing_build", 'name the build: {"build": "..."}', "$.build")
    try:
        record = build_store().set(
            body["build"], body.get("site", ""), datetime.now(UTC), f"api:{token.name}"
        )
    except BuildError as exc:
        raise ApiError(400, "invalid_" + exc.field, str(exc), f"$.{exc.field}") from exc
    return jsonify(record_document(record)), 201 if record.added else 200
