"""``browsercheck webhooks ...``: the endpoints that receive Standard Webhooks, and the outbox."""

from __future__ import annotations

import sys
from datetime import UTC, datetime

import click
from flask import Flask

from ..storage.webhooks import EVENTS, WebhookStore
from ..webhooks import WebhookSender, check_endpoint_url
from .context import command_app


def _outbox(app: Flask) -> WebhookStore:
    return WebhookStore(app.extensions["browsercheck.store"].session)


@click.group()
def webhooks() -> None:
    """Outbound webhooks to a help desk (Standard Webhooks, signed)."""


@webhooks.command("add")
@click.argument("url")
@click.option(
    "--events",
    "events",
    multiple=True,
    type=click.Choice(EVENTS),
    help="An event to send (repeat for more) [default: all].",
)
@click.option(
    "--personal",
    is_flag=True,
    help="Include what the user typed (their context fields) in the events.",
)
def webhooks_add(url: str, events: tuple[str, ...], personal: bool) -> None:
    """Send events to URL (https; http only to a loopback address). Prints the signing
    secret once, alone on the last line."""
    try:
        url = check_endpoint_url(url)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    with command_app() as app:
        endpoint, secret = _outbox(app).add_endpoint(
            url, events or EVENTS, personal, datetime.now(UTC)
        )
    kind = "personal fields included" if endpoint.personal else "no personal fields"
    click.echo(f"endpoint {endpoint.id}: {endpoint.url} ({', '.join(endpoint.events)}; {kind})")
    click.echo("signing secret (shown once):")
    click.echo(secret)


@webhooks.command("list")
def webhooks_list() -> None:
    """List the endpoints: id, URL, events, whether personal fields go out."""
    with command_app() as app:
        for endpoint in _outbox(app).endpoints():
            personal = "personal" if endpoint.personal else "-"
            click.echo(f"{endpoint.id}\t{endpoint.url}\t{','.join(endpoint.events)}\t{personal}")


@webhooks.command("remove")
@click.argument("endpoint_id", type=int)
def webhooks_remove(endpoint_id: int) -> None:
    """Delete endpoint ENDPOINT_ID (see list) and its queued deliveries."""
    with command_app() as app:
        removed = _outbox(app).remove_endpoint(endpoint_id)
    if not removed:
        click.echo(f"error: no endpoint {endpoint_id}", err=True)
        sys.exit(1)
    click.echo(f"removed endpoint {endpoint_id}")


@webhooks.command("test")
@click.argument("endpoint_id", type=int)
def webhooks_test(endpoint_id: int) -> None:
    """Send a signed ``webhook.test`` event to ENDPOINT_ID now; exit 1 when it was refused
    (the delivery stays queued for its retries)."""
    with command_app() as app:
        outbox = _outbox(app)
        msg_id = outbox.enqueue_test(endpoint_id, datetime.now(UTC))
        if msg_id is None:
            click.echo(f"error: no endpoint {endpoint_id}", err=True)
            sys.exit(1)
        sender: WebhookSender = app.extensions["browsercheck.webhooks"]
        delivery = next(d for d in outbox.deliveries(limit=10) if d.msg_id == msg_id)
        ok = sender.attempt(delivery)
        result = next(d for d in outbox.deliveries(limit=10) if d.msg_id == msg_id).last_result
    click.echo(f"{msg_id}: {'delivered' if ok else 'refused'} ({result})")
    if not ok:
        sys.exit(1)


@webhooks.command("deliveries")
@click.option("--status", type=click.Choice(["pending", "delivered", "failed"]), help="Only these.")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 10000))
def webhooks_deliveries(status: str | None, limit: int) -> None:
    """The newest deliveries: message id, event, report, status, attempts, last result."""
    with command_app() as app:
        rows = _outbox(app).deliveries(limit=limit, status=status)
    for d in rows:
        click.echo(
            f"{d.msg_id}\t{d.event}\t{d.report_code or '-'}\tendpoint {d.endpoint_id}\t"
            f"{d.status}\t{d.attempts} attempt(s)\t{d.last_result or '-'}"
        )


def register(group: click.Group) -> None:
    group.add_command(webhooks)
