"""The support desk's answer back to the user (issue 17): a short message and remedies picked
from the report's own findings (pure: no Flask, no SQL).

An agent writes plain text (at most :data:`MAX_MESSAGE_CHARS`) and ticks findings; the user's
page shows the message as written and each picked finding's title and remedy in the page's
language, from the report's own stored texts, so a prepared remedy reads in Ukrainian or English
whichever the agent's desk was in.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from diagnostics.models import Finding

from .model import Report

#: Longest message an agent may send (characters, after line breaks are normalised).
MAX_MESSAGE_CHARS = 1000
#: Longest name an agent signs a reply with (what the user sees instead of their e-mail).
MAX_NAME_CHARS = 64
#: Most remedies one reply may pick.
MAX_PICKED = 20

_LINE_BREAKS = re.compile(r"\r\n?")


@dataclass(frozen=True, slots=True)
class Reply:
    """One answer of an agent to the user of a report."""

    id: int
    agent: str  # the agent's e-mail: the desk's, never shown to the user
    agent_name: str  # the name the user sees; "" means the support desk as a whole
    message: str
    finding_ids: tuple[str, ...]
    created_at: datetime
    seen_at: datetime | None = None  # when the user first opened their page after it


def clean_message(text: str) -> str:
    """``text`` as stored: line breaks as ``\\n``, other control characters (a paste's
    vertical tabs, NULs) dropped, surrounding blank space trimmed."""
    text = _LINE_BREAKS.sub("\n", text)
    kept = (c for c in text if c in "\n\t" or unicodedata.category(c) != "Cc")
    return "".join(kept).strip()


def clean_name(text: str) -> str:
    """A display name on one line: control characters dropped, runs of space collapsed."""
    return " ".join("".join(c for c in text if unicodedata.category(c) != "Cc").split())


def remedy_choices(report: Report) -> tuple[Finding, ...]:
    """What an agent may pick for ``report``: the remedies the user was given, in the order
    the report names them (the verdict's own first when it stands against the browser, then
    the findings), one per id, each with a remedy to show."""
    chosen: dict[str, Finding] = {}
    for finding in (*report.assessment().blocking, *report.findings):
        if finding.id not in chosen and (finding.remedy.uk or finding.remedy.en):
            chosen[finding.id] = finding
    return tuple(chosen.values())


def picked_remedies(report: Report, finding_ids: Iterable[str]) -> tuple[Finding, ...]:
    """The findings of ``report`` that a reply picked, in the report's order; ids the report
    does not have (any more) are left out."""
    wanted = set(finding_ids)
    return tuple(f for f in remedy_choices(report) if f.id in wanted)


def reply_problem(message: str, picked: Iterable[str], report: Report) -> str | None:
    """Why a reply cannot be sent, as a short key (``empty``, ``too_long``, ``too_many``,
    ``unknown_remedy``), or None when it can; ``message`` is already cleaned."""
    picked = tuple(picked)
    if not message and not picked:
        return "empty"
    if len(message) > MAX_MESSAGE_CHARS:
        return "too_long"
    if len(picked) > MAX_PICKED:
        return "too_many"
    known = {f.id for f in remedy_choices(report)}
    if any(fid not in known for fid in picked):
        return "unknown_remedy"
    return None


def reply_document(reply: Reply, report: Report, *, for_desk: bool = False) -> dict[str, Any]:
    """The reply's JSON shape. The user's (``for_desk`` False) names the agent only by the
    display name they signed with; the desk's adds the agent's account."""
    document: dict[str, Any] = {
        "from": reply.agent_name,
        "message": reply.message,
        "remedies": [
            {"id": f.id, "title": f.title.to_dict(), "remedy": f.remedy.to_dict()}
            for f in picked_remedies(report, reply.finding_ids)
        ],
        "created_at": reply.created_at.isoformat(),
        "seen_at": reply.seen_at.isoformat() if reply.seen_at else None,
    }
    if for_desk:
        document["agent"] = reply.agent
        document["finding_ids"] = list(reply.finding_ids)
    return document
