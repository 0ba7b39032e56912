"""The sampled page-load beacon's daily roll-up (issue 18): the only SQL of ``beacon_rollup``.

A beacon is never stored as a row of its own: it adds 1 to the count of its day and of what it
says (build, verdict, browser family and major, OS family, device class, service worker
controlling / waiting). Counts arrive through a group commit like reports do
(:mod:`.groupcommit`): the beacons that queue up while one transaction commits are added in the
next, one upsert for all of their distinct keys, so that a busy portal costs one flush per
batch rather than one per page load. The keys are upserted in sorted order: two PostgreSQL
workers that lock shared rows in different orders deadlock (see :mod:`.rollup`).
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from functools import cache
from typing import Any, cast

import pandas as pd
from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection, Engine

from reports.aggregate import BEACON_COLUMNS, BEACON_DTYPES

from .groupcommit import GroupCommitter
from .tables import BeaconRollupRow

BEACON_KEY: tuple[str, ...] = BEACON_COLUMNS[:-1]  # everything but n


class _BeaconCounter(GroupCommitter):
    """The group commit of :mod:`.groupcommit`, adding counts instead of inserting rows."""

    def _write(self, rows: list[dict[str, Any]]) -> None:
        with self._file_lock(), self.engine.begin() as conn:
            add_counts(conn, rows)
        self.batches += 1
        self.rows_written += len(rows)


def add_counts(conn: Connection, beacons: list[dict[str, Any]]) -> None:
    """Add one to the roll-up row of each beacon (a dict of :data:`BEACON_KEY`), in the caller's
    transaction: one upsert statement for all distinct keys, in sorted key order."""
    counts: Counter[tuple[Any, ...]] = Counter(
        tuple(values[k] for k in BEACON_KEY) for values in beacons
    )
    keyed = [
        {**dict(zip(BEACON_KEY, key, strict=True)), "n": n}
        for key, n in sorted(counts.items(), key=lambda item: tuple(map(str, item[0])))
    ]
    dialect = conn.dialect.name
    if dialect in ("sqlite", "postgresql"):
        conn.execute(_upsert(dialect), keyed)
        return
    for values in keyed:  # any other database: update, else insert
        n = values.pop("n")
        updated = conn.execute(
            update(BeaconRollupRow)
            .where(*(getattr(BeaconRollupRow, k) == v for k, v in values.items()))
            .values(n=BeaconRollupRow.n + n)
        )
        if not updated.rowcount:
            conn.execute(insert(BeaconRollupRow).values(**values, n=n))


@cache
def _upsert(dialect: str) -> Any:
    """``INSERT ... ON CONFLICT (key) DO UPDATE SET n = n + excluded.n`` for executemany."""
    dialect_insert = sqlite_insert if dialect == "sqlite" else postgresql_insert
    columns: dict[str, Any] = {name: bindparam(name) for name in BEACON_COLUMNS}
    upsert = dialect_insert(BeaconRollupRow).values(columns)
    return upsert.on_conflict_do_update(
        index_elements=list(BEACON_KEY), set_={"n": BeaconRollupRow.n + upsert.excluded.n}
    )


class BeaconStore:
    """Counts beacons into ``beacon_rollup`` and reads the counts back; ``close()`` is
    idempotent and waits for the counts already queued."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._counter = _BeaconCounter(engine, cast(Table, BeaconRollupRow.__table__))

    def count(self, beacon: dict[str, Any]) -> None:
        """Count one beacon (the values of :data:`BEACON_KEY`); returns once committed."""
        self._counter.insert(beacon)

    def close(self) -> None:
        self._counter.close()

    def frame(self, start: date | None, end: date | None = None) -> pd.DataFrame:
        """The roll-up rows of days ``start``..``end`` inclusive, columns :data:`BEACON_COLUMNS`:
        the input of :func:`reports.aggregate.builds_in_use` and ``beacon_verdicts``."""
        statement = select(*(getattr(BeaconRollupRow, name) for name in BEACON_COLUMNS))
        if start:
            statement = statement.where(BeaconRollupRow.day >= start)
        if end:
            statement = statement.where(BeaconRollupRow.day <= end)
        with self.engine.connect() as connection:
            rows = connection.execute(statement).all()
        columns = list(zip(*rows, strict=True)) or [() for _ in BEACON_COLUMNS]
        return pd.DataFrame(
            {
                name: pd.Series(values, dtype=BEACON_DTYPES.get(name, "object"))
                for name, values in zip(BEACON_COLUMNS, columns, strict=True)
            }
        )
