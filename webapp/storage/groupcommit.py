"""Group commit: reports arriving together are written in one transaction, one flush to disk.

A durable commit waits for the disk (an fsync of SQLite's WAL or PostgreSQL's WAL, a few
milliseconds here); committing each report alone caps the whole server at one report per
fsync. Instead every request thread hands its row to the process's writer thread and waits;
the writer inserts whatever has queued up meanwhile in one transaction and wakes each waiting
thread only after the commit returned. So a report is still acknowledged (201) only once it
is on disk, and the cost of the flush is shared by every report in the batch.

SQLite lets one writer in at a time across processes and makes the others poll with growing
sleeps; the writers of all worker processes therefore queue on an ``flock`` of a file beside
the database instead, which wakes the next one the moment the lock is free.
"""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Table, insert
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

try:
    import fcntl
except ImportError:  # not POSIX: one process (waitress), SQLite's own locking is enough
    fcntl = None  # type: ignore[assignment]

#: Most rows in one transaction: bounds the work one commit does while others wait.
MAX_BATCH = 128


@dataclass(eq=False)
class _Pending:
    values: dict[str, Any]
    done: threading.Event = field(default_factory=threading.Event)
    error: BaseException | None = None


_STOP = _Pending({})


class GroupCommitter:
    """Inserts rows into ``table`` from one writer thread per process; ``close()`` is
    idempotent and waits for the rows already queued."""

    def __init__(
        self,
        engine: Engine,
        table: Table,
        after_insert: Callable[[Connection, list[dict[str, Any]]], None] | None = None,
    ) -> None:
        """``after_insert(conn, rows)`` runs in the same transaction as each insert (the
        support desk's statistics roll-up), so both commit or neither does."""
        self.after_insert = after_insert
        self.engine = engine
        self.table = table
        self._lock_path = _sqlite_lock_path(engine)
        self._lock_file: IO[str] | None = None
        self._guard = threading.Lock()
        self._queue: queue.SimpleQueue[_Pending] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._pid = 0
        self._closed = False
        self.batches = 0  # transactions committed; with rows_written, the mean batch size
        self.on_batch: Callable[[int], object] | None = None  # rows per commit (metrics)
        self.rows_written = 0

    def insert(self, values: dict[str, Any]) -> None:
        """Insert one row; returns once its transaction committed. Raises what the insert
        raised (IntegrityError for a duplicate key)."""
        pending = _Pending(values)
        self._writer().put(pending)
        pending.done.wait()
        if pending.error is not None:
            raise pending.error

    def close(self) -> None:
        with self._guard:
            if self._closed:
                return
            self._closed = True
            thread = self._thread if self._pid == os.getpid() else None
        if thread is not None:
            self._queue.put(_STOP)
            thread.join()

    def _writer(self) -> queue.SimpleQueue[_Pending]:
        with self._guard:
            if self._closed:
                raise RuntimeError("the report store is closed")
            if self._thread is None or self._pid != os.getpid():  # first use, or after a fork
                self._queue = queue.SimpleQueue()
                self._lock_file = None  # a parent's descriptor would share the parent's flock
                self._pid = os.getpid()
                self._thread = threading.Thread(
                    target=self._run, name="browsercheck-writer", daemon=True
                )
                self._thread.start()
            return self._queue

    def _run(self) -> None:
        while True:
            batch = [self._queue.get()]
            while len(batch) < MAX_BATCH:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            stop = _STOP in batch
            batch = [pending for pending in batch if pending is not _STOP]
            if batch:
                self._commit(batch)
            if stop:
                if self._lock_file is not None:
                    self._lock_file.close()
                    self._lock_file = None
                return

    def _commit(self, batch: list[_Pending]) -> None:
        try:
            self._write([pending.values for pending in batch])
        except IntegrityError as exc:
            if len(batch) == 1:
                batch[0].error = exc
            else:  # one duplicate code must not fail the others: write them one by one
                for pending in batch:
                    try:
                        self._write([pending.values])
                    except Exception as exc:  # noqa: BLE001 - handed to the waiting thread
                        pending.error = exc
        except Exception as exc:  # noqa: BLE001 - handed to every waiting thread
            for pending in batch:
                pending.error = exc
        for pending in batch:
            pending.done.set()

    def _write(self, rows: list[dict[str, Any]]) -> None:
        with self._file_lock(), self.engine.begin() as conn:
            conn.execute(insert(self.table), rows)
            if self.after_insert is not None:
                self.after_insert(conn, rows)
        self.batches += 1
        self.rows_written += len(rows)
        if self.on_batch is not None:
            self.on_batch(len(rows))

    @contextmanager
    def _file_lock(self) -> Iterator[None]:
        if self._lock_path is None or fcntl is None:
            yield
            return
        if self._lock_file is None:  # only the writer thread gets here; it closes it at the end
            self._lock_file = open(self._lock_path, "a")  # noqa: SIM115
        fcntl.flock(self._lock_file, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(self._lock_file, fcntl.LOCK_UN)


def _sqlite_lock_path(engine: Engine) -> Path | None:
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        return None
    return Path(database).with_name(Path(database).name + ".write-lock")


@contextmanager
def sqlite_write_lock(engine: Engine) -> Iterator[None]:
    """Hold the writers' ``flock`` (see the module docstring) for a write made outside the
    group commit (the webhook sender's bookkeeping), so that it queues with the writers instead
    of polling SQLite's busy lock. Its own descriptor each time: safe from any thread."""
    path = _sqlite_lock_path(engine)
    if path is None or fcntl is None:
        yield
        return
    with open(path, "a") as lock_file:
        fcntl.flock(lock_file, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock_file, fcntl.LOCK_UN)
