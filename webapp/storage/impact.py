"""The stored environments of reports, streamed for ``matrix impact`` (matrix/impact.py).

Only the code and the environment's stored JSON text are read (no ORM objects, no JSON
decoding here: identical texts are decoded once by :func:`matrix.impact.measure_impact`), in
chunks by id, newest first, so memory stays flat over a million reports.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import Text, cast, select

from reports.model import format_code

from .reports import ReportStore
from .tables import ReportRow

CHUNK = 20_000


def stored_environments(
    store: ReportStore, since: datetime | None = None, chunk_size: int = CHUNK
) -> Iterator[tuple[str, str]]:
    """``(code as ABCD-2345, environment JSON text)`` of every report created at or after
    ``since`` (all when None), newest first (keyset paging on the id)."""
    # CAST: PostgreSQL's driver would decode a json column itself; the text is what we want
    statement = select(ReportRow.id, ReportRow.code, cast(ReportRow.environment, Text))
    if since is not None:
        statement = statement.where(ReportRow.created_at >= since)
    statement = statement.order_by(ReportRow.id.desc()).limit(chunk_size)
    last_id: int | None = None
    while True:
        page = statement if last_id is None else statement.where(ReportRow.id < last_id)
        with store.engine.connect() as connection:
            rows = connection.execute(page).all()
        if not rows:
            return
        last_id = rows[-1][0]
        for _id, code, environment in rows:
            yield format_code(code), environment
        if len(rows) < chunk_size:
            return
