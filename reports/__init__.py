"""Reports: one :class:`Report` model rendered as HTML, plain text (for e-mail) and JSON."""

from __future__ import annotations

from .model import Report, format_code, new_code, new_token, normalize_code
from .render import render_html, render_json, render_text

__all__ = [
    "Report",
    "format_code",
    "new_code",
    "new_token",
    "normalize_code",
    "render_html",
    "render_json",
    "render_text",
]
