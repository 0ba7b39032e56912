"""``browsercheck users|stats|export|purge`` against a real instance folder."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner, Result
from sqlalchemy import update

from tests.conftest import CHROME_WIN
from webapp import create_app
from webapp.cli import main
from webapp.storage.desk import SupportStore
from webapp.storage.tables import ReportRow


@pytest.fixture
def instance(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "instance"
    app = create_app({"INSTANCE_PATH": str(path)})
    client = app.test_client()
    for ua, ctx in (
        (CHROME_WIN, {"login": "user@example.com", "service": "site"}),
        ("Mozilla/5.0 (Windows NT 10.0; WOW64; Trident/7.0; rv:11.0) like Gecko", {}),
    ):
        client.post("/api/v1/reports", json={"context": ctx}, headers={"User-Agent": ua})
    app.extensions["browsercheck.store"].close()
    yield path


def run(instance: Path, *args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(
        main, list(args), input=stdin, env={"BROWSERCHECK_INSTANCE_PATH": str(instance)}
    )


def test_users_add_with_password_then_list(instance: Path) -> None:
    added = run(
        instance,
        "users",
        "add",
        "Agent@Example.com",
        "--password",
        "correct horse battery",
        "--role",
        "admin",
    )
    assert added.exit_code == 0 and "created admin agent@example.com" in added.output
    assert "password:" not in added.output
    listed = run(instance, "users", "list")
    assert listed.output.startswith("agent@example.com\tadmin\t-")


def test_users_add_generates_a_password_when_none_is_given(instance: Path) -> None:
    added = run(instance, "users", "add", "a@example.com")  # no terminal: generated
    assert added.exit_code == 0
    password = added.output.split("password: ")[1].strip()
    assert len(password) >= 20
    app = create_app({"INSTANCE_PATH": str(instance)})
    assert app.extensions["browsercheck.accounts"].authenticate("a@example.com", password, "t")
    app.extensions["browsercheck.store"].close()


@pytest.mark.parametrize(
    "args,message",
    [
        (["users", "add", "nope", "--password", "correct horse battery"], "not an e-mail"),
        (["users", "add", "a@example.com", "--password", "short"], "at least 12"),
        (["users", "remove", "ghost@example.com"], "no account"),
        (["users", "set-password", "ghost@example.com", "--generate"], "no account"),
    ],
    ids=["bad-email", "short-password", "remove-unknown", "reset-unknown"],
)
def test_user_errors_exit_1_with_a_message(instance: Path, args: list[str], message: str) -> None:
    result = run(instance, *args)
    assert result.exit_code == 1 and message in result.output


def test_set_password_and_remove(instance: Path) -> None:
    run(instance, "users", "add", "a@example.com", "--password", "correct horse battery")
    changed = run(
        instance, "users", "set-password", "a@example.com", "--password", "another long passphrase"
    )
    assert changed.exit_code == 0
    assert run(instance, "users", "remove", "a@example.com").exit_code == 0
    assert run(instance, "users", "list").output == ""


@pytest.mark.parametrize(
    "lang,words",
    [
        ("en", ["Reports in total: 2", "Reports by browser", "Chrome", "IE", "50.0%"]),
        ("uk", ["Усього звітів: 2", "Частка непідтримуваних"]),
    ],
    ids=["en", "uk"],
)
def test_stats_prints_the_tables(instance: Path, lang: str, words: list[str]) -> None:
    result = run(instance, "stats", "--since", "7d", "--lang", lang)
    assert result.exit_code == 0, result.output
    for word in words:
        assert word in result.output


def test_stats_refuses_a_bad_period(instance: Path) -> None:
    result = run(instance, "stats", "--since", "last week")
    assert result.exit_code == 2 and "--since" in result.output


def test_export_csv_and_parquet_without_personal_fields(instance: Path, tmp_path: Path) -> None:
    full = run(instance, "export", "--since", "7d", "-o", "-")
    assert full.exit_code == 0 and "user@example.com" in full.output
    safe = run(instance, "export", "--since", "7d", "--no-personal", "-o", "-")
    assert "user@example.com" not in safe.output and "ctx_login" not in safe.output
    assert len(safe.output.strip().splitlines()) == 3  # header + 2 reports
    target = tmp_path / "out.parquet"
    parquet = run(instance, "export", "--format", "parquet", "--no-personal", "-o", str(target))
    assert parquet.exit_code == 0
    table = pq.read_table(io.BytesIO(target.read_bytes()))
    assert table.num_rows == 2 and "ctx_login" not in table.column_names


def test_purge_deletes_only_expired_reports(instance: Path) -> None:
    app = create_app({"INSTANCE_PATH": str(instance)})
    store = app.extensions["browsercheck.store"]
    with store.session() as session:
        session.execute(
            update(ReportRow)
            .where(ReportRow.user_agent == CHROME_WIN)
            .values(created_at=datetime.now(UTC) - timedelta(days=40))
        )
        session.commit()
    SupportStore(store).rebuild_rollup()
    store.close()
    kept = run(instance, "purge")  # default: 180 days
    assert kept.exit_code == 0 and "deleted 0 reports" in kept.output
    purged = run(instance, "purge", "--days", "30")
    assert "deleted 1 reports" in purged.output
    assert "Reports in total: 1" in run(instance, "stats", "--since", "365d").output
