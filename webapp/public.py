"""Public pages: the check page, the probe script and the user's private report view."""

from __future__ import annotations

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

from diagnostics.models import LANGUAGES
from diagnostics.validate import ProbePayload
from probes import probe_source
from reports.model import normalize_code
from reports.render import render_html, render_text

from .extensions import csrf
from .i18n import asked_lang, negotiate_lang
from .privacy import protect
from .services import create_report, store, view_url

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


@bp.get("/r/<code>")
def report_view(code: str) -> Response:
    """The user's private report page; 404 alike for a wrong code or a wrong token."""
    canonical = normalize_code(code)
    report = store().get_with_token(canonical, request.args.get("t", "")) if canonical else None
    if report is None:
        abort(404)
    protect(report.context.values())
    lang = asked_lang(report.lang)
    g.lang = lang
    html = render_template(
        "report_page.html",
        report=report,
        report_html=Markup(render_html(report, lang)),  # autoescaped by reports/
        report_text=render_text(report, lang),
    )
    response = Response(html)
    response.headers["Cache-Control"] = "no-store"
    return response
