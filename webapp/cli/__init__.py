"""The ``browsercheck`` command line: one group, one module per command or sub-group.

- ``serve``: the web app under a production server
- ``db``: the database schema; ``users``: agents' accounts
- ``report show``, ``stats``, ``export``, ``purge``: stored reports (``reports``)
- ``parse``: what the detector makes of a User-Agent (``detect``)
- ``matrix``: the policy (explain, check, releases, browserslist) and the QA run (``qa``)
- ``webhooks``: endpoints and deliveries; ``tokens``: desk API tokens
- ``integrations``: help desks' sidebar app packages (Zendesk, Freshdesk)
- ``builds``: the portal's deploy history (the stale-build reference)

Each module exposes ``register(group)`` and imports nothing from this one. The group checks the
settings before any command runs (``context``): a bad one is a single ``Error:`` line.
"""

from __future__ import annotations

from typing import Any

import click

from . import builds, db, detect, integrations, matrix, reports, serve, tokens, users, webhooks
from .context import CommandContext


class BrowsercheckGroup(click.Group):
    """Checks the ``BROWSERCHECK_*`` settings once, before any command of the group runs
    (asking for ``--help`` needs none)."""

    def invoke(self, ctx: click.Context) -> Any:
        command = ctx.ensure_object(CommandContext)
        if "--help" not in ctx.args and not ctx.resilient_parsing:
            command.settings()
        return super().invoke(ctx)


@click.group(cls=BrowsercheckGroup)
@click.version_option(package_name="browsercheck")
def main() -> None:
    """browsercheck: browser compatibility checks and client diagnostics."""


for _module in (serve, db, users, reports, detect, matrix, webhooks, tokens, integrations, builds):
    _module.register(main)
