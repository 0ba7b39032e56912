"""App packages for help desks' ticket sidebars (``browsercheck integrations zendesk-app`` and
``freshdesk-app``): the template files beside this module (``zendesk_app/``, ``freshdesk_app/``),
filled with the collector's address and our strings (webapp/support/strings.py, every language
of :data:`~diagnostics.models.LANGUAGES`), as the files of a zip.

- Zendesk (Apps framework 2.0): ``manifest.json`` with the ``ticket_sidebar`` location and the
  parameters ``collector_url`` and ``desk_token`` (secure), ``assets/iframe.html`` + ``app.js``,
  ``assets/sidebar_frame.js`` (shared with Freshdesk's), ``assets/logo*.png``,
  ``translations/<lang>.json``.
- Freshdesk (platform 2.3): ``manifest.json`` with the ``ticket_sidebar`` placeholder,
  ``app/index.html`` + ``app/scripts/app.js``, ``config/iparams.json`` (``collector_host``,
  ``desk_token`` secure) and ``config/requests.json`` (the request template for the link).
"""

from __future__ import annotations

import html
import io
import json
import zipfile
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from diagnostics.models import LANGUAGES

from ..support.strings import DESK

HERE = Path(__file__).parent
ZENDESK = HERE / "zendesk_app"
FRESHDESK = HERE / "freshdesk_app"
ICON = HERE.parent / "static" / "favicon.svg"
#: The scripts' shared part (show a message, frame the sidebar, post the text), in both apps.
SIDEBAR_FRAME = HERE / "sidebar_frame.js"
#: Messages the apps' scripts show themselves (their key in the script -> DESK key).
_SCRIPT_MESSAGES = {
    "loading": "desk_app_loading",
    "no_collector": "desk_app_no_collector",
    "no_client": "desk_app_no_client",
    "failed": "desk_app_failed",
}
#: A fixed time for the zip's entries, so one input always gives the same bytes.
_ZIP_TIME = (2026, 1, 1, 0, 0, 0)


def _text(key: str, lang: str) -> str:
    return DESK[key].get(lang)


def _json_bytes(document: Any) -> bytes:
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _with_messages(page: Path) -> bytes:
    """``page`` with its ``__MESSAGES__`` placeholder replaced by the scripts' messages."""
    messages = {
        lang: {name: _text(key, lang) for name, key in _SCRIPT_MESSAGES.items()}
        for lang in LANGUAGES
    }
    attribute = html.escape(json.dumps(messages, ensure_ascii=False), quote=True)
    return page.read_text(encoding="utf-8").replace("__MESSAGES__", attribute).encode("utf-8")


def _logo(size: int) -> bytes:
    """The favicon's mark as a ``size`` px PNG (Zendesk wants logo.png and logo-small.png)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 0, size - 1, size - 1), radius=size // 5, fill="#0b57d0")
    unit = size / 16
    points = [(4 * unit, 8.5 * unit), (6.5 * unit, 11 * unit), (12 * unit, 5 * unit)]
    draw.line(points, fill="#ffffff", width=max(2, round(2 * unit)), joint="curve")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def check_collector_url(url: str) -> str:
    """``url`` without a trailing slash when it is an http(s) address with a host; else
    raises ValueError (the apps frame it and Zendesk whitelists its host)."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{url!r} is not an address like https://check.example")
    return url.strip().rstrip("/")


def zendesk_files(collector_url: str, author_email: str) -> dict[str, bytes]:
    """The Zendesk app's files by path, for the collector at ``collector_url``."""
    collector_url = check_collector_url(collector_url)
    manifest = json.loads((ZENDESK / "manifest.json").read_text(encoding="utf-8"))
    manifest["author"].update(email=author_email, url=collector_url)
    manifest["domainWhitelist"] = [urlsplit(collector_url).hostname]
    for parameter in manifest["parameters"]:
        if parameter["name"] == "collector_url":
            parameter["default"] = collector_url
    files = {
        "manifest.json": _json_bytes(manifest),
        "assets/iframe.html": _with_messages(ZENDESK / "assets" / "iframe.html"),
        "assets/sidebar_frame.js": SIDEBAR_FRAME.read_bytes(),
        "assets/app.js": (ZENDESK / "assets" / "app.js").read_bytes(),
        "assets/logo.png": _logo(320),
        "assets/logo-small.png": _logo(128),
    }
    for lang in LANGUAGES:
        files[f"translations/{lang}.json"] = _json_bytes(
            {
                "app": {
                    "name": _text("desk_app_name", lang),
                    "short_description": _text("desk_app_short", lang),
                    "long_description": _text("desk_app_long", lang),
                    "installation_instructions": _text("desk_app_install", lang),
                    "parameters": {
                        "collector_url": {
                            "label": _text("desk_app_collector", lang),
                            "helpText": _text("desk_app_collector_help", lang),
                        },
                        "desk_token": {
                            "label": _text("desk_app_token", lang),
                            "helpText": _text("desk_app_token_help", lang),
                        },
                    },
                }
            }
        )
    return files


def freshdesk_files(collector_url: str, lang: str) -> dict[str, bytes]:
    """The Freshdesk app's files by path, for the collector at ``collector_url``; the
    installation page's labels in ``lang`` (platform 2.3 has one language for them)."""
    collector_url = check_collector_url(collector_url)
    iparams = json.loads((FRESHDESK / "config" / "iparams.json").read_text(encoding="utf-8"))
    labels = {
        "collector_host": ("desk_app_host", "desk_app_host_help"),
        "desk_token": ("desk_app_token", "desk_app_token_help"),
    }
    for name, (label, help_text) in labels.items():
        iparams[name].update(display_name=_text(label, lang), description=_text(help_text, lang))
    iparams["collector_host"]["default_value"] = urlsplit(collector_url).netloc
    return {
        "manifest.json": (FRESHDESK / "manifest.json").read_bytes(),
        "app/index.html": _with_messages(FRESHDESK / "app" / "index.html"),
        "app/scripts/sidebar_frame.js": SIDEBAR_FRAME.read_bytes(),
        "app/scripts/app.js": (FRESHDESK / "app" / "scripts" / "app.js").read_bytes(),
        "app/styles/style.css": (FRESHDESK / "app" / "styles" / "style.css").read_bytes(),
        "app/styles/images/icon.svg": ICON.read_bytes(),
        "config/iparams.json": _json_bytes(iparams),
        "config/requests.json": (FRESHDESK / "config" / "requests.json").read_bytes(),
    }


def zip_bytes(files: dict[str, bytes]) -> bytes:
    """``files`` as a zip (entries in path order, fixed times: the same files, the same bytes)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(files):
            entry = zipfile.ZipInfo(path, _ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16  # rw-r--r--: unpacked files are readable
            archive.writestr(entry, files[path])
    return out.getvalue()
