"""Per-app services (store, policy) kept in ``app.extensions`` and the report pipeline."""

from __future__ import annotations

from typing import Any

from flask import current_app, url_for

from diagnostics.models import Text
from diagnostics.validate import ProbePayload
from matrix import Policy, load_policy
from reports.build import build_report
from reports.model import Report, new_token
from reports.render import render_text

from .i18n import UI
from .store import ReportStore


def store() -> ReportStore:
    s: ReportStore = current_app.extensions["browsercheck.store"]
    return s


def policy() -> Policy:
    return load_policy(current_app.config.get("POLICY_FILE"))


def create_report(payload: ProbePayload, headers: Any, lang: str) -> tuple[Report, str]:
    """Diagnose, store (committed before returning) and return the report and its token."""
    report = build_report(payload, headers, policy(), lang)
    token = new_token()
    report = store().add(report, token)
    return report, token


def view_url(report: Report, token: str) -> str:
    return url_for("public.report_view", code=report.display_code, t=token)


def email_parts(report: Report, lang: str) -> dict[str, str]:
    """Subject and body of the "Email support" mailto: link, following the support checklist."""
    subject = f"{UI['email_subject'].get(lang)} {report.display_code}"
    body = UI["email_prompt"].get(lang) + "\n\n" + render_text(report, lang, include_context=True)
    return {"to": current_app.config["SUPPORT_EMAIL"], "subject": subject, "body": body}


def created_answer(report: Report, token: str, lang: str) -> dict[str, Any]:
    """The 201 body of ``POST /api/v1/reports``: what the check page shows and offers to send."""
    env = report.environment
    status_label: Text = {
        "supported": Text("Підтримується", "Supported"),
        "limited": Text("Працює з обмеженнями", "Limited support"),
        "unsupported": Text("Не підтримується", "Not supported"),
        "unknown": Text("Невідомий браузер", "Unknown browser"),
    }[report.verdict.status]
    return {
        "code": report.display_code,
        "view_url": view_url(report, token),
        "verdict": report.verdict.to_dict(),
        "environment": env.to_dict(),
        "findings": [f.to_dict() for f in report.findings],
        "display": {
            "status": status_label.get(lang),
            "message": report.verdict.message.get(lang) if report.verdict.message else "",
        },
        "text": render_text(report, lang, include_context=True),
        "report": report.to_dict(),
        "email": email_parts(report, lang),
        # The check page's optional "tell support more" form posts here (webapp/user_context.py).
        "context_url": url_for("user_context.context", code=report.display_code, t=token),
        "screenshot_url": url_for("user_context.screenshot", code=report.display_code, t=token),
    }
