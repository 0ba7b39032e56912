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


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int)
def serve(host: str, port: int, threads: int) -> None:
    """Serve the web app (check page, collector API, report views)."""
    from waitress import serve as waitress_serve

    from . import create_app

    app = create_app()
    click.echo(f"browsercheck is running on http://{host}:{port}/check", err=True)
    waitress_serve(app, host=host, port=port, threads=threads, ident="browsercheck")


@main.command()
@click.argument("user_agent", required=False)
@click.option("--header", "headers", multiple=True, help="A request header, 'Name: value'.")
@click.option("--probe", "probe_json", default=None,
              help='Probe fields as a JSON object, e.g. \'{"maxTouchPoints": 5}\'.')
@click.option("--batch", "batch", type=click.File("rb"), default=None,
              help="Read one input per line (a bare UA or a JSON object {\"ua\", \"headers\", "
                   "\"probe\"}; '-' for stdin) and print one JSON line per input line, in order.")
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
            click.echo(f"{stats.errors} of {stats.lines} lines could not be read "
                       "(error objects in the output)", err=True)
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


from . import cli_matrix  # noqa: E402, F401 - attaches `browsercheck matrix` to main
