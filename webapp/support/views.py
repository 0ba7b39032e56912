"""The support desk under /support/ (signed-in agents only): find a report by its code, read it
with everything the user and the probe sent, list and filter reports, statistics with SVG charts,
and CSV/Parquet exports."""

from __future__ import annotations

import io
import json
import re
from collections import Counter
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
    BEACON_TITLES,
    BEACON_TOTAL,
    COLUMN_LABELS,
    EVIDENCE_TITLES,
    STATUSES,
    TITLES,
    Summary,
    beacon_tables,
    build_label,
    evidence_tables,
    format_share,
    summarize,
    verdicts_beside_reports,
)
from reports.describe import describe_time
from reports.export import csv_chunks, write_parquet
from reports.i18n import (
    CONTEXT_KEYS,
    finding_label,
    format_count,
    format_number,
    label,
    value_label,
)
from reports.model import Report, format_code, normalize_code
from reports.render import render_html
from reports.replies import (
    MAX_MESSAGE_CHARS,
    MAX_NAME_CHARS,
    MAX_PICKED,
    clean_message,
    clean_name,
    picked_remedies,
    remedy_choices,
    reply_problem,
)

from ..beacon import beacons, current_build
from ..i18n import STRINGS, current_lang, t
from ..services import store
from ..storage.desk import ReportFilter, SupportStore
from ..storage.replies import ReplyStore
from .auth import accounts, current_agent, login_redirect

bp = Blueprint("support", __name__, url_prefix="/support")

DEVICE_TYPES: tuple[str, ...] = ("desktop", "mobile", "tablet", "tv", "bot", "unknown")
STATES: tuple[str, ...] = ("unhandled", "handled")
PERIODS: tuple[int, ...] = (7, 30, 90, 180, 365)
CHARTS: dict[str, tuple[str, str]] = {  # chart name -> (table, label column)
    "outcomes": ("by_outcome", "outcome"),
    "browsers": ("by_browser", "browser_family"),
    "os": ("by_os", "os_family"),
    "verdicts": ("by_verdict", "status"),
    "findings": ("top_findings", "finding"),
    "features": ("missing_features", "feature"),
    "unsupported": ("unsupported_per_day", "day"),
}
#: Charts of what the portal's pages recorded (issue 14): chart name -> (table, label column).
EVIDENCE_CHARTS: dict[str, tuple[str, str]] = {
    "requests": ("failing_requests", "request"),
    "errors": ("page_errors", "message"),
}
#: Charts of the sampled page-load beacon (issue 18): chart name -> (table, label column).
BEACON_CHARTS: dict[str, tuple[str, str]] = {
    "builds": ("builds_in_use", "build"),
    "traffic": ("traffic_verdicts", "status"),
}
_FINDING_ID = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
ENV_FIELDS: tuple[str, ...] = ("browser", "engine", "os", "device", "in_app")


def desk() -> SupportStore:
    return SupportStore(store())


def replies() -> ReplyStore:
    return ReplyStore(store())


#: Desk views that check who may see them themselves: the ticket sidebar also opens with a
#: signed link from the desk API (webapp/support/sidebar.py).
OWN_GATE: frozenset[str] = frozenset({"support.sidebar", "support.sidebar_cards"})


@bp.before_request
def _require_agent() -> ResponseReturnValue | None:
    if request.endpoint in OWN_GATE:
        return None
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
        "finding_label": lambda finding_id: finding_label(finding_id, lang),
        "value_label": lambda column, value: value_label(column, value, lang),
        "share": lambda value: format_share(value, lang),
        "desk_time": desk_time,
        "time_zone": current_app.config["TIME_ZONE"],
    }


def desk_time(moment: datetime | None, seconds: bool = False) -> str:
    """A time as the desk shows it: in the TIME_ZONE setting (the agents' zone), which the
    column heading names."""
    if moment is None:
        return "—"
    return describe_time(moment, current_app.config["TIME_ZONE"], seconds=seconds, show_zone=False)


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


#: The filter fields by their query argument, as the form labels them (for error messages).
_FILTER_NAMES: dict[str, str] = {
    "from": "date_from",
    "to": "date_to",
    "status": "verdict",
    "device": "device",
    "state": "state",
}


def _filter_name(name: str) -> str:
    return t(_FILTER_NAMES[name]) if name in _FILTER_NAMES else name


def _parse_day(name: str, errors: list[str]) -> date | None:
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        errors.append(t("bad_filter", name=_filter_name(name)))
        return None


def _choice(name: str, allowed: tuple[str, ...], errors: list[str]) -> str:
    value = request.args.get(name, "").strip()
    if value and value not in allowed:
        errors.append(t("bad_filter", name=_filter_name(name)))
        return ""
    return value


