"""The support desk under /support/ (signed-in agents only): find a report by its code, read it
with everything the user and the probe sent, list and filter reports, statistics with SVG charts,
and CSV/Parquet exports."""

from __future__ import annotations

import io
import json
import re
from datetime import UTC, date, datetime, timedelta
from typing import Any, cast

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask.typing import ResponseReturnValue
from markupsafe import Markup

from matrix.outcome import OUTCOMES
from reports.aggregate import (
    COLUMN_LABELS,
    EVIDENCE_TITLES,
    STATUSES,
    TITLES,
    Summary,
    evidence_tables,
    summarize,
)
from reports.export import csv_chunks, write_parquet
from reports.i18n import CONTEXT_KEYS, label
from reports.model import format_code, normalize_code
from reports.render import render_html

from ..i18n import STRINGS, current_lang, t
from ..services import store
from ..storage.desk import ReportFilter, SupportStore
from .auth import accounts, current_agent, login_redirect

bp = Blueprint("support", __name__, url_prefix="/support")

DEVICE_TYPES: tuple[str, ...] = ("desktop", "mobile", "tablet", "tv", "bot", "unknown")
PERIODS: tuple[int, ...] = (7, 30, 90, 180, 365)
CHARTS: dict[str, tuple[str, str]] = {  # chart name -> (table, label column)
    "outcomes": ("by_outcome", "outcome"),
    "browsers": ("by_browser", "browser_family"),
    "os": ("by_os", "os_family"),
    "verdicts": ("by_verdict", "status"),
    "findings": ("top_findings", "finding"),
    "unsupported": ("unsupported_per_day", "day"),
}
#: Charts of what the portal's pages recorded (issue 14): chart name -> (table, label column).
EVIDENCE_CHARTS: dict[str, tuple[str, str]] = {
    "requests": ("failing_requests", "request"),
    "errors": ("page_errors", "message"),
}
_FINDING_ID = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
ENV_FIELDS: tuple[str, ...] = ("browser", "engine", "os", "device", "in_app")


def desk() -> SupportStore:
    return SupportStore(store())


@bp.before_request
def _require_agent() -> ResponseReturnValue | None:
    if current_agent() is None:
        return login_redirect()
    return None


@bp.context_processor
def _helpers() -> dict[str, Any]:
    lang = current_lang()
    return {
        "label": label,
        "zip": zip,
        "column_label": lambda c: COLUMN_LABELS[c].get(lang) if c in COLUMN_LABELS else c,
    }


@bp.after_request
def _private(response: Response) -> Response:
    # Reports hold personal data: never cached, never sent as a Referer elsewhere.
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.get("/")
def home() -> ResponseReturnValue:
    return redirect(url_for("support.reports", lang=g.get("lang")))


def _parse_day(name: str, errors: list[str]) -> date | None:
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        errors.append(t("bad_filter", name=name))
        return None


def _choice(name: str, allowed: tuple[str, ...], errors: list[str]) -> str:
    value = request.args.get(name, "").strip()
    if value and value not in allowed:
        errors.append(t("bad_filter", name=name))
        return ""
    return value


def parse_filters() -> tuple[ReportFilter, list[str]]:
    """The list's filters from the query string, and a message per bad value (then ignored)."""
    errors: list[str] = []
    finding = request.args.get("finding", "").strip()
    if finding and not _FINDING_ID.match(finding):
        errors.append(t("bad_filter", name="finding"))
        finding = ""
    filters = ReportFilter(
        status=_choice("status", STATUSES, errors),
        outcome=_choice("outcome", OUTCOMES, errors),
        browser=request.args.get("browser", "").strip()[:64],
        os=request.args.get("os", "").strip()[:64],
        device=_choice("device", DEVICE_TYPES, errors),
        finding=finding,
        date_from=_parse_day("from", errors),
        date_to=_parse_day("to", errors),
        text=request.args.get("text", "").strip()[:200],
    )
    return filters, errors


