"""ReportStore on SQLite and PostgreSQL: group commit, code collisions, errors reach the caller."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError

from diagnostics.validate import validate_payload
from matrix import load_policy
from reports.build import build_report
from reports.model import Report, new_code
from tests.payloads import probe_payload, user_agents
from tests.postgres import free_port
from webapp.storage.reports import ReportStore


@pytest.fixture
def store(db_url: str | None, tmp_path: Path) -> Iterator[ReportStore]:
    store = ReportStore(db_url or f"sqlite:///{tmp_path / 'store.db'}")
    store.create_schema()
    yield store
    store.close()


def sample_report(index: int = 0) -> Report:
    ua = user_agents()[index]
    payload = validate_payload(probe_payload(ua))
    return build_report(
        payload,
        {"User-Agent": ua},
        load_policy(),
        "en",
        now=datetime(2025, 3, 1, 12, 0, tzinfo=UTC),
    )


def test_reports_added_from_many_threads_are_all_stored(store: ReportStore) -> None:
    reports = [replace(sample_report(i), code=new_code()) for i in range(64)]
    stored: list[Report] = []

    def add(chunk: list[Report]) -> None:
        stored.extend(store.add(report, f"token-{report.code}") for report in chunk)

    threads = [threading.Thread(target=add, args=(reports[i::16],)) for i in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(stored) == 64
    for report in stored:  # add() returned, so each is committed and readable
        found = store.get_with_token(report.code, f"token-{report.code}")
        assert found is not None and found.environment == report.environment
    assert store.count() == 64


def test_rollup_counts_batches_from_two_stores_alike(store: ReportStore) -> None:
    """Two stores on one database stand for two worker processes: their writers commit batches
    that repeat and share roll-up keys at the same time, and the roll-up (one executemany upsert
    per batch) must count every report exactly once, as a recount from the reports does.
    (The PostgreSQL deadlock of unordered upserts needs durable, slow commits to show; the
    ingest benchmark is where it showed, and it reports failed answers.)"""
    from webapp.storage.desk import SupportStore

    other = ReportStore(store.engine.url.render_as_string(hide_password=False))
    # 8 distinct UAs, each many times: every batch holds repeated and shared keys.
    reports = [replace(sample_report(i % 8), code=new_code()) for i in range(160)]
    errors: list[BaseException] = []

    def add(target: ReportStore, chunk: list[Report]) -> None:
        try:
            for report in chunk:
                target.add(report, "token")
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [
        threading.Thread(target=add, args=(store if i % 2 else other, reports[i::16]))
        for i in range(16)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    other.close()
    assert errors == []
    assert store._writer.batches < store._writer.rows_written  # batches really formed
    support = SupportStore(store)
    counted = support.stats_frame(None)
    assert counted["n"].sum() == store.count() == 160
    support.rebuild_rollup()
    rebuilt = support.stats_frame(None)
    columns = list(counted.columns)
    assert (
        counted.sort_values(columns)
        .reset_index(drop=True)
        .equals(rebuilt.sort_values(columns).reset_index(drop=True))
    )


def test_a_taken_code_is_replaced_and_only_that_report_retries(store: ReportStore) -> None:
    first = store.add(sample_report(1), "one")
    again = store.add(replace(sample_report(2), code=first.code), "two")
    assert again.code != first.code
    assert store.get_with_token(again.code, "two") is not None
    assert store.get_with_token(first.code, "one") is not None
    assert store.count() == 2


def test_close_is_idempotent_and_refuses_later_writes(store: ReportStore) -> None:
    store.add(sample_report(3), "t")
    store.close()
    store.close()
    with pytest.raises(RuntimeError, match="closed"):
        store.add(sample_report(4), "t")


def test_a_database_error_reaches_the_request_instead_of_hanging(tmp_path: Path) -> None:
    store = ReportStore(f"postgresql+psycopg://nobody@127.0.0.1:{free_port()}/none")
    try:
        with pytest.raises(OperationalError):
            store.add(sample_report(5), "t")
    finally:
        store.close()
