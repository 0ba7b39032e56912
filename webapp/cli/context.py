"""What every ``browsercheck`` command runs with: the checked settings and the configured app.

The ``browsercheck`` group puts one :class:`CommandContext` on the click context and checks the
settings before any command runs, so a bad setting is one ``Error: ...`` line and exit status 1
from every command, never a traceback. Commands that need the app take it from
:func:`command_app`, which builds it once per command (warehouse's ``cli/__init__.py`` and
``@click.pass_obj`` are the model).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click
from flask import Flask

from ..config import ConfigError, settings_from_env


class CommandContext:
    """The settings of this invocation (read and checked once) and its app (built on demand)."""

    def __init__(self) -> None:
        self._settings: dict[str, Any] | None = None

    def settings(self) -> dict[str, Any]:
        """The ``BROWSERCHECK_*`` settings; a bad one ends the command with one clean line."""
        if self._settings is None:
            try:
                self._settings = settings_from_env()
            except ConfigError as exc:
                raise click.ClickException(str(exc)) from exc
        return self._settings

    def build_app(self, overrides: dict[str, Any] | None = None) -> Flask:
        """The configured app (``create_app`` with ``overrides``), or one clean error line."""
        from .. import create_app

        self.settings()
        try:
            return create_app(overrides)
        except ConfigError as exc:
            raise click.ClickException(str(exc)) from exc


def current() -> CommandContext:
    """This invocation's context (a fresh one outside the ``browsercheck`` group, in tests)."""
    ctx = click.get_current_context(silent=True)
    if ctx is None:
        return CommandContext()
    return ctx.ensure_object(CommandContext)


@contextmanager
def command_app(**overrides: Any) -> Iterator[Flask]:
    """The configured app inside its app context, closed when the command is done. A command
    purges old reports only when asked to (``PURGE_INTERVAL_MINUTES=0``)."""
    app = current().build_app({"PURGE_INTERVAL_MINUTES": 0, **overrides})
    try:
        with app.app_context():
            yield app
    finally:
        app.extensions["browsercheck.store"].close()


def command_settings() -> dict[str, Any]:
    """The checked settings, for commands that need no app (``matrix explain``)."""
    return current().settings()
