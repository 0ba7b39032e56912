"""Outbound webhooks (issue 17), following the Standard Webhooks specification
(https://www.standardwebhooks.com/): ``webhook-id``, ``webhook-timestamp`` and
``webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`` with a ``whsec_`` secret.

Events (``report.created``, ``report.context_added``, ``report.replied``) are written to the
outbox table in the transaction that makes them (webapp/storage/webhooks.py). Every server
process runs a :class:`~.sender.WebhookSender` thread, started by its first request; only the
one holding the ``webhooks`` lease in the database sends, so each delivery is attempted by one
process at a time. Failed attempts are retried after the waits of ``WEBHOOK_RETRY_SCHEDULE``;
after the last one the delivery is marked failed (``browsercheck webhooks deliveries``).
"""

from __future__ import annotations

from flask import Flask

from ..config import retry_schedule
from .sender import WebhookSender, check_endpoint_url

__all__ = ["WebhookSender", "check_endpoint_url", "init_app"]


def init_app(app: Flask) -> None:
    """The app's sender, started in each server process by its first request. Under
    ``TESTING`` it is not started: tests call ``send_due()`` themselves."""
    sender = WebhookSender(
        app.extensions["browsercheck.store"],
        retry_schedule(app.config["WEBHOOK_RETRY_SCHEDULE"]),
        app.config["PUBLIC_URL"],
    )
    app.extensions["browsercheck.webhooks"] = sender
    app.extensions["browsercheck.store"].on_close(sender.close)
    if app.testing:
        return

    @app.before_request
    def _start_webhook_sender() -> None:
        sender.start()