def parse_filters() -> tuple[ReportFilter, list[str]]:
    """The list's filters from the query string, and a message per bad value (then ignored)
    or mistake (a "from" date after the "to" date: said, and the two swapped)."""
    errors: list[str] = []
    finding = request.args.get("finding", "").strip()
    if finding and not _FINDING_ID.match(finding):
        errors.append(t("bad_filter", name=t("finding")))
        finding = ""
    date_from, date_to = _parse_day("from", errors), _parse_day("to", errors)
    if date_from and date_to and date_from > date_to:
        errors.append(t("dates_swapped", start=date_to, end=date_from))
        date_from, date_to = date_to, date_from
    filters = ReportFilter(
        status=_choice("status", STATUSES, errors),
        outcome=_choice("outcome", OUTCOMES, errors),
        browser=request.args.get("browser", "").strip()[:64],
        os=request.args.get("os", "").strip()[:64],
        device=_choice("device", DEVICE_TYPES, errors),
        finding=finding,
        date_from=date_from,
        date_to=date_to,
        text=request.args.get("text", "").strip()[:200],
        state=_choice("state", STATES, errors),
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
        states=STATES,
        findings=desk().finding_choices(),
        context_keys=CONTEXT_KEYS,
    )


@bp.post("/reports/<code>/handled")
def set_handled(code: str) -> ResponseReturnValue:
    """Mark a report handled (``handled=1``) or unhandled again, then back to where the agent
    was (the list with its filters, or the report)."""
    canonical = normalize_code(code)
    agent = current_agent()
    handled = request.form.get("handled") == "1"
    if (
        not canonical
        or agent is None
        or not desk().set_handled(canonical, agent.email if handled else None)
    ):
        return render_template(
            "support/message.html", message=t("not_found_code", code=code), search=True
        ), 404
    back = request.form.get("next", "")
    # only a path of this desk: never an open redirect
    if not back.startswith("/support/") or back.startswith("//"):
        back = url_for("support.report", code=format_code(canonical), lang=g.get("lang"))
    return redirect(back)


@bp.post("/reports/<code>/replies")
def add_reply(code: str) -> ResponseReturnValue:
    """Send the report's user a message and remedies picked from the report's findings; they
    show on the user's private page. A refused one comes back with what was typed and why."""
    canonical = normalize_code(code)
    found = store().get(canonical) if canonical else None
    agent = current_agent()
    if found is None or agent is None:
        return render_template(
            "support/message.html", message=t("not_found_code", code=code), search=True
        ), 404
    typed = request.form.get("message", "")
    message, name = clean_message(typed), clean_name(request.form.get("name", ""))
    picked = [value for value in request.form.getlist("remedy") if value]
    lang = current_lang()
    problem = "name_too_long" if len(name) > MAX_NAME_CHARS else None
    problem = problem or reply_problem(message, picked, found)
    if problem:
        limits = {"name_too_long": MAX_NAME_CHARS, "too_many": MAX_PICKED}
        error = t(
            f"reply_error_{problem}",
            length=format_number(len(message), lang),
            max=format_number(limits.get(problem, MAX_MESSAGE_CHARS), lang),
        )
        form = {"message": typed, "name": name, "picked": picked, "error": error}
        return _report_page(found, 400, form)
    replies().add(found.code, agent.email, name, message, picked, datetime.now(UTC))
    target = url_for("support.report", code=found.display_code, lang=g.get("lang"), replied="1")
    return redirect(target + "#replies", code=303)


def _page_size() -> int:
    return int(current_app.config["SUPPORT_PAGE_SIZE"])


def _source_label(source: str) -> str:
    key = f"src_{source}"
    return t(key) if key in STRINGS else source


def _sent_from(source: str) -> str:
    key = f"sent_{source}"
    return t(key) if key in STRINGS else source


def _language_name(lang: str) -> str:
    return value_label("lang", lang, current_lang())


def _yes_no(value: object) -> str:
    if value is None:
        return t("unknown")
    return t("yes") if value else t("no")


#: The probe's network fields shown on the report page: (field, label key, unit key or "").
_NETWORK_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("effectiveType", "net_effective_type", ""),
    ("type", "net_type", ""),
    ("rtt", "net_rtt", "unit_ms"),
    ("downlink", "net_downlink", "unit_mbps"),
    ("requestRttMs", "request_rtt", "unit_ms"),
    ("saveData", "save_data", ""),
)


def _load_source(source: object) -> str:
    key = f"load_{source}".replace("-", "_")
    return t(key) if isinstance(source, str) and key in STRINGS else t("unknown")


