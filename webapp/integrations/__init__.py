"""Help-desk integrations (issue 17): report cards for the codes in a ticket's text, shown in
the desk's sidebar page (``GET /support/sidebar``) and answered to Help Scout's Dynamic App
(``POST /integrations/helpscout``).

- ``cards``: find report codes in free text, render one compact card per report
- ``helpscout``: the signed Help Scout endpoint (blueprint ``helpscout``)
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from . import helpscout

    app.register_blueprint(helpscout.bp)
