"""Charts of the statistics as accessible SVG, drawn on the server with matplotlib.

matplotlib's object API (``Figure`` + the SVG canvas, never pyplot) holds no global state, so it is
safe in a threaded server. The SVG gets ``role="img"``, a ``<title>`` and a ``<desc>`` that says the
numbers in words, for screen readers; the page shows the same numbers as a table too.
"""

from __future__ import annotations

import io
from typing import Any
from xml.etree import ElementTree

import pandas as pd
from matplotlib import dates as mdates
from matplotlib import rc_context
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure

SVG_NS = "http://www.w3.org/2000/svg"
_RC: dict[Any, Any] = {
    "svg.fonttype": "none",  # text stays text: searchable, Cyrillic drawn by the viewer's fonts
    "svg.hashsalt": "browsercheck",  # stable element ids: the same data gives the same bytes
    "font.family": "DejaVu Sans",
    "font.size": 10,
}
BAR_COLOR = "#1f5fa8"
LINE_COLOR = "#b3261e"


def _accessible(svg: str, title: str, desc: str) -> str:
    ElementTree.register_namespace("", SVG_NS)
    ElementTree.register_namespace("xlink", "http://www.w3.org/1999/xlink")
    root = ElementTree.fromstring(svg)
    root.set("role", "img")
    root.set("aria-labelledby", "chart-title chart-desc")
    title_el = ElementTree.Element(f"{{{SVG_NS}}}title", {"id": "chart-title"})
    title_el.text = title
    desc_el = ElementTree.Element(f"{{{SVG_NS}}}desc", {"id": "chart-desc"})
    desc_el.text = desc
    root.insert(0, desc_el)
    root.insert(0, title_el)
    body = ElementTree.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + body


def _render(figure: Figure, title: str, desc: str) -> str:
    buffer = io.StringIO()
    FigureCanvasSVG(figure).print_svg(buffer, metadata={"Date": None})
    return _accessible(buffer.getvalue(), title, desc)


def _percent(value: float) -> str:
    return f"{value * 100:.1f}%"


def share_bar_chart(
    table: pd.DataFrame, label_column: str, title: str, empty: str, limit: int = 10
) -> str:
    """A horizontal bar chart of ``share`` per ``label_column`` (the first ``limit`` rows)."""
    rows = table.head(limit)
    labels = [str(v) for v in rows[label_column]][::-1]
    shares = [float(v) * 100 for v in rows["share"]][::-1]
    desc = (
        "; ".join(
            f"{label}: {_percent(share / 100)}"
            for label, share in zip(labels[::-1], shares[::-1], strict=True)
        )
        or empty
    )
    with rc_context(_RC):
        figure = Figure(figsize=(6.4, 0.35 * max(len(rows), 1) + 1.1))
        axes = figure.add_subplot()
        if rows.empty:
            axes.text(0.5, 0.5, empty, ha="center", va="center", transform=axes.transAxes)
            axes.set_axis_off()
        else:
            bars = axes.barh(labels, shares, color=BAR_COLOR)
            axes.bar_label(bars, labels=[f"{s:.1f}%" for s in shares], padding=3)
            axes.set_xlim(0, max(shares) * 1.18 or 1)
            axes.set_xlabel("%")
            axes.spines[["top", "right"]].set_visible(False)
        axes.set_title(title, loc="left")
        figure.tight_layout()
        return _render(figure, title, desc)


def daily_share_chart(table: pd.DataFrame, title: str, empty: str) -> str:
    """A line chart of the daily ``share`` (``day``, ``share`` columns) in percent."""
    days = list(table["day"])
    shares = [float(v) * 100 for v in table["share"]]
    desc = (
        "; ".join(
            f"{day}: {_percent(share / 100)}" for day, share in zip(days, shares, strict=True)
        )
        or empty
    )
    with rc_context(_RC):
        figure = Figure(figsize=(6.4, 2.8))
        axes = figure.add_subplot()
        if not days:
            axes.text(0.5, 0.5, empty, ha="center", va="center", transform=axes.transAxes)
            axes.set_axis_off()
        else:
            axes.plot(days, shares, color=LINE_COLOR, marker="o" if len(days) <= 31 else None)
            axes.set_ylim(0, max(max(shares) * 1.15, 1))
            axes.set_ylabel("%")
            axes.xaxis.set_major_locator(mdates.DayLocator(interval=max(1, len(days) // 8)))
            axes.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m-%d"))
            axes.spines[["top", "right"]].set_visible(False)
            figure.autofmt_xdate()
        axes.set_title(title, loc="left")
        figure.tight_layout()
        return _render(figure, title, desc)
