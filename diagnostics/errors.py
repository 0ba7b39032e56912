"""Exceptions raised by the diagnostics package."""

from __future__ import annotations


class DiagnosticsError(Exception):
    """Base class of every error raised by diagnostics/."""


class PayloadError(DiagnosticsError):
    """An untrusted payload failed validation.

    ``code`` is a stable machine-readable error code, ``field`` the JSON path of the offending
    value (``"$"`` for the document itself).
    """

    def __init__(self, message: str, *, field: str = "$", code: str = "invalid_payload") -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code
