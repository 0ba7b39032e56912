"""The OpenAPI 3.1 description of every endpoint, served at ``GET /api/openapi.json``.

Paths come from the app's own URL map, so no route goes undescribed: the operations below add
what a route's docstring cannot say (bodies, answers, errors); a route without an entry here is
still listed, with its docstring and a generic answer. The report payload's schema is the one
``probes/schema.json``, embedded at ``#/components/schemas/ReportPayload`` (its ``$defs``
references re-pointed there), never a copy kept by hand.
"""

from __future__ import annotations

import re
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from flask import Blueprint, Flask, Response, current_app, jsonify

from diagnostics.models import LANGUAGES
from matrix import STATUSES
from matrix.outcome import MAX_BLOCKING, OUTCOMES
from probes import beacon_schema, payload_schema

from .errors import HTTP_ERROR_CODES
from .services import MAILTO_MAX_CHARS

bp = Blueprint("openapi", __name__)

EXTENSION = "browsercheck.openapi"
_PAYLOAD_REF = "#/components/schemas/ReportPayload"
_CODE_PATTERN = "^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(kind: str) -> dict[str, Any]:
    return {"type": [kind, "null"]}


def _object(required: list[str], **properties: Any) -> dict[str, Any]:
    # Answers stay open to new members: clients must ignore what they do not know.
    return {"type": "object", "required": required, "properties": properties}


def _embedded_payload_schema() -> dict[str, Any]:
    """``probes/schema.json`` with its ``$defs`` references pointing inside this document."""

    def repoint(node: Any) -> Any:
        if isinstance(node, dict):
            return {
                key: (
                    _PAYLOAD_REF + value[1:]
                    if key == "$ref" and isinstance(value, str) and value.startswith("#/")
                    else repoint(value)
                )
                for key, value in node.items()
                if key not in ("$id", "$schema")  # the base URI would re-anchor "#/..." refs
            }
        if isinstance(node, list):
            return [repoint(item) for item in node]
        return node

    schema: dict[str, Any] = repoint(payload_schema())
    return schema


