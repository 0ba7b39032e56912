"""Render a :class:`~reports.model.Report` with Jinja2 (autoescape always on)."""

from __future__ import annotations

import json
import re
from functools import cache, lru_cache

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from diagnostics.evidence import timeline

from .describe import (
    describe_browser,
    describe_device,
    describe_engine,
    describe_event,
    describe_os,
    describe_time,
)
from .i18n import LABELS, label
from .model import Report


@cache
def jinja_env() -> Environment:
    """The Jinja2 environment of the report templates (HTML autoescaped, text not)."""
    env = Environment(
        loader=PackageLoader("reports", "templates"),
        autoescape=select_autoescape(["html"], default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals["label"] = label
    env.filters["linkify"] = linkify
    env.globals.update(
        describe_browser=describe_browser,
        describe_engine=describe_engine,
        describe_os=describe_os,
        describe_device=describe_device,
        describe_event=describe_event,
        timeline=timeline,
        describe_time=describe_time,
    )
    return env


#: A web address in a remedy ("Оновіть Chrome: https://www.google.com/chrome/"), without the
#: sentence's closing punctuation.
_URL = re.compile(r"https?://[^\s<>\"']+[^\s<>\"'.,;:!?)]")


def linkify(text: str) -> Markup:
    """``text`` escaped, its web addresses as links (the download or update link of a remedy)."""
    parts, last = [], 0
    for match in _URL.finditer(text):
        url = match.group(0)
        parts.append(escape(text[last : match.start()]))
        parts.append(Markup('<a href="{0}" rel="noopener">{0}</a>').format(url))
        last = match.end()
    parts.append(escape(text[last:]))
    return Markup("").join(parts)


@lru_cache(maxsize=8)  # bounded: lang is "uk" or "en", but nothing here relies on that
def _labels(lang: str) -> dict[str, str]:
    # Built once per language: a fresh dict per render was a measurable share of the ingest.
    return {k: v.get(lang) for k, v in LABELS.items()}


def _context(report: Report, lang: str) -> dict[str, object]:
    return {"r": report, "lang": lang, "L": _labels(lang), "blocking": report.assessment().blocking}


def render_html(report: Report, lang: str | None = None) -> str:
    """The report as an HTML fragment (embedded in the page layouts of webapp/)."""
    return jinja_env().get_template("report.html").render(**_context(report, lang or report.lang))


def render_text(report: Report, lang: str | None = None, include_context: bool = True) -> str:
    """The report as plain text, laid out as the support desk asks for an e-mail."""
    return (
        jinja_env()
        .get_template("report.txt")
        .render(include_context=include_context, **_context(report, lang or report.lang))
    )


def describe_summary(report: Report, lang: str | None = None) -> dict[str, str]:
    """Browser, OS and device in one line each, in ``lang``, as the report views word them
    (a frozen OS version reads "10.15.7 or later", the device kind is translated)."""
    labels = _labels(lang or report.lang)
    env = report.environment
    return {
        "browser": describe_browser(env),
        "os": describe_os(env, labels),
        "device": describe_device(env, labels),
    }


def render_json(report: Report, **extra: object) -> str:
    """The report as indented JSON, with the members of ``extra`` added (the desk's replies)."""
    return json.dumps({**report.to_dict(), **extra}, ensure_ascii=False, indent=2)
