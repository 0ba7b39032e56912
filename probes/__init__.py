"""The in-page probe (``probe.js``, ES5), the embed script and the one JSON Schema of the payload.

The scripts are served minified (comments and whitespace removed by rjsmin, names kept), so the
source can stay readable while the served probe stays within its size budget (8 KB gzipped,
``benchmarks/probe_budget.py``). The embed's always-on part (``embed.js``: recorder, button and,
for an outdated browser, a loader of the banner ``banner.js``) and the banner are minified by
calmjs.parse's ES5 printer with local names shortened, because every page of the host loads the
first (3,072 bytes gzipped, ``benchmarks/embed_budget.py``); parsing them as ES5 there also
refuses newer syntax.
"""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from typing import Any

import rjsmin
from calmjs.parse import es5
from calmjs.parse.unparsers.es5 import minify_print

#: First line of every served script: where its readable source and its field list live.
BANNER = "/* browsercheck: source probes/, fields docs/probe.md */\n"
#: The same for the always-on embed, shorter: every host page loads it.
EMBED_BANNER = "/* browsercheck: probes/, docs/probe.md */\n"


def _read(name: str) -> str:
    return files(__package__).joinpath(name).read_text(encoding="utf-8")


def _minify(source: str) -> str:
    return BANNER + rjsmin.jsmin(source, keep_bang_comments=False) + "\n"


@cache
def probe_source() -> str:
    """Return ``probe.js`` as served at ``/probe.js`` (minified)."""
    return _minify(_read("probe.js"))


@cache
def repair_source() -> str:
    """Return ``embed_repair.js`` as served at ``/repair.js`` for the check page (minified)."""
    return _minify(_read("embed_repair.js"))


#: Where the banner's loader goes in ``embed.js``, and the loader: an outdated browser's
#: ``/embed.js`` is the supported one plus these few bytes, which fetch ``/embed/banner.js``
#: (the banner's code and data) when the tag has ``data-banner="true"``; both stay within the
#: 3,072-byte budget.
BANNER_SLOT = "  var banner = null;\n"
BANNER_LOADER = (
    '  var banner = function () { var s = el("script");'
    ' s.src = collector + "/embed/banner.js"; document.body.appendChild(s); };\n'
)
#: The string in ``banner.js`` that the banner's data replaces.
OUTDATED_SLOT = '"__BROWSERCHECK_OUTDATED__"'


def _shorten(source: str) -> str:
    return EMBED_BANNER + minify_print(es5(source), obfuscate=True, obfuscate_globals=False) + "\n"


@cache
def embed_source(outdated: bool = False) -> str:
    """Return the always-on part served at ``/embed.js`` (minified, names shortened).

    ``outdated``: the variant for a browser the policy calls outdated, which loads the banner
    (:func:`banner_source`) from the collector.
    """
    source = _read("embed.js")
    if outdated:
        if BANNER_SLOT not in source:
            raise ValueError("probes/embed.js lost its banner slot")
        source = source.replace(BANNER_SLOT, BANNER_LOADER)
    return _shorten(source)


@cache
def _banner_code() -> str:
    return _shorten(_read("banner.js"))


def banner_source(outdated: dict[str, Any] | None) -> str:
    """Return ``/embed/banner.js``: the banner with ``outdated`` (``{"status", "download",
    "message": {"uk", "en"}}``, or None: the script then does nothing) as JSON inside it."""
    data = json.dumps(outdated, ensure_ascii=True, separators=(",", ":"))
    return _banner_code().replace(OUTDATED_SLOT, data.replace("</", "<\\/"), 1)


#: The parts of ``/embed/probe.js``, in order: the probe, the report and evidence, the one-click
#: repair of a stale build, the sampled build beacon.
EMBED_ON_DEMAND = ("probe.js", "embed_report.js", "embed_repair.js", "embed_beacon.js")


@cache
def embed_probe_source() -> str:
    """Return what the embed loads on demand (``/embed/probe.js``): the probe, then the report
    and evidence part of the embed (``embed_report.js``)."""
    return _minify("\n".join(_read(name) for name in EMBED_ON_DEMAND))


@cache
def payload_schema() -> dict[str, Any]:
    """Return the report payload's JSON Schema (draft 2020-12)."""
    schema: dict[str, Any] = json.loads(_read("schema.json"))
    return schema


@cache
def beacon_schema() -> dict[str, Any]:
    """Return the page-load beacon's JSON Schema (draft 2020-12, ``POST /api/v1/beacon``)."""
    schema: dict[str, Any] = json.loads(_read("beacon_schema.json"))
    return schema
