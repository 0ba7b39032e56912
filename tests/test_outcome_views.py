"""The outcome as the headline of every view, and no dead ends: the 201 answer, /r/ (its
downloads and form without scripts), the text report, the mailto's length, the desk, CSV."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

import pytest
from flask.testing import FlaskClient

from diagnostics.models import Finding, Text
from matrix.policy import Verdict
from reports.model import Report
from webapp.services import MAILTO_MAX_CHARS, email_parts

CHROME_WIN = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)
CHROME_90_WIN7 = (
    "Mozilla/5.0 (Windows NT 6.1; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/90.0.4430.93 Safari/537.36"
)
HEALTHY: dict[str, Any] = {
    "cookieEnabled": True,
    "storage": {"localStorage": True, "sessionStorage": True, "cookies": True, "indexedDB": True},
    "online": True,
    "build": {"page": "abc", "current": "abc"},
    "network": {"effectiveType": "4g", "rtt": 50},
}
#: Everything that can go wrong at once, from the browser and from the user's fields.
WORST: dict[str, Any] = {
    "cookieEnabled": False,
    "storage": {
        "localStorage": False,
        "sessionStorage": False,
        "cookies": False,
        "indexedDB": False,
    },
    "online": False,
    "build": {"page": "old-build", "current": "new-build"},
    "serviceWorker": {"supported": True, "controlled": True, "waiting": True},
    "network": {"effectiveType": "slow-2g", "rtt": 3000},
    "errors": [{"kind": "error", "message": "ї" * 300, "source": "https://portal.example/app.js"}]
    * 20,
    "context": {
        "service": "Особистий кабінет газопостачання " * 5,
        "page": "Сторінка " * 200,
        "action": "Дія " * 400,
        "error_text": "Помилка " * 240,
        "login": "користувач@приклад.укр",
        "account": "1234567890",
        "company": "Оператор ГРМ",
        "meter": "GM-0042",
        "app_version": "5.1.2",
    },
}


def create(client: FlaskClient, ua: str, lang: str = "uk", **payload: Any) -> dict[str, Any]:
    response = client.post(
        "/api/v1/reports?include=text,email,report",
        json={"lang": lang, **payload},
        headers={"User-Agent": ua},
    )
    assert response.status_code == 201, response.get_json()
    body: dict[str, Any] = response.get_json()
    return body


def test_cookies_blocked_on_a_supported_browser_reads_will_not_work_first(
    client: FlaskClient,
) -> None:
    body = create(client, CHROME_WIN, "en", **{**HEALTHY, "cookieEnabled": False})
    assert body["verdict"]["status"] == "supported"  # the policy's status, unchanged
    assert body["outcome"] == body["report"]["outcome"] == "will_not_work"
    assert [f["id"] for f in body["blocking"]] == ["cookies_disabled"]
    assert body["display"]["outcome"] == "Will not work"
    assert "should work fully" not in body["display"]["headline"]
    first = body["text"].split("\n\n")[1]  # after the code and the date: the outcome
    assert first.startswith("Result: Will not work.") and "Cookies are disabled" in first
    page = client.get(body["view_url"] + "&lang=en").get_data(as_text=True)
    assert page.index('data-testid="outcome"') < page.index('data-testid="verdict"')
    assert "should work fully" not in page


def test_a_healthy_supported_browser_should_work_fully(client: FlaskClient) -> None:
    body = create(client, CHROME_WIN, "en", **HEALTHY)
    assert body["outcome"] == "works" and body["blocking"] == []
    assert body["display"]["headline"] == "The cabinet should work fully."


def test_unsupported_shows_its_reason_and_download_link_on_the_check_page(
    client: FlaskClient,
) -> None:
    body = create(client, CHROME_90_WIN7, "uk", **HEALTHY)
    assert body["outcome"] == "will_not_work"
    first = body["blocking"][0]
    assert (
        "109" in first["title"]["uk"] and "https://www.google.com/chrome/" in first["remedy"]["uk"]
    )
    assert "Проблем не виявлено" not in body["text"]  # not under "will not work"
    page = client.get(body["view_url"]).get_data(as_text=True)
    assert '<a href="https://www.google.com/chrome/" rel="noopener">' in page


def test_the_answer_again_in_another_language_is_the_same_report(client: FlaskClient) -> None:
    body = create(client, CHROME_WIN, "uk", **HEALTHY)
    again = client.get(body["answer_url"] + "&lang=en")
    assert again.status_code == 200 and again.headers["Cache-Control"] == "no-store"
    data = again.get_json()
    assert data["code"] == body["code"] and data["display"]["outcome"] == "Should work"
    assert client.get(body["answer_url"].split("?")[0] + "?t=wrong").status_code == 404


def test_mailto_of_the_longest_realistic_report_stays_under_2000(client: FlaskClient) -> None:
    body = create(client, CHROME_90_WIN7, "uk", **WORST)
    assert len(body["findings"]) >= 6 and body["outcome"] == "will_not_work"
    for mailto in (
        body["email"]["mailto"],
        client.post(body["context_url"], json=WORST["context"]).get_json()["email"]["mailto"],
        re.search(
            r'id="email"[^>]*href="([^"]+)"', client.get(body["view_url"]).get_data(as_text=True)
        )[1],  # type: ignore[index]
    ):
        assert len(mailto) < 2000, len(mailto)
        text = unquote(mailto.replace("&amp;", "&"))
        assert body["code"] in text and "Не працюватиме" in text and "/r/" in text
        assert "Помилка Помилка" not in text  # what the user typed stays in the report
    # the user already said what does not work: the e-mail does not ask again
    assert "Що саме не працює?" not in unquote(
        client.post(body["context_url"], json=WORST["context"]).get_json()["email"]["body"]
    )


def test_mailto_budget_holds_for_any_findings(app: Any) -> None:
    long = Text("Дуже довга назва проблеми " * 20, "A very long finding title " * 20)
    findings = tuple(Finding(f"e{i}", "error", long, long) for i in range(30))
    report = Report(
        "ABCDEFGH",
        __import__("datetime").datetime(2026, 12, 1),
        "uk",
        "web",
        __import__("diagnostics.models", fromlist=["Environment"]).Environment(),
        findings,
        Verdict("supported", "browser:Chrome"),
    )
    with app.test_request_context():
        parts = email_parts(report, "uk", "t" * 32)
    assert len(parts["mailto"]) <= MAILTO_MAX_CHARS
    assert "ABCD-EFGH" in parts["body"] and "t" * 32 in parts["body"]


def test_report_page_offers_copy_downloads_form_and_the_address_without_scripts(
    client: FlaskClient,
) -> None:
    body = create(client, CHROME_WIN, "en", **HEALTHY)
    page = client.get(body["view_url"] + "&lang=en").get_data(as_text=True)
    assert 'id="copy"' in page and "support@example.com</strong>" in page
    token = body["view_url"].split("t=")[1]
    for kind, needle in (("txt", "Browser report: "), ("json", '"outcome": "works"')):
        href = f"/r/{body['code']}/download/{kind}?t={token}"
        assert href.replace("&", "&amp;") in page or href in page.replace("&amp;", "&")
        got = client.get(href)
        assert got.status_code == 200 and needle in got.get_data(as_text=True)
        assert got.headers["Content-Disposition"].startswith("attachment;")
        assert client.get(f"/r/{body['code']}/download/{kind}?t=wrong").status_code == 404
    assert client.get(f"/r/{body['code']}/download/exe?t={token}").status_code == 404
    # "Tell support more" as a plain form: saved, shown, and the page says so
    saved = client.post(
        f"/r/{body['code']}/context?t={token}&lang=en",
        data={"service": "Cabinet", "error_text": "Error 500", "login": ""},
    )
    assert saved.status_code == 303
    after = client.get(saved.headers["Location"]).get_data(as_text=True)
    assert "Added to the report." in after and "Error 500" in after
    bad = client.post(f"/r/{body['code']}/context?t={token}&lang=en", data={"login": "x" * 300})
    assert bad.status_code == 400 and "Could not save" in bad.get_data(as_text=True)
    assert client.post(f"/r/{body['code']}/context?t=wrong", data={}).status_code == 404


def test_noscript_report_page_has_a_way_to_support(client: FlaskClient) -> None:
    answer = client.post("/check/noscript?lang=uk", headers={"User-Agent": CHROME_WIN})
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "Не працюватиме" in page  # JavaScript off: the cabinet will not work
    assert 'data-testid="support-address"' in page and 'data-testid="context-form"' in page
    assert 'href="mailto:' in page


@pytest.mark.parametrize("lang", ["uk", "en"])
def test_desk_lists_filters_counts_and_exports_by_outcome(
    desk: FlaskClient, client: FlaskClient, lang: str
) -> None:
    good = create(client, CHROME_WIN, lang, **HEALTHY)
    bad = create(client, CHROME_WIN, lang, **{**HEALTHY, "cookieEnabled": False})
    listed = desk.get(f"/support/reports?outcome=will_not_work&lang={lang}").get_data(as_text=True)
    assert bad["code"] in listed and good["code"] not in listed
    assert ("Не працюватиме" if lang == "uk" else "Will not work") in listed
    assert desk.get("/support/reports?outcome=nonsense").status_code == 200  # said, then ignored
    stats = desk.get(f"/support/stats?lang={lang}").get_data(as_text=True)
    assert 'data-testid="table-outcomes"' in stats
    assert desk.get(f"/support/stats/outcomes.svg?lang={lang}").status_code == 200
    csv = desk.get("/support/export.csv").get_data(as_text=True).splitlines()
    header = csv[0].split(",")
    rows = {line.split(",")[0]: line.split(",") for line in csv[1:]}
    assert rows[bad["code"]][header.index("outcome")] == "will_not_work"
    assert rows[good["code"]][header.index("outcome")] == "works"
    assert rows[good["code"]][header.index("status")] == "supported"


def test_report_json_round_trips_with_its_outcome(client: FlaskClient) -> None:
    body = create(client, CHROME_WIN, "en", **{**HEALTHY, "online": False})
    document = client.get(body["view_url"].replace("/r/", "/api/v1/reports/")).get_json()
    report = Report.from_dict(document)
    assert report.outcome == document["outcome"] == "works_with_problems"
    assert report.display_code == body["code"]
