"""Public pages: the check page, the probe script and the user's private report view."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from markupsafe import Markup
from werkzeug.wrappers import Response as WerkzeugResponse

from diagnostics.errors import PayloadError
from diagnostics.models import LANGUAGES
from diagnostics.validate import ProbePayload, validate_payload
from probes import probe_source, repair_source
from reports.describe import describe_time
from reports.i18n import CONTEXT_KEYS
from reports.model import Report, normalize_code
from reports.render import linkify, render_html, render_json, render_text
from reports.replies import Reply, picked_remedies, reply_document

from .extensions import csrf
from .i18n import asked_lang, negotiate_lang, t
from .privacy import protect
from .services import create_report, email_parts, store, view_url
from .storage.desk import SupportStore
from .storage.replies import ReplyStore
from .support.auth import current_agent

bp = Blueprint("public", __name__)


@bp.get("/")
def index() -> WerkzeugResponse:
    """Redirects to the check page, keeping a supported ``lang``."""
    lang = request.args.get("lang")
    # Only a known language goes into the Location header: a raw value could carry a line break.
    target = url_for("public.check", lang=lang) if lang in LANGUAGES else url_for("public.check")
    return redirect(target)


@bp.get("/check")
def check() -> str:
    """The check page: runs the probe on load and shows the report."""
    return render_template("check.html", build_id=current_app.config["BUILD_ID"])


@bp.post("/check/noscript")
@csrf.exempt  # it only creates a report for whoever sends it
def check_noscript() -> WerkzeugResponse:
    """With JavaScript off: a report from the request headers alone."""
    payload = ProbePayload(data={"source": "noscript"}, source="noscript")
    report, token = create_report(payload, request.headers, negotiate_lang())
    return redirect(view_url(report, token) + f"&lang={report.lang}", code=303)


@bp.get("/favicon.ico")
def favicon() -> WerkzeugResponse:
    return redirect(url_for("static", filename="favicon.svg"), code=301)


@bp.get("/probe.js")
def probe_js() -> Response:
    response = Response(probe_source(), mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/repair.js")
def repair_js() -> Response:
    """The one-click repair of a stale build, for the check page (the embed carries it in
    /embed/probe.js)."""
    response = Response(repair_source(), mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    return response


def _report_for_token(code: str) -> Report:
    """The report ``code`` for the holder of ``?t=``; 404 alike for a wrong code or token."""
    canonical = normalize_code(code)
    report = store().get_with_token(canonical, request.args.get("t", "")) if canonical else None
    if report is None:
        abort(404)
    protect(report.context.values())
    return report


def shown_replies(report: Report, replies: list[Reply], lang: str) -> list[dict[str, Any]]:
    """The desk's replies as the user's page shows them: who (the display name the agent
    signed with, else the support desk), when (in the user's own time zone), the message as
    written, and each picked remedy in ``lang`` from the report's own texts."""
    zone = report.probe.get("timeZone")
    return [
        {
            "name": reply.agent_name or t("reply_team"),
            "time": describe_time(reply.created_at, zone if isinstance(zone, str) else None),
            "iso": reply.created_at.isoformat(),
            "message": reply.message,
            "remedies": [
                (f.id, f.title.get(lang), linkify(f.remedy.get(lang)))
                for f in picked_remedies(report, reply.finding_ids)
            ],
        }
        for reply in replies
    ]


def user_replies(report: Report, replies: list[Reply] | None = None) -> list[dict[str, Any]]:
    """The replies in the user's JSON views: no agent account, only the name they signed."""
    found = ReplyStore(store()).for_report(report.code) if replies is None else replies
    return [reply_document(reply, report) for reply in found]


def _report_page(
    report: Report,
    status: int = 200,
    context_error: str | None = None,
    typed: dict[str, str] | None = None,
    replies: list[Reply] | None = None,
) -> Response:
    lang = asked_lang(report.lang)
    g.lang = lang
    token = request.args.get("t", "")
    if replies is None:
        replies = ReplyStore(store()).for_report(report.code)
    html = render_template(
        "report_page.html",
        replies=shown_replies(report, replies, lang),
        report=report,
        report_html=Markup(render_html(report, lang)),  # autoescaped by reports/
        report_text=render_text(report, lang),
        token=token,
        email=email_parts(report, lang, token),
        saved=request.args.get("saved") == "1",
        context_error=context_error,
        typed=typed if typed is not None else report.context,  # the form keeps what was typed
    )
    response = Response(html, status=status)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/r/<code>")
def report_view(code: str) -> Response:
    """The user's private report page; 404 alike for a wrong code or a wrong token. Showing
    it marks the desk's replies on it seen (the first time counts)."""
    report = _report_for_token(code)
    replies = ReplyStore(store()).for_report(report.code)
    response = _report_page(report, replies=replies)
    # A signed-in agent following the user's link from a ticket is not the user reading it.
    if request.method == "GET" and current_agent() is None:
        unseen = (r.id for r in replies if r.seen_at is None)
        ReplyStore(store()).mark_seen(unseen, datetime.now(UTC))
    return response


#: The report page's downloads, which work without scripts: kind -> Content-Type.
_DOWNLOADS = {"txt": "text/plain; charset=utf-8", "json": "application/json"}


@bp.get("/r/<code>/download/<kind>")
def report_download(code: str, kind: str) -> Response:
    """The report as a .txt or .json file (an attachment), for the holder of its token."""
    if kind not in _DOWNLOADS:
        abort(404)
    report = _report_for_token(code)
    lang = asked_lang(report.lang)
    if kind == "txt":
        body = render_text(report, lang)
    else:
        body = render_json(report, replies=user_replies(report))
    response = Response(body, mimetype=_DOWNLOADS[kind].split(";")[0])
    response.headers["Content-Type"] = _DOWNLOADS[kind]
    filename = f"browsercheck-{report.display_code}.{kind}"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/r/<code>/context")
@csrf.exempt  # cookie-less: the private token in the address is what allows it
def report_context(code: str) -> Response | WerkzeugResponse:
    """The report page's "tell support more" form, without scripts: replaces the context."""
    report = _report_for_token(code)
    fields = {key: request.form.get(key, "").strip() for key in CONTEXT_KEYS}
    protect(value for value in fields.values() if value)
    try:
        context = validate_payload({"context": {k: v for k, v in fields.items() if v}}).context
    except PayloadError as exc:
        return _report_page(report, 400, context_error=exc.message, typed=fields)
    SupportStore(store()).set_context(report.code, context)
    target = url_for(
        "public.report_view",
        code=report.display_code,
        t=request.args.get("t", ""),
        lang=asked_lang(report.lang),
        saved="1",
    )
    return redirect(target, code=303)
