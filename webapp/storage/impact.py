"""The stored environments of reports, streamed for ``matrix impact`` (matrix/impact.py), and
the sampled page loads' policy views with their counts.

Only the code and the environment's stored JSON text are read (no ORM objects, no JSON
decoding here: identical texts are decoded once by :func:`matrix.impact.measure_impact`), in
chunks, newest first, so memory stays flat over a million reports.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from sqlalchemy import Text, cast, func, select
from sqlalchemy.engine import Engine

from reports.model import format_code

from .reports import ReportStore
from .tables import BeaconRollupRow, BeaconViewRow, ReportRow

CHUNK = 20_000


def stored_environments(
    store: ReportStore,
    since: datetime | None = None,
    chunk_size: int = CHUNK,
    features: bool = False,
) -> Iterator[tuple[str, str] | tuple[str, str, str | None]]:
    """``(code as ABCD-2345, environment JSON text)`` of every report created at or after
    ``since`` (all when None), newest first: one query, read ``chunk_size`` rows at a time
    (a server-side cursor on PostgreSQL). With ``features`` (a policy requires features by
    name) each row also carries the probe's ``features`` answers as JSON text (None: none)."""
    # CAST: PostgreSQL's driver would decode a json column itself; the text is what we want
    columns: list[Any] = [ReportRow.code, cast(ReportRow.environment, Text)]
    if features:
        columns.append(cast(ReportRow.probe["features"], Text))
    statement = select(*columns)
    if since is not None:
        statement = statement.where(ReportRow.created_at >= since)
    statement = statement.order_by(ReportRow.id.desc())
    with store.engine.connect() as connection:
        result = connection.execution_options(yield_per=chunk_size).execute(statement)
        for row in result:
            if features:
                answers = row[2] if row[2] not in (None, "null") else None
                yield format_code(row[0]), row[1], answers
            else:
                yield format_code(row[0]), row[1]


def stored_page_loads(engine: Engine, since: date | None = None) -> list[tuple[str | None, int]]:
    """``(policy view JSON text, page loads)`` of the beacon's roll-up from day ``since`` on
    (all when None), one row per view, most first: the input of
    :func:`matrix.impact.measure_page_loads`. Rows counted before the views were kept (view
    "") or whose view is gone come with None. A few thousand rows at most: one per distinct
    view."""
    loads = func.sum(BeaconRollupRow.n)
    statement = (
        select(BeaconViewRow.environment, loads)
        .select_from(BeaconRollupRow)
        .outerjoin(BeaconViewRow, BeaconViewRow.key == BeaconRollupRow.view)
        .group_by(BeaconRollupRow.view, BeaconViewRow.environment)
        .order_by(loads.desc())
    )
    if since is not None:
        statement = statement.where(BeaconRollupRow.day >= since)
    with engine.connect() as connection:
        return [(text, int(n)) for text, n in connection.execute(statement)]