def probe_rows(probe: dict[str, Any]) -> list[tuple[str, str]]:
    """What the probe saw of the page's build, cache, service worker and network, as (label,
    value) rows in the agent's language: the parts of the raw payload an agent asks about
    first, so nobody has to read JSON for them. Parts the probe did not send are left out."""
    rows: list[tuple[str, str]] = []
    build = probe.get("build") or {}
    if build:
        page, current = build.get("page"), build.get("current")
        same = page == current if page and current else None
        verdict = "" if same is None else f" · {t('build_same') if same else t('build_differs')}"
        rows.append((t("build"), f"{page or '—'} / {current or '—'}{verdict}"))
        if build.get("reference") in ("build_url", "collector"):
            rows.append((t("build_reference"), t(f"build_reference_{build['reference']}")))
    repair = probe.get("repair") or {}
    if isinstance(repair, dict) and repair.get("of"):
        rows.append((t("repair_of"), str(repair["of"])))
    cache = probe.get("cache") or {}
    if cache:
        parts = [f"{t('page_from')}: {_load_source(cache.get('page'))}"]
        scripts = [x for x in cache.get("scripts") or () if isinstance(x, dict)]
        if scripts:
            sources = Counter(_load_source(x.get("source")) for x in scripts)
            parts.append(
                f"{t('scripts_from')}: " + ", ".join(f"{k} ({n})" for k, n in sources.items())
            )
        stored = [x for x in cache.get("storage") or () if isinstance(x, dict)]
        if stored:
            listed = ", ".join(f"{x.get('name')} ({x.get('entries', '?')})" for x in stored)
            parts.append(f"{t('stored_caches')}: {listed}")
        if cache.get("storageError"):
            parts.append(f"{t('stored_caches')}: {cache['storageError']}")
        rows.append((t("cache"), " · ".join(parts)))
    worker = probe.get("serviceWorker") or {}
    if worker:
        parts = [f"{t('sw_controlled')}: {_yes_no(worker.get('controlled'))}"]
        parts += [str(worker[k]) for k in ("scriptURL", "state") if worker.get(k)]
        if worker.get("waiting"):
            parts.append(t("sw_waiting"))
        rows.append((t("service_worker"), " · ".join(parts)))
    network = probe.get("network") or {}
    online = probe.get("online")
    if network or online is not None:
        parts = [] if online is None else [f"{t('online')}: {_yes_no(online)}"]
        for key, name, unit in _NETWORK_FIELDS:
            value = network.get(key)
            if value is None or value is False:
                continue
            if value is True:
                shown = _yes_no(value)
            elif isinstance(value, int | float):
                rounded = round(value) if unit == "unit_ms" else value  # ms: whole ones
                shown = f"{format_number(rounded, current_lang())} {t(unit) if unit else ''}"
                shown = shown.rstrip()
            else:
                shown = str(value)
            parts.append(f"{t(name)}: {shown}")
        rows.append((t("network"), " · ".join(parts)))
    return rows


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
    return _report_page(found)


def _report_page(
    found: Report, status: int = 200, reply_form: dict[str, Any] | None = None
) -> ResponseReturnValue:
    """The report page; ``reply_form`` holds what the agent typed when a reply was refused."""
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
        probe_rows=probe_rows(found.probe),
        page_errors=[e for e in found.probe.get("errors") or () if isinstance(e, dict)],
        errors_dropped=found.probe.get("errorsDropped"),
        sent_from=_sent_from(found.source),
        language_name=_language_name(found.lang),
        handled=desk().handled(found.code),
        conflicts=found.environment.conflicts,
        raw_payload=json.dumps(raw, ensure_ascii=False, indent=2, sort_keys=True),
        same_browser=desk().same_browser(found.code),
        browser_id=desk().browser_id(found.code),
        has_screenshot=desk().has_screenshot(found.code),
        replies=replies().for_report(found.code),
        remedy_choices=remedy_choices(found),
        picked_for=lambda reply: picked_remedies(found, reply.finding_ids),
        reply_form=reply_form or {"message": "", "name": "", "picked": (), "error": ""},
        replied=request.args.get("replied") == "1",
        max_message=MAX_MESSAGE_CHARS,
        max_message_text=format_number(MAX_MESSAGE_CHARS, lang),
        max_name=MAX_NAME_CHARS,
    ), status


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


def _beacon_tables(days: int) -> tuple[int, dict[str, Any]]:
    """The sampled page loads of the period in total, and the beacon's tables."""
    end = datetime.now(UTC).date()
    frame = beacons().frame(end - timedelta(days=days - 1), end)
    return int(frame["n"].sum()), beacon_tables(frame)


