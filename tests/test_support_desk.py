"""The support desk's views: lookup by code, the report page, the filtered list, statistics with
SVG charts, and the CSV/Parquet exports."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta
from xml.etree import ElementTree

import pyarrow.parquet as pq
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import update

from tests.conftest import CHROME_WIN
from webapp.storage.desk import SupportStore
from webapp.storage.tables import ReportRow

FIREFOX_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)
IE11 = "Mozilla/5.0 (Windows NT 10.0; WOW64; Trident/7.0; rv:11.0) like Gecko"
BROWSER_ID = "bid_AAAAAAAAAAAAAAAAAAAA"


def post_report(client: FlaskClient, ua: str = CHROME_WIN, **payload: object) -> dict:  # type: ignore[type-arg]
    response = client.post("/api/v1/reports", json=payload, headers={"User-Agent": ua})
    assert response.status_code == 201, response.get_json()
    body: dict = response.get_json()  # type: ignore[type-arg]
    return body


def set_code(app: Flask, display_code: str, new_code: str) -> None:
    with app.extensions["browsercheck.store"].session() as session:
        session.execute(
            update(ReportRow)
            .where(ReportRow.code == display_code.replace("-", ""))
            .values(code=new_code)
        )
        session.commit()


def set_created(app: Flask, display_code: str, when: datetime) -> None:
    with app.extensions["browsercheck.store"].session() as session:
        session.execute(
            update(ReportRow)
            .where(ReportRow.code == display_code.replace("-", ""))
            .values(created_at=when)
        )
        session.commit()


@pytest.mark.parametrize(
    "typed",
    ["0AB1-CD1E", "0ab1cd1e", "OAB1-CD1E", "0ABI-CDLE", "oabl cdie", " 0AB1-CD1E "],
    ids=["canonical", "lower-undashed", "O-for-0", "I-and-L-for-1", "lower-space-mixed", "padded"],
)
def test_report_lookup_tolerates_how_people_type_codes(
    app: Flask, desk: FlaskClient, typed: str
) -> None:
    set_code(app, post_report(desk)["code"], "0AB1CD1E")
    direct = desk.get(f"/support/reports/{typed.strip()}", follow_redirects=True)
    assert direct.status_code == 200
    assert "0AB1-CD1E" in direct.get_data(as_text=True)
    searched = desk.get("/support/reports", query_string={"q": typed})
    assert searched.status_code == 302
    assert searched.headers["Location"].startswith("/support/reports/0AB1-CD1E")


@pytest.mark.parametrize(
    "typed,status,message",
    [("ZZZZ-ZZZZ", 404, "There is no report with code"), ("hello", 404, "does not look like")],
    ids=["unknown-code", "not-a-code"],
)
def test_unknown_codes_say_so(desk: FlaskClient, typed: str, status: int, message: str) -> None:
    page = desk.get(f"/support/reports/{typed}?lang=en")
    assert page.status_code == status and message in page.get_data(as_text=True)
    listed = desk.get("/support/reports", query_string={"q": typed, "lang": "en"})
    assert listed.status_code == 200 and message in listed.get_data(as_text=True)


def test_report_page_shows_context_environment_findings_raw_and_same_browser(
    desk: FlaskClient,
) -> None:
    first = post_report(desk, browser_id=BROWSER_ID)
    second = post_report(
        desk,
        browser_id=BROWSER_ID,
        cookieEnabled=False,
        context={"service": "Особистий кабінет", "error_text": "Помилка 500", "meter": "12345"},
        userAgentData={
            "brands": [{"brand": "Chromium", "version": "131"}],
            "mobile": False,
            "platform": "Windows",
        },
    )
    other = post_report(desk, browser_id="another_browser_id_0000")
    page = desk.get(f"/support/reports/{second['code']}?lang=uk")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Особистий кабінет" in html and "Помилка 500" in html and "12345" in html
    assert "Номер лічильника газу" in html  # context labels in the agent's language
    assert 'data-finding="cookies_disabled"' in html  # findings
    assert "Не підтримується" in html or "Підтримується" in html  # verdict
    assert "заголовок User-Agent" in html  # each environment value with its source
    assert re.search(r"<details data-testid=\"raw-payload\"><summary>", html)  # collapsed
    assert (
        "&#34;cookieEnabled&#34;: false" in html
        or "&quot;cookieEnabled&quot;: false" in html
        or '"cookieEnabled": false' in html
    )
    same = html.split('data-testid="same-browser"')[1]
    assert first["code"] in same and other["code"] not in same


def test_report_page_without_browser_id_says_there_are_no_others(desk: FlaskClient) -> None:
    code = post_report(desk)["code"]
    html = desk.get(f"/support/reports/{code}?lang=en").get_data(as_text=True)
    assert "No other reports from this browser." in html


@pytest.fixture
def varied(app: Flask, desk: FlaskClient) -> dict[str, str]:
    """Four reports: Chrome/Windows today, Firefox/Linux with cookies off, an iPhone 10 days
    ago with Cyrillic context, IE 11 (unsupported) 40 days ago."""
    codes = {
        "chrome": post_report(desk, CHROME_WIN)["code"],
        "firefox": post_report(desk, FIREFOX_LINUX, cookieEnabled=False)["code"],
        "iphone": post_report(
            desk, IPHONE, context={"error_text": "Кнопка НЕ ПРАЦЮЄ", "login": "user@example.com"}
        )["code"],
        "ie": post_report(desk, IE11, context={"service": "App 100% broken_"})["code"],
    }
    now = datetime.now(UTC)
    set_created(app, codes["iphone"], now - timedelta(days=10))
    set_created(app, codes["ie"], now - timedelta(days=40))
    # Moving reports in time happened behind the roll-up's back: recount it.
    SupportStore(app.extensions["browsercheck.store"]).rebuild_rollup()
    return codes


def _listed(desk: FlaskClient, **query: str) -> set[str]:
    html = desk.get("/support/reports", query_string=query).get_data(as_text=True)
    return set(re.findall(r'class="code-link" href="[^"]+">([0-9A-Z]{4}-[0-9A-Z]{4})<', html))


@pytest.mark.parametrize(
    "query,expected",
    [
        ({}, {"chrome", "firefox", "iphone", "ie"}),
        ({"status": "unsupported"}, {"ie"}),
        ({"browser": "firefox"}, {"firefox"}),
        ({"os": "iOS"}, {"iphone"}),
        ({"device": "mobile"}, {"iphone"}),
        ({"finding": "cookies_disabled"}, {"firefox"}),
        ({"from": "{d15}"}, {"chrome", "firefox", "iphone"}),
        ({"to": "{d15}"}, {"ie"}),
        ({"from": "{d15}", "to": "{d5}"}, {"iphone"}),
        ({"text": "кнопка не"}, {"iphone"}),
        ({"text": "100%"}, {"ie"}),
        ({"text": "_"}, {"ie"}),
        ({"text": "nothing like it"}, set()),
        ({"status": "supported", "device": "desktop"}, {"chrome", "firefox"}),
    ],
    ids=[
        "all",
        "verdict",
        "browser-any-case",
        "os",
        "device",
        "finding",
        "from",
        "to",
        "range",
        "text-cyrillic-any-case",
        "text-percent-literal",
        "text-underscore-literal",
        "text-none",
        "combined",
    ],
)
def test_list_filters(
    desk: FlaskClient, varied: dict[str, str], query: dict[str, str], expected: set[str]
) -> None:
    today = datetime.now(UTC).date()
    days = {"{d15}": str(today - timedelta(days=15)), "{d5}": str(today - timedelta(days=5))}
    query = {k: days.get(v, v) for k, v in query.items()}
    assert _listed(desk, **query) == {varied[name] for name in expected}


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ({"status": "great"}, "Verdict"),
        ({"from": "yesterday"}, "From date"),
        ({"finding": "<script>"}, "Finding"),
        ({"device": "fridge"}, "Device"),
        ({"state": "maybe"}, "State"),
    ],
    ids=["status", "date", "finding", "device", "state"],
)
def test_bad_filters_are_named_and_ignored(
    desk: FlaskClient, varied: dict[str, str], query: dict[str, str], named: str
) -> None:
    page = desk.get("/support/reports", query_string={**query, "lang": "en"})
    assert page.status_code == 200
    # named as the form labels the field, not by its query argument
    assert f"Bad value of the filter “{named}”" in page.get_data(as_text=True)
    assert _listed(desk, **query) == set(varied.values())


def test_list_pages(
    tmp_path: object, app: Flask, desk: FlaskClient, varied: dict[str, str]
) -> None:
    app.config["SUPPORT_PAGE_SIZE"] = 3
    first = _listed(desk)
    second = _listed(desk, page="2")
    assert len(first) == 3 and len(second) == 1 and not first & second
    assert varied["ie"] in second  # newest first: the oldest is last
    html = desk.get("/support/reports?page=1").get_data(as_text=True)
    assert 'rel="next"' in html and 'rel="prev"' not in html


def test_stats_page_tables_and_accessible_svg_charts(
    desk: FlaskClient, varied: dict[str, str]
) -> None:
    page = desk.get("/support/stats?days=30&lang=en")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert re.search(r"Reports in total: <strong>3</strong>", html)  # IE is 40 days old
    assert "Firefox" in html and "Cookies blocked" in html and "cookies_disabled" not in html
    all_time = desk.get("/support/stats?days=365&lang=en").get_data(as_text=True)
    assert "Reports in total: <strong>4</strong>" in all_time
    for name in ("browsers", "os", "verdicts", "findings", "unsupported"):
        chart = desk.get(f"/support/stats/{name}.svg?days=365&lang=en")
        assert chart.status_code == 200 and chart.mimetype == "image/svg+xml"
        assert chart.headers["X-Content-Type-Options"] == "nosniff"
        root = ElementTree.fromstring(chart.data)
        ns = "{http://www.w3.org/2000/svg}"
        assert root.get("role") == "img"
        assert root.find(f"{ns}title") is not None and root.find(f"{ns}desc") is not None
        assert b"<script" not in chart.data
    desc = ElementTree.fromstring(desk.get("/support/stats/browsers.svg?days=365").data).find(
        "{http://www.w3.org/2000/svg}desc"
    )
    assert desc is not None and "Firefox: 25,0\u00a0% (1)" in (desc.text or "")  # uk: the default
    assert desk.get("/support/stats/nope.svg").status_code == 404


def test_rollup_matches_the_reports_table(
    app: Flask, desk: FlaskClient, varied: dict[str, str]
) -> None:
    support = SupportStore(app.extensions["browsercheck.store"])
    frame = support.stats_frame(None)
    assert frame["n"].sum() == 4
    before = frame.sort_values(list(frame.columns)).reset_index(drop=True)
    post_report(desk, IE11)
    after = support.stats_frame(None)
    assert after["n"].sum() == 5
    support.rebuild_rollup()
    rebuilt = support.stats_frame(None)
    assert (
        rebuilt.sort_values(list(rebuilt.columns))
        .reset_index(drop=True)
        .equals(after.sort_values(list(after.columns)).reset_index(drop=True))
    )
    assert len(before) <= len(after)


def _csv_rows(text: str) -> list[dict[str, str]]:
    import csv

    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


def test_csv_export_with_and_without_personal_fields(
    desk: FlaskClient, varied: dict[str, str]
) -> None:
    full = desk.get("/support/export.csv")
    assert full.mimetype == "text/csv" and "attachment" in full.headers["Content-Disposition"]
    rows = _csv_rows(full.get_data(as_text=True))
    assert {r["code"] for r in rows} == set(varied.values())
    iphone = next(r for r in rows if r["code"] == varied["iphone"])
    assert iphone["ctx_login"] == "user@example.com" and iphone["ctx_error_text"]
    safe = _csv_rows(desk.get("/support/export.csv?no_personal=1").get_data(as_text=True))
    assert len(safe) == 4
    for column in ("ctx_login", "ctx_account", "ctx_meter", "ctx_error_text", "browser_id"):
        assert column not in safe[0]
    assert "ctx_service" in safe[0]
    filtered = _csv_rows(desk.get("/support/export.csv?status=unsupported").get_data(as_text=True))
    assert [r["code"] for r in filtered] == [varied["ie"]]


def test_csv_export_defuses_spreadsheet_formulas(desk: FlaskClient) -> None:
    post_report(desk, context={"error_text": '=HYPERLINK("http://x")', "service": "+1"})
    row = _csv_rows(desk.get("/support/export.csv").get_data(as_text=True))[0]
    assert row["ctx_error_text"] == '\'=HYPERLINK("http://x")' and row["ctx_service"] == "'+1"


def test_parquet_export(desk: FlaskClient, varied: dict[str, str]) -> None:
    response = desk.get("/support/export.parquet?no_personal=1")
    assert response.status_code == 200
    table = pq.read_table(io.BytesIO(response.data))
    assert table.num_rows == 4
    assert "ctx_login" not in table.column_names and "browser_family" in table.column_names
    assert str(table.schema.field("created_at").type) == "timestamp[us, tz=UTC]"
    full = pq.read_table(io.BytesIO(desk.get("/support/export.parquet").data))
    assert "user@example.com" in full.column("ctx_login").to_pylist()


def test_hostile_strings_show_literally_in_the_desk(desk: FlaskClient) -> None:
    hostile = '<script>alert(1)</script><img src=x onerror="alert(2)">'
    code = desk.post(
        "/api/v1/reports",
        headers={"User-Agent": "Mozilla/5.0 " + hostile},
        json={"context": {"error_text": hostile, "page": '"><svg onload=alert(3)>'}},
    ).get_json()["code"]
    for url in (
        "/support/reports",
        f"/support/reports/{code}",
        "/support/reports?text=" + "%3Cscript",
    ):
        html = desk.get(url).get_data(as_text=True)
        assert "<script>alert(1)" not in html and "<img src=x" not in html
        assert "<svg onload" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
