"""Statistics of the support desk with pandas: a DataFrame in, tables out (no Flask, no SQL).

The input has one row per report, or one row per group of identical reports with their count in
``n`` (what the storage's daily roll-up gives), and the columns of :data:`STATS_COLUMNS`:
``day`` (a date), ``status`` (the verdict), ``browser_family``, ``os_family``, ``device_type``
and ``finding_ids`` (the report's finding ids, space-separated). Every function weights rows by
``n`` when it is there, so both shapes give the same tables.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pandas as pd

from diagnostics.models import Text

from .i18n import format_percent, value_label

DIMENSIONS: tuple[str, ...] = ("status", "browser_family", "os_family", "device_type", "outcome")
STATS_COLUMNS: tuple[str, ...] = ("day", *DIMENSIONS, "finding_ids", "n")
STATUSES: tuple[str, ...] = ("supported", "limited", "unsupported", "unknown")

#: Titles of the tables (terminal, page and chart titles) in Ukrainian and English.
TITLES: dict[str, Text] = {
    "by_outcome": Text("Звіти за результатом", "Reports by result"),
    "by_browser": Text("Звіти за браузером", "Reports by browser"),
    "by_os": Text("Звіти за операційною системою", "Reports by operating system"),
    "by_verdict": Text("Звіти за висновком", "Reports by verdict"),
    "top_findings": Text("Найчастіші проблеми", "Top findings"),
    "missing_features": Text(
        "Потрібні можливості, яких бракує браузерам", "Required features browsers lacked"
    ),
    "unsupported_per_day": Text("Частка непідтримуваних за днями", "Unsupported share per day"),
}
#: Tables from the evidence the portal's pages recorded (:func:`evidence_tables`).
EVIDENCE_TITLES: dict[str, Text] = {
    "failing_requests": Text("Запити, що не вдалися", "Failing requests"),
    "page_errors": Text("Помилки на сторінках", "Page errors"),
}
COLUMN_LABELS: dict[str, Text] = {
    "outcome": Text("Результат", "Result"),
    "status": Text("Висновок", "Verdict"),
    "browser_family": Text("Браузер", "Browser"),
    "os_family": Text("Операційна система", "Operating system"),
    "device_type": Text("Пристрій", "Device"),
    "finding": Text("Проблема", "Finding"),
    "feature": Text("Можливість", "Feature"),
    "day": Text("День", "Day"),
    "reports": Text("Кількість звітів", "Reports"),
    "unsupported": Text("Непідтримуваних", "Unsupported"),
    "share": Text("Частка", "Share"),
    "request": Text("Запит", "Request"),
    "message": Text("Повідомлення", "Message"),
    "build": Text("Версія", "Build"),
    "loads": Text("Завантажень сторінок", "Page loads"),
    "reports_share": Text("Частка звітів", "Share of reports"),
}
TOTAL = Text("Усього звітів", "Reports in total")

#: The sampled page-load beacon's roll-up (issue 18): one row per day and combination, count ``n``.
BEACON_DIMENSIONS: tuple[str, ...] = (
    "build",
    "verdict",
    "browser_family",
    "browser_major",
    "os_family",
    "device_type",
    "controlled",
    "waiting",
)
BEACON_COLUMNS: tuple[str, ...] = ("day", *BEACON_DIMENSIONS, "n")
#: pandas dtypes of the beacon columns that are not text.
BEACON_DTYPES: dict[str, str] = {
    "n": "int64",
    "browser_major": "int64",
    "controlled": "bool",
    "waiting": "bool",
}
#: Titles of the tables from the beacon (:func:`beacon_tables`).
BEACON_TITLES: dict[str, Text] = {
    "builds_in_use": Text("Версії в користуванні", "Builds in use"),
    "builds_per_day": Text("Версії за днями", "Builds per day"),
    "traffic_verdicts": Text("Висновки реального трафіку", "Verdicts of real traffic"),
}
BEACON_TOTAL = Text("Усього вибраних завантажень сторінок", "Sampled page loads in total")
#: How the current build is marked beside its id, and a page that named no build.
CURRENT_BUILD = Text("поточна", "current")
NO_BUILD = Text("не вказано", "not given")


@dataclass(frozen=True, slots=True)
class Summary:
    """All tables of the statistics page for one period."""

    total: int
    by_outcome: pd.DataFrame
    by_browser: pd.DataFrame
    by_os: pd.DataFrame
    by_verdict: pd.DataFrame
    top_findings: pd.DataFrame
    unsupported_per_day: pd.DataFrame
    missing_features: pd.DataFrame

    def tables(self) -> dict[str, pd.DataFrame]:
        """The tables by name (the keys of :data:`TITLES`), in display order."""
        return {name: getattr(self, name) for name in TITLES}


def _weights(frame: pd.DataFrame) -> pd.Series:
    if "n" in frame.columns:
        return frame["n"].astype("int64")
    return pd.Series(1, index=frame.index, dtype="int64")


def _with_share(counts: pd.Series, key: str, total: int) -> pd.DataFrame:
    table = counts.rename("reports").rename_axis(key).reset_index()
    table = table.sort_values(["reports", key], ascending=[False, True], kind="stable")
    table["share"] = table["reports"] / total if total else 0.0
    return table.reset_index(drop=True)


def share_by(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """Reports per value of ``column``: columns ``column``, ``reports``, ``share`` (0..1),
    the most frequent first."""
    weights = _weights(frame)
    counts = weights.groupby(frame[column], observed=True, sort=False).sum()
    return _with_share(counts, column, int(weights.sum()))


#: How a required feature the probe did not find is written among a report's finding ids.
FEATURE_PREFIX = "feature:"


def _id_counts(frame: pd.DataFrame) -> tuple[pd.Series, int]:
    """Reports per id of ``finding_ids`` (findings and ``feature:<id>`` alike), and the total."""
    weights = _weights(frame)
    # Few distinct finding sets exist: count the sets first, then split only those.
    per_set = weights.groupby(frame["finding_ids"].fillna(""), sort=False).sum()
    exploded = per_set.rename("reports").rename_axis("ids").reset_index()
    exploded["id"] = exploded["ids"].str.split()
    exploded = exploded.explode("id").dropna(subset=["id"])
    return exploded.groupby("id", sort=False)["reports"].sum(), int(weights.sum())


def top_findings(frame: pd.DataFrame, limit: int = 10) -> pd.DataFrame:
    """The ``limit`` most frequent findings: columns ``finding``, ``reports`` (reports that have
    it) and ``share`` (of all reports)."""
    counts, total = _id_counts(frame)
    counts = counts[~counts.index.str.startswith(FEATURE_PREFIX)]
    return _with_share(counts, "finding", total).head(limit)


def missing_features(frame: pd.DataFrame, limit: int = 20) -> pd.DataFrame:
    """The required features (web-features ids) the probe most often did not find: columns
    ``feature``, ``reports`` (reports lacking it) and ``share`` (of all reports)."""
    counts, total = _id_counts(frame)
    counts = counts[counts.index.str.startswith(FEATURE_PREFIX)]
    counts.index = counts.index.str.removeprefix(FEATURE_PREFIX)
    return _with_share(counts, "feature", total).head(limit)


def unsupported_per_day(
    frame: pd.DataFrame, start: date | None = None, end: date | None = None
) -> pd.DataFrame:
    """Per day from ``start`` to ``end`` (default: the first and last day in ``frame``), days
    without reports included: columns ``day``, ``reports``, ``unsupported``, ``share`` (NaN on
    a day without reports: there is no share to speak of, and 0 would read "all was well")."""
    weights = _weights(frame)
    days = pd.to_datetime(frame["day"]).dt.normalize()
    unsupported = weights.where(frame["status"] == "unsupported", 0)
    per_day = pd.DataFrame({"reports": weights, "unsupported": unsupported}).groupby(days).sum()
    if start is None and end is None and per_day.empty:
        return pd.DataFrame(
            {"day": pd.Series(dtype="object"), "reports": [], "unsupported": [], "share": []}
        )
    first = pd.Timestamp(start) if start else per_day.index.min()
    last = pd.Timestamp(end) if end else per_day.index.max()
    per_day = per_day.reindex(pd.date_range(first, last, freq="D"), fill_value=0)
    per_day["share"] = per_day["unsupported"] / per_day["reports"].where(per_day["reports"] > 0)
    per_day.index = per_day.index.date
    return per_day.rename_axis("day").reset_index()


def summarize(
    frame: pd.DataFrame,
    start: date | None = None,
    end: date | None = None,
    findings_limit: int = 10,
) -> Summary:
    """Every table of the statistics for the reports in ``frame``."""
    return Summary(
        total=int(_weights(frame).sum()),
        by_outcome=share_by(frame, "outcome"),
        by_browser=share_by(frame, "browser_family"),
        by_os=share_by(frame, "os_family"),
        by_verdict=share_by(frame, "status"),
        top_findings=top_findings(frame, findings_limit),
        unsupported_per_day=unsupported_per_day(frame, start, end),
        missing_features=missing_features(frame),
    )


#: What varies between occurrences of one error: numbers, quoted names, :id masks.
_VARYING = re.compile(r"\d+|'[^']*'|\"[^\"]*\"")


def normalize_message(message: str) -> str:
    """An error message with its varying parts replaced (``Cannot read 'x' of 12`` ->
    ``Cannot read '…' of N``), so that one error counted across reports is one row."""
    text = _VARYING.sub(lambda m: "N" if m.group(0)[0].isdigit() else "'…'", message)
    return " ".join(text.split())[:160]


def evidence_tables(
    payloads: Iterable[Mapping[str, Any]], limit: int = 10
) -> dict[str, pd.DataFrame]:
    """From each report's ``errors`` and ``evidence`` (the recorder's, probes/schema.json):
    ``failing_requests`` (``request``: method, masked path and status; ``reports`` that had it;
    ``share`` of the reports given) and ``page_errors`` (``message``: normalised; ``reports``;
    ``share``), the ``limit`` most frequent first. A report counts once per row."""
    requests: list[str] = []
    errors: list[str] = []
    total = 0
    for payload in payloads:
        total += 1
        evidence = payload.get("evidence") or {}
        requests.extend(
            {
                f"{r.get('method') or 'GET'} {r.get('path') or '/'} → {r.get('status')}"
                for r in evidence.get("requests") or ()
            }
        )
        errors.extend(
            {normalize_message(str(e.get("message") or "")) for e in payload.get("errors") or ()}
        )
    return {
        "failing_requests": _with_share(
            pd.Series(requests, dtype="object").value_counts(sort=False), "request", total
        ).head(limit),
        "page_errors": _with_share(
            pd.Series(errors, dtype="object").value_counts(sort=False), "message", total
        ).head(limit),
    }


def _loads(frame: pd.DataFrame, by: list[str]) -> pd.Series:
    return frame["n"].astype("int64").groupby([frame[c] for c in by], sort=False).sum()


def _as_loads(counts: pd.Series, key: str, total: int) -> pd.DataFrame:
    return _with_share(counts, key, total).rename(columns={"reports": "loads"})


def builds_in_use(frame: pd.DataFrame) -> pd.DataFrame:
    """Sampled page loads per build over the whole frame (beacon roll-up rows): columns
    ``build`` ("" where the page named none), ``loads``, ``share`` (0..1), most loads first."""
    return _as_loads(_loads(frame, ["build"]), "build", int(frame["n"].sum()))


def builds_per_day(frame: pd.DataFrame) -> pd.DataFrame:
    """Per day (newest first) and build: ``day``, ``build``, ``loads`` and ``share`` of that
    day's sampled page loads: after a deploy, how fast the old build goes away."""
    if frame.empty:
        return pd.DataFrame({"day": [], "build": [], "loads": [], "share": []})
    counts = _loads(frame, ["day", "build"]).rename("loads").reset_index()
    per_day = counts.groupby("day")["loads"].transform("sum")
    counts["share"] = counts["loads"] / per_day
    counts = counts.sort_values(["day", "loads", "build"], ascending=[False, False, True])
    return counts.reset_index(drop=True)


