"""The in-page probe (``probe.js``, ES5) and the one JSON Schema its payload follows."""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from typing import Any


@cache
def probe_source() -> str:
    """Return the text of ``probe.js`` as served at ``/probe.js``."""
    return files(__package__).joinpath("probe.js").read_text(encoding="utf-8")


@cache
def payload_schema() -> dict[str, Any]:
    """Return the report payload's JSON Schema (draft 2020-12)."""
    schema: dict[str, Any] = json.loads(
        files(__package__).joinpath("schema.json").read_text(encoding="utf-8")
    )
    return schema
