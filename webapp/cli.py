"""The ``browsercheck`` command line."""

from __future__ import annotations

import json
import sys

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
@click.argument("user_agent")
@click.option("--header", "headers", multiple=True, help="A request header, 'Name: value'.")
def parse(user_agent: str, headers: tuple[str, ...]) -> None:
    """Print the Environment detected for USER_AGENT as JSON."""
    env = detect_environment(user_agent, parse_header_options(headers))
    click.echo(json.dumps(env.to_dict(), ensure_ascii=False))


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


from .cli_qa import matrix as _qa_matrix  # noqa: E402 - the QA matrix commands (run, merge)

main.add_command(_qa_matrix)
