"""``browsercheck users ...``: the support agents' accounts in the configured database."""

from __future__ import annotations

import secrets
import sys
from collections.abc import Callable
from typing import TypeVar

import click
from flask import Flask

from ..storage.accounts import ROLES, AccountError, AccountStore
from .context import command_app

T = TypeVar("T")


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
    with command_app() as app:
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


def register(group: click.Group) -> None:
    group.add_command(users)
