"""The one result a user reads: will the cabinet work in this browser? (pure)

The verdict (:class:`~matrix.policy.Verdict`) answers "is this browser on our list"; the user asks
"will it work". The outcome answers that from the verdict *and* the findings' severities:

============================  ========================================================
``will_not_work``             the verdict is ``unsupported``, or any finding is an ``error``
                              (cookies blocked, JavaScript off, a failing portal request ...)
``unknown``                   otherwise, when the verdict is ``unknown`` (an unrecognised client)
``works_with_problems``       otherwise, when the verdict is ``limited`` or any finding is a
                              ``warning``
``works``                     nothing stands against it: supported, only ``info`` findings
============================  ========================================================

Only severities are read, never finding ids, so findings added later (the portal page's own
evidence) count by the severity they carry.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from diagnostics.models import Finding, Text

from .policy import Verdict

OutcomeValue = Literal["works", "works_with_problems", "will_not_work", "unknown"]
#: Every outcome, best first (the order of filters, statistics and CSV columns).
OUTCOMES: tuple[OutcomeValue, ...] = ("works", "works_with_problems", "will_not_work", "unknown")
#: At most this many blocking things are named first.
MAX_BLOCKING = 2


@dataclass(frozen=True, slots=True)
class Outcome:
    """The outcome and the one or two things to name first, each with its remedy."""

    value: OutcomeValue
    blocking: tuple[Finding, ...] = ()


def _verdict_finding(verdict: Verdict) -> Finding | None:
    """The policy's verdict as a thing to name first, when it stands against the browser:
    its reasons as the title, its remedies (the download or update link) as the remedy."""
    if verdict.status not in ("unsupported", "limited"):
        return None
    reasons = verdict.reasons or ((verdict.message,) if verdict.message else ())
    if not reasons and not verdict.remedies:
        return None
    return Finding(
        f"verdict_{verdict.status}",
        "error" if verdict.status == "unsupported" else "warning",
        Text(" ".join(r.uk for r in reasons), " ".join(r.en for r in reasons)),
        Text(" ".join(r.uk for r in verdict.remedies), " ".join(r.en for r in verdict.remedies)),
    )


def _level(severity: str) -> str:
    return severity if severity in ("info", "warning", "error") else "warning"


def outcome_value(status: str, severities: Iterable[str]) -> OutcomeValue:
    """The outcome of a verdict ``status`` (supported, limited, unsupported, unknown) and the
    findings' ``severities`` (info, warning, error). Never raises: an unheard-of status counts as
    ``unknown``, an unheard-of severity as ``warning`` (it is not nothing)."""
    levels = {_level(s) for s in severities}
    if status == "unsupported" or "error" in levels:
        return "will_not_work"
    if status not in ("supported", "limited"):
        return "unknown"
    if status == "limited" or "warning" in levels:
        return "works_with_problems"
    return "works"


def assess(verdict: Verdict, findings: Iterable[Finding]) -> Outcome:
    """The :class:`Outcome` of ``verdict`` and ``findings``.

    ``blocking`` holds at most :data:`MAX_BLOCKING` items, the worst first: for
    ``will_not_work`` the unsupported verdict (its reason and download link) and the ``error``
    findings; for ``works_with_problems`` and ``unknown`` the limited verdict and the
    ``warning`` findings; nothing for ``works``. Findings keep their given order within a level.
    """
    listed = tuple(findings)
    value = outcome_value(verdict.status, (f.severity for f in listed))
    if value == "works":
        return Outcome(value)
    policy = _verdict_finding(verdict)
    candidates = ((policy,) if policy else ()) + listed
    wanted = "error" if value == "will_not_work" else "warning"
    blocking = tuple(f for f in candidates if _level(f.severity) == wanted)
    return Outcome(value, blocking[:MAX_BLOCKING])
