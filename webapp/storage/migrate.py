"""Schema migrations (Alembic, revisions in webapp/storage/migrations/versions/), run from code.

``upgrade_database(engine)`` is what start-up and ``browsercheck db upgrade`` call. It holds a
lock for the whole upgrade, so processes starting together (gunicorn workers, several hosts on
one PostgreSQL) upgrade once and the others wait, then find the schema at head:
PostgreSQL takes a transaction-scoped advisory lock; SQLite takes its write lock
(``BEGIN IMMEDIATE``). Both run the DDL in that one transaction, so a failed upgrade leaves
the schema as it was.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from importlib.resources import files
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, create_engine, event, inspect
from sqlalchemy.engine import Engine
from sqlalchemy.pool import NullPool

#: Revision a database made by ``create_all`` before migrations existed is stamped with.
BASELINE_REVISION = "0001"
#: Any fixed 64-bit number, the same in every process: the key of the advisory lock.
_PG_LOCK_KEY = 0x62726F77_73657263  # "browserc"


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic configuration for webapp/storage/migrations/ without alembic.ini."""
    config = Config()
    config.set_main_option("script_location", str(files(__package__).joinpath("migrations")))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest revision shipped with this code."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None for an empty database)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


@contextmanager
def _locked_transaction(engine: Engine) -> Iterator[Connection]:
    """A connection inside one transaction that holds the migration lock."""
    if engine.dialect.name == "sqlite":
        with engine.connect():
            pass  # the app's engine makes the file and puts it in WAL mode first
        # pysqlite would only BEGIN before DML and let DDL autocommit: take the transaction
        # into our own hands (SQLAlchemy's documented recipe) and take the write lock at once.
        lock_engine = create_engine(
            engine.url, poolclass=NullPool, connect_args={"timeout": 60, "isolation_level": None}
        )

        @event.listens_for(lock_engine, "begin")
        def _begin_immediate(conn: Connection) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        try:
            with lock_engine.begin() as conn:
                yield conn
        finally:
            lock_engine.dispose()
            # pooled connections keep the old schema for PRAGMAs (inspection): open anew
            engine.dispose()
        return
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_LOCK_KEY})")
        yield conn


def upgrade_database(engine: Engine, revision: str = "head") -> str | None:
    """Bring the schema to ``revision`` (default: the newest) and return the revision it is at.

    A database made before migrations existed (a ``reports`` table and no ``alembic_version``)
    is first stamped with the baseline revision instead of being created again."""
    with _locked_transaction(engine) as conn:
        config = alembic_config(conn)
        tables = set(inspect(conn).get_table_names())
        if "reports" in tables and "alembic_version" not in tables:
            command.stamp(config, BASELINE_REVISION)
        command.upgrade(config, revision)
        return MigrationContext.configure(conn).get_current_revision()


def downgrade_database(engine: Engine, revision: str) -> str | None:
    """Take the schema back to ``revision`` ("base" for an empty database)."""
    with _locked_transaction(engine) as conn:
        command.downgrade(alembic_config(conn), revision)
        return MigrationContext.configure(conn).get_current_revision()


def new_revision(engine: Engine, message: str, **options: Any) -> str:
    """Write a new revision file that turns the schema at head into the models of tables.py.

    ``engine`` must be a scratch database: it is upgraded to head first, then compared with the
    models (Alembic's autogenerate); review the file it writes before committing it."""
    upgrade_database(engine)
    with engine.begin() as conn:
        script = command.revision(
            alembic_config(conn), message=message, autogenerate=True, **options
        )
    assert script is not None and not isinstance(script, list)
    return str(script.path)
