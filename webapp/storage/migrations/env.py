"""Alembic environment: always run from webapp/storage/migrate.py on a connection it hands over.

There is no alembic.ini: ``webapp.storage.migrate.alembic_config`` builds the configuration and
puts the open connection (already inside the transaction that holds the migration lock) in
``config.attributes["connection"]``.
"""

from __future__ import annotations

from alembic import context

from webapp.storage.tables import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations with `browsercheck db upgrade` (webapp/storage/migrate.py)")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    # SQLite cannot ALTER most things in place: batch mode copies the table instead.
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
