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
from matplotlib.ticker import FuncFormatter, MaxNLocator

from .aggregate import COLUMN_LABELS, format_share
from .i18n import format_percent

SVG_NS = "http://www.w3.org/2000/svg"
_RC: dict[Any, Any] = {
    "svg.fonttype": "none",  # text stays text: searchable, Cyrillic drawn by the viewer's fonts
    "svg.hashsalt": "browsercheck",  # stable element ids: the same data gives the same bytes
    "font.family": "DejaVu Sans",
    "font.size": 10,
}
BAR_COLOR = "#1f5fa8"
LINE_COLOR = "#b3261e"
VOLUME_COLOR = "#c9d7ea"


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


def _percent_axis(lang: str) -> FuncFormatter:
    """Ticks of a 0..1 axis as percentages in ``lang`` ("25 %" / "25%")."""
    return FuncFormatter(lambda value, _pos: format_percent(value, lang, digits=0))


def share_bar_chart(
    table: pd.DataFrame,
    label_column: str,
    title: str,
    empty: str,
    limit: int = 10,
    lang: str = "en",
) -> str:
    """A horizontal bar chart of ``share`` (0..1) per ``label_column`` (the first ``limit``
    rows, labels as given: the caller puts them in words), each bar labelled with its share
    and its number of reports."""
    rows = table.head(limit)
    labels = [str(v) for v in rows[label_column]][::-1]
    shares = [float(v) for v in rows["share"]][::-1]
    counts = [int(v) for v in rows["reports"]][::-1]
    bar_labels = [
        f"{format_percent(share, lang)} ({count})"
        for share, count in zip(shares, counts, strict=True)
    ]
    desc = "; ".join(f"{a}: {b}" for a, b in zip(labels[::-1], bar_labels[::-1], strict=True))
    desc = desc or empty
    with rc_context(_RC):
        figure = Figure(figsize=(6.4, 0.35 * max(len(rows), 1) + 1.1))
        axes = figure.add_subplot()
        if rows.empty:
            axes.text(0.5, 0.5, empty, ha="center", va="center", transform=axes.transAxes)
            axes.set_axis_off()
        else:
            bars = axes.barh(labels, shares, color=BAR_COLOR)
            axes.bar_label(bars, labels=bar_labels, padding=3)
            axes.set_xlim(0, max(max(shares) * 1.3, 0.01))
            axes.xaxis.set_major_formatter(_percent_axis(lang))
            axes.set_xlabel(COLUMN_LABELS["share"].get(lang))
            axes.spines[["top", "right"]].set_visible(False)
        axes.set_title(title, loc="left")
        figure.tight_layout()
        return _render(figure, title, desc)


def daily_share_chart(table: pd.DataFrame, title: str, empty: str, lang: str = "en") -> str:
    """The daily ``share`` (``day``, ``reports``, ``share`` columns) as a line over the day's
    number of reports as bars: a share of 3 reports is not a share of 300. A day without
    reports (share NaN) has no point, so the line breaks there instead of reading 0 %."""
    days = list(table["day"])
    shares = [float(v) for v in table["share"]]
    volumes = [int(v) for v in table["reports"]]
    desc = (
        "; ".join(
            f"{day}: {format_share(share, lang)} ({volume})"
            for day, share, volume in zip(days, shares, volumes, strict=True)
        )
        or empty
    )
    with rc_context(_RC):
        figure = Figure(figsize=(6.4, 3.0))
        axes = figure.add_subplot()
        if not days:
            axes.text(0.5, 0.5, empty, ha="center", va="center", transform=axes.transAxes)
            axes.set_axis_off()
        else:
            volume_axes = axes.twinx()
            volume_axes.bar(days, volumes, color=VOLUME_COLOR, width=0.8)
            volume_axes.set_ylabel(COLUMN_LABELS["reports"].get(lang))
            volume_axes.yaxis.set_major_locator(MaxNLocator(integer=True))
            volume_axes.spines[["top"]].set_visible(False)
            # the share line is drawn above the bars of the other axes
            axes.set_zorder(volume_axes.get_zorder() + 1)
            axes.patch.set_visible(False)
            axes.plot(days, shares, color=LINE_COLOR, marker="o" if len(days) <= 31 else None)
            known = [s for s in shares if s == s]  # NaN != NaN
            axes.set_ylim(0, min(1.0, max(max(known, default=0) * 1.15, 0.1)))
            axes.yaxis.set_major_formatter(_percent_axis(lang))
            axes.set_ylabel(COLUMN_LABELS["share"].get(lang))
            axes.xaxis.set_major_locator(mdates.DayLocator(interval=max(1, len(days) // 8)))
            axes.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m-%d"))
            axes.spines[["top", "right"]].set_visible(False)
            figure.autofmt_xdate()
        axes.set_title(title, loc="left")
        figure.tight_layout()
        return _render(figure, title, desc)
