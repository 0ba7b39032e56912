"""Untrusted payload -> :class:`ProbePayload`, enforcing the probe's JSON Schema."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

import jsonschema_rs
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from probes import payload_schema

from .errors import PayloadError

#: Deepest nesting accepted anywhere in a payload (the schema itself needs 4).
MAX_DEPTH = 8


@dataclass(frozen=True, slots=True)
class ProbePayload:
    """A validated payload: the probe's data, the user's context and the sender kind."""

    data: dict[str, Any]
    source: str = "web"
    lang: str | None = None
    context: dict[str, str] = field(default_factory=dict)


@cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(payload_schema())


@cache
def _fast_validator() -> jsonschema_rs.Draft202012Validator:
    # jsonschema-rs (Rust) only answers valid or not, ~50x faster; a valid payload, nearly
    # every one, needs no more. The Python validator still explains the invalid ones.
    return jsonschema_rs.Draft202012Validator(payload_schema())


def _depth(value: Any, limit: int, path: str = "$") -> None:
    stack: list[tuple[Any, int, str]] = [(value, 0, path)]
    while stack:
        item, depth, where = stack.pop()
        if depth > limit:
            raise PayloadError(
                f"nested deeper than {limit} levels", field=where, code="too_deep"
            )
        if isinstance(item, dict):
            stack.extend((v, depth + 1, f"{where}.{k}") for k, v in item.items())
        elif isinstance(item, list):
            stack.extend((v, depth + 1, f"{where}[{i}]") for i, v in enumerate(item))


def _json_path(parts: Any) -> str:
    path = "$"
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def validate_payload(document: Any) -> ProbePayload:
    """Validate a decoded JSON document against the payload schema.

    Returns a :class:`ProbePayload`; raises :class:`PayloadError` naming the offending field
    (as a JSON path such as ``$.screen.width``) for anything that is not an object, too deep,
    or breaks the schema.
    """
    if not isinstance(document, dict):
        raise PayloadError("the payload must be a JSON object", code="not_an_object")
    _depth(document, MAX_DEPTH)
    valid = _fast_validator().is_valid(document)
    error = None if valid else best_match(_validator().iter_errors(document))
    if error is not None:
        where = list(error.absolute_path)
        if error.validator == "additionalProperties":
            extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
            where.append(extra[0] if extra else "?")
            message = f"unknown field {extra[0] if extra else ''!r}"
        else:
            message = error.message if len(error.message) < 200 else error.message[:200] + "..."
        raise PayloadError(message, field=_json_path(where), code=f"schema_{error.validator}")
    context = {k: v for k, v in (document.get("context") or {}).items() if v}
    return ProbePayload(
        data=document,
        source=document.get("source", "web"),
        lang=document.get("lang"),
        context=context,
    )
