"""Words for people and the desk for 50 e-mails a day (issue 21): no internal id in a rendered
desk page, error pages in the user's language, the compact list with its handled state, the
report page's probe fields, Cyrillic look-alikes in the code search, date-range mistakes said,
CSV and CLI output for people."""

from __future__ import annotations

import ast
import csv
import io
import re
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from reports.i18n import LABELS, format_number
from tests.conftest import CHROME_WIN, CommandRunner, csrf_token
from tests.test_support_desk import IE11, post_report, set_code, set_created
from webapp.storage.desk import SupportStore

ROOT = Path(__file__).resolve().parent.parent
PAGE_ERROR = "TypeError: Cannot read properties of undefined (reading 'submit')"


def finding_ids_in_code() -> set[str]:
    """Every finding id diagnostics/ can emit: the first argument of each Finding(...)."""
    ids = set()
    for path in (ROOT / "diagnostics").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", None) == "Finding"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                ids.add(node.args[0].value)
    return ids


#: What must never reach an agent's eyes as text: ids of findings, reasons, verdicts,
#: devices and sources, and the parser's "Other".
RAW_IDS = (
    finding_ids_in_code()
    | {"outdated_browser", "outdated_os", "unknown_browser"}
    | {"supported", "unsupported", "limited", "noscript", "web", "desktop", "mobile", "Other", "uk"}
)


def test_every_finding_id_has_a_label_in_both_languages() -> None:
    ids = finding_ids_in_code()
    assert len(ids) >= 10  # the AST walk finds them
    for finding_id in ids | {"outdated_browser", "outdated_os", "unknown_browser"}:
        text = LABELS[f"finding_{finding_id}"]
        assert text.uk and text.en and finding_id not in (text.uk, text.en)


class _VisibleText(HTMLParser):
    """The text a person reads: no attributes, no scripts, not the collapsed raw payload or
    the request headers (they are the browser's own words, shown as sent)."""

    SKIPPED = ("script", "style", "pre", "code", "title")

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIPPED:
            self.skipping += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIPPED and self.skipping:
            self.skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    return " ".join(parser.parts)


@pytest.fixture
def troubled(app: Flask, desk: FlaskClient) -> dict[str, str]:
    """Reports with every kind of trouble: cookies and storage off, offline, a stale build and
    a waiting service worker, a slow network, page errors, an outdated browser, no JavaScript."""
    codes = {
        "cookies": post_report(
            desk,
            CHROME_WIN,
            cookieEnabled=False,
            online=False,
            storage={"cookies": False, "localStorage": False},
        )["code"],
        "stale": post_report(
            desk,
            CHROME_WIN,
            build={"page": "old1", "current": "new2"},
            serviceWorker={"supported": True, "controlled": True, "waiting": True},
            network={"effectiveType": "2g", "rtt": 1800, "requestRttMs": 1234.5},
            errors=[
                {"kind": "error", "message": PAGE_ERROR, "source": "/static/app.js", "line": 3}
            ],
        )["code"],
        "ie": post_report(desk, IE11)["code"],
    }
    desk.post("/check/noscript", headers={"User-Agent": CHROME_WIN})
    return codes


def desk_pages(desk: FlaskClient, codes: dict[str, str]) -> dict[str, str]:
    pages = {
        "list": "/support/reports?lang=uk",
        "list-filtered": "/support/reports?lang=uk&finding=cookies_disabled",
        "stats": "/support/stats?lang=uk&days=7",
        **{f"report-{name}": f"/support/reports/{code}?lang=uk" for name, code in codes.items()},
    }
    out = {}
    for name, url in pages.items():
        response = desk.get(url)
        assert response.status_code == 200, url
        out[name] = response.get_data(as_text=True)
    return out


def test_no_raw_id_in_rendered_desk_pages(desk: FlaskClient, troubled: dict[str, str]) -> None:
    listed = desk.get("/support/reports").get_data(as_text=True)
    assert listed.count('class="code-link"') == 4  # the noscript report too
    for name, html in desk_pages(desk, troubled).items():
        text = visible_text(html)
        found = {raw for raw in RAW_IDS if re.search(rf"(?<![\w-]){re.escape(raw)}(?![\w-])", text)}
        assert not found, f"{name} shows {found}"
    # the words that stand for them are there instead
    stats = visible_text(desk.get("/support/stats?lang=uk").get_data(as_text=True))
    assert "Файли cookie вимкнено" in stats and "Застарілий браузер" in stats  # reasons counted too
    options = desk.get("/support/reports?lang=uk").get_data(as_text=True)
    assert '<option value="cookies_disabled">Файли cookie вимкнено</option>' in options


