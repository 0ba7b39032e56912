"""reports/aggregate.py (pandas, pure) and reports/charts.py (SVG): tables from reports or from
their daily roll-up agree, periods parse, charts are accessible SVG."""

from __future__ import annotations

from datetime import date
from xml.etree import ElementTree

import pandas as pd
import pytest

from reports.aggregate import (
    empty_frame,
    format_summary,
    parse_since,
    share_by,
    summarize,
    top_findings,
    unsupported_per_day,
)
from reports.charts import daily_share_chart, share_bar_chart
from reports.i18n import format_percent, value_label

D1, D2, D4 = date(2025, 3, 1), date(2025, 3, 2), date(2025, 3, 4)
GROUPED = pd.DataFrame(
    {
        "day": [D1, D1, D2, D4],
        "status": ["supported", "unsupported", "supported", "unsupported"],
        "browser_family": ["Chrome", "IE", "Firefox", "IE"],
        "os_family": ["Windows", "Windows", "Linux", "Windows"],
        "device_type": ["desktop"] * 4,
        "finding_ids": [" cookies_disabled ", "", " cookies_disabled stale_build ", ""],
        # cookies blocked or an unsupported browser: the cabinet will not work for any of them
        "outcome": ["will_not_work"] * 4,
        "n": [5, 1, 2, 2],
    }
)


def one_row_per_report(grouped: pd.DataFrame) -> pd.DataFrame:
    return grouped.loc[grouped.index.repeat(grouped["n"])].drop(columns="n").reset_index(drop=True)


def test_grouped_and_per_report_frames_give_the_same_tables() -> None:
    grouped, rows = summarize(GROUPED), summarize(one_row_per_report(GROUPED))
    assert grouped.total == rows.total == 10
    for name, table in grouped.tables().items():
        pd.testing.assert_frame_equal(table, rows.tables()[name], check_dtype=False, obj=name)


def test_statistics_count_reports_by_outcome_beside_the_verdict() -> None:
    frame = GROUPED.assign(
        status=["supported"] * 4,
        outcome=["works", "works_with_problems", "will_not_work", "works"],
    )
    summary = summarize(frame)
    assert summary.by_outcome.to_dict("records") == [
        {"outcome": "works", "reports": 7, "share": 0.7},
        {"outcome": "will_not_work", "reports": 2, "share": 0.2},
        {"outcome": "works_with_problems", "reports": 1, "share": 0.1},
    ]
    assert summary.by_verdict["reports"].tolist() == [10]  # the verdict alone says "supported"
    assert "Reports by result" in format_summary(summary, "en")


def test_share_by_counts_and_orders() -> None:
    table = share_by(GROUPED, "browser_family")
    assert table.to_dict("records") == [
        {"browser_family": "Chrome", "reports": 5, "share": 0.5},
        {"browser_family": "IE", "reports": 3, "share": 0.3},
        {"browser_family": "Firefox", "reports": 2, "share": 0.2},
    ]


def test_top_findings_counts_reports_with_each_finding() -> None:
    table = top_findings(GROUPED)
    assert table.to_dict("records") == [
        {"finding": "cookies_disabled", "reports": 7, "share": 0.7},
        {"finding": "stale_build", "reports": 2, "share": 0.2},
    ]
    assert len(top_findings(GROUPED, limit=1)) == 1


def test_unsupported_per_day_includes_days_without_reports() -> None:
    table = unsupported_per_day(GROUPED, start=date(2025, 2, 28), end=D4)
    assert list(table["day"]) == [date(2025, 2, 28), D1, D2, date(2025, 3, 3), D4]
    assert list(table["reports"]) == [0, 6, 2, 0, 2]
    assert list(table["unsupported"]) == [0, 1, 0, 0, 2]
    # a day without reports has no share (NaN, shown "—"), not 0 %
    shares = [None if pd.isna(v) else round(v, 3) for v in table["share"]]
    assert shares == [None, 0.167, 0.0, None, 1.0]


def test_empty_input_gives_empty_tables() -> None:
    summary = summarize(empty_frame())
    assert summary.total == 0
    assert all(table.empty for table in summary.tables().values())
    assert "Reports in total: 0" in format_summary(summary, "en")


@pytest.mark.parametrize(
    "lang,words",
    [
        (
            "uk",
            [
                "Усього звітів: 10",
                "Звіти за браузером",
                "Частка",
                "50,0\u00a0%",
                "Файли cookie вимкнено",
            ],
        ),
        ("en", ["Reports in total: 10", "Top findings", "Share", "70.0%", "Cookies blocked"]),
    ],
    ids=["uk", "en"],
)
def test_terminal_tables_are_translated(lang: str, words: list[str]) -> None:
    text = format_summary(summarize(GROUPED), lang)
    for word in words:
        assert word in text


