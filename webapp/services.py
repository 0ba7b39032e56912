"""Per-app services (store, policy) kept in ``app.extensions`` and the report pipeline."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import quote

from flask import Flask, current_app, g, has_request_context, request, url_for

from diagnostics.validate import ProbePayload, validate_payload
from matrix import Policy, load_policy
from matrix.memo import VerdictMemo
from reports.build import build_report
from reports.i18n import label
from reports.model import Report, new_token
from reports.render import describe_summary, render_html, render_text

from .i18n import UI
from .privacy import client_address_hash
from .storage.reports import ReportStore, store_from_app_config


def init_app(app: Flask) -> None:
    """The app's report store (its database, migrated on start) and its remembered verdicts."""
    app.extensions["browsercheck.store"] = store_from_app_config(app.config)
    app.extensions["browsercheck.verdicts"] = VerdictMemo(app.config["VERDICT_MEMO_SIZE"])


def store() -> ReportStore:
    s: ReportStore = current_app.extensions["browsercheck.store"]
    return s


#: Seconds a loaded policy is used before the file is looked at again (an edit shows within it).
POLICY_RECHECK_SECONDS = 1.0


def verdicts() -> VerdictMemo:
    """The app's remembered verdicts (per policy and environment object, bounded)."""
    memo: VerdictMemo = current_app.extensions["browsercheck.verdicts"]
    return memo


def policy() -> Policy:
    """The app's policy; the file is re-checked at most once a second, not on every request."""
    path = current_app.config.get("POLICY_FILE")
    cached: tuple[float, Any, Policy] | None = current_app.extensions.get("browsercheck.policy")
    now = time.monotonic()
    if cached is None or cached[1] != path or now - cached[0] > POLICY_RECHECK_SECONDS:
        cached = (now, path, load_policy(path))
        current_app.extensions["browsercheck.policy"] = cached
    return cached[2]


#: A common browser's User-Agent, diagnosed by :func:`warm_up`.
WARM_UP_USER_AGENT = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)


def warm_up() -> None:
    """Diagnose and render one report, without storing it, in the app's context: what loads
    on first use (the UA parser's rules, the policy, the report templates) loads now instead of
    in users' requests. A fresh worker's first requests waited up to 1.4 s under load."""
    ua = WARM_UP_USER_AGENT
    payload = validate_payload({"userAgent": ua})
    lang = current_app.config["DEFAULT_LANG"]
    report = build_report(payload, {"user-agent": ua}, policy(), lang, evaluate=verdicts())
    render_text(report, lang)
    render_html(report, lang)


def create_report(
    payload: ProbePayload,
    headers: Any,
    lang: str,
    token: str | None = None,
    idempotency: tuple[str, str] | None = None,
) -> tuple[Report, str]:
    """Diagnose, store (committed before returning) and return the report and its token
    (``token``, or a fresh one). In a request, the sender's address is stored as its keyed
    hash only. ``idempotency``: see :meth:`ReportStore.add` (webapp/idempotency.py)."""
    from .builds import reference_for  # not at the top: builds imports this module (desk_api)

    reference = reference_for(payload.data)
    report = build_report(
        payload, headers, policy(), lang, evaluate=verdicts(), reference=reference
    )
    token = token or new_token()
    ip_hash = client_address_hash() if has_request_context() else None
    report = store().add(report, token, ip_hash=ip_hash, idempotency=idempotency)
    if has_request_context():
        g.created_verdict = report.verdict.status  # counted by webapp/metrics.py
    return report, token


def view_url(report: Report, token: str) -> str:
    return url_for("public.report_view", code=report.display_code, t=token)


#: Longest "Email support" link: some desktop mail programs cut links past ~2,000 characters
#: (and Cyrillic percent-encoded takes six per letter), so the full text stays in the report.
MAILTO_MAX_CHARS = 1900


def mailto_link(to: str, subject: str, body: str) -> str:
    """``mailto:`` with ``subject`` and ``body`` percent-encoded (as encodeURIComponent does,
    or longer: Python also encodes ``!'()*``, so the browser's link is never the longer one)."""
    fields = f"subject={quote(subject, safe='')}&body={quote(body, safe='')}"
    return f"mailto:{quote(to, safe='@')}?{fields}"