def _page_number() -> int:
    try:
        return min(max(int(request.args.get("page", "1")), 1), 100000)
    except ValueError:
        return 1


@bp.get("/reports")
def reports() -> ResponseReturnValue:
    """Recent reports with filters and paging; the search box jumps to a report by its code."""
    query = request.args.get("q", "").strip()[:64]
    notice = ""
    if query:
        canonical = normalize_code(query)
        if canonical and desk().report_id(canonical) is not None:
            return redirect(
                url_for("support.report", code=format_code(canonical), lang=g.get("lang"))
            )
        notice = t("not_found_code", code=query) if canonical else t("bad_code", code=query)
    filters, errors = parse_filters()
    page = _page_number()
    rows, more = desk().list_reports(filters, page, _page_size())
    args = {k: v for k, v in request.args.items() if k not in ("page", "q") and v}
    return render_template(
        "support/reports.html",
        rows=rows,
        more=more,
        page=page,
        filters=filters,
        errors=errors,
        notice=notice,
        query=query,
        args=args,
        statuses=STATUSES,
        outcomes=OUTCOMES,
        devices=DEVICE_TYPES,
        findings=desk().finding_choices(),
        context_keys=CONTEXT_KEYS,
    )


def _page_size() -> int:
    return int(current_app.config["SUPPORT_PAGE_SIZE"])


def _source_label(source: str) -> str:
    key = f"src_{source}"
    return t(key) if key in STRINGS else source


@bp.get("/reports/<code>")
def report(code: str) -> ResponseReturnValue:
    """One report: the user's context and screenshot, the environment with the source of each
    value, findings, verdict, the raw payload and the other reports of the same browser."""
    canonical = normalize_code(code)
    if canonical and code != format_code(canonical):
        return redirect(
            url_for(
                "support.report",
                code=format_code(canonical),
                **cast(dict[str, Any], request.args.to_dict()),
            )
        )
    found = store().get(canonical) if canonical else None
    if found is None:
        message = t("not_found_code", code=code) if canonical else t("bad_code", code=code)
        return render_template("support/message.html", message=message, search=True), 404
    lang = current_lang()
    env = found.environment.to_dict()
    environment_rows = [
        (
            label(name, lang),
            _env_value(env, name, lang),
            _source_label(found.environment.sources.get(name, "")),
        )
        for name in ENV_FIELDS
        if name != "in_app" or env.get("in_app")
    ]
    raw = {**found.probe, "context": found.context} if found.context else found.probe
    return render_template(
        "support/report.html",
        report=found,
        lang=lang,
        report_html=Markup(render_html(found, lang)),  # autoescaped by reports/
        context_rows=[
            (label(f"ctx_{key}", lang), found.context[key])
            for key in CONTEXT_KEYS
            if found.context.get(key)
        ],
        environment_rows=environment_rows,
        conflicts=found.environment.conflicts,
        raw_payload=json.dumps(raw, ensure_ascii=False, indent=2, sort_keys=True),
        same_browser=desk().same_browser(found.code),
        browser_id=desk().browser_id(found.code),
        has_screenshot=desk().has_screenshot(found.code),
    )


def _env_value(env: dict[str, Any], name: str, lang: str) -> str:
    value = env.get(name)
    if isinstance(value, dict):
        parts = [str(value.get(k)) for k in ("family", "brand", "model", "version") if value.get(k)]
        if value.get("type"):
            parts.insert(0, label(f"device_{value['type']}", lang))
        return " ".join(parts)
    return str(value or "")


@bp.get("/reports/<code>/screenshot")
def screenshot(code: str) -> Response:
    """The report's screenshot, as an image that can never run as a page."""
    canonical = normalize_code(code)
    shot = desk().screenshot(canonical) if canonical else None
    if shot is None:
        abort(404)
    response = Response(shot.data, mimetype=shot.mimetype)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Content-Disposition"] = f'inline; filename="screenshot-{canonical}"'
    return response


