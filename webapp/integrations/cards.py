"""Report codes in a ticket's text, and the compact cards shown for them."""

from __future__ import annotations

import re

from flask import render_template
from markupsafe import Markup

from reports.i18n import label
from reports.model import Report, normalize_code
from reports.render import describe_summary

from ..services import store

#: Candidates: 8 letters or digits, with or without a dash in the middle, as a word.
_CANDIDATE = re.compile(r"(?<![0-9A-Za-z])([0-9A-Za-z]{4})-?([0-9A-Za-z]{4})(?![0-9A-Za-z])")
#: Most codes looked up for one text (a pasted log must not become a thousand queries).
MAX_CODES = 20
#: Most characters of a ticket's text read.
MAX_TEXT = 20_000


def codes_in(text: str) -> list[str]:
    """Canonical report codes written in ``text`` in order, once each: any case, with or
    without the dash, O for 0 and I/L for 1 (as the desk reads them)."""
    found: list[str] = []
    for match in _CANDIDATE.finditer(text[:MAX_TEXT]):
        canonical = normalize_code(match.group(1) + match.group(2))
        if canonical and canonical not in found:
            found.append(canonical)
            if len(found) == MAX_CODES:
                break
    return found


def reports_in(text: str) -> list[Report]:
    """The stored reports whose codes ``text`` mentions."""
    return [found for code in codes_in(text) if (found := store().get(code)) is not None]


def render_cards(reports: list[Report], lang: str, link_base: str = "") -> Markup:
    """The cards' HTML (autoescaped): verdict, browser/OS/device, the top findings with the
    remedy the user was given, a link to the full report (``link_base`` + the desk path)."""
    return Markup(  # noqa: S704 - autoescaped template output
        render_template(
            "support/cards.html",
            reports=reports,
            card_lang=lang,
            link_base=link_base,
            label=label,
            describe_summary=describe_summary,
        )
    )
