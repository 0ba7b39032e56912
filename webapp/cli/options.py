"""Option types shared by several commands."""

from __future__ import annotations

import click

from diagnostics.models import LANGUAGES

#: ``--lang``: one of the languages every label exists in.
LANGS = click.Choice(LANGUAGES)


def parse_header_options(values: tuple[str, ...]) -> dict[str, str]:
    """``("Name: value", ...)`` -> ``{"Name": "value"}``; raises click.BadParameter."""
    headers = {}
    for item in values:
        name, sep, value = item.partition(":")
        if not sep or not name.strip():
            raise click.BadParameter(f"expected 'Name: value', got {item!r}", param_hint="--header")
        headers[name.strip()] = value.strip()
    return headers