def test_report_page_shows_the_page_and_its_cache_as_fields(
    desk: FlaskClient, troubled: dict[str, str]
) -> None:
    html = desk.get(f"/support/reports/{troubled['stale']}?lang=uk").get_data(as_text=True)
    errors = re.search(r'<ol class="page-errors" data-testid="page-errors">(.*?)</ol>', html, re.S)
    assert errors and "Cannot read properties of undefined" in errors.group(1)
    assert "/static/app.js:3" in errors.group(1)
    fields = re.search(r'data-testid="probe-fields">(.*?)</dl>', html, re.S)
    assert fields, "no probe fields"
    text = visible_text(fields.group(1))
    for words in (
        "old1 / new2",
        "різняться",
        "новіша версія чекає",
        "1\u00a0800 мс",
        "1\u00a0234 мс",
        "2g",
    ):
        assert words in text, words
    assert "Помилок на сторінці не було." in desk.get(
        f"/support/reports/{troubled['ie']}?lang=uk"
    ).get_data(as_text=True)
    meta = desk.get(f"/support/reports/{troubled['ie']}?lang=en").get_data(as_text=True)
    assert 'data-testid="sent-from">check page<' in meta
    assert 'data-testid="report-language">' in meta and "(Europe/Kyiv)" in meta


def _toggle(desk: FlaskClient, code: str, handled: bool, back: str = "") -> str:
    token = csrf_token(desk, "/support/reports")
    response = desk.post(
        f"/support/reports/{code}/handled",
        data={"csrf_token": token, "handled": "1" if handled else "0", "next": back},
    )
    assert response.status_code == 302
    return response.headers["Location"]


def test_compact_list_one_line_per_report_with_handled_state(
    app: Flask, desk: FlaskClient, troubled: dict[str, str]
) -> None:
    html = desk.get("/support/reports?lang=uk").get_data(as_text=True)
    row = re.search(
        rf'<tr data-status="[a-z]+" data-outcome="[a-z_]+" data-handled="no">\s*<td><a class="code-link"[^>]+>{troubled["stale"]}</a>.*?</tr>',
        html,
        re.S,
    )
    assert row, "no row"
    cells = row.group(0)
    assert "Застаріла версія сторінки" in cells  # top finding: the first error, in words
    assert "Chrome · Windows · комп" in cells
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d<", cells)  # a time, in the heading's zone
    assert "Час (Europe/Kyiv)" in html
    # marked handled from the list, back to the same filtered list
    back = "/support/reports?lang=uk&status=supported"
    assert _toggle(desk, troubled["stale"], True, back).endswith(back)
    handled = desk.get("/support/reports?lang=uk&state=handled").get_data(as_text=True)
    assert re.findall(r'class="code-link" href="[^"]+">([0-9A-Z-]{9})<', handled) == [
        troubled["stale"]
    ]
    unhandled = desk.get("/support/reports?state=unhandled").get_data(as_text=True)
    assert troubled["stale"] not in unhandled and troubled["ie"] in unhandled
    page = desk.get(f"/support/reports/{troubled['stale']}?lang=uk").get_data(as_text=True)
    assert "Опрацьовано: agent@example.com" in page
    # never an open redirect: another site falls back to the report itself
    assert _toggle(desk, troubled["stale"], False, "https://evil.example/").endswith(
        f"/support/reports/{troubled['stale']}?lang=uk"
    ) or "/support/reports/" in _toggle(desk, troubled["stale"], False, "//evil.example/")
    assert SupportStore(app.extensions["browsercheck.store"]).handled(
        troubled["stale"].replace("-", "")
    ) == (None, None)


def test_screenshot_marker_in_the_list(app: Flask, desk: FlaskClient) -> None:
    from tests.test_user_context import image_bytes

    body = post_report(desk, CHROME_WIN)
    upload = desk.post(
        body["screenshot_url"], data={"screenshot": (io.BytesIO(image_bytes("PNG")), "s.png")}
    )
    assert upload.status_code == 200
    post_report(desk, CHROME_WIN)
    html = desk.get("/support/reports").get_data(as_text=True)
    assert html.count('data-testid="screenshot-marker"') == 1


@pytest.mark.parametrize(
    "typed", ["ВСМК-2345", "вcмк2345", "BCMK-2345"], ids=["cyrillic", "mixed-lower", "latin"]
)
def test_code_search_reads_cyrillic_look_alikes(app: Flask, desk: FlaskClient, typed: str) -> None:
    set_code(app, post_report(desk)["code"], "BCMK2345")
    found = desk.get("/support/reports", query_string={"q": typed})
    assert found.status_code == 302 and found.headers["Location"].startswith(
        "/support/reports/BCMK-2345"
    )


