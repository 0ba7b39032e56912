"""``browsercheck builds ...``: the portal's deploy history (issue 18), the CLI's deploy hook.

``builds set ID [--site HOST]`` records that the portal (the site ``HOST``, as its pages' URLs
name it; without ``--site``, every site without a history of its own) runs build ``ID`` from now
on; ``builds list`` prints the history. The same as ``POST /api/v1/builds`` with a deploy token.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TypeVar

import click

from ..storage.builds import BuildError, BuildRecord, BuildStore
from .context import command_app

T = TypeVar("T")


def _on_builds(action: Callable[[BuildStore], T]) -> T:
    """Run ``action`` on the build history; a BuildError ends the command with exit 1."""
    with command_app() as app:
        try:
            return action(BuildStore(app.extensions["browsercheck.store"].session))
        except BuildError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(1)


@click.group()
def builds() -> None:
    """The portal's deploys: the reference of the stale-build finding."""


@builds.command("set")
@click.argument("build_id", metavar="ID")
@click.option("--site", default="", help="The portal's host (and :port) as its pages see it.")
def builds_set(build_id: str, site: str) -> None:
    """Record that the portal runs build ID from now on (a no-op if it already does)."""
    record = _on_builds(lambda store: store.set(build_id, site, datetime.now(UTC), "cli"))
    where = record.site or "every site"
    if record.added:
        click.echo(
            f"{where} runs build {record.build} since {record.deployed_at:%Y-%m-%d %H:%M} UTC"
        )
    else:
        click.echo(f"{where} already runs build {record.build} (nothing added)")


@builds.command("list")
@click.option("--site", default=None, help='Only this site ("" for the default history).')
def builds_list(site: str | None) -> None:
    """List the deploys, oldest first: site, build, time (UTC), who set it."""

    def history(store: BuildStore) -> list[BuildRecord]:
        sites = [site] if site is not None else store.sites()
        return [record for name in sites for record in store.history(name)]

    for record in _on_builds(history):
        click.echo(
            f"{record.site or '-'}\t{record.build}\t"
            f"{record.deployed_at:%Y-%m-%d %H:%M:%S}\t{record.source}"
        )


def register(group: click.Group) -> None:
    group.add_command(builds)
