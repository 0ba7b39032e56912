"""The Flask web application: the collector API, the check page, the report views and the desk.

``create_app(test_config=None)`` is the app factory; ``browsercheck serve`` runs it. It reads as
the table of contents of the package: each area wires what it owns through its own ``init_app``.

- public HTTP: ``public`` (check page, report pages), ``collector`` (``POST /api/v1/reports``),
  ``user_context`` (what the user adds), ``embed`` (``/embed.js``), ``beacon`` (the sampled
  page-load beacon), ``matrix_views``, ``health``,
  ``openapi``
- cross-cutting: ``config`` (the settings table), ``errors``, ``i18n``, ``jsonio``, ``security``,
  ``privacy``, ``ratelimit``, ``overload``, ``serving``, ``retention``, ``extensions``
- help-desk hand-off: ``webhooks/`` (outbound Standard Webhooks), ``desk_api`` (tokens),
  ``integrations/`` (report cards for tickets, Help Scout)
- ``services``: the report pipeline and the per-app store, policy and verdicts
- ``storage/``: tables and queries (no Flask); ``support/``: the signed-in desk; ``cli/``: commands
"""

from __future__ import annotations

import hashlib
import secrets
from importlib.resources import files
from pathlib import Path
from typing import Any

from flask import Flask

from .config import settings_from_env


def _secret_key(instance: Path) -> str:
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


def _asset_build_id() -> str:
    digest = hashlib.sha256()
    for package, name in (("probes", "probe.js"), ("webapp", "static/check.js")):
        digest.update(files(package).joinpath(name).read_bytes())
    return digest.hexdigest()[:12]


def _configured_app(settings: dict[str, Any]) -> Flask:
    """A bare Flask app holding ``settings``, its instance folder, secret key and database URL."""
    instance = Path(settings["INSTANCE_PATH"] or Path.cwd() / "instance").resolve()
    instance.mkdir(parents=True, exist_ok=True)
    app = Flask(__name__, instance_path=str(instance))
    app.config.update(settings)
    app.config["SECRET_KEY"] = settings["SECRET_KEY"] or _secret_key(instance)
    default_db = f"sqlite:///{instance / 'browsercheck.db'}"
    app.config["DATABASE_URL"] = settings["DATABASE_URL"] or default_db
    app.config["BUILD_ID"] = settings["BUILD_ID"] or _asset_build_id()
    app.config["MAX_CONTENT_LENGTH"] = settings["MAX_BODY_BYTES"]
    return app


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app from defaults, ``BROWSERCHECK_*`` variables and ``test_config``.

    Raises :class:`~webapp.config.ConfigError` naming the first bad setting."""
    from . import (
        beacon,
        builds,
        collector,
        demo,
        desk_api,
        embed,
        errors,
        extensions,
        health,
        i18n,
        integrations,
        jsonio,
        matrix_views,
        metrics,
        openapi,
        overload,
        privacy,
        public,
        ratelimit,
        retention,
        security,
        services,
        support,
        user_context,
        webhooks,
    )

    settings = settings_from_env()
    if test_config:
        settings.update(test_config)
    app = _configured_app(settings)

    # The core: JSON answers, the store and verdicts, languages, one error shape.
    jsonio.init_app(app)
    services.init_app(app)
    i18n.init_app(app)
    errors.init_app(app)

    # Public HTTP: the check page and reports, the collector API, the embed, the policy.
    app.register_blueprint(public.bp)
    app.register_blueprint(collector.bp)
    app.register_blueprint(user_context.bp)
    embed.init_app(app)
    beacon.init_app(app)  # the sampled page-load beacon (issue 18)
    app.register_blueprint(matrix_views.bp)
    app.register_blueprint(health.bp)
    app.register_blueprint(openapi.bp)
    demo.init_app(app)  # the demo portal: what the embed does, right after `make run`
    app.register_blueprint(desk_api.bp)  # help-desk tools with a token (issue 17)
    builds.init_app(app)  # the portal's deploy hook and build history (issue 18)
    integrations.init_app(app)  # Help Scout's Dynamic App

    # The support desk: sign-in and its views.
    support.init_app(app)

    # Hostile input and load: headers, the log scrubber, rate limits (after every route they
    # name), CSRF on forms (after the limiter: over the limit is 429 first), load shedding, and
    # the retention purge.
    security.init_app(app)
    privacy.init_app(app)
    ratelimit.init_app(app)
    extensions.init_app(app)
    overload.init_app(app)
    metrics.init_app(app)  # GET /metrics, when METRICS is on
    retention.init_app(app)

    # The hand-off to help desks: outbound webhooks (issue 17).
    webhooks.init_app(app)

    with app.app_context():
        services.warm_up()  # once per process: what it loads is cached process-wide
    return app
