"""Schema migrations on SQLite and PostgreSQL: upgrade, downgrade, adoption, concurrency, CLI."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from click.testing import CliRunner
from sqlalchemy import Engine, inspect, text

from webapp.cli import main
from webapp.storage.migrate import (
    current_revision,
    downgrade_database,
    head_revision,
    upgrade_database,
)
from webapp.storage.reports import ReportStore
from webapp.storage.tables import Base

DASHBOARD_INDEXES = {
    "ix_reports_created_at": ["created_at"],
    "ix_reports_status_created": ["status", "created_at"],
    "ix_reports_browser_created": ["browser_family", "created_at"],
    "ix_reports_os_created": ["os_family", "created_at"],
    "ix_reports_device_created": ["device_type", "created_at"],
}


@pytest.fixture
def url(db_url: str | None, tmp_path: Path) -> str:
    return db_url or f"sqlite:///{tmp_path / 'migrations.db'}"


@pytest.fixture
def engine(url: str) -> Iterator[Engine]:
    store = ReportStore(url)
    yield store.engine
    store.close()


def test_upgrade_creates_the_schema_with_lookup_and_filter_indexes(engine: Engine) -> None:
    assert current_revision(engine) is None
    assert upgrade_database(engine) == head_revision()
    inspector = inspect(engine)
    indexes = {ix["name"]: ix["column_names"] for ix in inspector.get_indexes("reports")}
    assert {name: indexes.get(name) for name in DASHBOARD_INDEXES} == DASHBOARD_INDEXES
    unique = [uq["column_names"] for uq in inspector.get_unique_constraints("reports")]
    assert ["code"] in unique  # lookup by code: the unique constraint's index


def test_migrations_at_head_match_the_models(engine: Engine) -> None:
    """Fails when webapp/storage/tables.py changes without a revision (see DEVELOPERS.md)."""
    upgrade_database(engine)
    with engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert differences == []


def test_downgrade_to_base_and_back(engine: Engine) -> None:
    upgrade_database(engine)
    assert downgrade_database(engine, "base") is None
    assert "reports" not in inspect(engine).get_table_names()
    assert upgrade_database(engine) == head_revision()


def test_a_database_made_before_migrations_is_adopted_keeping_its_rows(engine: Engine) -> None:
    upgrade_database(engine, "0001")
    with engine.begin() as conn:  # what the core pipeline's create_all left: no version table
        conn.execute(text("DROP TABLE alembic_version"))
        conn.execute(
            text(
                "INSERT INTO reports (code, token_hash, created_at, lang, source, status,"
                " browser_family, os_family, device_type, user_agent, environment, findings,"
                " verdict, probe, context, headers) VALUES ('ABCD2345', 'x', '2025-01-01', 'uk',"
                " 'web', 'supported', 'Chrome', 'Windows', 'desktop', 'ua', '{}', '[]', '{}',"
                " '{}', '{}', '{}')"
            )
        )
    assert upgrade_database(engine) == head_revision()
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT code FROM reports")) == "ABCD2345"


def test_processes_starting_together_upgrade_once(url: str) -> None:
    """Several workers starting at once: one upgrades, the others wait and find it done."""
    stores = [ReportStore(url) for _ in range(3)]
    results: list[object] = []

    def run(store: ReportStore) -> None:
        try:
            results.append(upgrade_database(store.engine))
        except Exception as exc:  # noqa: BLE001 - the assertion below shows it
            results.append(exc)

    threads = [threading.Thread(target=run, args=(store,)) for store in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    for store in stores:
        store.close()
    assert results == [head_revision()] * 3


def test_cli_db_upgrade_and_current(url: str, tmp_path: Path) -> None:
    env = {
        "BROWSERCHECK_DATABASE_URL": url,
        "BROWSERCHECK_INSTANCE_PATH": str(tmp_path / "instance"),
    }
    runner = CliRunner()
    before = runner.invoke(main, ["db", "current"], env=env)
    assert before.exit_code == 0 and f"database: empty; newest: {head_revision()}" in before.output
    upgraded = runner.invoke(main, ["db", "upgrade"], env=env)
    assert upgraded.exit_code == 0, upgraded.output
    assert f"database at revision {head_revision()}" in upgraded.output
    after = runner.invoke(main, ["db", "current"], env=env)
    assert f"database: {head_revision()}; newest: {head_revision()}" in after.output


def test_the_outcome_revision_fills_old_reports_and_recounts_the_rollup(engine: Engine) -> None:
    """Reports stored before the outcome existed get the one their verdict and findings give,
    and the roll-up counts them by it."""
    upgrade_database(engine, "0004")
    cookies = '[{"id": "cookies_disabled", "severity": "error", "title": {}, "remedy": {}}]'
    with engine.begin() as conn:
        for code, status, findings, ids in (
            ("AAAA0001", "supported", "[]", ""),
            ("AAAA0002", "supported", cookies, " cookies_disabled "),
            ("AAAA0003", "unsupported", "[]", ""),
        ):
            conn.execute(
                text(
                    "INSERT INTO reports (code, token_hash, created_at, lang, source, status,"
                    " browser_family, os_family, device_type, user_agent, environment, findings,"
                    " verdict, probe, context, headers, finding_ids, context_text) VALUES"
                    " (:code, 'x', '2026-11-30 10:00:00+00:00', 'uk', 'web', :status, 'Chrome',"
                    " 'Windows', 'desktop', 'UA', '{}', :findings, '{}', '{}', '{}', '{}', :ids, '')"
                ),
                {"code": code, "status": status, "findings": findings, "ids": ids},
            )
    upgrade_database(engine)
    with engine.connect() as conn:
        outcomes = dict(conn.execute(text("SELECT code, outcome FROM reports")).all())
        rollup = dict(
            conn.execute(text("SELECT outcome, SUM(n) FROM report_rollup GROUP BY outcome")).all()
        )
    assert outcomes == {
        "AAAA0001": "works",
        "AAAA0002": "will_not_work",
        "AAAA0003": "will_not_work",
    }
    assert rollup == {"works": 1, "will_not_work": 2}
    downgrade_database(engine, "0004")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT SUM(n) FROM report_rollup")).scalar() == 3


def test_the_views_revision_keeps_old_beacon_counts_as_unknown_and_adds_them_back(
    engine: Engine,
) -> None:
    """0012: beacon counts made before it get view "" (not known); a day counted under two
    views becomes one row again on the way down, its counts added."""
    upgrade_database(engine, "0011")
    columns = "day, build, verdict, browser_family, browser_major, os_family, device_type"
    row = "'2026-11-30', 'b1', 'ok', 'Chrome', 131, 'Windows', 'desktop', false, false"
    with engine.begin() as conn:
        conn.execute(
            text(f"INSERT INTO beacon_rollup ({columns}, controlled, waiting, n) VALUES ({row}, 4)")
        )
    upgrade_database(engine, "0012")
    with engine.begin() as conn:
        assert conn.execute(text("SELECT view, n FROM beacon_rollup")).all() == [("", 4)]
        conn.execute(
            text(
                "INSERT INTO beacon_views (key, environment, first_day)"
                " VALUES ('0123456789abcdef', '{}', '2026-11-30')"
            )
        )
        conn.execute(
            text(
                f"INSERT INTO beacon_rollup ({columns}, controlled, waiting, n, view)"
                f" VALUES ({row}, 3, '0123456789abcdef')"
            )
        )
    downgrade_database(engine, "0011")
    assert "beacon_views" not in inspect(engine).get_table_names()
    with engine.connect() as conn:
        assert conn.execute(text("SELECT build, n FROM beacon_rollup")).all() == [("b1", 7)]
    assert upgrade_database(engine) == head_revision()
