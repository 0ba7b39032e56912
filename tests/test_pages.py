"""The check page and the private report page: languages, the switch, the token."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient


@pytest.mark.parametrize(
    "url,headers,lang,heading",
    [
        ("/check", {}, "uk", "Перевірити браузер"),
        ("/check", {"Accept-Language": "en-GB,en;q=0.9"}, "en", "Check my browser"),
        ("/check?lang=en", {"Accept-Language": "uk"}, "en", "Check my browser"),
        ("/check?lang=uk", {"Accept-Language": "en"}, "uk", "Перевірити браузер"),
        ("/check", {"Accept-Language": "de"}, "uk", "Перевірити браузер"),
    ],
)
def test_check_page_language(
    client: FlaskClient, url: str, headers: dict[str, str], lang: str, heading: str
) -> None:
    html = client.get(url, headers=headers).get_data(as_text=True)
    assert f'<html lang="{lang}">' in html
    assert f"<h1>{heading}</h1>" in html
    assert 'hreflang="uk"' in html and 'hreflang="en"' in html  # the visible switch
    assert 'src="/probe.js"></script>' in html
    assert "<noscript>" in html


def test_probe_is_served_as_javascript(client: FlaskClient) -> None:
    response = client.get("/probe.js")
    assert response.mimetype == "text/javascript"
    assert b"window.BrowserCheck" in response.data


def test_report_page_language_switch_keeps_the_token(client: FlaskClient) -> None:
    body = client.post("/api/v1/reports", json={"lang": "uk"}).get_json()
    html = client.get(body["view_url"] + "&lang=en").get_data(as_text=True)
    token = body["view_url"].split("?t=")[1]
    assert f"t={token}" in html.split('hreflang="uk"')[0].rsplit("<a", 1)[1]
    assert "Browser report" in html


def test_noscript_form_makes_a_report_from_headers(client: FlaskClient) -> None:
    response = client.post(
        "/check/noscript?lang=en",
        headers={
            "User-Agent": "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
        },
    )
    assert response.status_code == 303
    page = client.get(response.headers["Location"])
    assert "Firefox 128.0" in page.get_data(as_text=True)
