"""Flask extension objects shared by several areas, bound to the app with ``init_app``.

The CSRF protection lives here, not in the desk's sign-in, so that each view that takes no
token (the probe's JSON API, the user's context API, the no-JavaScript report form) exempts
itself where it is defined.
"""

from __future__ import annotations

from flask import Flask
from flask_wtf.csrf import CSRFProtect

#: Every form carries a Flask-WTF CSRF token; cookie-less JSON APIs are exempted by their module.
csrf = CSRFProtect()


def init_app(app: Flask) -> None:
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)  # the token lives as long as the session
    csrf.init_app(app)
