"""The desk's answer back to the user (issue 17): stored replies on SQLite and PostgreSQL, the
desk's form (CSRF, limits, errors in the agent's language), the user's page and JSON views, the
desk API, the list's marker, seen-at set by the user's visit only, and the webhook event."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from reports.replies import MAX_MESSAGE_CHARS, clean_message, remedy_choices
from tests.conftest import AGENT_EMAIL, CHROME_WIN, CommandRunner, csrf_token
from tests.test_support_desk import post_report
from webapp.storage.desk import SupportStore
from webapp.storage.replies import ReplyStore

IE11 = "Mozilla/5.0 (Windows NT 10.0; WOW64; Trident/7.0; rv:11.0) like Gecko"


def replies_of(app: Flask) -> ReplyStore:
    return ReplyStore(app.extensions["browsercheck.store"])


def token_of(created: dict) -> str:  # type: ignore[type-arg]
    return str(created["view_url"].split("t=", 1)[1])


def send_reply(desk: FlaskClient, code: str, lang: str = "en", **form: object):  # type: ignore[no-untyped-def]
    token = csrf_token(desk, f"/support/reports/{code}?lang={lang}")
    return desk.post(
        f"/support/reports/{code}/replies?lang={lang}", data={"csrf_token": token, **form}
    )


def reply_error(html: str) -> str:
    found = re.search(r'data-testid="reply-error">([^<]*)<', html)
    assert found, "no error shown"
    return found.group(1)


# --- storage, on both databases ----------------------------------------------------------


def test_replies_are_stored_listed_in_order_and_seen_once(app: Flask, client: FlaskClient) -> None:
    code = post_report(client, cookieEnabled=False)["code"].replace("-", "")
    store = replies_of(app)
    start = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    first = store.add(code, AGENT_EMAIL, "Olena", "Спробуйте ще раз", ["cookies_disabled"], start)
    later = start + timedelta(minutes=5)
    second = store.add(code, "other@example.com", "", "Second\nline", [], later)
    assert first is not None and second is not None
    assert store.add("ZZZZZZZZ", AGENT_EMAIL, "", "nobody", [], start) is None

    listed = store.for_report(code)
    assert [r.message for r in listed] == ["Спробуйте ще раз", "Second\nline"]
    assert listed[0].finding_ids == ("cookies_disabled",) and listed[1].finding_ids == ()
    assert listed[0].agent_name == "Olena" and listed[1].agent == "other@example.com"
    assert listed[0].created_at == start and listed[0].created_at.tzinfo is not None
    assert all(r.seen_at is None for r in listed)

    seen = start + timedelta(hours=1)
    assert store.mark_seen([first.id], seen) == 1
    assert store.mark_seen([first.id, second.id], seen + timedelta(hours=1)) == 1
    again = store.for_report(code)
    assert again[0].seen_at == seen  # the first visit counts, not the later one
    assert again[1].seen_at == seen + timedelta(hours=1)
    assert store.mark_seen([], seen) == 0


def test_the_purge_takes_a_reports_replies_with_it(app: Flask, client: FlaskClient) -> None:
    code = post_report(client)["code"].replace("-", "")
    replies_of(app).add(code, AGENT_EMAIL, "", "hello", [], datetime.now(UTC))
    desk = SupportStore(app.extensions["browsercheck.store"])
    assert desk.purge(datetime.now(UTC) + timedelta(days=1))["reports"] == 1
    assert replies_of(app).for_report(code) == []


# --- the desk's form ---------------------------------------------------------------------


def test_the_desk_form_sends_a_reply_and_lists_it(desk: FlaskClient) -> None:
    code = post_report(desk, cookieEnabled=False)["code"]
    page = desk.get(f"/support/reports/{code}?lang=en").get_data(as_text=True)
    assert "No answers to the user yet." in page
    assert 'name="remedy" value="cookies_disabled"' in page

    sent = send_reply(
        desk, code, message="Allow cookies,\r\nthen sign in again.", remedy="cookies_disabled"
    )
    assert sent.status_code == 303
    assert sent.headers["Location"].endswith(f"/support/reports/{code}?lang=en&replied=1#replies")
    page = desk.get(sent.headers["Location"]).get_data(as_text=True)
    assert "Answer sent" in page
    [item] = re.findall(r'<li data-testid="desk-reply">(.*?)</li>\s*</ol>', page, re.S)
    assert AGENT_EMAIL in item and "not opened yet" in item
    assert "Allow cookies,\nthen sign in again." in item  # stored with \n, shown as written
    assert 'data-finding="cookies_disabled"' in item


def test_the_desk_form_needs_the_csrf_token(app: Flask, desk: FlaskClient) -> None:
    code = post_report(desk)["code"]
    for data in ({"message": "hi"}, {"message": "hi", "csrf_token": "forged"}):
        refused = desk.post(f"/support/reports/{code}/replies?lang=en", data=data)
        assert refused.status_code == 400
        assert "The form has expired" in refused.get_data(as_text=True)
    assert replies_of(app).for_report(code.replace("-", "")) == []


@pytest.mark.parametrize(
    "lang,expected",
    [
        ("en", "The message is too long: 1,001 characters, at most 1,000."),
        ("uk", "Повідомлення задовге (знаків: 1\u00a0001), можна до 1\u00a0000 знаків."),
    ],
    ids=["en", "uk"],
)
def test_a_too_long_message_is_refused_in_the_agents_language(
    app: Flask, desk: FlaskClient, lang: str, expected: str
) -> None:
    code = post_report(desk)["code"]
    typed = "я" * (MAX_MESSAGE_CHARS + 1)
    refused = send_reply(desk, code, lang=lang, message=typed)
    assert refused.status_code == 400
    html = refused.get_data(as_text=True)
    assert reply_error(html) == expected
    assert f">{typed}</textarea>" in html  # what was typed comes back to be shortened
    assert replies_of(app).for_report(code.replace("-", "")) == []
    # exactly the limit is fine
    assert send_reply(desk, code, lang=lang, message=typed[1:]).status_code == 303


@pytest.mark.parametrize(
    "form,expected",
    [
        ({"message": "  \r\n "}, "Write a message or pick what to do."),
        ({"message": "hi", "remedy": "no_such_finding"}, "A picked remedy is not in this report."),
        ({"message": "hi", "name": "x" * 65}, "The name is too long: at most 64 characters."),
    ],
    ids=["empty", "unknown-remedy", "long-name"],
)
def test_other_refusals_say_why(desk: FlaskClient, form: dict[str, str], expected: str) -> None:
    code = post_report(desk)["code"]
    refused = send_reply(desk, code, **form)
    assert refused.status_code == 400
    assert reply_error(refused.get_data(as_text=True)).startswith(expected)


def test_a_reply_to_an_unknown_report_is_404(desk: FlaskClient) -> None:
    post_report(desk)
    assert send_reply(desk, "ZZZZ-ZZZZ", message="hi").status_code == 404


# --- the user's page and the JSON views ------------------------------------------------------


def test_the_users_page_shows_the_reply_and_its_visit_marks_it_seen(
    app: Flask, desk: FlaskClient
) -> None:
    created = post_report(desk, cookieEnabled=False)
    code = created["code"]
    send_reply(desk, code, lang="en", message="<b>Hi</b>\nsecond line", remedy="cookies_disabled")
    # the agent reading the report marks nothing, nor following the user's link signed in
    desk.get(f"/support/reports/{code}?lang=uk")
    assert "Служба підтримки відповіла" in desk.get(created["view_url"]).get_data(as_text=True)
    assert replies_of(app).for_report(code.replace("-", ""))[0].seen_at is None

    user = app.test_client()
    page = user.get(created["view_url"] + "&lang=uk").get_data(as_text=True)
    assert "Служба підтримки відповіла" in page
    assert "&lt;b&gt;Hi&lt;/b&gt;\nsecond line" in page and "<b>Hi</b>" not in page
    assert "Служба підтримки, " in page  # no name signed: the desk as a whole
    assert AGENT_EMAIL not in page
    assert "Файли cookie вимкнено або заблоковано" in page  # the remedy in the page's language
    [seen] = [r.seen_at for r in replies_of(app).for_report(code.replace("-", ""))]
    assert seen is not None

    english = user.get(created["view_url"] + "&lang=en").get_data(as_text=True)
    assert "Support replied" in english and "Cookies are disabled or blocked" in english
    assert replies_of(app).for_report(code.replace("-", ""))[0].seen_at == seen  # first visit

    status = desk.get(f"/support/reports/{code}?lang=en").get_data(as_text=True)
    assert "seen by the user at" in status


def test_a_wrong_token_shows_nothing_and_marks_nothing(app: Flask, desk: FlaskClient) -> None:
    created = post_report(desk)
    send_reply(desk, created["code"], message="hi")
    assert app.test_client().get(f"/r/{created['code']}?t=wrong").status_code == 404
    assert replies_of(app).for_report(created["code"].replace("-", ""))[0].seen_at is None


def test_the_json_views_carry_the_replies(
    app: Flask, desk: FlaskClient, runner: CommandRunner
) -> None:
    created = post_report(desk, cookieEnabled=False)
    code, token = created["code"], token_of(created)
    send_reply(desk, code, message="Try this", remedy="cookies_disabled", name="Olena")

    user = app.test_client()
    for document in (
        user.get(f"/api/v1/reports/{code}?t={token}").get_json(),
        user.get(f"/r/{code}/download/json?t={token}").get_json(),
    ):
        [reply] = document["replies"]
        assert reply["from"] == "Olena" and reply["message"] == "Try this"
        assert [r["id"] for r in reply["remedies"]] == ["cookies_disabled"]
        assert set(reply["remedies"][0]["remedy"]) == {"uk", "en"}
        assert "agent" not in reply and AGENT_EMAIL not in str(document)
    # the answers are what /api/openapi.json describes
    described = user.get("/api/openapi.json").get_json()
    registry: Registry = Registry().with_resource(
        "urn:openapi", DRAFT202012.create_resource(described)
    )
    schema = {"$ref": "urn:openapi#/components/schemas/Report"}
    Draft202012Validator(schema, registry=registry).validate(document)
    # the JSON views mark nothing seen: only the page the user reads does
    assert replies_of(app).for_report(code.replace("-", ""))[0].seen_at is None

    added = runner.invoke("tokens", "add", "helpdesk")
    api_token = added.output.strip().splitlines()[-1]
    answer = user.get(
        f"/api/v1/desk/reports/{code}", headers={"Authorization": f"Bearer {api_token}"}
    ).get_json()
    [reply] = answer["replies"]
    Draft202012Validator(schema, registry=registry).validate(answer)
    assert reply["agent"] == AGENT_EMAIL and reply["finding_ids"] == ["cookies_disabled"]
    assert reply["seen_at"] is None


def test_the_list_marks_reports_with_a_reply_unseen_then_seen(
    app: Flask, desk: FlaskClient
) -> None:
    created = post_report(desk)
    quiet = post_report(desk, ua=IE11)
    send_reply(desk, created["code"], message="hi")

    def markers() -> dict[str, str]:
        html = desk.get("/support/reports?lang=en").get_data(as_text=True)
        rows = re.findall(r"<tr data-status.*?</tr>", html, re.S)
        found = {}
        for row in rows:
            code = re.search(r'class="code-link"[^>]*>([^<]+)<', row)
            marker = re.search(r'data-reply="(\w+)"', row)
            assert code
            found[code.group(1)] = marker.group(1) if marker else ""
        return found

    assert markers() == {created["code"]: "unseen", quiet["code"]: ""}
    app.test_client().get(created["view_url"])
    assert markers() == {created["code"]: "seen", quiet["code"]: ""}


# --- pure parts --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed,stored",
    [
        ("a\r\nb\rc\n", "a\nb\nc"),
        ("  tabs\tstay ", "tabs\tstay"),
        ("no\x00nul\x0bvt\x1b", "nonulvt"),
    ],
    ids=["line-breaks", "tabs", "control-characters"],
)
def test_messages_are_kept_as_plain_text(typed: str, stored: str) -> None:
    assert clean_message(typed) == stored


def test_an_unsupported_browsers_own_remedy_can_be_picked(app: Flask, client: FlaskClient) -> None:
    code = post_report(client, ua=IE11)["code"]
    report = app.extensions["browsercheck.store"].get(code.replace("-", ""))
    ids = [f.id for f in remedy_choices(report)]
    assert ids and ids[0] == "verdict_unsupported"


def test_a_reply_writes_a_report_replied_webhook_delivery(
    app: Flask, desk: FlaskClient, runner: CommandRunner
) -> None:
    from sqlalchemy import select

    from webapp.storage.tables import WebhookDeliveryRow

    assert runner.invoke("webhooks", "add", "http://127.0.0.1:9/hooks").exit_code == 0
    code = post_report(desk, ua=CHROME_WIN)["code"]
    send_reply(desk, code, message="hi")
    with app.extensions["browsercheck.store"].session() as session:
        rows = session.execute(
            select(WebhookDeliveryRow.event, WebhookDeliveryRow.payload).order_by(
                WebhookDeliveryRow.id
            )
        ).all()
    assert [row.event for row in rows] == ["report.created", "report.replied"]
    assert rows[1].payload["code"] == code and "hi" not in str(rows[1].payload)
