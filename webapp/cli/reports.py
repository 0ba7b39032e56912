"""Stored reports from the command line: ``report show``, ``stats``, ``export`` and ``purge``.

Each runs against the database of the configured app (``BROWSERCHECK_*`` settings), so
``BROWSERCHECK_INSTANCE_PATH=/srv/bc browsercheck stats`` reads that instance.
"""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime

import click

from reports.aggregate import format_summary, summarize
from reports.export import csv_chunks, write_parquet

from .context import command_app
from .options import LANGS, parse_since_option, since_option


@click.group()
def report() -> None:
    """Stored reports."""


@report.command("show")
@click.argument("code")
@click.option("--lang", type=LANGS, default=None)
def report_show(code: str, lang: str | None) -> None:
    """Print the text report CODE (exit 1 when there is no such report)."""
    from reports.model import normalize_code
    from reports.render import render_text

    from ..services import store

    with command_app():
        canonical = normalize_code(code)
        found = store().get(canonical) if canonical else None
    if found is None:
        click.echo(f"no report with code {code}", err=True)
        sys.exit(1)
    click.echo(render_text(found, lang), nl=False)


@click.command()
@since_option("7d")
@click.option("--lang", type=LANGS, default="en", show_default=True)
@click.option("--rebuild", is_flag=True, help="Recount the statistics from the reports first.")
@click.option(
    "--beacons",
    is_flag=True,
    help="The sampled page-load beacon instead: one row per build with its page loads and "
    "share (the current build marked), and the verdicts of real traffic.",
)
def stats(since: str, lang: str, rebuild: bool, beacons: bool) -> None:
    """Print the support desk's statistics: shares by browser, OS and verdict, top findings and
    the unsupported share per day (``--beacons``: the builds in use)."""
    from ..services import store
    from ..storage.desk import SupportStore

    start = parse_since_option(since).date()
    if beacons:
        _beacon_stats(start, lang)
        return
    with command_app():
        desk = SupportStore(store())
        if rebuild:
            click.echo(f"recounted {desk.rebuild_rollup()} reports", err=True)
        today = datetime.now(UTC).date()
        summary = summarize(desk.stats_frame(start, today), start, today)
    click.echo(f"{start} – {today}")
    click.echo(format_summary(summary, lang), nl=False)


def _beacon_stats(start: date, lang: str) -> None:
    from reports.aggregate import format_builds

    from ..beacon import beacons, current_build

    with command_app():
        today = datetime.now(UTC).date()
        frame = beacons().frame(start, today)
        current = current_build()
    click.echo(f"{start} – {today}")
    click.echo(format_builds(frame, current, lang), nl=False)


@click.command()
@since_option("30d")
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
@click.option(
    "--lang",
    type=LANGS,
    default=None,
    help="CSV for people in this language: headings and values in words, times in "
    "BROWSERCHECK_TIME_ZONE, ';' between fields for uk. Without it: ids, ',', UTC.",
)
def export(since: str, fmt: str, no_personal: bool, output: str, lang: str | None) -> None:
    """Export the reports of a period as CSV or Parquet."""
    from ..services import store
    from ..storage.desk import ReportFilter, SupportStore

    filters = ReportFilter(date_from=parse_since_option(since).date())
    if lang and fmt != "csv":
        raise click.BadParameter("--lang is for CSV (Parquet keeps ids)", param_hint="--lang")
    with command_app() as app:
        chunks = SupportStore(store()).export_records(filters)
        if fmt == "csv":
            stream = sys.stdout.buffer if output == "-" else open(output, "wb")  # noqa: SIM115
            try:
                for part in csv_chunks(chunks, no_personal, lang, app.config["TIME_ZONE"]):
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

    with command_app() as app:
        keep = days or int(app.config["RETENTION_DAYS"])
        counts = purge_expired(store(), keep)
    cutoff = retention_cutoff(datetime.now(UTC), keep)
    click.echo(
        f"deleted {counts['reports']} reports created before {cutoff:%Y-%m-%d} "
        f"(kept {keep} days), {counts['login_attempts']} old login records"
    )


def register(group: click.Group) -> None:
    for command in (report, stats, export, purge):
        group.add_command(command)
