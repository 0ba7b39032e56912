"""Support-desk commands of ``browsercheck``: agent accounts, statistics, exports and retention.

Each runs against the database of ``create_app()`` (``BROWSERCHECK_*`` settings), so
``BROWSERCHECK_INSTANCE_PATH=/srv/bc browsercheck users add ...`` manages that instance.
"""

from __future__ import annotations

import secrets
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, TypeVar

import click
from flask import Flask

from reports.aggregate import format_summary, parse_since, summarize
from reports.export import csv_chunks, write_parquet

from ..storage.accounts import ROLES, AccountError, AccountStore

T = TypeVar("T")


@contextmanager
def _app() -> Iterator[Flask]:
    from .. import create_app

    app = create_app({"PURGE_INTERVAL_MINUTES": 0})  # a command purges only when asked to
    try:
        with app.app_context():
            yield app
    finally:
        app.extensions["browsercheck.store"].close()


def _accounts(app: Flask) -> AccountStore:
    found: AccountStore = app.extensions["browsercheck.accounts"]
    return found


def _new_password(password: str | None, generate: bool) -> tuple[str, bool]:
    """The password given, prompted for (on a terminal) or generated; and whether generated."""
    if password:
        return password, False
    if generate or not sys.stdin.isatty():
        return secrets.token_urlsafe(18), True
    return click.prompt("Password", hide_input=True, confirmation_prompt=True), False


def _on_accounts(action: Callable[[AccountStore], T]) -> T:
    """Run ``action`` on the accounts store; an AccountError ends the command with exit 1."""
    with _app() as app:
        try:
            return action(_accounts(app))
        except AccountError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(1)


def _show_generated(secret: str, generated: bool) -> None:
    if generated:
        click.echo(f"password: {secret}")


@click.group()
def users() -> None:
    """Support agents' accounts."""


@users.command("add")
@click.argument("email")
@click.option(
    "--password",
    help="The password (at least 12 characters); prompted for on a "
    "terminal, else generated and printed once.",
)
@click.option("--generate", is_flag=True, help="Generate a password and print it once.")
@click.option("--role", type=click.Choice(ROLES), default="agent", show_default=True)
def users_add(email: str, password: str | None, generate: bool, role: str) -> None:
    """Create an agent account for EMAIL."""
    secret, generated = _new_password(password, generate)
    agent = _on_accounts(lambda accounts: accounts.add_user(email, secret, role))
    click.echo(f"created {agent.role} {agent.email}")
    _show_generated(secret, generated)


@users.command("set-password")
@click.argument("email")
@click.option("--password", help="The new password; prompted for or generated when not given.")
@click.option("--generate", is_flag=True, help="Generate a password and print it once.")
def users_set_password(email: str, password: str | None, generate: bool) -> None:
    """Change the password of EMAIL (ends the account's sessions)."""
    secret, generated = _new_password(password, generate)
    _on_accounts(lambda accounts: accounts.set_password(email, secret))
    click.echo(f"password changed for {email.strip().lower()}")
    _show_generated(secret, generated)


@users.command("remove")
@click.argument("email")
def users_remove(email: str) -> None:
    """Delete the account of EMAIL and end its sessions."""
    _on_accounts(lambda accounts: accounts.remove_user(email))
    click.echo(f"removed {email.strip().lower()}")


@users.command("list")
def users_list() -> None:
    """List the accounts: e-mail, role, last sign-in."""
    for agent in _on_accounts(lambda accounts: accounts.users()):
        seen = agent.last_login_at.strftime("%Y-%m-%d %H:%M") if agent.last_login_at else "-"
        click.echo(f"{agent.email}\t{agent.role}\t{seen}")


def _since_option(default: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    return click.option(
        "--since",
        default=default,
        show_default=True,
        help="Period: 7d (last 7 days), 2w, or a first day as 2025-01-31.",
    )


def _parse_since(value: str) -> datetime:
    try:
        day = parse_since(value, datetime.now(UTC).date())
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--since") from None
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


@click.command()
@_since_option("7d")
@click.option("--lang", type=click.Choice(["uk", "en"]), default="en", show_default=True)
@click.option("--rebuild", is_flag=True, help="Recount the statistics from the reports first.")
def stats(since: str, lang: str, rebuild: bool) -> None:
    """Print the support desk's statistics: shares by browser, OS and verdict, top findings and
    the unsupported share per day."""
    from ..services import store
    from ..storage.desk import SupportStore

    start = _parse_since(since).date()
    with _app():
        desk = SupportStore(store())
        if rebuild:
            click.echo(f"recounted {desk.rebuild_rollup()} reports", err=True)
        today = datetime.now(UTC).date()
        summary = summarize(desk.stats_frame(start, today), start, today)
    click.echo(f"{start} – {today}")
    click.echo(format_summary(summary, lang), nl=False)


@click.command()
@_since_option("30d")
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "parquet"]), default="csv", show_default=True
)
@click.option(
    "--no-personal",
    is_flag=True,
    help="Leave out login, account, meter, free text and the browser id.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    required=True,
    help="File to write ('-' for standard output, CSV only).",
)
def export(since: str, fmt: str, no_personal: bool, output: str) -> None:
    """Export the reports of a period as CSV or Parquet."""
    from ..services import store
    from ..storage.desk import ReportFilter, SupportStore

    filters = ReportFilter(date_from=_parse_since(since).date())
    with _app():
        chunks = SupportStore(store()).export_records(filters)
        if fmt == "csv":
            stream = sys.stdout.buffer if output == "-" else open(output, "wb")  # noqa: SIM115
            try:
                for part in csv_chunks(chunks, no_personal):
                    stream.write(part)
            finally:
                if stream is not sys.stdout.buffer:
                    stream.close()
        else:
            if output == "-":
                raise click.BadParameter("Parquet needs a file", param_hint="--output")
            with open(output, "wb") as target:
                write_parquet(chunks, no_personal, target)
    if output != "-":
        click.echo(f"wrote {output}", err=True)


@click.command()
@click.option(
    "--days",
    type=click.IntRange(min=1),
    default=None,
    help="Keep this many days (default: BROWSERCHECK_RETENTION_DAYS).",
)
def purge(days: int | None) -> None:
    """Delete reports older than the retention period, with their screenshots."""
    from ..retention import purge_expired, retention_cutoff
    from ..services import store

    with _app() as app:
        keep = days or int(app.config["RETENTION_DAYS"])
        counts = purge_expired(store(), keep)
    cutoff = retention_cutoff(datetime.now(UTC), keep)
    click.echo(
        f"deleted {counts['reports']} reports created before {cutoff:%Y-%m-%d} "
        f"(kept {keep} days), {counts['login_attempts']} old login records"
    )


def register(main: click.Group) -> None:
    """Attach the support-desk commands to the ``browsercheck`` group."""
    for command in (users, stats, export, purge):
        main.add_command(command)