@bp.get("/stats")
def stats() -> str:
    """Shares by browser, OS and verdict, top findings, unsupported share per day, and the
    failing requests and page errors the portal's pages recorded."""
    days = period_days()
    summary, start, end = _summary(days)
    lang, current = current_lang(), current_build()
    beacon_total, beacon = _beacon_tables(days)
    return render_template(
        "support/stats.html",
        beacon=beacon,
        beacon_total=beacon_total,
        beacon_titles=BEACON_TITLES,
        beacon_total_label=BEACON_TOTAL.get(lang),
        verdicts_beside=verdicts_beside_reports(beacon["traffic_verdicts"], summary.by_verdict),
        current_build=current,
        build_label=lambda build: build_label(build, current, lang),
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
    if name not in CHARTS and name not in EVIDENCE_CHARTS and name not in BEACON_CHARTS:
        abort(404)
    from reports import charts  # matplotlib: imported when a chart is first drawn

    if name in BEACON_CHARTS:
        table_name, column = BEACON_CHARTS[name]
        lang, current = current_lang(), current_build()
        table = _beacon_tables(period_days())[1][table_name].rename(columns={"loads": "reports"})
        shown = [
            build_label(v, current, lang) if column == "build" else value_label(column, v, lang)
            for v in table[column]
        ]
        title = BEACON_TITLES[table_name].get(lang)
        shown_table = table.assign(**{column: shown})
        return _svg(charts.share_bar_chart(shown_table, column, title, t("no_data"), lang=lang))

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
        svg = charts.daily_share_chart(table, title, empty, lang)
    else:
        table = table.assign(**{column: [value_label(column, v, lang) for v in table[column]]})
        svg = charts.share_bar_chart(table, column, title, empty, lang=lang)
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
    # "words": headings and values in the agent's language, times in the desk's zone and the
    # separator their spreadsheet expects; without it the CSV is the machine one (ids, ",")
    lang = current_lang() if request.args.get("words") in ("1", "on", "true") else None
    chunks = desk().export_records(filters)
    body = stream_with_context(
        csv_chunks(chunks, no_personal, lang, current_app.config["TIME_ZONE"])
    )
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


# --- the impact of a policy change (issue 19) -------------------------------------------------

#: The largest policy file the impact page reads (the shipped one is about 14 KB).
POLICY_UPLOAD_MAX_KB = 256


@bp.route("/impact", methods=["GET", "POST"])
def impact() -> ResponseReturnValue:
    """Admins: upload a policy file and see how many stored reports, and sampled page loads,
    would change verdict, by browser and OS, with examples; nothing is saved."""
    from pathlib import Path

    from matrix.impact import measure_impact, measure_page_loads
    from matrix.loader import PolicyProblem, default_policy_path, read_policy_text

    from ..beacon import beacons
    from ..services import policy as current_policy
    from ..storage.impact import stored_environments, stored_page_loads

    agent = current_agent()
    if agent is None or not agent.is_admin:
        return render_template("support/message.html", message=t("forbidden")), 403
    try:
        days = int(request.values.get("days", "30"))
    except ValueError:
        days = 30
    days = days if days in PERIODS else 30
    page: dict[str, Any] = {"days": days, "periods": PERIODS, "impact": None, "problems": ()}
    if request.method == "GET":
        return render_template("support/impact.html", **page)
    limit = POLICY_UPLOAD_MAX_KB * 1024
    request.max_content_length = limit + 64 * 1024  # the file plus the form's other fields
    upload = request.files.get("policy")
    if upload is None or not upload.filename:
        return render_template("support/impact.html", error=t("impact_no_file"), **page), 422
    data = upload.read(limit + 1)
    if len(data) > limit:
        error = t("impact_too_large", size=POLICY_UPLOAD_MAX_KB)
        return render_template("support/impact.html", error=error, **page), 422
    name = Path(upload.filename).name[:120]
    configured = current_app.config.get("POLICY_FILE")
    in_use = Path(configured) if configured else default_policy_path()
    new_policy = None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        problems: tuple[PolicyProblem, ...] = (
            PolicyProblem(name, None, "", "cannot read: not UTF-8 text"),
        )
    else:
        # a release table named relatively is looked for beside the policy in use
        reading = read_policy_text(text, name, in_use.parent)
        problems, new_policy = reading.problems, reading.policy
    if problems or new_policy is None:
        page["problems"] = problems
        return render_template("support/impact.html", file_name=name, **page), 422
    since = datetime.now(UTC) - timedelta(days=days - 1)
    since = since.replace(hour=0, minute=0, second=0, microsecond=0)
    wants_features = bool(current_policy().requires or new_policy.requires)
    page["impact"] = measure_impact(
        stored_environments(store(), since, features=wants_features), current_policy(), new_policy
    )
    beacons().flush()  # what this process counted a moment ago counts too
    page["page_loads"] = measure_page_loads(
        stored_page_loads(store().engine, since.date()), current_policy(), new_policy
    )
    return render_template(
        "support/impact.html",
        file_name=name,
        in_use=in_use.name,
        since=since.date(),
        count=lambda n: format_count(n, current_lang()),
        **page,
    )