def traffic_verdicts(frame: pd.DataFrame) -> pd.DataFrame:
    """Sampled page loads per verdict of the policy (``status``, ``loads``, ``share``): what
    real traffic looks like, beside the verdicts of the reports people made."""
    return _as_loads(_loads(frame, ["verdict"]), "status", int(frame["n"].sum()))


def verdicts_beside_reports(traffic: pd.DataFrame, by_verdict: pd.DataFrame) -> pd.DataFrame:
    """The verdicts of real traffic (:func:`traffic_verdicts`) beside those of the reports
    (``summarize(...).by_verdict``), one row per verdict in :data:`STATUSES` order: ``status``,
    ``loads``, ``share``, ``reports``, ``reports_share``. People who make a report are the ones
    with a problem: the gap between the two says how much."""
    loads = traffic.set_index("status")
    reports = by_verdict.set_index("status")
    seen = [s for s in STATUSES if s in loads.index or s in reports.index]
    return pd.DataFrame(
        {
            "status": seen,
            "loads": [int(loads["loads"].get(s, 0)) for s in seen],
            "share": [float(loads["share"].get(s, 0.0)) for s in seen],
            "reports": [int(reports["reports"].get(s, 0)) for s in seen],
            "reports_share": [float(reports["share"].get(s, 0.0)) for s in seen],
        }
    )


