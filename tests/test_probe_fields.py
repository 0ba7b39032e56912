"""The published field list (docs/probe.md) is generated from the schema and every field is explained."""

from __future__ import annotations

import re
from pathlib import Path

from probes import beacon_schema, payload_schema
from probes.fields import DOC_PATH, field_docs, render_markdown

ROOT = Path(__file__).parent.parent


def test_every_field_has_a_description() -> None:
    missing = [f.path for f in field_docs() if len(f.description) < 10]
    assert missing == []


def test_docs_page_matches_the_schema() -> None:
    assert DOC_PATH.read_text(encoding="utf-8") == render_markdown(), (
        "docs/probe.md is stale: run `python -m probes.fields --write`"
    )


def test_docs_list_nested_fields_and_bounds() -> None:
    page = render_markdown()
    assert (
        "| `cache.scripts[].source` | one of `network`, `cache`, `service-worker`, `unknown` |"
        in page
    )
    assert "| `errors[].message` | string (≤ 300 chars) |" in page
    assert page.count("\n| `") == len(field_docs()) + len(field_docs(beacon_schema()))


def test_the_beacon_fields_are_listed_and_explained() -> None:
    page = render_markdown()
    fields = field_docs(beacon_schema())
    assert [f.path for f in fields] == ["build", "controlled", "waiting", "verdict"]
    assert all(len(f.description) >= 10 for f in fields)
    assert "## The sampled page-load beacon" in page and "| `waiting` | boolean |" in page


def test_undocumented_field_is_reported(tmp_path: Path) -> None:
    schema = payload_schema()
    broken = {**schema, "properties": {**schema["properties"], "secret": {"type": "string"}}}
    assert [f.path for f in field_docs(broken) if not f.description] == ["secret"]


def test_probe_sends_only_schema_fields() -> None:
    """Every top-level key the probe assigns (``p.key =`` / ``payload.key =``) is in the schema."""
    source = (ROOT / "probes/probe.js").read_text(encoding="utf-8")
    assigned = set(re.findall(r"\b(?:p|payload)\.([A-Za-z_]+) =", source))
    assert assigned, "the pattern no longer finds the probe's assignments"
    assert assigned <= set(payload_schema()["properties"])
