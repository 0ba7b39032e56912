"""The signed-in support desk: agents' sign-in (blueprint ``auth``), the desk's views
(blueprint ``support``: reports, statistics, exports) and its strings.

- ``auth``: login and logout, the session cookie, who is signed in, roles
- ``views``: report list and lookup, a report as the desk sees it, statistics and charts, exports
- ``strings``: the desk's labels in Ukrainian and English
- ``sidebar``: report cards for a ticket's text, framable by a help desk (issue 17)
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Sign-in (with its accounts store on the app's database) and the desk's views."""
    # Imported here: the strings module is read by webapp.i18n, which the views import.
    from . import auth, sidebar, views  # noqa: F401 - sidebar adds a route to views.bp

    auth.init_app(app, app.extensions["browsercheck.store"].engine)
    app.register_blueprint(views.bp)