def period_days() -> int:
    try:
        days = int(request.args.get("days", "7"))
    except ValueError:
        days = 7
    return min(max(days, 1), 3650)


def _summary(days: int) -> tuple[Summary, date, date]:
    end = datetime.now(UTC).date()
    start = end - timedelta(days=days - 1)
    return summarize(desk().stats_frame(start, end), start, end), start, end


def _evidence_tables(days: int) -> dict[str, Any]:
    end = datetime.now(UTC).date()
    return evidence_tables(desk().evidence_between(end - timedelta(days=days - 1), end))


@bp.get("/stats")
def stats() -> str:
    """Shares by browser, OS and verdict, top findings, unsupported share per day, and the
    failing requests and page errors the portal's pages recorded."""
    days = period_days()
    summary, start, end = _summary(days)
    return render_template(
        "support/stats.html",
        evidence=_evidence_tables(days),
        evidence_titles=EVIDENCE_TITLES,
        evidence_charts=EVIDENCE_CHARTS,
        summary=summary,
        days=days,
        start=start,
        end=end,
        periods=PERIODS,
        titles=TITLES,
        charts=CHARTS,
        lang=current_lang(),
    )


@bp.get("/stats/<name>.svg")
def chart(name: str) -> Response:
    """One chart of the statistics page as SVG."""
    if name not in CHARTS and name not in EVIDENCE_CHARTS:
        abort(404)
    from reports import charts  # matplotlib: imported when a chart is first drawn

    if name in EVIDENCE_CHARTS:
        table_name, column = EVIDENCE_CHARTS[name]
        table = _evidence_tables(period_days())[table_name]
        title = EVIDENCE_TITLES[table_name].get(current_lang())
        return _svg(charts.share_bar_chart(table, column, title, t("no_data")))

    table_name, column = CHARTS[name]
    summary, _start, _end = _summary(period_days())
    lang = current_lang()
    title, empty = TITLES[table_name].get(lang), t("no_data")
    table = summary.tables()[table_name]
    if name == "unsupported":
        svg = charts.daily_share_chart(table, title, empty)
    else:
        if column == "status":
            table = table.assign(status=[label(f"status_{s}", lang) for s in table["status"]])
        if column == "outcome":
            table = table.assign(outcome=[label(f"outcome_{s}", lang) for s in table["outcome"]])
        svg = charts.share_bar_chart(table, column, title, empty)
    return _svg(svg)


def _svg(svg: str) -> Response:
    response = Response(svg, mimetype="image/svg+xml")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


def _export_name(extension: str) -> str:
    return f"browsercheck-reports-{datetime.now(UTC):%Y%m%d-%H%M}.{extension}"


@bp.get("/export.csv")
def export_csv() -> Response:
    """The reports matching the list's filters as CSV, streamed."""
    filters, _errors = parse_filters()
    no_personal = request.args.get("no_personal") in ("1", "on", "true")
    body = stream_with_context(csv_chunks(desk().export_records(filters), no_personal))
    response = Response(body, mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{_export_name("csv")}"'
    return response


@bp.get("/export.parquet")
def export_parquet() -> Response:
    """The reports matching the list's filters as Parquet."""
    filters, _errors = parse_filters()
    no_personal = request.args.get("no_personal") in ("1", "on", "true")
    # Parquet's footer comes last, so the file is built before it is sent (compressed, in
    # memory: tens of MB for a million reports).
    buffer = io.BytesIO()
    write_parquet(desk().export_records(filters), no_personal, buffer)
    response = Response(buffer.getvalue(), mimetype="application/vnd.apache.parquet")
    response.headers["Content-Disposition"] = f'attachment; filename="{_export_name("parquet")}"'
    return response


@bp.get("/users")
def users() -> tuple[str, int] | str:
    """The agents' accounts (admins only)."""
    agent = current_agent()
    if agent is None or not agent.is_admin:
        return render_template("support/message.html", message=t("forbidden")), 403
    return render_template("support/users.html", users=accounts().users())
