"""The in-page probe (``probe.js``, ES5), the embed script and the one JSON Schema of the payload.

The scripts are served minified (comments and whitespace removed by rjsmin, names kept), so the
source can stay readable while the served probe stays within its size budget (8 KB gzipped,
``benchmarks/probe_budget.py``).
"""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from typing import Any

import rjsmin

#: First line of every served script: where its readable source and its field list live.
BANNER = "/* browsercheck: source probes/, fields docs/probe.md */\n"


def _read(name: str) -> str:
    return files(__package__).joinpath(name).read_text(encoding="utf-8")


def _minify(source: str) -> str:
    return BANNER + rjsmin.jsmin(source, keep_bang_comments=False) + "\n"


@cache
def probe_source() -> str:
    """Return ``probe.js`` as served at ``/probe.js`` (minified)."""
    return _minify(_read("probe.js"))


@cache
def embed_source() -> str:
    """Return the embed script as served at ``/embed.js``: the probe, then ``embed.js``."""
    return _minify(_read("probe.js") + "\n" + _read("embed.js"))


@cache
def payload_schema() -> dict[str, Any]:
    """Return the report payload's JSON Schema (draft 2020-12)."""
    schema: dict[str, Any] = json.loads(_read("schema.json"))
    return schema