def _schemas() -> dict[str, Any]:
    text = _object(list(LANGUAGES), **dict.fromkeys(LANGUAGES, {"type": "string"}))
    string, maybe_string = {"type": "string"}, _nullable("string")
    return {
        "ReportPayload": _embedded_payload_schema(),
        "Error": _object(
            ["error"],
            error=_object(
                ["code", "message", "field"],
                code={
                    "type": "string",
                    "description": "Stable, machine-readable.",
                    "examples": sorted(
                        {
                            "malformed_json",
                            "not_an_object",
                            "too_deep",
                            "invalid_text",
                            "schema_maxLength",
                            *HTTP_ERROR_CODES.values(),
                        }
                    ),
                },
                message={"type": "string", "description": "For people; may change."},
                field={
                    **maybe_string,
                    "description": (
                        "What was at fault: a JSON path into the body ($, $.screen.width), "
                        "or null when nothing in the body is to blame."
                    ),
                },
            ),
        ),
        "Text": text,
        "Environment": _object(
            ["browser", "engine", "os", "device", "in_app", "is_bot", "sources", "user_agent"],
            browser=_object(
                ["family"], family=string, version=maybe_string, major=_nullable("integer")
            ),
            engine=_object(["family"], family=string, version=maybe_string),
            os=_object(
                ["family"],
                family=string,
                version=maybe_string,
                major=_nullable("integer"),
                approximate={"type": "boolean"},
            ),
            device=_object(["type"], type=string, brand=maybe_string, model=maybe_string),
            in_app=maybe_string,
            is_bot={"type": "boolean"},
            sources={"type": "object", "additionalProperties": {"type": "string"}},
            conflicts={"type": "array", "items": {"type": "object"}},
            user_agent=string,
        ),
        "Verdict": _object(
            ["status", "rule", "reasons", "remedies"],
            status={"enum": list(STATUSES)},
            rule=string,
            message={"oneOf": [_ref("Text"), {"type": "null"}]},
            reasons={"type": "array", "items": _ref("Text")},
            remedies={"type": "array", "items": _ref("Text")},
        ),
        "Finding": _object(
            ["id", "severity", "title", "remedy"],
            id=string,
            severity={"enum": ["info", "warning", "error"]},
            title=_ref("Text"),
            remedy=_ref("Text"),
        ),
        "Report": _object(
            [
                "code",
                "created_at",
                "lang",
                "source",
                "outcome",
                "blocking",
                "environment",
                "verdict",
                "findings",
            ],
            code={"type": "string", "pattern": _CODE_PATTERN},
            created_at={"type": "string", "format": "date-time"},
            lang={"enum": list(LANGUAGES)},
            source=string,
            outcome=_OUTCOME,
            blocking=_BLOCKING,
            environment=_ref("Environment"),
            verdict=_ref("Verdict"),
            findings={"type": "array", "items": _ref("Finding")},
            probe={"type": "object", "description": "The payload as sent, without context."},
            replies={
                "type": "array",
                "items": _ref("Reply"),
                "description": "The support desk's answers to the user (the JSON views only).",
            },
        ),
        "Reply": _object(
            ["from", "message", "remedies", "created_at", "seen_at"],
            **{
                "from": {
                    "type": "string",
                    "description": "The name the agent signed; may be empty.",
                }
            },
            message={"type": "string", "description": "Plain text as the agent wrote it."},
            remedies={
                "type": "array",
                "items": _object(
                    ["id", "title", "remedy"], id=string, title=_ref("Text"), remedy=_ref("Text")
                ),
                "description": "The remedies the agent picked, in both languages.",
            },
            created_at={"type": "string", "format": "date-time"},
            seen_at={
                **_nullable("string"),
                "description": "When the user first opened their report page after it.",
            },
            agent={"type": "string", "description": "The desk API only: the agent's account."},
            finding_ids={"type": "array", "items": string},
        ),
        "CreatedReport": _object(
            [
                "code",
                "view_url",
                "json_url",
                "outcome",
                "blocking",
                "verdict",
                "findings",
                "display",
                "context_url",
                "screenshot_url",
                "support_email",
                "answer_url",
            ],
            code={
                "type": "string",
                "pattern": _CODE_PATTERN,
                "description": "The short code to give support.",
            },
            view_url={"type": "string", "description": "The private page, with its token."},
            json_url={"type": "string", "description": "The private JSON view, with its token."},
            context_url={"type": "string"},
            screenshot_url={"type": "string"},
            outcome=_OUTCOME,
            blocking=_BLOCKING,
            verdict=_ref("Verdict"),
            findings={"type": "array", "items": _ref("Finding")},
            display=_object(
                ["browser", "os", "device", "status", "message", "outcome", "headline"],
                browser=string,
                os=string,
                device=string,
                status=string,
                message=string,
                outcome=string,
                headline=string,
            ),
            text={"type": "string", "description": "?include=text: the plain-text report."},
            report=_ref("Report"),
            email=_object(
                ["to", "subject", "body", "mailto"],
                to=string,
                subject=string,
                body=string,
                mailto={"type": "string", "maxLength": MAILTO_MAX_CHARS},
            ),
            support_email=string,
            answer_url={
                "type": "string",
                "description": "This answer again (GET, with ?lang=): the check page's reload.",
            },
        ),
    }


_OUTCOME: dict[str, Any] = {
    "enum": list(OUTCOMES),
    "description": "The one result (matrix/outcome.py); the verdict is the policy's status.",
}
_BLOCKING: dict[str, Any] = {
    "type": "array",
    "maxItems": MAX_BLOCKING,
    "items": _ref("Finding"),
    "description": "The one or two things that stand against the user, each with its remedy.",
}


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def _error(description: str, headers: dict[str, Any] | None = None) -> dict[str, Any]:
    answer: dict[str, Any] = {"description": description, "content": _json(_ref("Error"))}
    if headers:
        answer["headers"] = headers
    return answer