def beacon_tables(frame: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The beacon's tables by name (the keys of :data:`BEACON_TITLES`)."""
    return {
        "builds_in_use": builds_in_use(frame),
        "builds_per_day": builds_per_day(frame),
        "traffic_verdicts": traffic_verdicts(frame),
    }


def build_label(build: str, current: str | None, lang: str) -> str:
    """A build id as people read it: "not given" for none, the current one marked."""
    if not build:
        return NO_BUILD.get(lang)
    return f"{build} ({CURRENT_BUILD.get(lang)})" if build == current else build


def format_builds(frame: pd.DataFrame, current: str | None, lang: str) -> str:
    """``browsercheck stats --beacons``: the total, one row per build (its sampled page loads
    and share, the current build marked), then the verdicts of real traffic."""
    builds = builds_in_use(frame)
    builds["build"] = [build_label(b, current, lang) for b in builds["build"]]
    parts = [
        f"{BEACON_TOTAL.get(lang)}: {int(frame['n'].sum())}",
        f"{BEACON_TITLES['builds_in_use'].get(lang)}\n{format_table(builds, lang)}",
        f"{BEACON_TITLES['traffic_verdicts'].get(lang)}\n"
        + format_table(traffic_verdicts(frame), lang),
    ]
    return "\n\n".join(parts) + "\n"


def empty_beacon_frame() -> pd.DataFrame:
    """A frame with the beacon roll-up's columns and no rows."""
    return pd.DataFrame(
        {column: pd.Series(dtype=BEACON_DTYPES.get(column, "object")) for column in BEACON_COLUMNS}
    )


_PERIOD = re.compile(r"^(\d{1,4})([dw])$")


def parse_since(text: str, today: date) -> date:
    """The first day of a period: ``"7d"`` (the last 7 days, today included), ``"2w"`` or an ISO
    date (``"2025-01-31"``). Raises ValueError for anything else."""
    cleaned = text.strip().lower()
    match = _PERIOD.match(cleaned)
    if match:
        days = int(match.group(1)) * (7 if match.group(2) == "w" else 1)
        if days < 1:
            raise ValueError(f"the period must be at least one day: {text!r}")
        return today - timedelta(days=days - 1)
    try:
        return date.fromisoformat(cleaned)
    except ValueError:
        raise ValueError(f"expected e.g. 7d, 2w or 2025-01-31, got {text!r}") from None


def empty_frame() -> pd.DataFrame:
    """A frame with the statistics' columns and no rows."""
    return pd.DataFrame(
        {
            column: pd.Series(dtype="int64" if column == "n" else "object")
            for column in STATS_COLUMNS
        }
    )


def format_share(value: float, lang: str) -> str:
    """A share cell: a percentage in ``lang``'s way, "—" where there is none (a day without
    reports)."""
    return "—" if pd.isna(value) else format_percent(float(value), lang)


def labelled(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """``table`` with its values in words (verdicts, devices, findings, "Other" families) and
    its shares as percentages in ``lang``: what people read; headings stay column names."""
    shown = table.copy()
    for column in shown.columns:
        if column == "share":
            shown[column] = shown[column].map(lambda value: format_share(value, lang))
        elif not pd.api.types.is_numeric_dtype(shown[column]):
            shown[column] = shown[column].map(
                lambda value, c=column: (
                    value_label(c, value, lang) if isinstance(value, str) else value
                )
            )
    return shown


def format_table(table: pd.DataFrame, lang: str) -> str:
    """A table as aligned text with translated headings, values in words and shares as
    percentages."""
    shown = labelled(table, lang)
    shown.columns = [COLUMN_LABELS[c].get(lang) if c in COLUMN_LABELS else c for c in shown.columns]
    if shown.empty:
        return "—"
    return shown.to_string(index=False)


def format_summary(summary: Summary, lang: str, names: Iterable[str] | None = None) -> str:
    """The tables of ``summary`` (all, or ``names``) as text for the terminal."""
    total = TOTAL.get(lang)
    parts = [f"{total}: {summary.total}"]
    tables = summary.tables()
    for name in names or tables:
        parts.append(f"{TITLES[name].get(lang)}\n{format_table(tables[name], lang)}")
    return "\n\n".join(parts) + "\n"
