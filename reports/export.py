"""Report exports (CSV and Parquet) for the support desk: columns and the personal-data cut.

Pure: DataFrames in, bytes out; the web app and the CLI feed it chunks of stored reports.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from typing import BinaryIO

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from diagnostics.models import Text

from .describe import describe_time
from .i18n import CONTEXT_KEYS, LABELS, value_label

#: Columns of an export, in order. ``ctx_*`` are what the user typed on the check page.
EXPORT_COLUMNS: tuple[str, ...] = (
    "code",
    "created_at",
    "lang",
    "source",
    "outcome",
    "status",
    "browser_family",
    "browser_version",
    "os_family",
    "os_version",
    "device_type",
    "finding_ids",
    "user_agent",
    "browser_id",
    "has_screenshot",
    *(f"ctx_{key}" for key in CONTEXT_KEYS),
)

#: Dropped by "no personal fields": what identifies a person or may hold anything they typed
#: (free text), and the browser id that links one person's reports. Service, company and app
#: version stay: they describe the problem, not the person.
PERSONAL_COLUMNS: tuple[str, ...] = (
    "browser_id",
    "ctx_page",
    "ctx_action",
    "ctx_error_text",
    "ctx_login",
    "ctx_account",
    "ctx_meter",
)


#: Headings of a CSV for people (``lang`` given): the report's own labels where it has them.
EXPORT_HEADINGS: dict[str, Text] = {
    "code": LABELS["code"],
    "created_at": LABELS["created"],
    "lang": Text("Мова", "Language"),
    "source": Text("Надіслано з", "Sent from"),
    "outcome": LABELS["outcome"],
    "status": LABELS["verdict"],
    "browser_family": LABELS["browser"],
    "browser_version": Text("Версія браузера", "Browser version"),
    "os_family": LABELS["os"],
    "os_version": Text("Версія ОС", "OS version"),
    "device_type": LABELS["device"],
    "finding_ids": LABELS["findings"],
    "user_agent": LABELS["user_agent"],
    "browser_id": Text("Ідентифікатор браузера", "Browser id"),
    "has_screenshot": Text("Знімок екрана", "Screenshot"),
    **{f"ctx_{key}": LABELS[f"ctx_{key}"] for key in CONTEXT_KEYS},
}
#: The field separator a spreadsheet program expects in each language's locale: where the
#: decimal separator is a comma (Ukrainian), Excel splits CSV on ";". Machine CSV keeps ",".
CSV_SEPARATORS: dict[str, str] = {"uk": ";", "en": ","}
WORDED_COLUMNS = (
    "lang",
    "source",
    "outcome",
    "status",
    "browser_family",
    "os_family",
    "device_type",
    "finding_ids",
)


def export_columns(no_personal: bool) -> list[str]:
    """The export's columns, without :data:`PERSONAL_COLUMNS` when ``no_personal``."""
    return [c for c in EXPORT_COLUMNS if not (no_personal and c in PERSONAL_COLUMNS)]


def _frame(records: list[dict[str, object]], columns: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame.from_records(records, columns=columns)
    # Fixed dtypes, so that every chunk gives the same Parquet schema.
    for column in columns:
        if column == "created_at":
            frame[column] = pd.to_datetime(frame[column], utc=True).astype("datetime64[us, UTC]")
        elif column == "has_screenshot":
            frame[column] = frame[column].astype("bool")
        else:
            frame[column] = frame[column].astype("string")
    return frame


#: A cell starting with one of these is a formula to a spreadsheet program (CSV injection).
_FORMULA_START = r"^([=+\-@\t\r])"


def _defuse_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    for column in frame.columns:
        if frame[column].dtype == "string":
            frame[column] = frame[column].str.replace(_FORMULA_START, r"'\1", regex=True)
    return frame


def _for_people(frame: pd.DataFrame, lang: str, time_zone: str | None) -> pd.DataFrame:
    """Values in words in ``lang`` (verdicts, devices, findings, sources, languages, yes/no,
    "Other" families) and times to the second in ``time_zone``, not microseconds in UTC."""
    for column in frame.columns:
        if column == "created_at":
            frame[column] = [
                describe_time(moment, time_zone, seconds=True, show_zone=False)
                for moment in frame[column]
            ]
        elif column == "has_screenshot":
            frame[column] = [LABELS["yes" if value else "no"].get(lang) for value in frame[column]]
        elif column in WORDED_COLUMNS:
            frame[column] = [
                value if pd.isna(value) else value_label(column, value, lang)
                for value in frame[column]
            ]
    return frame


def csv_chunks(
    chunks: Iterable[list[dict[str, object]]],
    no_personal: bool,
    lang: str | None = None,
    time_zone: str | None = None,
) -> Iterator[bytes]:
    """UTF-8 CSV (with a BOM, so that spreadsheet programs read Cyrillic right), chunk by chunk;
    the header comes first even when there are no rows. A text cell that a spreadsheet would run
    as a formula (``=``, ``+``, ``-``, ``@`` first) gets a leading ``'``; Parquet keeps it as is.

    Without ``lang`` the CSV is for programs: column names and ids, ``,``, UTC times as stored.
    With ``lang`` it is for people: headings and values in words in that language, times in
    ``time_zone`` (default Europe/Kyiv) to the second, and the separator that language's
    spreadsheets expect (:data:`CSV_SEPARATORS`: ``;`` for Ukrainian)."""
    columns = export_columns(no_personal)
    separator = CSV_SEPARATORS.get(lang, ",") if lang else ","
    headings = [EXPORT_HEADINGS[c].get(lang) for c in columns] if lang else columns
    header = io.StringIO()
    pd.DataFrame(columns=headings).to_csv(header, index=False, sep=separator)
    yield "\ufeff".encode() + header.getvalue().encode("utf-8")
    for records in chunks:
        buffer = io.StringIO()
        frame = _defuse_formulas(_frame(records, columns))
        if lang:
            frame = _for_people(frame, lang, time_zone)
        frame.to_csv(buffer, header=False, index=False, sep=separator)
        yield buffer.getvalue().encode("utf-8")


def write_parquet(
    chunks: Iterable[list[dict[str, object]]], no_personal: bool, target: BinaryIO
) -> None:
    """Write the chunks as one Parquet file (a row group per chunk) to ``target``."""
    columns = export_columns(no_personal)
    schema = pa.schema(
        [
            pa.field(
                c,
                pa.timestamp("us", tz="UTC")
                if c == "created_at"
                else pa.bool_()
                if c == "has_screenshot"
                else pa.string(),
            )
            for c in columns
        ]
    )
    with pq.ParquetWriter(target, schema) as writer:
        for records in chunks:
            writer.write_table(
                pa.Table.from_pandas(_frame(records, columns), schema=schema, preserve_index=False)
            )
