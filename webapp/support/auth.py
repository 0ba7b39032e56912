"""Support agents' sign-in: login and logout views, the session cookie, CSRF protection and the
``login_required`` gate of everything under /support/.

The session cookie is Flask's signed cookie holding only a random session id; the session itself
lives in the database (webapp/storage/accounts.py), so signing out or removing an account ends it at
once. Cookies are HttpOnly, SameSite (``SESSION_COOKIE_SAMESITE``) and Secure over HTTPS
(``COOKIE_SECURE``). Every form carries a Flask-WTF CSRF token; the JSON APIs, which take no
cookies, are exempt.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

from argon2 import PasswordHasher
from argon2.profiles import CHEAPEST
from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.sessions import SecureCookieSessionInterface
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError

from ..errors import error_response
from ..i18n import t
from ..storage.accounts import STRONG_HASHER, AccountStore, Agent, Throttle

bp = Blueprint("auth", __name__, url_prefix="/support")
SESSION_KEY = "agent_session"
F = TypeVar("F", bound=Callable[..., Any])


class _SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, with the Secure flag set when the request came over
    HTTPS (``COOKIE_SECURE=auto``), always or never."""

    def get_cookie_secure(self, app: Flask) -> bool:
        mode = str(app.config.get("COOKIE_SECURE", "auto")).lower()
        if mode == "auto":
            return request.is_secure
        return mode in ("always", "true", "1", "yes")


def accounts() -> AccountStore:
    found: AccountStore = current_app.extensions["browsercheck.accounts"]
    return found


def current_agent() -> Agent | None:
    """The signed-in agent of this request (looked up once per request), or None."""
    if "agent" not in g:
        token = session.get(SESSION_KEY)
        config = current_app.config
        g.agent = (
            accounts().agent_for_session(
                token,
                idle=timedelta(minutes=config["SESSION_IDLE_MINUTES"]),
                lifetime=timedelta(hours=config["SESSION_MAX_HOURS"]),
            )
            if isinstance(token, str)
            else None
        )
    agent: Agent | None = g.agent
    return agent


def _safe_next(target: str | None) -> str:
    default = url_for("support.reports")
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/support/") or "\\" in target:
        return default
    return target


def login_redirect() -> ResponseReturnValue:
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?"), lang=g.get("lang")))


def login_required(view: F) -> F:
    """Send anonymous requests to the login page (views outside the support blueprint)."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if current_agent() is None:
            return login_redirect()
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    """The sign-in form; failed attempts are counted per account and per client."""
    target = _safe_next(request.values.get("next"))
    if request.method == "GET":
        if current_agent() is not None:
            return redirect(target)
        notice = (
            t("signed_out")
            if request.args.get("out")
            else (t("login_needed") if request.args.get("next") else "")
        )
        return _no_store(
            Response(render_template("support/login.html", next=target, notice=notice, email=""))
        )
    email = request.form.get("email", "")[:254]
    password = request.form.get("password", "")[:1024]
    client = request.remote_addr or "unknown"
    wait = accounts().locked_for(email, client)
    if wait > timedelta(0):
        message = t("login_locked", minutes=max(1, math.ceil(wait.total_seconds() / 60)))
        page = render_template("support/login.html", next=target, error=message, email=email)
        response = _no_store(Response(page, status=429))
        response.headers["Retry-After"] = str(math.ceil(wait.total_seconds()))
        return response
    agent = accounts().authenticate(email, password, client)
    if agent is None:
        page = render_template(
            "support/login.html", next=target, error=t("login_failed"), email=email
        )
        return _no_store(Response(page, status=401))
    session.clear()  # a fresh session (and CSRF token) on every sign-in: no fixation
    session[SESSION_KEY] = accounts().start_session(agent)
    return redirect(target)


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    token = session.get(SESSION_KEY)
    if isinstance(token, str):
        accounts().end_session(token)
    session.clear()
    return redirect(url_for("auth.login", out=1, lang=g.get("lang")))


def init_app(app: Flask, engine: Any) -> None:
    """Accounts store, cookie settings, the CSRF error page and the sign-in views for ``app``."""
    throttle = Throttle(
        per_account=app.config["LOGIN_MAX_FAILURES"],
        per_client=app.config["LOGIN_MAX_CLIENT_FAILURES"],
        window=timedelta(minutes=app.config["LOGIN_WINDOW_MINUTES"]),
    )
    # Unit tests hash with argon2's cheapest parameters (argon2-cffi's profile for tests); a
    # served app, the browser tests' included, always uses the strong ones.
    hasher = PasswordHasher.from_parameters(CHEAPEST) if app.testing else STRONG_HASHER
    app.extensions["browsercheck.accounts"] = AccountStore(engine, throttle, hasher)
    app.session_interface = _SessionInterface()
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.add_template_global(current_agent, "current_agent")

    @app.errorhandler(CSRFError)
    def _csrf_error(exc: CSRFError) -> Response:
        if request.path.startswith("/api/"):
            return error_response(400, "csrf_failed", exc.description or "CSRF check failed")
        page = render_template("support/message.html", message=t("csrf_failed"))
        return Response(page, status=400)

    app.register_blueprint(bp)
