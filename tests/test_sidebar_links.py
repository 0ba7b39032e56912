"""Signed sidebar links from the desk API: a real token (made by the CLI) gets a link that shows
the cards without an agent's session; an expired, altered or revoked one is refused in the
user's language; the cards endpoint the sidebar's postMessage script calls obeys the same."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import CommandRunner
from tests.test_desk_api import bearer, new_token, post_report
from webapp.integrations.links import sign_link


def sidebar_link(client: FlaskClient, token: str, **body: Any) -> dict[str, Any]:
    response = client.post("/api/v1/desk/sidebar-links", json=body, headers=bearer(token))
    assert response.status_code == 201, response.get_data(as_text=True)
    answer: dict[str, Any] = response.get_json()
    return answer


def local(url: str) -> str:
    """The path and query of ``url`` (PUBLIC_URL is the server's address for agents)."""
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def test_a_signed_link_shows_the_cards_without_a_session(
    app: Flask, client: FlaskClient, runner: CommandRunner
) -> None:
    token = new_token(runner, "zendesk")
    code = post_report(client)["code"]
    before = time.time()
    answer = sidebar_link(client, token, lang="en", text=f"Subject: help\n{code.lower()} is mine")
    url = answer["url"]
    assert url.startswith(app.config["PUBLIC_URL"].rstrip("/") + "/support/sidebar?")
    query = parse_qs(urlsplit(url).query)
    assert query["text"] == [code] and query["lang"] == ["en"]  # the codes, not the words
    lifetime = app.config["SIDEBAR_LINK_SECONDS"]
    expires = answer["expires_at"]
    assert before + lifetime - 2 <= _unix(expires) <= time.time() + lifetime + 1

    fresh = app.test_client()  # no agent session at all
    page = fresh.get(local(url))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f'data-code="{code}"' in html
    assert 'name="link"' in html  # the page's own form keeps the link
    assert page.headers["Cache-Control"] == "no-store"
    # the postMessage script's endpoint takes the same link
    cards = fresh.post(
        "/support/sidebar/cards?lang=en", json={"text": f"see {code}", "link": query["link"][0]}
    )
    assert cards.status_code == 200 and f'data-code="{code}"' in cards.get_data(as_text=True)


def _unix(moment: str) -> float:
    from datetime import datetime

    return datetime.fromisoformat(moment).timestamp()


@pytest.mark.parametrize(
    ("lang", "words"),
    [("en", "The link has expired"), ("uk", "Термін дії посилання минув")],
)
def test_an_expired_link_is_refused_in_the_users_language(
    app: Flask, client: FlaskClient, runner: CommandRunner, lang: str, words: str
) -> None:
    new_token(runner, "zendesk")
    with app.test_request_context():
        expired = sign_link("zendesk", int(time.time()) - 1)
    response = client.get("/support/sidebar", query_string={"link": expired, "lang": lang})
    assert response.status_code == 401
    assert words in response.get_data(as_text=True)
    cards = client.post(f"/support/sidebar/cards?lang={lang}", json={"text": "x", "link": expired})
    assert cards.status_code == 401 and words in cards.get_data(as_text=True)


@pytest.mark.parametrize("change", ["payload", "signature", "garbage"])
def test_an_altered_link_is_refused(
    app: Flask, client: FlaskClient, runner: CommandRunner, change: str
) -> None:
    token = new_token(runner, "zendesk")
    link = parse_qs(urlsplit(sidebar_link(client, token)["url"]).query)["link"][0]
    payload, _, signature = link.rpartition(".")
    if change == "payload":  # another token name, the old signature
        with app.test_request_context():
            other = sign_link("someone-else", int(time.time()) + 300)
        link = other.rpartition(".")[0] + "." + signature
    elif change == "signature":
        link = payload + "." + ("A" if signature[0] != "A" else "B") + signature[1:]
    else:
        link = "not-a-link"
    response = client.get("/support/sidebar", query_string={"link": link, "lang": "en"})
    assert response.status_code == 403
    assert "damaged or was not made by this server" in response.get_data(as_text=True)


def test_a_link_dies_with_its_token(app: Flask, client: FlaskClient, runner: CommandRunner) -> None:
    token = new_token(runner, "freshdesk")
    code = post_report(client)["code"]
    url = local(sidebar_link(client, token, text=code)["url"])
    assert client.get(url).status_code == 200
    assert runner.invoke("tokens", "revoke", "freshdesk").exit_code == 0
    refused = client.get(url + "&lang=uk")
    assert refused.status_code == 401
    html = refused.get_data(as_text=True)
    assert "відкликано" in html and code not in html.split("<main", 1)[1]
    again = client.post("/api/v1/desk/sidebar-links", headers=bearer(token))
    assert again.status_code == 401  # and a revoked token makes no new link


def test_without_a_token_there_is_no_link(client: FlaskClient) -> None:
    for headers in ({}, bearer("bcdesk_not-a-token")):
        response = client.post("/api/v1/desk/sidebar-links", headers=headers)
        assert response.status_code == 401
        assert response.get_json()["error"]["code"] == "unauthorized"


def test_the_cards_endpoint_needs_an_agent_or_a_link(app: Flask, client: FlaskClient) -> None:
    response = app.test_client().post("/support/sidebar/cards", json={"text": "ABCD-2345"})
    assert response.status_code == 401


def test_a_link_is_in_the_openapi_document(client: FlaskClient) -> None:
    operation = client.get("/api/openapi.json").get_json()["paths"]["/api/v1/desk/sidebar-links"]
    assert operation["post"]["security"] == [{"deskToken": []}]
    assert {"201", "401"} <= set(operation["post"]["responses"])
