"""``browsercheck integrations ...``: app packages for help desks' ticket sidebars."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import click

from diagnostics.models import LANGUAGES

from ..integrations.packages import check_collector_url, freshdesk_files, zendesk_files, zip_bytes
from .context import command_settings


@click.group()
def integrations() -> None:
    """Help-desk integrations: sidebar app packages for Zendesk and Freshdesk."""


def _collector(url: str | None) -> str:
    """``--url``, else the PUBLIC_URL setting, checked; a bad one is a usage error."""
    chosen = url or str(command_settings()["PUBLIC_URL"])
    try:
        return check_collector_url(chosen)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--url") from exc


def _write(output: Path, files: dict[str, bytes]) -> None:
    output.write_bytes(zip_bytes(files))
    click.echo(f"wrote {output} ({len(files)} files)")


_URL = click.option(
    "--url",
    help="The collector's address agents reach [default: the PUBLIC_URL setting].",
)
_OUTPUT = click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    required=True,
    help="The zip to write.",
)


@integrations.command("zendesk-app")
@_URL
@_OUTPUT
@click.option("--author-email", help="The app's support address [default: support@<host>].")
def zendesk_app(url: str | None, output: Path, author_email: str | None) -> None:
    """Write the Zendesk ticket-sidebar app (upload it as a private app)."""
    collector = _collector(url)
    email = author_email or f"support@{urlsplit(collector).hostname}"
    _write(output, zendesk_files(collector, email))


@integrations.command("freshdesk-app")
@_URL
@_OUTPUT
@click.option(
    "--lang",
    type=click.Choice(LANGUAGES),
    help="The language of the installation page's labels [default: the DEFAULT_LANG setting].",
)
def freshdesk_app(url: str | None, output: Path, lang: str | None) -> None:
    """Write the Freshdesk ticket-sidebar app (upload it as a custom app)."""
    chosen = lang or str(command_settings()["DEFAULT_LANG"])
    _write(output, freshdesk_files(_collector(url), chosen))


def register(group: click.Group) -> None:
    group.add_command(integrations)
