"""Untrusted payload -> :class:`ProbePayload`, enforcing the probe's JSON Schema."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

import jsonschema_rs
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from probes import beacon_schema, payload_schema

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


#: Longest member name quoted back in an error's ``field`` (the rest is cut).
MAX_NAME_IN_PATH = 100


def _name(key: str) -> str:
    """A member name as it may appear in an error: bounded, and encodable as UTF-8."""
    key = key[:MAX_NAME_IN_PATH]
    return key.encode("utf-8", "backslashreplace").decode("utf-8")


def _has_lone_surrogate(text: str) -> bool:
    # JSON may spell a lone "\\ud800"; no UTF-8 store or answer can hold it.
    if text.isascii():
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _check_structure(value: Any, limit: int, path: str = "$") -> None:
    """Depth and text checks over the whole document, before the schema reads it."""
    stack: list[tuple[Any, int, str]] = [(value, 0, path)]
    while stack:
        item, depth, where = stack.pop()
        if depth > limit:
            raise PayloadError(f"nested deeper than {limit} levels", field=where, code="too_deep")
        if isinstance(item, str):
            if _has_lone_surrogate(item):
                raise PayloadError(
                    "the text holds an unpaired UTF-16 surrogate",
                    field=where,
                    code="invalid_text",
                )
        elif isinstance(item, dict):
            for key, member in item.items():
                child = f"{where}.{_name(key)}"
                if _has_lone_surrogate(key):
                    raise PayloadError(
                        "the member name holds an unpaired UTF-16 surrogate",
                        field=child,
                        code="invalid_text",
                    )
                stack.append((member, depth + 1, child))
        elif isinstance(item, list):
            stack.extend((v, depth + 1, f"{where}[{i}]") for i, v in enumerate(item))


def _json_path(parts: Any) -> str:
    path = "$"
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else f".{_name(str(part))}"
    return path


def _raise_schema_error(validator: Draft202012Validator, document: Any) -> None:
    """Raise :class:`PayloadError` for the best-matching error of an invalid ``document``,
    naming the unknown or missing member itself (code ``schema_<keyword>``)."""
    error = best_match(validator.iter_errors(document))
    if error is None:
        return
    where = list(error.absolute_path)
    if error.validator == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        where.append(extra[0] if extra else "?")
        message = f"unknown field {_name(extra[0]) if extra else ''!r}"
    elif error.validator == "required" and isinstance(error.instance, dict):
        # name the missing member itself, not the object that lacks it
        missing = [k for k in error.validator_value if k not in error.instance]
        where.append(missing[0] if missing else "?")
        message = f"the field {_name(missing[0]) if missing else ''!r} is required"
    else:
        message = error.message if len(error.message) < 200 else error.message[:200] + "..."
    raise PayloadError(message, field=_json_path(where), code=f"schema_{error.validator}")


def validate_payload(document: Any) -> ProbePayload:
    """Validate a decoded JSON document against the payload schema.

    Returns a :class:`ProbePayload`; raises :class:`PayloadError` naming the offending field
    (as a JSON path such as ``$.screen.width``) for anything that is not an object, too deep,
    or breaks the schema.
    """
    if not isinstance(document, dict):
        raise PayloadError("the payload must be a JSON object", code="not_an_object")
    _check_structure(document, MAX_DEPTH)
    if not _fast_validator().is_valid(document):
        _raise_schema_error(_validator(), document)
    context = {k: v for k, v in (document.get("context") or {}).items() if v}
    return ProbePayload(
        data=document,
        source=document.get("source", "web"),
        lang=document.get("lang"),
        context=context,
    )


@dataclass(frozen=True, slots=True)
class BeaconPayload:
    """A validated page-load beacon (``probes/beacon_schema.json``)."""

    build: str = ""
    controlled: bool = False
    waiting: bool = False
    verdict: str = "unknown"


@cache
def _beacon_validator() -> Draft202012Validator:
    return Draft202012Validator(beacon_schema())


@cache
def _fast_beacon_validator() -> jsonschema_rs.Draft202012Validator:
    return jsonschema_rs.Draft202012Validator(beacon_schema())


def is_valid_beacon(document: Any) -> bool:
    """True when ``document`` (decoded JSON) is a valid beacon: the Rust validator's yes or no,
    for the collector's fast path; :func:`validate_beacon` says what is wrong."""
    return isinstance(document, dict) and _fast_beacon_validator().is_valid(document)


def validate_beacon(document: Any) -> BeaconPayload:
    """Validate a decoded page-load beacon against ``probes/beacon_schema.json``.

    Returns a :class:`BeaconPayload`; raises :class:`PayloadError` (``not_an_object``,
    ``schema_<keyword>`` naming the field) like :func:`validate_payload`. The beacon is flat
    and small, so the Python validator alone is fast enough (a few microseconds)."""
    if not isinstance(document, dict):
        raise PayloadError("the beacon must be a JSON object", code="not_an_object")
    _check_structure(document, 1)  # flat, and no unpaired surrogate a database cannot store
    validator = _beacon_validator()
    if not validator.is_valid(document):
        _raise_schema_error(validator, document)
    return BeaconPayload(
        build=document.get("build", ""),
        controlled=document.get("controlled", False),
        waiting=document.get("waiting", False),
        verdict=document["verdict"],
    )
