"""The Flask web application: the collector API, the check page and the report views.

``create_app(test_config=None)`` is the app factory; ``browsercheck serve`` runs it.
"""

from __future__ import annotations

import hashlib
import secrets
from importlib.resources import files
from pathlib import Path
from typing import Any

from flask import Flask, g

from . import errors
from .config import settings_from_env
from .i18n import lang_url, negotiate_lang, t


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


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app from defaults, ``BROWSERCHECK_*`` variables and ``test_config``."""
    settings = settings_from_env()
    if test_config:
        settings.update(test_config)
    instance = Path(settings["INSTANCE_PATH"] or Path.cwd() / "instance").resolve()
    instance.mkdir(parents=True, exist_ok=True)
    app = Flask(__name__, instance_path=str(instance))
    app.config.update(settings)
    app.config["SECRET_KEY"] = settings["SECRET_KEY"] or _secret_key(instance)
    default_db = f"sqlite:///{instance / 'browsercheck.db'}"
    app.config["DATABASE_URL"] = settings["DATABASE_URL"] or default_db
    app.config["BUILD_ID"] = settings["BUILD_ID"] or _asset_build_id()
    app.config["MAX_CONTENT_LENGTH"] = settings["MAX_BODY_BYTES"]
    from . import jsonio

    jsonio.init_app(app)  # UTF-8 JSON, without ASCII escapes, encoded by orjson

    from .store import store_from_app_config

    report_store = store_from_app_config(app.config)
    app.extensions["browsercheck.store"] = report_store

    @app.before_request
    def _lang() -> None:
        g.lang = negotiate_lang()

    @app.context_processor
    def _template_globals() -> dict[str, Any]:
        return {"t": t, "lang": g.get("lang", "uk"), "lang_url": lang_url}

    errors.init_app(app)
    from . import collector, public

    app.register_blueprint(public.bp)
    app.register_blueprint(collector.bp)
    from . import embed

    embed.init_app(app)
    from . import matrix_views

    app.register_blueprint(matrix_views.bp)

    from . import health
    from .overload import InFlightLimit

    app.register_blueprint(health.bp)
    in_flight = InFlightLimit(app.wsgi_app, app.config["MAX_IN_FLIGHT"], app.config["RETRY_AFTER"])
    app.wsgi_app = in_flight  # type: ignore[method-assign]
    from . import metrics

    metrics.init_app(app, in_flight)  # GET /metrics, when METRICS is on (issue 15)

    # hostile input: headers, the log scrubber, the API description, rate limits (after routes)
    from . import openapi, privacy, ratelimit, security

    security.init_app(app)
    privacy.init_app(app)
    app.register_blueprint(openapi.bp)
    ratelimit.init_app(app)

    # Support desk (issue 7): sign-in + CSRF, the desk, the user's context API, retention.
    from . import auth, retention, support, user_context

    auth.init_app(app, report_store.engine)
    app.register_blueprint(support.bp)
    app.register_blueprint(user_context.bp)
    retention.init_app(app)
    from .services import warm_up

    with app.app_context():
        warm_up()  # once per process: what it loads is cached process-wide
    return app