_RETRY_AFTER = {
    "Retry-After": {
        "required": True,
        "description": "Seconds to wait.",
        "schema": {"type": "string", "pattern": "^[0-9]+$"},
    }
}
_HTML = {"text/html": {"schema": {"type": "string"}}}
_TEXT = {"text/plain": {"schema": {"type": "string"}}}
_PARAMETERS: dict[str, dict[str, Any]] = {
    "code": {
        "name": "code",
        "in": "path",
        "required": True,
        "schema": {"type": "string"},
        "description": "The report code, XXXX-XXXX (any case, dash optional).",
    },
    "t": {
        "name": "t",
        "in": "query",
        "required": False,
        "schema": {"type": "string"},
        "description": "The report's private token, from view_url.",
    },
    "lang": {
        "name": "lang",
        "in": "query",
        "required": False,
        "schema": {"type": "string"},
        "description": "uk or en; anything else is ignored.",
    },
    "filename": {"name": "filename", "in": "path", "required": True, "schema": {"type": "string"}},
    "include": {
        "name": "include",
        "in": "query",
        "required": False,
        "schema": {"type": "string"},
        "description": "Comma-separated optional parts: text, email, report (created answer "
        "only); unknown names are ignored.",
    },
}
_SERVER_ERROR_JSON = {
    "500": _error("The server failed (logged); the request may be retried."),
    "503": _error(
        "overloaded (past capacity) or database_unavailable: retry after Retry-After.",
        _RETRY_AFTER,
    ),
}
_SERVER_ERROR_HTML = {"500": {"description": "The server failed.", "content": _HTML}}
_PAGE_LIMITED = {
    "description": "Too many requests from this address.",
    "content": _TEXT,
    "headers": _RETRY_AFTER,
}