@pytest.mark.parametrize(
    "text,first",
    [
        ("7d", date(2025, 3, 4)),
        ("1d", date(2025, 3, 10)),
        ("2w", date(2025, 2, 25)),
        (" 30D ", date(2025, 2, 9)),
        ("2025-01-31", date(2025, 1, 31)),
    ],
    ids=["7-days", "today", "2-weeks", "spaces-case", "iso-date"],
)
def test_parse_since(text: str, first: date) -> None:
    assert parse_since(text, date(2025, 3, 10)) == first


@pytest.mark.parametrize(
    "text",
    ["0d", "7", "seven days", "7h", "2025-13-01"],
    ids=["zero", "no-unit", "words", "hours", "bad-date"],
)
def test_parse_since_refuses(text: str) -> None:
    with pytest.raises(ValueError):
        parse_since(text, date(2025, 3, 10))


SVG = "{http://www.w3.org/2000/svg}"


def test_bar_chart_is_accessible_svg_and_says_the_numbers() -> None:
    svg = share_bar_chart(
        share_by(GROUPED, "browser_family"), "browser_family", "Звіти за браузером", "немає даних"
    )
    root = ElementTree.fromstring(svg)
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    assert root.get("aria-labelledby") == "chart-title chart-desc"
    assert root.find(f"{SVG}title").text == "Звіти за браузером"  # type: ignore[union-attr]
    # each bar's share and, beside it, how many reports that is
    assert root.find(f"{SVG}desc").text == "Chrome: 50.0% (5); IE: 30.0% (3); Firefox: 20.0% (2)"  # type: ignore[union-attr]
    assert "Firefox" in svg  # labels are text, not paths
    assert "<script" not in svg


def test_charts_are_deterministic_and_handle_no_data() -> None:
    table = unsupported_per_day(GROUPED)
    assert daily_share_chart(table, "t", "none") == daily_share_chart(table, "t", "none")
    empty = share_bar_chart(share_by(empty_frame(), "status"), "status", "t", "no data")
    assert ElementTree.fromstring(empty).find(f"{SVG}desc").text == "no data"  # type: ignore[union-attr]


def test_hostile_labels_stay_text_in_the_svg() -> None:
    table = pd.DataFrame(
        {"browser_family": ["<script>alert(1)</script>"], "reports": [1], "share": [1.0]}
    )
    svg = share_bar_chart(table, "browser_family", "t", "none")
    assert "<script>" not in svg and "&lt;script&gt;" in svg


@pytest.mark.parametrize(
    "share,lang,shown",
    [(1 / 3, "uk", "33,3\u00a0%"), (1 / 3, "en", "33.3%"), (1.0, "uk", "100,0\u00a0%")],
    ids=["uk", "en", "whole"],
)
def test_percentages_are_written_each_languages_way(share: float, lang: str, shown: str) -> None:
    assert format_percent(share, lang) == shown


def test_daily_chart_leaves_empty_days_empty_and_shows_volume() -> None:
    table = unsupported_per_day(GROUPED, start=date(2025, 2, 28), end=D4)
    svg = daily_share_chart(table, "Частка непідтримуваних", "немає даних", "uk")
    desc = ElementTree.fromstring(svg).find(f"{SVG}desc").text  # type: ignore[union-attr]
    # each day's share and its number of reports; a day without reports has no share at all
    assert desc == (
        "2025-02-28: — (0); 2025-03-01: 16,7\u00a0% (6); 2025-03-02: 0,0\u00a0% (2); "
        "2025-03-03: — (0); 2025-03-04: 100,0\u00a0% (2)"
    )
    # the axes are named in words, the share axis in percent, not a bare "%"
    assert "Частка" in svg and "Кількість звітів" in svg and ">%<" not in svg


@pytest.mark.parametrize(
    "column,value,lang,shown",
    [
        ("status", "unsupported", "uk", "Не підтримується"),
        (
            "finding_ids",
            "cookies_disabled outdated_os",
            "en",
            "Cookies blocked, Outdated operating system",
        ),
        ("os_family", "Other", "uk", "Інша"),
        ("browser_family", "Other", "uk", "Інший"),
        ("browser_family", "Chrome", "uk", "Chrome"),
        ("device_type", "mobile", "uk", "смартфон"),
        ("source", "noscript", "en", "check page without JavaScript"),
        ("lang", "uk", "en", "Ukrainian"),
        ("finding", "not_labelled_yet", "en", "not_labelled_yet"),
    ],
    ids=lambda v: str(v),
)
def test_values_in_words(column: str, value: str, lang: str, shown: str) -> None:
    assert value_label(column, value, lang) == shown


def test_uk_os_table_and_chart_say_other_in_ukrainian() -> None:
    frame = GROUPED.assign(os_family=["Windows", "Other", "Other", "Other"])
    text = format_summary(summarize(frame), "uk", ["by_os"])
    assert "Інша" in text and "Other" not in text
