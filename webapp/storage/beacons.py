"""The sampled page-load beacon's daily roll-up (issue 18): the only SQL of ``beacon_rollup``.

A beacon is never stored as a row of its own: it adds 1 to the count of its day and of what it
says (build, verdict, browser family and major, OS family, device class, service worker
controlling / waiting) and of the policy view of the environment it counted (a short key into
``beacon_views``, whose rows hold the views themselves: what ``matrix impact`` evaluates for
the sampled page loads; a view is inserted if absent by the same transaction as the counts).
Counts go through the writer thread of a group commit like reports do
(:mod:`.groupcommit`): the beacons that queue up while one transaction commits are added in the
next, one upsert for all of their distinct keys, so that a busy portal costs one flush per
batch rather than one per page load. The keys are upserted in sorted order: two PostgreSQL
workers that lock shared rows in different orders deadlock (see :mod:`.rollup`).

Unlike a report, a beacon is answered before its count is committed: nobody reads the answer
(``sendBeacon`` cannot), and waiting for the commit made the two workers' transactions queue on
the rows they share (PostgreSQL: a beacon cost half a report; benchmarks/beacon_ingest.py).
So a crash loses the counts not yet written (a few milliseconds of beacons), a database outage
those that arrive meanwhile (logged); ``close()`` (also at the process's exit) and
:meth:`BeaconStore.flush` write what is counted.
"""

from __future__ import annotations

import atexit
import logging
import threading
from collections import Counter
from datetime import date
from functools import cache
from multiprocessing.util import Finalize
from typing import Any, cast

import pandas as pd
from sqlalchemy import Table, bindparam, insert, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection, Engine

from reports.aggregate import BEACON_COLUMNS, BEACON_DTYPES

from . import rollup
from .groupcommit import GroupCommitter, _Pending
from .tables import BeaconRollupRow, BeaconViewRow

BEACON_KEY: tuple[str, ...] = BEACON_COLUMNS[:-1]  # everything but n
#: The roll-up's unique key: :data:`BEACON_KEY` and the policy view counted ("" unknown).
ROLLUP_KEY: tuple[str, ...] = (*BEACON_KEY, "view")
log = logging.getLogger(__name__)


class _BeaconCounter(GroupCommitter):
    """The writer thread of :mod:`.groupcommit`, adding counts instead of inserting rows. A
    beacon only adds 1 to a count in memory (:meth:`queue`); the first since the last write
    wakes the writer, which swaps the counts out and upserts them in one transaction: however
    many beacons arrive meanwhile, memory holds one number per distinct key."""

    def __init__(self, engine: Engine, table: Table) -> None:
        super().__init__(engine, table)
        self._counts: Counter[tuple[Any, ...]] = Counter()
        self._views: dict[str, tuple[str, date]] = {}
        self._counts_lock = threading.Lock()

    def queue(self, values: dict[str, Any], view: tuple[str, str] | None = None) -> None:
        """Count one beacon in memory and return at once; ``view`` is its policy view's
        ``(key, JSON text)`` (:func:`matrix.impact.view_record`), None when not known."""
        key = (*(values[k] for k in BEACON_KEY), view[0] if view else "")
        with self._counts_lock:
            wake = not self._counts
            self._counts[key] += 1
            if view and view[0] not in self._views:
                self._views[view[0]] = (view[1], values["day"])
        if wake:
            self._writer().put(_Pending({}))

    def _write(self, rows: list[dict[str, Any]]) -> None:
        with self._counts_lock:
            counts, self._counts = self._counts, Counter()
            views, self._views = self._views, {}
        if counts:
            try:
                with self._file_lock(), self.engine.begin() as conn:
                    add_views(conn, views)
                    add_counts(conn, counts)
            except Exception:  # nobody waits for a count: say it here, then to a flush()
                log.warning("%d beacon counts were not written", sum(counts.values()))
                raise
        self.batches += 1
        self.rows_written += sum(counts.values())


def add_views(conn: Connection, views: dict[str, tuple[str, date]]) -> None:
    """Insert the policy views ``{key: (JSON text, day)}`` that ``beacon_views`` lacks, in the
    caller's transaction, in sorted key order; a view already there keeps its first day."""
    if not views:
        return
    keyed = [
        {"key": key, "environment": text, "first_day": day}
        for key, (text, day) in sorted(views.items())
    ]
    dialect = conn.dialect.name
    if dialect in ("sqlite", "postgresql"):
        conn.execute(_insert_views(dialect), keyed)
        return
    known = set(conn.scalars(select(BeaconViewRow.key).where(BeaconViewRow.key.in_(views))))
    fresh = [values for values in keyed if values["key"] not in known]
    if fresh:
        conn.execute(insert(BeaconViewRow), fresh)


@cache
def _insert_views(dialect: str) -> Any:
    """``INSERT ... ON CONFLICT (key) DO NOTHING`` for executemany."""
    dialect_insert = sqlite_insert if dialect == "sqlite" else postgresql_insert
    names = ("key", "environment", "first_day")
    columns: dict[str, Any] = {name: bindparam(name) for name in names}
    return (
        dialect_insert(BeaconViewRow).values(columns).on_conflict_do_nothing(index_elements=["key"])
    )


def add_counts(conn: Connection, counts: Counter[tuple[Any, ...]]) -> None:
    """Add ``counts`` (keyed by the values of :data:`ROLLUP_KEY`) to the roll-up, in the
    caller's transaction: one upsert statement for all keys, in sorted key order."""
    rollup.add_counts(conn, BeaconRollupRow, ROLLUP_KEY, counts)


class BeaconStore:
    """Counts beacons into ``beacon_rollup`` and reads the counts back; ``close()`` is
    idempotent and waits for the counts already queued."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._counter = _BeaconCounter(engine, cast(Table, BeaconRollupRow.__table__))
        # A process that exits writes what it counted: atexit for a plain one, and a
        # multiprocessing finaliser for a server's worker process (granian's, gunicorn's),
        # which ends with os._exit and so runs no atexit handler.
        atexit.register(self._counter.close)
        self._finalizer = Finalize(self, self._counter.close, exitpriority=10)

    def count(self, beacon: dict[str, Any], view: tuple[str, str] | None = None) -> None:
        """Count one beacon (the values of :data:`BEACON_KEY`) with its policy view's
        ``(key, JSON text)`` (None: not known); committed a moment later."""
        self._counter.queue(beacon, view)

    def flush(self) -> None:
        """Return once every count queued before the call is committed."""
        self._counter.insert({})

    def close(self) -> None:
        self._counter.close()
        atexit.unregister(self._counter.close)
        self._finalizer.cancel()

    def frame(self, start: date | None, end: date | None = None) -> pd.DataFrame:
        """The roll-up rows of days ``start``..``end`` inclusive, columns :data:`BEACON_COLUMNS`:
        the input of :func:`reports.aggregate.beacon_tables`. What this process queued is
        written first."""
        self.flush()
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
