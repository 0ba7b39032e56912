"""What the user adds to a report after the check: the support form's fields (``context``) and
one screenshot. Both endpoints need the report's private token, like its JSON view.

- ``POST /api/v1/reports/<code>/context?t=...`` -- JSON object with the ``context`` keys of
  probes/schema.json; replaces the report's context (empty values drop a key).
- ``POST /api/v1/reports/<code>/screenshot?t=...`` -- multipart, field ``screenshot``: one image
  (PNG, JPEG, GIF or WebP, checked by decoding it with Pillow, never by its name or declared
  type), at most ``SCREENSHOT_MAX_BYTES``. It is re-encoded, which drops metadata such as GPS
  positions and anything hidden after the image data.
"""

from __future__ import annotations

import io
import warnings
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request
from PIL import Image, ImageOps, UnidentifiedImageError

from diagnostics.errors import PayloadError
from diagnostics.validate import validate_payload
from reports.model import Report, normalize_code
from reports.render import render_text

from .errors import ApiError
from .extensions import csrf
from .i18n import asked_lang
from .services import email_parts, store
from .storage.desk import Screenshot, SupportStore

bp = Blueprint("user_context", __name__)
csrf.exempt(bp)  # a cookie-less JSON API: no session to forge a request with

#: Decoded formats accepted, and the format each is stored in.
IMAGE_FORMATS: dict[str, str] = {"PNG": "PNG", "JPEG": "JPEG", "WEBP": "WEBP", "GIF": "PNG"}
MIMETYPES: dict[str, str] = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}
MAX_PIXELS = 40_000_000  # 8K x 5K: larger "screenshots" are decompression bombs


def _report_for_token(code: str) -> Report:
    canonical = normalize_code(code)
    report = store().get_with_token(canonical, request.args.get("t", "")) if canonical else None
    if report is None:
        raise ApiError(404, "not_found", "no such report, or the token is wrong")
    return report


def _lang(report: Report) -> str:
    return asked_lang(report.lang)


def read_screenshot(data: bytes) -> Screenshot:
    """Decode ``data`` as an image and re-encode it; raises ApiError 400 when it is not an
    accepted image (by content), is corrupt or has too many pixels."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                kind = image.format or ""
                if kind not in IMAGE_FORMATS:
                    raise ApiError(
                        400, "not_an_image", "send a PNG, JPEG, GIF or WebP image", "screenshot"
                    )
                if image.width * image.height > MAX_PIXELS:
                    raise ApiError(
                        400,
                        "image_too_large",
                        f"the image has more than {MAX_PIXELS} pixels",
                        "screenshot",
                    )
                image.load()
                upright = ImageOps.exif_transpose(image)
    except ApiError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ApiError(
            400, "image_too_large", f"the image has more than {MAX_PIXELS} pixels", "screenshot"
        ) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ApiError(
            400, "not_an_image", "the file is not a readable image", "screenshot"
        ) from exc
    stored = IMAGE_FORMATS[kind]
    if stored == "JPEG" and upright.mode not in ("RGB", "L"):
        upright = upright.convert("RGB")
    out = io.BytesIO()
    options: dict[str, Any] = {"quality": 90} if stored in ("JPEG", "WEBP") else {"optimize": True}
    upright.save(out, stored, **options)
    return Screenshot(MIMETYPES[stored], upright.width, upright.height, out.getvalue())


@bp.post("/api/v1/reports/<code>/context")
def context(code: str) -> Response:
    """Replace the report's user context; answers the updated shareable text and e-mail."""
    report = _report_for_token(code)
    if not request.is_json:
        raise ApiError(
            415,
            "unsupported_media_type",
            "send the fields as JSON (Content-Type: application/json)",
            "$",
        )
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ApiError(
            400, "not_an_object", "the body must be a JSON object of context fields", "$"
        )
    try:
        fields = validate_payload({"context": body}).context
    except PayloadError as exc:
        raise ApiError(
            400, exc.code, exc.message, (exc.field or "$").replace(".context", "", 1)
        ) from exc
    SupportStore(store()).set_context(report.code, fields)
    updated = store().get(report.code)
    assert updated is not None
    lang = _lang(updated)
    response = jsonify(
        {
            "code": updated.display_code,
            "context": updated.context,
            "text": render_text(updated, lang, include_context=True),
            "email": email_parts(updated, lang, request.args.get("t", "")),
        }
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/api/v1/reports/<code>/screenshot")
def screenshot(code: str) -> Response:
    """Attach one screenshot to the report (replacing an earlier one)."""
    limit = int(current_app.config["SCREENSHOT_MAX_BYTES"])
    report = _report_for_token(code)
    if (request.content_length or 0) > limit + 64 * 1024:  # the file plus multipart overhead
        raise ApiError(
            413, "screenshot_too_large", f"the screenshot is over {limit} bytes", "screenshot"
        )
    request.max_content_length = limit + 64 * 1024
    upload = request.files.get("screenshot")
    if upload is None:
        raise ApiError(
            400, "missing_field", "send the image as the multipart field 'screenshot'", "screenshot"
        )
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ApiError(
            413, "screenshot_too_large", f"the screenshot is over {limit} bytes", "screenshot"
        )
    shot = read_screenshot(data)
    SupportStore(store()).set_screenshot(report.code, shot)
    response = jsonify(
        {
            "code": report.display_code,
            "screenshot": {
                "type": shot.mimetype,
                "width": shot.width,
                "height": shot.height,
                "bytes": len(shot.data),
            },
        }
    )
    response.headers["Cache-Control"] = "no-store"
    return response