#: Operations by endpoint name and method.
OPERATIONS: dict[tuple[str, str], dict[str, Any]] = {
    ("collector.create", "post"): {
        "summary": "Send a probe payload; get the diagnosis, the code and the private link.",
        "operationId": "createReport",
        "tags": ["collector"],
        "parameters": [
            _PARAMETERS["include"],
            {
                "name": "Idempotency-Key",
                "in": "header",
                "required": False,
                "schema": {
                    "type": "string",
                    "pattern": '^([!#-\\[\\]-~]{8,255}|"[!#-\\[\\]-~]{8,255}")$',
                },
                "description": "One random key per report (IETF httpapi draft): a retry with "
                "the same key and body within 24 hours answers the first report again.",
            },
        ],
        "requestBody": {"required": True, "content": _json({"$ref": _PAYLOAD_REF})},
        "responses": {
            "201": {
                "description": "Diagnosed and stored (or, for a retried Idempotency-Key, "
                "stored before: then with Idempotent-Replayed: true).",
                "headers": {
                    "Location": {
                        "required": True,
                        "schema": {"type": "string"},
                        "description": "The private report page.",
                    }
                },
                "content": _json(_ref("CreatedReport")),
            },
            "400": _error(
                "Malformed JSON, not an object, too deep, or breaks the schema "
                "(field names the value); invalid_idempotency_key."
            ),
            "413": _error("The body is over BROWSERCHECK_MAX_BODY_BYTES."),
            "415": _error("The body is not application/json."),
            "422": _error("idempotency_key_reused: this Idempotency-Key came with another body."),
            "429": _error("Too many reports from this address, or from everyone.", _RETRY_AFTER),
            **_SERVER_ERROR_JSON,
        },
    },
    ("collector.show", "get"): {
        "summary": "The report as JSON, for the holder of its private token.",
        "operationId": "getReport",
        "tags": ["collector"],
        "parameters": [
            _PARAMETERS["code"],
            _PARAMETERS["t"],
            _PARAMETERS["include"],
            _PARAMETERS["lang"],
        ],
        "responses": {
            "200": {"description": "The report.", "content": _json(_ref("Report"))},
            "404": _error("No such report, or a wrong token: the two are indistinguishable."),
            "429": _error("Too many look-ups from this address.", _RETRY_AFTER),
            **_SERVER_ERROR_JSON,
        },
    },
    ("collector.answer", "get"): {
        "summary": "The check page's answer for a report again, in ?lang=, for its token's holder.",
        "operationId": "getReportAnswer",
        "tags": ["collector"],
        "parameters": [_PARAMETERS["code"], _PARAMETERS["t"], _PARAMETERS["lang"]],
        "responses": {
            "200": {
                "description": "As the 201 of createReport.",
                "content": _json(_ref("CreatedReport")),
            },
            "404": _error("No such report, or a wrong token: the two are indistinguishable."),
            "429": _error("Too many look-ups from this address.", _RETRY_AFTER),
            **_SERVER_ERROR_JSON,
        },
    },
    ("collector.build", "get"): {
        "summary": "The current front-end build id (the probe compares it with the page's).",
        "operationId": "getBuild",
        "tags": ["collector"],
        "responses": {
            "200": {
                "description": "The build id.",
                "content": _json(_object(["build"], build={"type": "string"})),
            },
            **_SERVER_ERROR_JSON,
        },
    },
    ("openapi.document", "get"): {
        "summary": "This document.",
        "operationId": "getOpenApi",
        "tags": ["meta"],
        "responses": {"200": {"description": "OpenAPI 3.1.", "content": _json({"type": "object"})}},
    },
    ("public.index", "get"): {
        "summary": "Redirects to the check page.",
        "tags": ["pages"],
        "parameters": [_PARAMETERS["lang"]],
        "responses": {"302": {"description": "To /check."}},
    },
    ("public.check", "get"): {
        "summary": "The check page: runs the probe and shows the report.",
        "tags": ["pages"],
        "parameters": [_PARAMETERS["lang"]],
        "responses": {"200": {"description": "The page.", "content": _HTML}, **_SERVER_ERROR_HTML},
    },
    ("public.check_noscript", "post"): {
        "summary": "With JavaScript off: a report from the request headers alone.",
        "tags": ["pages"],
        "parameters": [_PARAMETERS["lang"]],
        "responses": {
            "303": {"description": "To the private report page."},
            "429": _PAGE_LIMITED,
            **_SERVER_ERROR_HTML,
        },
    },
    ("public.probe_js", "get"): {
        "summary": "The in-page probe (ES5); loadable from other origins.",
        "tags": ["pages"],
        "responses": {
            "200": {
                "description": "The script.",
                "content": {"text/javascript": {"schema": {"type": "string"}}},
            }
        },
    },
    ("public.report_view", "get"): {
        "summary": "The user's private report page.",
        "tags": ["pages"],
        "parameters": [_PARAMETERS["code"], _PARAMETERS["t"], _PARAMETERS["lang"]],
        "responses": {
            "200": {"description": "The report.", "content": _HTML},
            "404": {
                "description": "No such report, or a wrong token (indistinguishable).",
                "content": _HTML,
            },
            "429": _PAGE_LIMITED,
            **_SERVER_ERROR_HTML,
        },
    },
    ("public.report_download", "get"): {
        "summary": "The report as a file to download (kind: txt or json).",
        "tags": ["pages"],
        "parameters": [
            _PARAMETERS["code"],
            {"name": "kind", "in": "path", "required": True, "schema": {"enum": ["txt", "json"]}},
            _PARAMETERS["t"],
            _PARAMETERS["lang"],
        ],
        "responses": {
            "200": {
                "description": "The file (an attachment).",
                "content": {**_TEXT, **_json({"type": "object"})},
            },
            "404": {"description": "No such report or kind, or a wrong token.", "content": _HTML},
            "429": _PAGE_LIMITED,
            **_SERVER_ERROR_HTML,
        },
    },
    ("public.report_context", "post"): {
        "summary": "The report page's form: replaces what the user told support (no scripts).",
        "tags": ["pages"],
        "parameters": [_PARAMETERS["code"], _PARAMETERS["t"], _PARAMETERS["lang"]],
        "requestBody": {
            "content": {
                "application/x-www-form-urlencoded": {
                    "schema": {"type": "object", "additionalProperties": {"type": "string"}}
                }
            }
        },
        "responses": {
            "303": {"description": "Saved: back to the report page."},
            "400": {
                "description": "A field breaks the schema: the page says which.",
                "content": _HTML,
            },
            "404": {"description": "No such report, or a wrong token.", "content": _HTML},
            "429": _PAGE_LIMITED,
            **_SERVER_ERROR_HTML,
        },
    },
    ("static", "get"): {
        "summary": "Style sheets and scripts of the pages.",
        "tags": ["pages"],
        "parameters": [_PARAMETERS["filename"]],
        "responses": {
            "200": {"description": "The file."},
            "404": {"description": "No such file.", "content": _HTML},
        },
    },
}
# The desk API (issue 17): help-desk tools with a bearer token (browsercheck tokens add).
_DESK_REPORT = {
    "allOf": [
        _ref("Report"),
        _object(
            ["context", "desk_url"],
            context={"type": "object", "additionalProperties": {"type": "string"}},
            desk_url={"type": "string"},
        ),
    ]
}
_DESK_ERRORS = {
    "401": _error("No bearer token, or an unknown or revoked one (WWW-Authenticate: Bearer)."),
    "429": _error("Too many requests with this token.", _RETRY_AFTER),
    **_SERVER_ERROR_JSON,
}
OPERATIONS.update(
    {
        ("desk_api.report", "get"): {
            "summary": "One report as the support desk sees it (with the user's context).",
            "operationId": "getDeskReport",
            "tags": ["desk"],
            "security": [{"deskToken": []}],
            "parameters": [_PARAMETERS["code"]],
            "responses": {
                "200": {"description": "The report.", "content": _json(_DESK_REPORT)},
                "404": _error("No report with this code."),
                **_DESK_ERRORS,
            },
        },
        ("desk_api.reports", "get"): {
            "summary": "Several reports by code, as the support desk sees them.",
            "operationId": "listDeskReports",
            "tags": ["desk"],
            "security": [{"deskToken": []}],
            "parameters": [
                {
                    "name": "code",
                    "in": "query",
                    "required": True,
                    "schema": {"type": "array", "items": {"type": "string"}, "maxItems": 50},
                    "style": "form",
                    "explode": True,
                    "description": "Report codes (repeat the parameter), any case, dash optional.",
                }
            ],
            "responses": {
                "200": {
                    "description": "The reports found, and the codes that were not.",
                    "content": _json(
                        _object(
                            ["reports", "missing"],
                            reports={"type": "array", "items": _DESK_REPORT},
                            missing={"type": "array", "items": {"type": "string"}},
                        )
                    ),
                },
                "400": _error("No code, or more than 50."),
                **_DESK_ERRORS,
            },
        },
    }
)
OPERATIONS[("desk_api.sidebar_link", "post")] = {
    "summary": "A short-lived signed link to the ticket sidebar, for a help desk's iframe.",
    "description": "The link opens /support/sidebar without an agent's session until it "
    "expires (SIDEBAR_LINK_SECONDS) or the token is revoked; an expired or revoked link "
    "answers 401, an altered one 403.",
    "operationId": "createSidebarLink",
    "tags": ["desk"],
    "security": [{"deskToken": []}],
    "requestBody": {
        "required": False,
        "content": _json(
            {
                "type": "object",
                "properties": {
                    "lang": {"type": "string", "description": "uk or en; else the request's."},
                    "text": {
                        "type": "string",
                        "description": "A ticket's text: its report codes go into the link.",
                    },
                },
            }
        ),
    },
    "responses": {
        "201": {
            "description": "The link and when it expires.",
            "content": _json(
                _object(
                    ["url", "expires_at"],
                    url={"type": "string"},
                    expires_at={"type": "string", "format": "date-time"},
                )
            ),
        },
        **_DESK_ERRORS,
    },
}
OPERATIONS[("builds.create", "post")] = {
    "summary": "Record a deploy of the portal: the reference of the stale-build finding.",
    "operationId": "createBuild",
    "tags": ["builds"],
    "security": [{"deskToken": []}],
    "requestBody": {
        "required": True,
        "content": _json(
            _object(
                ["build"],
                build={"type": "string", "minLength": 1, "maxLength": 200},
                site={"type": "string", "maxLength": 255},
            )
        ),
    },
    "responses": {
        "201": {
            "description": "The deploy, recorded.",
            "content": _json(
                _object(
                    ["build", "site", "deployed_at", "source", "added"],
                    build={"type": "string"},
                    site={"type": "string"},
                    deployed_at={"type": "string", "format": "date-time"},
                    source={"type": "string"},
                    added={"type": "boolean"},
                )
            ),
        },
        "200": {"description": "The site already runs this build: nothing was added."},
        "400": _error("Not JSON, not an object, an unknown field, or a bad build or site."),
        "403": _error("The token's scope is not deploy."),
        "415": _error("The body is not JSON."),
        **_DESK_ERRORS,
    },
}
_SECURITY_SCHEMES = {
    "deskToken": {
        "type": "http",
        "scheme": "bearer",
        "description": "A desk API token from `browsercheck tokens add NAME`.",
    }
}

