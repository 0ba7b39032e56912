"""Which database errors mean "unavailable now" (answer 503 and retry) rather than a bug.

Kept in storage so that the HTTP layer (webapp/errors.py) names no SQLAlchemy class itself.
"""

from __future__ import annotations

from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

#: What SQLAlchemy raises when the database cannot be reached or written: PostgreSQL down or
#: restarting, a connection cut, the pool exhausted, SQLite's file or disk read-only or full.
#: The request is not at fault and may succeed later, so the answer is a 503, not a 500.
DATABASE_ERRORS = (OperationalError, InterfaceError, PoolTimeout)
#: SQLite's result codes among those that mean "cannot write now" (busy, locked, out of memory,
#: read-only, I/O error, disk full, cannot open, lock protocol); its other OperationalErrors
#: ("no such table") are our bugs and stay 500s. https://sqlite.org/rescode.html
_SQLITE_UNAVAILABLE = frozenset({5, 6, 7, 8, 10, 13, 14, 15})


def is_database_unavailable(exc: Exception) -> bool:
    """Whether ``exc`` (one of DATABASE_ERRORS) means the database is unavailable rather than
    that our SQL is wrong."""
    code = getattr(getattr(exc, "orig", None), "sqlite_errorcode", None)
    return code is None or code & 0xFF in _SQLITE_UNAVAILABLE  # extended codes: low byte
