"""``browsercheck tokens ...``: API tokens for help-desk tools (``/api/v1/desk/``)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TypeVar

import click

from ..storage.tokens import SCOPES, TokenError, TokenStore
from .context import command_app

T = TypeVar("T")


def _on_tokens(action: Callable[[TokenStore], T]) -> T:
    """Run ``action`` on the token store; a TokenError ends the command with exit 1."""
    with command_app() as app:
        try:
            return action(TokenStore(app.extensions["browsercheck.store"].session))
        except TokenError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(1)


@click.group()
def tokens() -> None:
    """API tokens of help-desk tools (Authorization: Bearer)."""


@tokens.command("add")
@click.argument("name")
@click.option("--scope", type=click.Choice(SCOPES), default="read", show_default=True)
def tokens_add(name: str, scope: str) -> None:
    """Create token NAME; prints it once, alone on the last line (only its hash is kept)."""
    token = _on_tokens(lambda store: store.add(name, scope, datetime.now(UTC)))
    click.echo(f"created {scope} token {name.strip()} (shown once):")
    click.echo(token)


@tokens.command("list")
def tokens_list() -> None:
    """List the tokens: name, scope, created, last used, revoked."""
    for t in _on_tokens(lambda store: store.tokens()):
        used = t.last_used_at.strftime("%Y-%m-%d %H:%M") if t.last_used_at else "-"
        state = f"revoked {t.revoked_at:%Y-%m-%d %H:%M}" if t.revoked_at else "active"
        click.echo(f"{t.name}\t{t.scope}\t{t.created_at:%Y-%m-%d %H:%M}\t{used}\t{state}")


@tokens.command("revoke")
@click.argument("name")
def tokens_revoke(name: str) -> None:
    """Revoke token NAME: it is refused from now on."""
    _on_tokens(lambda store: store.revoke(name, datetime.now(UTC)))
    click.echo(f"revoked {name.strip()}")


def register(group: click.Group) -> None:
    group.add_command(tokens)
