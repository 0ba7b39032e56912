"""The published list of collected fields, generated from ``schema.json`` (``docs/probe.md``).

``python -m probes.fields`` prints the page; ``python -m probes.fields --write`` rewrites
``docs/probe.md``. tests/test_probe_fields.py fails when the file and the schema drift apart, or
when a field has no description.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import beacon_schema, payload_schema

DOC_PATH = Path(__file__).resolve().parent.parent / "docs" / "probe.md"

INTRO = """\
# What the probe collects, and why

<!-- Generated from probes/schema.json by `python -m probes.fields --write`: do not edit by hand.
     tests/test_probe_fields.py fails when this file and the schema differ. -->

The in-page probe (`/probe.js`; embedded, `/embed/probe.js`) collects what the support desk needs to
diagnose a browser, and nothing else. The collector rejects any field not listed here
(`POST /api/v1/reports` answers 400 naming it), so this list is complete.

**Never collected:** canvas, audio, font or WebGL renderer fingerprints; installed plugins or
extensions; battery, sensors or location; cookie or storage *contents*; page content; query
strings or fragments of any URL (they may hold tokens). The storage checks write a throw-away
item (`__browsercheck__`, a `__browsercheck` cookie, a `browsercheck-probe` IndexedDB database)
and remove it at once.

**When:** on the check page the probe runs when the page loads. Embedded in another site,
`/embed.js` (the always-on part) only records, in the page's memory, what goes wrong there
(`evidence`, `errors`: bounded, identifiers in paths and messages replaced by `:id`, never what
the user typed, input values, query strings, bodies or headers); nothing is sent and the probe is
not even loaded until the user clicks "Перевірити браузер / Check my browser" or the host page
calls `BrowserCheck.open()` / `BrowserCheck.report()`. The optional "outdated browser" banner is
decided by the collector from the script requests' User-Agent and client hints (`/embed.js` and
the `/embed/banner.js` it then loads), and nothing is stored on the collector; when the user
closes it, the time of the close is kept in the host page's own `localStorage` and
`sessionStorage` (`browsercheck-banner-closed`, so that it stays closed for 7 days), never sent.
Each report carries one random `Idempotency-Key` header (not in the payload; the collector keeps
only its hash, so that a retry within 24 hours answers the first report instead of storing a
second). The one exception is the host's opt-in page-load beacon (`data-beacon`, below): off
unless the host sets it.

**Limits:** every string and list is bounded (lengths and counts below); the whole payload is at
most 64 KB. A field the collector refuses is dropped by the probe and the report sent again
without it (`rejectedFields`).

| field | type | what it is and why it is collected |
| --- | --- | --- |
"""


@dataclass(frozen=True, slots=True)
class FieldDoc:
    """One documented field: its dotted path (``cache.scripts[].url``), type and description."""

    path: str
    type: str
    description: str


def _resolve(node: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    ref = node.get("$ref")
    if not ref:
        return node
    target = schema
    for part in ref.removeprefix("#/").split("/"):
        target = target[part]
    merged = {**_resolve(target, schema), **{k: v for k, v in node.items() if k != "$ref"}}
    return merged


def _type_text(node: dict[str, Any], schema: dict[str, Any]) -> str:
    if "enum" in node:
        return "one of " + ", ".join(f"`{v}`" for v in node["enum"])
    kind = node.get("type", "object")
    bounds = []
    if "minimum" in node or "maximum" in node:
        bounds.append(f"{node.get('minimum', '…')}–{node.get('maximum', '…')}")
    if "maxLength" in node:
        bounds.append(f"≤ {node['maxLength']} chars")
    if kind == "array":
        items = _resolve(node.get("items", {}), schema)
        return f"list (≤ {node.get('maxItems', '…')}) of {_type_text(items, schema)}"
    return kind + (f" ({', '.join(bounds)})" if bounds else "")


def field_docs(schema: dict[str, Any] | None = None) -> list[FieldDoc]:
    """Every field of the payload schema, depth first in schema order.

    Returns one :class:`FieldDoc` per property (nested ones with dotted paths; list items as
    ``[]``). A missing description is returned as ``""`` (the test reports it).
    """
    schema = schema or payload_schema()
    out: list[FieldDoc] = []

    def walk(properties: dict[str, Any], prefix: str) -> None:
        for name, raw in properties.items():
            node = _resolve(raw, schema)
            path = prefix + name
            out.append(
                FieldDoc(
                    path,
                    _type_text(node, schema),
                    raw.get("description", "") or node.get("description", ""),
                )
            )
            if "properties" in node:
                walk(node["properties"], path + ".")
            items = _resolve(node.get("items", {}), schema) if node.get("type") == "array" else {}
            if "properties" in items:
                walk(items["properties"], path + "[].")

    walk(schema["properties"], "")
    return out


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


BEACON_INTRO = """
## The sampled page-load beacon (`data-beacon`, off by default)

A host that sets `data-beacon="0.05"` on its `/embed.js` tag has that share of its page loads
(chosen at random in the page, `Math.random() < 0.05`; absent or `"0"`: none) fetch the embed's
on-demand part `/embed/probe.js` (cached by the browser and revalidated: `Cache-Control:
no-cache` with an ETag, so usually a `304`) and, after the page's load event, send one beacon with
`navigator.sendBeacon` (else `fetch` with `keepalive`; else nothing) to `POST /api/v1/beacon`:
the fields below, as a JSON text (`text/plain`, so that it goes cross-origin without a CORS
preflight). **Why:** after a deploy, support sees what share of page loads still runs the old
build, and whether a service worker keeps it there.

**Kept:** only a count per UTC day and per combination of the build, the verdict (the
collector's policy verdict of the browser; the banner's when the collector cannot tell), the
browser family and major version, the OS family, the device class and the two service-worker
flags, which the collector reads from the request's User-Agent and client hints; and with each
count the *policy view* of the browser it counted, stored once per distinct view (table
`beacon_views`, with the first day it was seen): the browser, OS and engine families **with
their versions**, the device type, whether it is an in-app browser or a web view, and whether
the User-Agent or the client hints said the browser and the OS, which is exactly what the
policy's rules read (`matrix.impact.policy_view`). **Why:** `browsercheck matrix impact` judges
the sampled page loads under a proposed policy (a raised OS minimum, in-app browsers, web
views, engines), which the counts' own columns cannot. It holds no User-Agent text and no device
brand or model; a view no remaining day counts is deleted with the expired days. **Never kept:**
the address (the rate limit counts its keyed hash in memory only), the User-Agent string, any
cookie, the page's address, a time finer than the day, or anything that tells two page loads of
one person apart.

| field | type | what it is and why it is sent |
| --- | --- | --- |
"""


def render_markdown(schema: dict[str, Any] | None = None) -> str:
    """The ``docs/probe.md`` page: the privacy notes and one table row per field, then the
    page-load beacon's fields (``beacon_schema.json``)."""
    rows = [
        f"| `{_cell(f.path)}` | {_cell(f.type)} | {_cell(f.description)} |"
        for f in field_docs(schema)
    ]
    beacon = [
        f"| `{_cell(f.path)}` | {_cell(f.type)} | {_cell(f.description)} |"
        for f in field_docs(beacon_schema())
    ]
    return INTRO + "\n".join(rows) + "\n" + BEACON_INTRO + "\n".join(beacon) + "\n"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    text = render_markdown()
    if "--write" in args:
        DOC_PATH.parent.mkdir(parents=True, exist_ok=True)
        DOC_PATH.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
