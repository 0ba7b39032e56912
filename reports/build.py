"""Diagnose one client: probe payload + request headers -> :class:`Report` (pure)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime

from diagnostics.app import app_fields, environment_from_app
from diagnostics.builds import BuildReference
from diagnostics.findings import collect_findings
from diagnostics.models import Environment
from diagnostics.useragent import detect_environment
from diagnostics.validate import ProbePayload
from matrix.policy import Policy, Verdict
from matrix.rules import evaluate_policy, with_feature_checks

from .model import Report, new_code

#: Request headers kept with a report: the ones diagnosis reads, nothing else. A fixed list (the
#: User-Agent client hints of https://wicg.github.io/ua-client-hints/), so a request carrying
#: hundreds of made-up ``Sec-CH-UA-*`` names stores no more than a real browser's.
KEPT_HEADERS = (
    "user-agent",
    "accept-language",
    "sec-ch-ua",
    "sec-ch-ua-arch",
    "sec-ch-ua-bitness",
    "sec-ch-ua-form-factors",
    "sec-ch-ua-full-version",
    "sec-ch-ua-full-version-list",
    "sec-ch-ua-mobile",
    "sec-ch-ua-model",
    "sec-ch-ua-platform",
    "sec-ch-ua-platform-version",
    "sec-ch-ua-wow64",
    "x-requested-with",  # Android WebView's app package: which app's built-in browser (issue 16)
)
#: Each kept header is cut to this many characters: longer ones are hostile, not browsers.
MAX_HEADER_CHARS = 1000
#: C0 control characters and DEL: no browser sends them, and PostgreSQL text refuses NUL.
_CONTROL = dict.fromkeys([*range(0x20), 0x7F])


def diagnostic_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """The subset of request headers diagnosis uses (User-Agent, Accept-Language, Sec-CH-UA-*),
    lower-cased, without control characters and each cut to a bounded length."""
    kept = {}
    for name, value in headers.items():
        lname = name.lower()
        if lname in KEPT_HEADERS:
            kept[lname] = str(value)[: MAX_HEADER_CHARS * 2].translate(_CONTROL)[:MAX_HEADER_CHARS]
    return kept


def build_report(
    payload: ProbePayload,
    headers: Mapping[str, str],
    policy: Policy,
    lang: str,
    now: datetime | None = None,
    evaluate: Callable[[Policy, Environment], Verdict] = evaluate_policy,
    reference: BuildReference | None = None,
) -> Report:
    """Diagnose the client that sent ``payload`` with ``headers`` and return a new Report.

    The User-Agent header is the primary signal (it is what the server sees); the probe's
    ``userAgent`` stands in when the header is missing. ``evaluate`` gives the verdict: the
    pure :func:`~matrix.rules.evaluate_policy`, or a process's :class:`~matrix.memo.VerdictMemo`.
    ``reference``: the build the page is compared with (``diagnostics.builds``; default: the
    payload's own ``build.current``).
    """
    kept = diagnostic_headers(headers)
    ua = kept.get("user-agent") or str(payload.data.get("userAgent") or "")
    if payload.source == "app":  # the portal's own app: its fields, not the UA, say what it is
        env = environment_from_app(app_fields(payload.data), ua)
    else:
        env = detect_environment(ua, kept, payload.data)
    created = now or datetime.now(UTC)
    findings = collect_findings(env, payload.data, reference, created)
    verdict = evaluate(policy, env)
    if policy.requires:  # the probe's runtime checks of the features the policy requires
        verdict = with_feature_checks(policy, env, verdict, payload.data.get("features"))
    probe = {k: v for k, v in payload.data.items() if k != "context"}
    return Report(
        code=new_code(),
        created_at=created,
        lang=lang,
        source=payload.source,
        environment=env,
        findings=tuple(findings),
        verdict=verdict,
        probe=probe,
        context=dict(payload.context),
        headers=kept,
    )
