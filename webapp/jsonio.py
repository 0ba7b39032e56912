"""Flask's JSON provider with orjson doing the encoding.

The 201 answer of ``POST /api/v1/reports`` is a few kilobytes of JSON; encoding it with the
standard library took a visible share of the collector's CPU under load (benchmarks/ingest.py).
Output keeps Flask's contract: UTF-8 without ASCII escapes (``ensure_ascii = False``), keys
sorted when ``sort_keys`` is on, indented in debug mode, and Flask's own conversions for dates,
dataclasses, UUIDs, decimals and ``__html__`` objects. Whatever orjson refuses (an integer past
64 bits from a hostile payload) is encoded by the standard library instead of failing.
"""

from __future__ import annotations

from typing import Any

import orjson
from flask import Flask
from flask.json.provider import DefaultJSONProvider
from werkzeug.sansio.response import Response

_PASSTHROUGH = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


class OrjsonProvider(DefaultJSONProvider):
    """``app.json`` for :func:`flask.jsonify`, ``json.dumps`` in templates and the test client."""

    ensure_ascii = False

    def _options(self) -> int:
        options = _PASSTHROUGH
        if self.sort_keys:
            options |= orjson.OPT_SORT_KEYS
        if self.compact is False or (self.compact is None and self._app.debug):
            options |= orjson.OPT_INDENT_2
        return options

    def _encode(self, obj: Any, options: int) -> bytes:
        try:
            return orjson.dumps(obj, default=self.default, option=options)
        except TypeError:  # e.g. an int past 64 bits: the standard library encodes any int
            indented = bool(options & orjson.OPT_INDENT_2)
            layout: dict[str, Any] = {"indent": 2} if indented else {"separators": (",", ":")}
            return super().dumps(obj, **layout).encode("utf-8")

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        if kwargs:  # explicit stdlib options (indent=..., separators=...): the stdlib obeys them
            return super().dumps(obj, **kwargs)
        return self._encode(obj, self._options()).decode("utf-8")

    def response(self, *args: Any, **kwargs: Any) -> Response:
        options = self._options()
        body = self._encode(self._prepare_response_obj(args, kwargs), options)
        if options & orjson.OPT_INDENT_2:
            body += b"\n"
        return self._app.response_class(body, mimetype=self.mimetype)  # type: ignore[arg-type]


def init_app(app: Flask) -> None:
    app.json = OrjsonProvider(app)
