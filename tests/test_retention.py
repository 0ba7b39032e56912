"""Retention: expired reports (with screenshots and roll-up days) go, by command and on a
schedule that exactly one process per interval runs."""

from __future__ import annotations

import io
import multiprocessing
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from PIL import Image
from sqlalchemy import func, select, update

from webapp import create_app
from webapp.retention import claim_run, purge_expired, retention_cutoff
from webapp.storage.desk import SupportStore
from webapp.storage.reports import ReportStore
from webapp.storage.tables import (
    BeaconRollupRow,
    BeaconViewRow,
    MaintenanceRow,
    ReportRow,
    ScreenshotRow,
)


def _report(client: FlaskClient, age_days: float, app: Flask) -> str:
    body = client.post("/api/v1/reports", json={"cookieEnabled": False}).get_json()
    png = io.BytesIO()
    Image.new("RGB", (4, 4)).save(png, "PNG")
    client.post(
        body["screenshot_url"],
        data={"screenshot": (io.BytesIO(png.getvalue()), "s.png")},
        content_type="multipart/form-data",
    )
    with app.extensions["browsercheck.store"].session() as session:
        session.execute(
            update(ReportRow)
            .where(ReportRow.code == body["code"].replace("-", ""))
            .values(created_at=datetime.now(UTC) - timedelta(days=age_days))
        )
        session.commit()
    return str(body["code"])


def _count(app: Flask, column: object) -> int:
    with app.extensions["browsercheck.store"].session() as session:
        return int(session.scalar(select(func.count(column))) or 0)


def test_cutoff_is_a_utc_midnight() -> None:
    now = datetime(2025, 7, 1, 15, 30, tzinfo=UTC)
    assert retention_cutoff(now, 180) == datetime(2025, 1, 2, tzinfo=UTC)


def test_purge_deletes_expired_reports_screenshots_and_rollup_days(
    app: Flask, client: FlaskClient
) -> None:
    old, new = _report(client, 200, app), _report(client, 10, app)
    store = app.extensions["browsercheck.store"]
    SupportStore(store).rebuild_rollup()
    assert _count(app, ScreenshotRow.id) == 2
    counts = purge_expired(store, 180)
    assert counts["reports"] == 1
    assert store.get(old.replace("-", "")) is None and store.get(new.replace("-", "")) is not None
    assert _count(app, ScreenshotRow.id) == 1
    assert int(SupportStore(store).stats_frame(None)["n"].sum()) == 1
    assert purge_expired(store, 180)["reports"] == 0  # idempotent


def test_purge_deletes_expired_beacon_days(app: Flask) -> None:
    store = app.extensions["browsercheck.store"]
    today = datetime.now(UTC).date()
    key = {"build": "b", "verdict": "ok", "browser_family": "Chrome", "browser_major": 131}
    key |= {"os_family": "Windows", "device_type": "desktop", "controlled": False, "waiting": False}
    with store.session() as session:
        for age in (200, 10):
            session.add(BeaconRollupRow(day=today - timedelta(days=age), n=3, **key))
        session.commit()
    assert purge_expired(store, 180)["beacon_rollup_rows"] == 1
    with store.session() as session:
        assert [r.day for r in session.scalars(select(BeaconRollupRow))] == [
            today - timedelta(days=10)
        ]


def test_purge_deletes_the_views_no_remaining_day_counted(app: Flask) -> None:
    """A policy view (issue 19) goes with the last expired day that counted it; one still
    counted on a kept day stays, and so does the row of a view counted old and new."""
    store = app.extensions["browsercheck.store"]
    today = datetime.now(UTC).date()
    key = {"build": "b", "verdict": "ok", "browser_family": "Chrome", "browser_major": 131}
    key |= {"os_family": "Windows", "device_type": "desktop", "controlled": False, "waiting": False}
    with store.session() as session:
        for view in ("old-only", "old-and-new", "new-only"):
            session.add(BeaconViewRow(key=view, environment="{}", first_day=today))
        for view, age in (("old-only", 200), ("old-and-new", 200), ("old-and-new", 1)):
            session.add(BeaconRollupRow(day=today - timedelta(days=age), n=1, view=view, **key))
        session.add(BeaconRollupRow(day=today, n=1, view="new-only", **key))
        session.commit()
    counts = purge_expired(store, 180)
    assert (counts["beacon_rollup_rows"], counts["beacon_views"]) == (2, 1)
    with store.session() as session:
        assert sorted(session.scalars(select(BeaconViewRow.key))) == ["new-only", "old-and-new"]
    assert purge_expired(store, 180)["beacon_views"] == 0


def test_claim_is_won_once_per_interval(app: Flask) -> None:
    store = app.extensions["browsercheck.store"]
    now = datetime.now(UTC)
    hour = timedelta(hours=1)
    assert claim_run(store, hour, now) is True
    assert claim_run(store, hour, now + timedelta(minutes=59)) is False
    assert claim_run(store, hour, now + timedelta(minutes=61)) is True


def _claim_in_process(url: str, barrier: multiprocessing.synchronize.Barrier) -> bool:
    store = ReportStore(url)
    try:
        barrier.wait(30)
        return claim_run(store, timedelta(hours=1))
    finally:
        store.close()


def test_exactly_one_of_several_processes_purges(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    ReportStore(url).create_schema()
    context = multiprocessing.get_context("fork")
    with context.Manager() as manager:
        barrier = manager.Barrier(4)
        with context.Pool(4) as pool:
            results = pool.starmap(_claim_in_process, [(url, barrier)] * 4)
    assert sorted(results) == [False, False, False, True]


def test_the_server_purges_after_a_response_on_schedule(tmp_path: Path) -> None:
    app = create_app(
        {
            "INSTANCE_PATH": str(tmp_path / "i"),
            "TESTING": True,
            "PURGE_INTERVAL_MINUTES": 60,
            "RETENTION_DAYS": 30,
        }
    )
    client = app.test_client()
    _report(client, 45, app)  # these requests already ran the first (empty) purge
    with app.extensions["browsercheck.store"].session() as session:
        session.execute(
            update(MaintenanceRow).values(last_run_at=datetime.now(UTC) - timedelta(hours=2))
        )
        session.commit()
    app.extensions["browsercheck.purge"]._next_check = 0.0  # this process may look again
    assert _count(app, ReportRow.id) == 1
    response = client.get("/api/v1/build")
    response.close()  # the purge runs when the response is closed, after it was sent
    assert _count(app, ReportRow.id) == 0
    app.extensions["browsercheck.store"].close()


def test_purge_schedule_can_be_turned_off(tmp_path: Path) -> None:
    app = create_app(
        {"INSTANCE_PATH": str(tmp_path / "i"), "TESTING": True, "PURGE_INTERVAL_MINUTES": 0}
    )
    assert "browsercheck.purge" not in app.extensions
    app.extensions["browsercheck.store"].close()