#: An undescribed route: any answer; errors on /api/ paths keep the JSON shape.
_GENERIC = {"default": {"description": "See the route's documentation."}}
_ANY_METHODS = ("get", "post", "put", "patch", "delete")


def _openapi_path(rule: str) -> str:
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


def _derived_operation(app: Flask, endpoint: str, arguments: set[str]) -> dict[str, Any]:
    doc = (app.view_functions[endpoint].__doc__ or endpoint).strip().splitlines()[0]
    return {
        "summary": doc,
        "parameters": [
            _PARAMETERS.get(name)
            or {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
            for name in sorted(arguments)
        ],
        "responses": _GENERIC,
    }


#: Blueprints left out of the document: the support desk is an HTML application for signed-in
#: agents (login, CSRF-protected forms), not part of the public API; the demo portal's fake API
#: answers 500 on purpose (webapp/demo.py).
PRIVATE_BLUEPRINTS: tuple[str, ...] = ("support.", "auth.", "demo.")


def build_document(app: Flask) -> dict[str, Any]:
    """The OpenAPI 3.1 document of ``app``: every public route of its URL map, every error
    answer (the agents' desk under /support/ is left out, see PRIVATE_BLUEPRINTS)."""
    paths: dict[str, dict[str, Any]] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint.startswith(PRIVATE_BLUEPRINTS):
            continue
        item = paths.setdefault(_openapi_path(rule.rule), {})
        for method in _ANY_METHODS:
            if method.upper() not in (rule.methods or ()):
                continue
            operation = OPERATIONS.get((rule.endpoint, method))
            if operation is None:
                operation = _derived_operation(app, rule.endpoint, set(rule.arguments))
            item[method] = operation
    try:
        package_version = version("browsercheck")
    except PackageNotFoundError:
        package_version = "0"
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "browsercheck",
            "version": package_version,
            "description": (
                "Browser diagnostics for a self-service portal: the collector API, the report "
                "views and the pages. Every error of an /api/ path is JSON: "
                '{"error": {"code", "message", "field"}}.'
            ),
        },
        "paths": paths,
        "components": {"schemas": _schemas(), "securitySchemes": _SECURITY_SCHEMES},
    }


