"""Storage: every table, query and transaction of browsercheck, and nothing about HTTP.

- ``tables``: the SQLAlchemy tables (the schema; changed only by ``migrations/``)
- ``reports``: :class:`ReportStore`, reports by code, written through ``groupcommit``
- ``rollup``: the report's write path (its desk columns and the statistics roll-up)
- ``desk``: the support desk's queries (lists, filters, screenshots, statistics)
- ``accounts``: agents, their sessions and sign-in throttling
- ``migrate``: Alembic run on the app's own engine

SQLAlchemy lives here and nowhere else; nothing here imports Flask (tests/test_layout.py).
"""
