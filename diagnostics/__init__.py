"""Diagnostics: turn untrusted client signals into a typed :class:`Environment` and findings.

Public API:

- :func:`detect_environment` -- User-Agent + request headers + probe payload -> Environment
- :func:`collect_findings` -- Environment + probe payload -> list of Finding
- :func:`validate_payload` -- untrusted JSON -> ProbePayload, raising PayloadError

Nothing here imports Flask or SQLAlchemy: the collector, the CLI and the QA runner share it.
"""

from __future__ import annotations

from .errors import DiagnosticsError, PayloadError
from .findings import collect_findings
from .models import OS, Browser, Device, Engine, Environment, Finding, Text
from .useragent import detect_environment
from .validate import ProbePayload, validate_payload

__all__ = [
    "OS",
    "Browser",
    "Device",
    "DiagnosticsError",
    "Engine",
    "Environment",
    "Finding",
    "PayloadError",
    "ProbePayload",
    "Text",
    "collect_findings",
    "detect_environment",
    "validate_payload",
]