@bp.get("/api/openapi.json")
def document() -> Response:
    """This API's OpenAPI 3.1 document."""
    doc = current_app.extensions.get(EXTENSION)
    if doc is None:
        doc = current_app.extensions[EXTENSION] = build_document(current_app)
    return jsonify(doc)


def _beacon_schema() -> dict[str, Any]:
    return {k: v for k, v in beacon_schema().items() if k not in ("$schema", "$id")}


#: The sampled page-load beacon (issue 18). The embed sends it as text/plain (no preflight);
#: application/json is the same body for tools.
OPERATIONS[("beacon.receive", "post")] = {
    "summary": "Count one sampled page load (the embed's data-beacon); nothing but counts kept.",
    "operationId": "sendBeacon",
    "tags": ["collector"],
    "requestBody": {"required": True, "content": _json(_beacon_schema())},
    "responses": {
        "204": {"description": "Counted."},
        "400": _error(
            "Malformed JSON, not an object, or breaks the beacon schema (field names it)."
        ),
        "403": _error("origin_not_allowed: the Origin is not in BROWSERCHECK_CORS_ORIGINS."),
        "413": _error("The body is over 1,024 bytes."),
        "415": _error("The body is not text/plain or application/json."),
        "429": _error("Too many beacons from this address.", _RETRY_AFTER),
        **_SERVER_ERROR_JSON,
    },
}
