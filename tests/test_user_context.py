"""What the user adds after the check: context fields and one screenshot, both token-protected,
shown to agents only; the browser id in the payload."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image

from tests.conftest import CHROME_WIN


def new_report(client: FlaskClient, **payload: object) -> dict:  # type: ignore[type-arg]
    response = client.post(
        "/api/v1/reports?include=text,email",
        json={"lang": "en", **payload},
        headers={"User-Agent": CHROME_WIN},
    )
    assert response.status_code == 201
    body: dict = response.get_json()  # type: ignore[type-arg]
    return body


def image_bytes(kind: str, size: tuple[int, int] = (40, 30), **options: object) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, kind, **options)
    return out.getvalue()


def upload(
    client: FlaskClient, url: str, data: bytes, name: str = "shot.png", mimetype: str = "image/png"
):  # type: ignore[no-untyped-def]
    return client.post(
        url,
        data={"screenshot": (io.BytesIO(data), name, mimetype)},
        content_type="multipart/form-data",
    )


def test_context_is_stored_and_the_shareable_text_shows_what_was_typed(
    client: FlaskClient,
) -> None:
    report = new_report(client)
    assert "Problem description" not in report["text"]  # nothing typed yet
    fields = {
        "service": "Особистий кабінет",
        "error_text": "Помилка 500",
        "login": "",
        "account": "1234567890",
    }
    response = client.post(report["context_url"], json=fields)
    assert response.status_code == 200
    body = response.get_json()
    assert body["context"] == {
        "service": "Особистий кабінет",
        "error_text": "Помилка 500",
        "account": "1234567890",
    }  # empty values are dropped
    assert "Помилка 500" in body["text"] and "1234567890" in body["text"]
    assert "Login" not in body["text"]  # not typed, not shown
    # The e-mail is the code, the outcome and the private link: what was typed is in the report
    # behind it, and the e-mail no longer asks for it.
    assert "Помилка 500" not in body["email"]["body"]
    assert report["code"] in body["email"]["body"] and "t=" in body["email"]["body"]
    assert "What does not work?" not in body["email"]["body"]
    assert "What does not work?" in report["email"]["body"]  # before anything was typed
    assert response.headers["Cache-Control"] == "no-store"
    # Sent again, it replaces: the user corrected the form.
    again = client.post(report["context_url"], json={"service": "app"}).get_json()
    assert again["context"] == {"service": "app"}


def test_context_is_not_in_the_public_json_view(client: FlaskClient) -> None:
    report = new_report(client)
    client.post(report["context_url"], json={"login": "user@example.com"})
    view = client.get(report["view_url"].replace("/r/", "/api/v1/reports/")).get_json()
    assert "user@example.com" not in str(view)


@pytest.mark.parametrize(
    "kwargs,status,code,field",
    [
        ({"json": {"tracking": "x"}}, 400, "schema_additionalProperties", "$.tracking"),
        ({"json": {"login": "x" * 201}}, 400, "schema_maxLength", "$.login"),
        ({"json": {"meter": 12345}}, 400, "schema_type", "$.meter"),
        ({"json": ["service"]}, 400, "not_an_object", "$"),
        (
            {"data": "service=x", "content_type": "application/x-www-form-urlencoded"},
            415,
            "unsupported_media_type",
            "$",
        ),
    ],
    ids=["unknown-field", "too-long", "wrong-type", "array", "form-encoded"],
)
def test_bad_context_gets_a_clear_error_and_changes_nothing(
    client: FlaskClient, kwargs: dict[str, object], status: int, code: str, field: str
) -> None:
    report = new_report(client, context={"service": "site"})
    response = client.post(report["context_url"], **kwargs)  # type: ignore[arg-type]
    assert response.status_code == status
    assert response.get_json()["error"]["code"] == code
    assert response.get_json()["error"]["field"] == field
    ok = client.post(report["context_url"], json={"page": "/bills"}).get_json()
    assert ok["context"] == {"page": "/bills"}


@pytest.mark.parametrize("suffix", ["context", "screenshot"])
def test_wrong_token_or_code_is_404(client: FlaskClient, suffix: str) -> None:
    report = new_report(client)
    url = report[f"{suffix}_url"]
    wrong = url.replace("?t=", "?t=x")
    absent = "/api/v1/reports/ZZZZ-ZZZZ/" + suffix + "?t=" + url.split("?t=")[1]
    for target in (wrong, absent, url.split("?")[0]):
        response = client.post(target, json={"service": "x"})
        assert response.status_code == 404
        assert response.get_json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    "data,name,mimetype,stored",
    [
        (image_bytes("PNG"), "shot.png", "image/png", "image/png"),
        (image_bytes("JPEG"), "photo.jpg", "image/jpeg", "image/jpeg"),
        (image_bytes("GIF"), "anim.gif", "image/gif", "image/png"),
        (image_bytes("WEBP"), "shot.webp", "image/webp", "image/webp"),
        (image_bytes("PNG"), "notes.txt", "text/plain", "image/png"),
    ],
    ids=["png", "jpeg", "gif-as-png", "webp", "png-named-txt"],
)
def test_screenshots_are_checked_by_content(
    app: Flask,
    client: FlaskClient,
    desk: FlaskClient,
    data: bytes,
    name: str,
    mimetype: str,
    stored: str,
) -> None:
    report = new_report(client)
    response = upload(client, report["screenshot_url"], data, name, mimetype)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["screenshot"]["type"] == stored
    served = desk.get(f"/support/reports/{report['code']}/screenshot")
    assert served.status_code == 200 and served.mimetype == stored
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in served.headers["Content-Security-Policy"]
    assert Image.open(io.BytesIO(served.data)).size == (40, 30)
    page = desk.get(f"/support/reports/{report['code']}").get_data(as_text=True)
    assert 'data-testid="screenshot"' in page


def _png_header_only(width: int, height: int) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body))
            + kind
            + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0"))


@pytest.mark.parametrize(
    "data,name,code",
    [
        (b"<html><script>alert(1)</script></html>", "shot.png", "not_an_image"),
        (b"%PDF-1.4 not an image", "doc.png", "not_an_image"),
        (image_bytes("PNG")[:60], "cut.png", "not_an_image"),
        (image_bytes("BMP"), "old.bmp", "not_an_image"),
        (_png_header_only(20000, 20000), "bomb.png", "image_too_large"),
    ],
    ids=["html-named-png", "pdf", "truncated-png", "bmp-not-accepted", "decompression-bomb"],
)
def test_non_images_are_refused(client: FlaskClient, data: bytes, name: str, code: str) -> None:
    report = new_report(client)
    response = upload(client, report["screenshot_url"], data, name)
    assert response.status_code == 400
    assert response.get_json()["error"] == {
        "code": code,
        "field": "screenshot",
        "message": response.get_json()["error"]["message"],
    }


def test_screenshot_over_5_mb_is_refused(client: FlaskClient) -> None:
    report = new_report(client)
    big = image_bytes("PNG") + b"\0" * (5 * 1024 * 1024)
    # Encoded here, in memory: the test client would spool it into a file it never closes.
    boundary = "b0undary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="screenshot"; '
            f'filename="big.png"\r\nContent-Type: image/png\r\n\r\n'
        ).encode()
        + big
        + f"\r\n--{boundary}--\r\n".encode()
    )
    response = client.post(
        report["screenshot_url"],
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "screenshot_too_large"


def test_a_missing_file_field_is_named(client: FlaskClient) -> None:
    report = new_report(client)
    response = client.post(
        report["screenshot_url"], data={"other": "x"}, content_type="multipart/form-data"
    )
    assert response.status_code == 400 and response.get_json()["error"]["field"] == "screenshot"


def test_metadata_and_trailing_data_are_stripped(client: FlaskClient, desk: FlaskClient) -> None:
    exif = Image.Exif()
    exif[0x010F] = "SecretCamera"  # Make
    exif[0x8825] = {2: (50.0, 27.0, 0.0)}  # GPS latitude
    photo = image_bytes("JPEG", exif=exif.tobytes()) + b"<script>alert(1)</script>"
    report = new_report(client)
    assert upload(client, report["screenshot_url"], photo, "p.jpg", "image/jpeg").status_code == 200
    served = desk.get(f"/support/reports/{report['code']}/screenshot").data
    assert b"SecretCamera" not in served and b"<script>" not in served
    assert not Image.open(io.BytesIO(served)).getexif()


def test_one_screenshot_per_report(app: Flask, client: FlaskClient, desk: FlaskClient) -> None:
    from sqlalchemy import func, select

    from webapp.storage.tables import ScreenshotRow

    report = new_report(client)
    upload(client, report["screenshot_url"], image_bytes("PNG", (10, 10)))
    upload(client, report["screenshot_url"], image_bytes("PNG", (20, 10)))
    with app.extensions["browsercheck.store"].session() as session:
        assert session.scalar(select(func.count(ScreenshotRow.id))) == 1
    served = desk.get(f"/support/reports/{report['code']}/screenshot").data
    assert Image.open(io.BytesIO(served)).size == (20, 10)


@pytest.mark.parametrize(
    "browser_id,ok",
    [
        ("AbCdEfGhIjKlMnOp_-12", True),
        ("x" * 64, True),
        ("short", False),
        ("x" * 65, False),
        ("has space in it 123", False),
        ("<script>alert(1)</script>", False),
    ],
    ids=["typical", "longest", "too-short", "too-long", "space", "markup"],
)
def test_browser_id_is_pattern_limited(client: FlaskClient, browser_id: str, ok: bool) -> None:
    response = client.post("/api/v1/reports", json={"browser_id": browser_id})
    assert (response.status_code == 201) is ok
    if not ok:
        assert response.get_json()["error"]["field"] == "$.browser_id"
