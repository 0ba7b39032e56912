"""Option types shared by several commands."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import click

from diagnostics.models import LANGUAGES
from reports.aggregate import parse_since

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


def since_option(default: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``--since``: the first day of the period the command reads (``stats``, ``export``,
    ``matrix impact``)."""
    return click.option(
        "--since",
        default=default,
        show_default=True,
        help="Period: 7d (last 7 days), 2w, or a first day as 2025-01-31.",
    )


def parse_since_option(value: str) -> datetime:
    """The ``--since`` value as the UTC midnight it starts at; raises click.BadParameter."""
    try:
        day = parse_since(value, datetime.now(UTC).date())
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--since") from None
    return datetime(day.year, day.month, day.day, tzinfo=UTC)
