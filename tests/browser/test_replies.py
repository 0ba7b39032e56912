"""The desk's answer back to the user (issue 17) in Chromium, Firefox and WebKit: an agent
sends a message full of markup with a picked remedy; the user's private page shows it as text
(nothing of it runs), line breaks kept, the remedy in Ukrainian and in English; the user's visit
marks it seen and the agent's (on the desk, or following the user's link) does not; both pages pass axe-core and fit 320 px; the list's
marker widens no row at 1366 px or 320 px."""

from __future__ import annotations

import json
import re
import secrets

import pytest

from matrix.qa.engines import BrowserSession
from matrix.qa.runner import describe_violations, run_axe
from tests.browser.conftest import LiveServer, create_report
from tests.browser.test_phones_keys import _assert_fits, _set_width, _sign_in

pytestmark = pytest.mark.browser

CODE = re.compile(r"[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}")
HOSTILE_MESSAGE = (
    'Спробуйте ще раз <script>window.__pwned="script"</script>\n'
    "<img src=x onerror=\"window.__pwned='img'\"> {{7*7}}\n"
    "Olena"
)
COOKIES_TITLE = {
    "uk": "Файли cookie вимкнено або заблоковано",
    "en": "Cookies are disabled or blocked",
}


def _report_with_cookies_blocked(server: LiveServer) -> tuple[str, str]:
    """A report with the ``cookies_disabled`` finding: its code and private URL."""
    browser_id = f"replies_{secrets.token_hex(6)}_browser"
    created = create_report(server, {"cookieEnabled": False, "browser_id": browser_id})
    return created["code"], f"{server.url}{created['view_url']}"


def _send_reply(session: BrowserSession, server: LiveServer, code: str) -> None:
    """The desk's reply form, filled and sent by script (the same in every driver)."""
    session.goto(f"{server.url}/support/reports/{code}?lang=uk")
    session.evaluate(
        "(function () { var form = document.querySelector('[data-testid=reply-form]');"
        f" form.querySelector('textarea[name=message]').value = {json.dumps(HOSTILE_MESSAGE)};"
        " form.querySelector('input[name=remedy][value=cookies_disabled]').checked = true;"
        " form.submit(); return true; })()"
    )
    session.wait_visible("[data-testid=reply-sent]")


def _seen(session: BrowserSession, server: LiveServer, code: str) -> str | None:
    session.goto(f"{server.url}/support/reports/{code}?lang=en")
    return session.attribute("[data-testid=desk-reply] [data-testid=reply-seen]", "data-seen")


def _assert_no_axe_violations(session: BrowserSession, name: str) -> None:
    violations = run_axe(session)["violations"]
    assert violations == [], f"{name}: {describe_violations(violations)}"


def test_the_users_page_shows_the_answer_as_text_and_marks_it_seen(
    session: BrowserSession, live_server: LiveServer, desk_agent: tuple[str, str]
) -> None:
    code, private = _report_with_cookies_blocked(live_server)
    _sign_in(session, live_server, desk_agent)
    _send_reply(session, live_server, code)
    desk_page = f"{live_server.url}/support/reports/{code}?lang=uk"
    # the agent reading the report, twice, does not mark the answer seen
    assert _seen(session, live_server, code) == "no"
    assert _seen(session, live_server, code) == "no"
    session.goto(desk_page)
    _assert_no_axe_violations(session, "desk report")
    session.goto(f"{private}&lang=uk")  # the agent following the user's link from a ticket
    session.wait_visible("[data-testid=reply]")
    assert _seen(session, live_server, code) == "no"
    session.evaluate("document.querySelector('[data-testid=logout]').click() || true")
    session.wait_visible("form.login")

    for lang in ("uk", "en"):
        session.goto(f"{private}&lang={lang}")
        session.wait_visible("[data-testid=reply]")
        shown = session.evaluate(
            "(function () { var m = document.querySelector('[data-testid=reply-message]');"
            " return {text: m.textContent, lines: m.innerText,"
            " pwned: String(window.__pwned), images: document.querySelectorAll('img[src=x]').length,"
            " scripts: m.getElementsByTagName('script').length,"
            " heading: document.querySelector('[data-testid=reply] h2').textContent,"
            " remedy: document.querySelector('[data-testid=reply-remedies]"
            " li[data-finding=cookies_disabled]').textContent}; })()"
        )
        assert shown["text"] == HOSTILE_MESSAGE  # every character as the agent typed it
        assert shown["lines"].count("\n") == 2  # line breaks kept on the page
        assert shown["pwned"] == "undefined" and shown["images"] == 0 and shown["scripts"] == 0
        assert (
            shown["heading"] == {"uk": "Служба підтримки відповіла", "en": "Support replied"}[lang]
        )
        assert COOKIES_TITLE[lang] in shown["remedy"]
        assert session.errors() == []
        _assert_no_axe_violations(session, f"user's page ({lang})")

    _sign_in(session, live_server, desk_agent)
    assert _seen(session, live_server, code) == "yes"  # the user's visit did
    seen_text = session.text("[data-testid=desk-reply] [data-testid=reply-seen]")
    assert seen_text.startswith("seen by the user at")  # (the first visit: tests/test_replies.py)
    _set_width(session, 320)
    _assert_fits(session, {"user's page": f"{private}&lang=uk", "desk report": desk_page}, 320)


#: The width of the list's table and of its rows, then the same with the markers removed.
_ROW_WIDTHS = """(function () {
  function widths() {
    var table = document.querySelector('table.reports'), rows = table.rows, out = [];
    for (var i = 0; i < rows.length; i++) { out.push(rows[i].getBoundingClientRect().width); }
    return {table: table.getBoundingClientRect().width, rows: out};
  }
  var markers = document.querySelectorAll('[data-testid=reply-marker]');
  var before = widths();
  for (var i = 0; i < markers.length; i++) { markers[i].parentNode.removeChild(markers[i]); }
  return {markers: markers.length, before: before, after: widths()};
})()"""


@pytest.mark.parametrize("width", [1366, 320])
def test_the_lists_reply_marker_widens_no_row(
    session: BrowserSession, live_server: LiveServer, desk_agent: tuple[str, str], width: int
) -> None:
    code, _private = _report_with_cookies_blocked(live_server)
    _sign_in(session, live_server, desk_agent)
    _send_reply(session, live_server, code)
    _set_width(session, width)
    session.goto(f"{live_server.url}/support/reports?lang=uk")
    assert session.attribute("[data-testid=reply-marker]", "data-reply") in ("unseen", "seen")
    measured = session.evaluate(_ROW_WIDTHS)
    assert measured["markers"] >= 1
    assert measured["before"] == measured["after"], measured
