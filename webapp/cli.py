"""The ``browsercheck`` command line."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from diagnostics.useragent import detect_environment


def parse_header_options(values: tuple[str, ...]) -> dict[str, str]:
    """``("Name: value", ...)`` -> ``{"Name": "value"}``; raises click.BadParameter."""
    headers = {}
    for item in values:
        name, sep, value = item.partition(":")
        if not sep or not name.strip():
            raise click.BadParameter(f"expected 'Name: value', got {item!r}", param_hint="--header")
        headers[name.strip()] = value.strip()
    return headers


@click.group()
@click.version_option(package_name="browsercheck")
def main() -> None:
    """browsercheck: browser compatibility checks and client diagnostics."""


def _create_app(test_config: dict[str, Any] | None = None) -> Any:
    """The app, or a clean exit naming the bad setting."""
    from . import create_app
    from .config import ConfigError

    try:
        return create_app(test_config)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc


def _prepare_metrics() -> None:
    """With METRICS on: the workers' shared metrics folder, named before the app (and so
    prometheus-client) is imported here and before the workers start (webapp/metrics.py)."""
    from pathlib import Path

    from .config import ConfigError, settings_from_env
    from .metrics import prepare_multiprocess_dir

    try:
        settings = settings_from_env()
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc
    if settings["METRICS"]:
        prepare_multiprocess_dir(Path(settings["INSTANCE_PATH"] or Path.cwd() / "instance"))


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option(
    "--workers", default=None, type=int, help="Worker processes [default: BROWSERCHECK_WORKERS, 2]."
)
@click.option(
    "--threads",
    default=None,
    type=int,
    help="Threads per worker [default: BROWSERCHECK_THREADS, 32].",
)
@click.option(
    "--server",
    type=click.Choice(["auto", "granian", "gunicorn", "waitress"]),
    default="auto",
    show_default=True,
    help="auto: granian where installed, else gunicorn where it runs (POSIX), else waitress.",
)
@click.option(
    "--app",
    "factory",
    default="webapp:create_app",
    hidden=True,
    help="Another WSGI app factory, module:function (the benchmarks' baseline).",
)
def serve(
    host: str, port: int, workers: int | None, threads: int | None, server: str, factory: str
) -> None:
    """Serve the web app (check page, collector API, report views)."""
    from .config import settings_from_env
    from .serving import run_server

    if factory == "webapp:create_app":
        _prepare_metrics()
    if factory == "webapp:create_app":
        # Once in this process before the workers start: the settings are checked, the schema
        # is upgraded and the secret key file exists, so the workers find everything ready.
        app = _create_app()
        app.extensions["browsercheck.store"].close()
        settings = app.config
    else:
        settings = settings_from_env()
    threads = threads or settings["THREADS"]
    if factory == "webapp:create_app" and 0 < settings["MAX_IN_FLIGHT"] >= threads:
        click.echo(
            f"warning: MAX_IN_FLIGHT ({settings['MAX_IN_FLIGHT']}) is not below the "
            f"threads ({threads}): overload will queue instead of answering 503",
            err=True,
        )
    click.echo(f"browsercheck is running on http://{host}:{port}/check", err=True)
    run_server(
        factory,
        host=host,
        port=port,
        server=server,
        workers=workers or settings["WORKERS"],
        threads=threads,
        header_timeout=settings["HEADER_TIMEOUT"],
    )


@main.group()
def db() -> None:
    """The database schema (Alembic migrations in webapp/migrations/)."""


def _store_for_cli() -> Any:
    app = _create_app({"MIGRATE_ON_START": False})
    return app.extensions["browsercheck.store"]


@db.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Upgrade the schema to REVISION (default: the newest)."""
    from .migrate import upgrade_database

    store = _store_for_cli()
    try:
        click.echo(f"database at revision {upgrade_database(store.engine, revision)}")
    finally:
        store.close()


@db.command("current")
def db_current() -> None:
    """Print the database's revision and the newest one this code has."""
    from .migrate import current_revision, head_revision

    store = _store_for_cli()
    try:
        click.echo(
            f"database: {current_revision(store.engine) or 'empty'}; newest: {head_revision()}"
        )
    finally:
        store.close()


@db.command("revision")
@click.option("-m", "--message", required=True, help="What the revision changes.")
@click.option("--rev-id", required=True, help="Its id: the next number, e.g. 0003.")
def db_revision(message: str, rev_id: str) -> None:
    """Write webapp/migrations/versions/<rev-id>_<message>.py from the models' changes
    (autogenerated against a scratch SQLite database; review it before committing)."""
    import tempfile

    from .migrate import new_revision
    from .store import ReportStore

    with tempfile.TemporaryDirectory() as scratch:
        store = ReportStore(f"sqlite:///{scratch}/scratch.db")
        try:
            click.echo(new_revision(store.engine, message, rev_id=rev_id))
        finally:
            store.close()


@main.command()
@click.argument("user_agent", required=False)
@click.option("--header", "headers", multiple=True, help="A request header, 'Name: value'.")
@click.option(
    "--probe",
    "probe_json",
    default=None,
    help="Probe fields as a JSON object, e.g. '{\"maxTouchPoints\": 5}'.",
)
@click.option(
    "--batch",
    "batch",
    type=click.File("rb"),
    default=None,
    help='Read one input per line (a bare UA or a JSON object {"ua", "headers", '
    "\"probe\"}; '-' for stdin) and print one JSON line per input line, in order.",
)
def parse(
    user_agent: str | None, headers: tuple[str, ...], probe_json: str | None, batch: Any
) -> None:
    """Print the Environment detected for USER_AGENT (or each line of --batch) as JSON."""
    from diagnostics.batch import BatchDetector, environment_json

    if batch is not None:
        if user_agent is not None or headers or probe_json is not None:
            raise click.UsageError("--batch takes the UA, headers and probe from each line")
        runner, sink = BatchDetector(), sys.stdout
        stats = runner.run(batch, sink)
        sink.flush()
        runner.close()
        if stats.errors:
            click.echo(
                f"{stats.errors} of {stats.lines} lines could not be read "
                "(error objects in the output)",
                err=True,
            )
        return
    if user_agent is None:
        raise click.UsageError("give a USER_AGENT or --batch FILE")
    probe = None
    if probe_json is not None:
        try:
            probe = json.loads(probe_json)
        except ValueError as exc:
            raise click.BadParameter(f"not valid JSON: {exc}", param_hint="--probe") from exc
        if not isinstance(probe, dict):
            raise click.BadParameter("expected a JSON object", param_hint="--probe")
    env = detect_environment(user_agent, parse_header_options(headers), probe)
    click.echo(environment_json(env))


@main.group()
def report() -> None:
    """Stored reports."""


@report.command("show")
@click.argument("code")
@click.option("--lang", type=click.Choice(["uk", "en"]), default=None)
def report_show(code: str, lang: str | None) -> None:
    """Print the text report CODE (exit 1 when there is no such report)."""
    from reports.model import normalize_code
    from reports.render import render_text

    from . import create_app
    from .services import store

    app = create_app()
    with app.app_context():
        canonical = normalize_code(code)
        found = store().get(canonical) if canonical else None
        store().close()
    if found is None:
        click.echo(f"no report with code {code}", err=True)
        sys.exit(1)
    click.echo(render_text(found, lang), nl=False)


# Support desk (issue 7): users, stats, export, purge; `matrix` (policy and QA run) commands.
from . import cli_matrix, cli_qa, cli_support  # noqa: E402, F401 - they attach their commands

cli_support.register(main)