def email_parts(report: Report, lang: str, token: str = "") -> dict[str, str]:
    """Subject, body and link of the "Email support" option: the code, the outcome, the one or
    two things that block the user and the private link, within :data:`MAILTO_MAX_CHARS`; the
    full report stays behind the link. It asks what does not work only when the user has not
    said it already (the check page's form). The full text made the link 2,600-5,800
    characters long."""
    subject = f"{UI['email_subject'].get(lang)} {report.display_code}"
    to = current_app.config["SUPPORT_EMAIL"]
    head = [
        f"{label('code', lang)}: {report.display_code}",
        f"{label('outcome', lang)}: {label('outcome_' + report.outcome, lang)}",
    ]
    tail = []
    if token:
        link = url_for(
            "public.report_view", code=report.display_code, t=token, lang=lang, _external=True
        )
        tail.append(f"{label('private_report_link', lang)}: {link}")
    if not report.context:
        tail.append("\n" + label("email_ask", lang) + "\n")
    blocking = [f"- {f.title.get(lang)}" for f in report.assessment().blocking]
    while True:
        body = "\n".join(head + blocking + tail)
        link = mailto_link(to, subject, body)
        if len(link) <= MAILTO_MAX_CHARS or not blocking:
            break
        last = blocking.pop()  # the least important line first, shortened before it goes
        if len(last) > 60:
            blocking.append(last[:57] + "…")
    return {"to": to, "subject": subject, "body": body, "mailto": link}


#: Optional parts of the 201 answer and of the JSON view, asked for with ``?include=``.
INCLUDE_PARTS = ("text", "email", "report")


def included_parts(value: str | None) -> frozenset[str]:
    """``?include=text,email`` -> the known parts named (unknown names are ignored)."""
    return frozenset(part.strip() for part in (value or "").split(",")) & set(INCLUDE_PARTS)


def shareable_parts(
    report: Report, lang: str, include: frozenset[str], token: str = ""
) -> dict[str, Any]:
    """The optional parts ``include`` names: ``text`` (the plain-text report with the user's
    context), ``email`` (the mailto: parts, whose body is that text), ``report`` (the
    report's JSON document)."""
    parts: dict[str, Any] = {}
    if include & {"text", "email"}:
        text = render_text(report, lang, include_context=True)
        if "text" in include:
            parts["text"] = text
        if "email" in include:
            parts["email"] = email_parts(report, lang, token)
    if "report" in include:
        parts["report"] = report.to_dict()
    return parts


def created_answer(
    report: Report, token: str, lang: str, include: frozenset[str] = frozenset()
) -> dict[str, Any]:
    """The 201 body of ``POST /api/v1/reports``: what the check page shows (code, links,
    verdict, findings, display strings), plus the ``include``d parts (:func:`shareable_parts`;
    the check page asks for text and email, so it needs no second round trip)."""
    code = report.display_code
    # The four private links by formatting, not url_for (4 x url_for were most of this
    # function's time): code and token are URL-safe by construction; the routes are fixed.
    root, query = request.script_root, f"?t={token}"
    api = f"{root}/api/v1/reports/{code}"
    return {
        "code": code,
        "view_url": f"{root}/r/{code}{query}",
        "json_url": api + query,
        "verdict": report.verdict.to_dict(),
        "findings": [finding.to_dict() for finding in report.findings],
        "outcome": report.outcome,
        "blocking": [finding.to_dict() for finding in report.assessment().blocking],
        "display": {
            **describe_summary(report, lang),  # browser, os, device as the page shows them
            "status": label(f"status_{report.verdict.status}", lang),
            "message": report.verdict.message.get(lang) if report.verdict.message else "",
            "outcome": label(f"outcome_{report.outcome}", lang),
            "headline": label(f"headline_{report.outcome}", lang),
        },
        "support_email": current_app.config["SUPPORT_EMAIL"],
        # the check page shows this visit's report again from here (reload, language switch)
        "answer_url": f"{api}/answer{query}",
        # The check page's optional "tell support more" form posts here (webapp/user_context.py).
        "context_url": f"{api}/context{query}",
        "screenshot_url": f"{api}/screenshot{query}",
        **shareable_parts(report, lang, include, token),
    }
