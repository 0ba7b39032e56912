"""Hostile strings from every input channel show escaped on the report page: no tag, no handler.

Each channel is a way a stranger's text reaches a stored report (the User-Agent header, client
hints in headers and in the payload, payload values, the user's context). The page is parsed and
must hold only the markup our templates write.
"""

from __future__ import annotations

from html import unescape
from html.parser import HTMLParser
from typing import Any

import pytest
from flask.testing import FlaskClient

MARK = "<img src=x onerror='alert(1)'><svg onload=alert(2)><script>alert(3)</script>"
ANDROID = (
    "Mozilla/5.0 (Linux; Android 13; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36"
)
# (id, request headers, payload): each puts MARK into the report through one channel.
CHANNELS: list[tuple[str, dict[str, str], dict[str, Any]]] = [
    ("user-agent-header", {"User-Agent": "Mozilla/5.0 " + MARK}, {}),
    (
        "brand-version-header",
        {"User-Agent": ANDROID, "Sec-CH-UA": f'"Microsoft Edge";v="{MARK}"'},
        {},
    ),
    ("model-header", {"User-Agent": ANDROID, "Sec-CH-UA-Model": f'"{MARK}"'}, {}),
    (
        "brand-version-probe",
        {"User-Agent": ANDROID},
        {"userAgentData": {"brands": [{"brand": "Microsoft Edge", "version": MARK}]}},
    ),
    ("model-probe", {"User-Agent": ANDROID}, {"userAgentData": {"model": MARK}}),
    (
        "platform-version-probe",
        {"User-Agent": ANDROID},
        {"userAgentData": {"platform": "Android", "platformVersion": MARK}},
    ),
    ("user-agent-probe", {"User-Agent": ""}, {"userAgent": "Mozilla/5.0 " + MARK}),
    ("languages", {}, {"languages": [MARK]}),
    ("time-zone", {}, {"timeZone": MARK}),
    (
        "context",
        {},
        {
            "context": {
                key: MARK
                for key in (
                    "service",
                    "page",
                    "action",
                    "error_text",
                    "login",
                    "account",
                    "company",
                    "meter",
                    "app_version",
                )
            }
        },
    ),
]
OUR_TAGS = {
    "html",
    "head",
    "meta",
    "title",
    "link",
    "body",
    "header",
    "a",
    "nav",
    "main",
    "h1",
    "h2",
    "h3",
    "section",
    "span",
    "p",
    "strong",
    "ul",
    "li",
    "dl",
    "dt",
    "dd",
    "br",
    "details",
    "summary",
    "code",
    "pre",
    "small",
    "div",
    "label",
    "textarea",
    # the report page's copy button, downloads and "tell support more" form (issue 21a)
    "button",
    "form",
    "input",
    "ol",
    "script",
}


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


#: Channels where detection accepts only a version number: markup there is dropped, not shown.
VERSION_ONLY = {"brand-version-header", "brand-version-probe", "platform-version-probe"}


@pytest.mark.parametrize("lang", ["uk", "en"])
@pytest.mark.parametrize("channel,headers,payload", CHANNELS, ids=[c[0] for c in CHANNELS])
def test_report_page_escapes_every_channel(
    client: FlaskClient, channel: str, headers: dict[str, str], payload: dict[str, Any], lang: str
) -> None:
    created = client.post("/api/v1/reports", json={"lang": lang, **payload}, headers=headers)
    assert created.status_code == 201, created.get_json()
    html = client.get(created.get_json()["view_url"]).get_data(as_text=True)
    assert MARK not in html
    parser = Tags()
    parser.feed(html)
    for tag, attributes in parser.tags:
        if tag == "script":  # only our own static files, with the page's nonce (keys.js)
            values = dict(attributes)
            assert (values.get("src") or "").startswith("/static/") and values.get("nonce"), values
            continue
        assert tag in OUR_TAGS, tag
        assert not [name for name, _ in attributes if name.startswith("on")], (tag, attributes)
        for name, value in attributes:
            assert not (value or "").strip().lower().startswith("javascript:"), (tag, name)
    if channel in VERSION_ONLY:
        assert MARK not in unescape(html)  # not a version: dropped by detection
    else:
        assert MARK in unescape(html)  # shown, as text
