"""``browsercheck serve``: the web app under a production WSGI server."""

from __future__ import annotations

from typing import Any

import click

from .context import command_app, command_settings


def _prepare_metrics() -> None:
    """With METRICS on: the workers' shared metrics folder, named before the app (and so
    prometheus-client) is imported here and before the workers start (webapp/metrics.py)."""
    from pathlib import Path

    from ..metrics import prepare_multiprocess_dir

    settings = command_settings()
    if settings["METRICS"]:
        prepare_multiprocess_dir(Path(settings["INSTANCE_PATH"] or Path.cwd() / "instance"))


@click.command()
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
    from ..serving import run_server

    if factory == "webapp:create_app":
        _prepare_metrics()
        # Once in this process before the workers start: the settings are checked, the schema
        # is upgraded and the secret key file exists, so the workers find everything ready.
        with command_app() as app:
            settings: Any = app.config
    else:
        settings = command_settings()
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


def register(group: click.Group) -> None:
    group.add_command(serve)
