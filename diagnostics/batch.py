"""Streaming batch detection: one input line in, one JSON line out, in order.

An input line is either a bare User-Agent or a JSON object
``{"ua": "...", "headers": {"Name": "value"}, "probe": {...}, "hints": {...}}``, where ``hints``
is the client hints as an app SDK or a log stores them: the JavaScript
``getHighEntropyValues()`` object (``brands``, ``platformVersion``, ``model``, ``mobile``; the
header names and unquoted values are read too), which stands for the probe's ``userAgentData``.
Each output line is the :class:`~diagnostics.models.Environment` as JSON, or for a line that
cannot be read an error object ``{"error": {"code", "message", "field"}, "line": N}``; a bad line
never stops the stream.
Memory stays bounded whatever the input: lines longer than :data:`MAX_LINE_BYTES` are skipped in
chunks (an error line stands in for them) and every cache has a fixed size.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import IO, Any

from .errors import PayloadError
from .models import Environment
from .useragent import EnvironmentDetector

#: Longest input line read (the same bound as the collector's request body).
MAX_LINE_BYTES = 65536
#: Lines up to this length have their output memoised (access logs repeat the same UAs).
CACHED_LINE_CHARS = 2048
OUTPUT_CACHE_SIZE = 4096
_READ_CHUNK = 65536


def environment_json(env: Environment) -> str:
    """``env`` as one line of JSON (ASCII-only, so any input, even a lone surrogate, is safe)."""
    return json.dumps(env.to_dict(), separators=(",", ":"))


def error_json(error: PayloadError, line: int | None = None) -> str:
    """The API's error shape ``{"error": {"code", "message", "field"}}`` as one line of JSON."""
    body: dict[str, Any] = {
        "error": {"code": error.code, "message": error.message, "field": error.field}
    }
    if line is not None:
        body["line"] = line
    return json.dumps(body, separators=(",", ":"))


def _string_map(value: Any, where: str) -> dict[str, str]:
    if not isinstance(value, Mapping):
        raise PayloadError(
            "expected an object of header names to values", field=where, code="invalid_input"
        )
    for name, item in value.items():
        if not isinstance(item, str):
            raise PayloadError(
                "a header value must be a string", field=f"{where}.{name}", code="invalid_input"
            )
    return dict(value)


def read_input(line: str) -> tuple[str, dict[str, str], dict[str, Any] | None]:
    """One input line -> ``(user_agent, headers, probe)``.

    Raises :class:`PayloadError` (codes ``empty_line``, ``malformed_json``, ``invalid_input``)
    naming the offending field as a JSON path.
    """
    if not line.strip():
        raise PayloadError("the line is empty", code="empty_line")
    if not line.lstrip().startswith("{"):
        return line, {}, None
    try:
        document = json.loads(line)
    except (ValueError, RecursionError) as exc:
        raise PayloadError(f"the line is not valid JSON: {exc}", code="malformed_json") from exc
    if not isinstance(document, dict):
        raise PayloadError("expected a JSON object", code="invalid_input")
    headers = _string_map(document.get("headers", {}), "$.headers")
    ua = document.get("ua")
    if ua is None:
        ua = next((v for k, v in headers.items() if k.lower() == "user-agent"), None)
    if not isinstance(ua, str):
        raise PayloadError(
            '"ua" must be a string (or give a User-Agent header)',
            field="$.ua",
            code="invalid_input",
        )
    probe = document.get("probe")
    if probe is not None and not isinstance(probe, dict):
        raise PayloadError('"probe" must be an object', field="$.probe", code="invalid_input")
    hints = document.get("hints")
    if hints is not None:
        if not isinstance(hints, dict):
            raise PayloadError('"hints" must be an object', field="$.hints", code="invalid_input")
        probe = {**(probe or {}), "userAgentData": hints}
    return ua, headers, probe


def _lines(stream: IO[bytes]) -> Iterator[bytes | None]:
    """Yield each line's bytes without its newline; None for a line over the limit."""
    while True:
        raw = stream.readline(MAX_LINE_BYTES + 1)
        if not raw:
            return
        if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
            while raw and not raw.endswith(b"\n"):  # drop the rest of the line, chunk by chunk
                raw = stream.readline(_READ_CHUNK)
            yield None
            continue
        yield raw.rstrip(b"\r\n")


@dataclass(slots=True)
class BatchStats:
    """What one batch run did."""

    lines: int = 0
    errors: int = 0


class BatchDetector:
    """Turn a stream of input lines into a stream of JSON lines (see the module docstring)."""

    def __init__(
        self,
        detector: EnvironmentDetector | None = None,
        output_cache_size: int = OUTPUT_CACHE_SIZE,
    ) -> None:
        self.detector = detector or EnvironmentDetector()
        self._cached_line = lru_cache(maxsize=output_cache_size)(self._line)

    def _line(self, line: str) -> str:
        ua, headers, probe = read_input(line)
        return environment_json(self.detector.detect(ua, headers, probe))

    def convert(self, line: str) -> str:
        """One decoded input line -> its output JSON (raises PayloadError for a bad line)."""
        if len(line) <= CACHED_LINE_CHARS:
            return self._cached_line(line)
        return self._line(line)

    def run(self, source: IO[bytes], sink: IO[str]) -> BatchStats:
        """Read ``source`` line by line and write one JSON line per input line to ``sink``.

        Bytes that are not UTF-8 are replaced (U+FFFD), never fatal. Returns the counts.
        """
        stats = BatchStats()
        for raw in _lines(source):
            stats.lines += 1
            try:
                if raw is None:
                    raise PayloadError(
                        f"the line is longer than {MAX_LINE_BYTES} bytes", code="line_too_long"
                    )
                out = self.convert(raw.decode("utf-8", errors="replace"))
            except PayloadError as exc:
                stats.errors += 1
                out = error_json(exc, stats.lines)
            sink.write(out)
            sink.write("\n")
        return stats

    def cached_lines(self) -> int:
        """How many input lines have their output memoised now (bounded by the cache size)."""
        return self._cached_line.cache_info().currsize

    def close(self) -> None:
        """Drop the caches (idempotent)."""
        self._cached_line.cache_clear()
        self.detector.close()