def test_a_missed_search_keeps_what_was_typed(desk: FlaskClient) -> None:
    html = desk.get("/support/reports", query_string={"q": "ZZZZ-ZZZZ"}).get_data(as_text=True)
    assert 'value="ZZZZ-ZZZZ" data-testid="code-search"' in html


def test_from_after_to_is_said_and_swapped(app: Flask, desk: FlaskClient) -> None:
    code = post_report(desk)["code"]
    set_created(app, code, datetime.now(UTC) - timedelta(days=3))
    today = datetime.now(UTC).date()
    start, end = today, today - timedelta(days=5)
    html = desk.get(
        "/support/reports", query_string={"from": str(start), "to": str(end), "lang": "en"}
    ).get_data(as_text=True)
    assert f"showing reports from {end} to {start}" in html
    assert code in html


@pytest.mark.parametrize(
    "url,lang,words",
    [
        ("/nope", "uk", "Сторінку не знайдено."),
        ("/nope?lang=en", "en", "Page not found."),
        ("/r/ABCD-2345?t=wrong", "uk", "Сторінку не знайдено."),
        ("/r/not-a-code", "uk", "Сторінку не знайдено."),
        ("/support/reports/ABCD-2345/screenshot", "uk", None),
    ],
    ids=["unknown-path", "unknown-path-en", "report-wrong-token", "report-bad-code", "desk"],
)
def test_error_pages_speak_the_users_language(
    desk: FlaskClient, url: str, lang: str, words: str | None
) -> None:
    response = desk.get(url)
    html = response.get_data(as_text=True)
    assert response.status_code == 404 and response.mimetype == "text/html"
    assert f'<html lang="{lang}">' in html and "Not Found" not in html
    assert (words or "Сторінку не знайдено.") in html


def test_api_errors_stay_json(client: FlaskClient) -> None:
    response = client.get("/api/v1/reports/ABCD-2345?t=wrong")
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"


def _csv(data: bytes, separator: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=separator))


def test_desk_csv_for_people_and_for_programs(desk: FlaskClient, troubled: dict[str, str]) -> None:
    machine = desk.get("/support/export.csv?no_personal=1").data
    rows = _csv(machine, ",")
    assert rows[0][:3] == ["code", "created_at", "lang"]  # unchanged without "words"
    status = rows[0].index("status")
    assert {r[status] for r in rows[1:]} >= {"unsupported", "supported"}
    people = desk.get("/support/export.csv?no_personal=1&words=1&lang=uk").data
    rows = _csv(people, ";")
    assert rows[0][:3] == ["Код звіту", "Створено", "Мова"]
    verdict, found = rows[0].index("Висновок"), rows[0].index("Виявлені проблеми")
    ie = next(r for r in rows if r[0] == troubled["ie"])
    assert ie[verdict] == "Не підтримується" and "Застарілий браузер" in ie[found]
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", ie[1])  # no microseconds
    english = _csv(desk.get("/support/export.csv?words=1&lang=en").data, ",")
    assert english[0][0] == "Report code"


def test_cli_export_and_stats_in_words(
    runner: CommandRunner, desk: FlaskClient, troubled: dict[str, str], tmp_path: Path
) -> None:
    target = tmp_path / "out.csv"
    result = runner.invoke("export", "--lang", "uk", "-o", str(target))
    assert result.exit_code == 0, result.output
    rows = _csv(target.read_bytes(), ";")
    verdict = rows[0].index("Висновок")
    assert rows[0][0] == "Код звіту" and any(r[verdict] == "Не підтримується" for r in rows[1:])
    plain = runner.invoke("export", "-o", "-")
    assert plain.exit_code == 0 and plain.output.splitlines()[0].lstrip("\ufeff").startswith(
        "code,created_at,"
    )
    parquet = runner.invoke("export", "--lang", "uk", "--format", "parquet", "-o", str(target))
    assert parquet.exit_code != 0 and "--lang" in parquet.output
    stats = runner.invoke("stats", "--lang", "uk")
    assert stats.exit_code == 0, stats.output
    for words in ("Файли cookie вимкнено", "Застарілий браузер", "Не підтримується", "\u00a0%"):
        assert words in stats.output, words
    assert "cookies_disabled" not in stats.output and "unsupported" not in stats.output


@pytest.mark.parametrize(
    "value,digits,uk,en",
    [
        (1000, None, "1\u00a0000", "1,000"),
        (1234.5, 1, "1\u00a0234,5", "1,234.5"),
        (2_500_000, None, "2\u00a0500\u00a0000", "2,500,000"),
        (12, None, "12", "12"),
        (0.25, 2, "0,25", "0.25"),
    ],
)
def test_numbers_group_their_thousands_in_each_language(
    value: float, digits: int | None, uk: str, en: str
) -> None:
    assert format_number(value, "uk", digits) == uk
    assert format_number(value, "en", digits) == en
