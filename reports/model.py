"""The report model and its short code.

The code is 8 characters of Crockford base32 (no I, L, O, U), shown as ``XXXX-XXXX``: easy to read
out on the phone, 40 bits, so not guessable enough to be a key. The private view needs a separate
token of 192 bits.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from diagnostics.models import Environment, Finding
from matrix.outcome import Outcome, OutcomeValue, assess
from matrix.policy import Verdict

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})
#: Cyrillic letters drawn like Latin ones: a code typed on a Ukrainian keyboard layout, or read
#: out and typed by an agent, reads as the code it looks like (О is O, so 0; І is I, so 1).
_CYRILLIC_LOOKALIKES = str.maketrans(dict(zip("АВСЕНІКМОРТХ", "ABCEH1KM0PTX", strict=True)))


def new_code() -> str:
    """Return a fresh random 8-character Crockford base32 code (undashed)."""
    # 40 random bits, 5 per character: one read of the system's randomness, not eight.
    bits = int.from_bytes(secrets.token_bytes(5), "big")
    return "".join(CROCKFORD[(bits >> shift) & 31] for shift in range(35, -1, -5))


def new_token() -> str:
    """Return a fresh secret token for the private view (192 bits, URL-safe)."""
    return secrets.token_urlsafe(24)


def format_code(code: str) -> str:
    """``ABCD2345`` -> ``ABCD-2345``."""
    return f"{code[:4]}-{code[4:]}"


def normalize_code(text: str) -> str | None:
    """Read a code as a person typed it: any case, with or without the dash or spaces, with
    O for 0 and I/L for 1, Cyrillic look-alikes (В, С, М, ...) as the Latin letters they
    look like. Return the canonical undashed code, or None when it cannot be one."""
    cleaned = (
        "".join(ch for ch in text.upper() if ch not in "- \t")
        .translate(_CYRILLIC_LOOKALIKES)
        .translate(_CONFUSABLE)
    )
    if len(cleaned) != 8 or any(ch not in CROCKFORD for ch in cleaned):
        return None
    return cleaned


@dataclass(frozen=True, slots=True)
class Report:
    """One diagnostics report, as stored and as shown."""

    code: str
    created_at: datetime
    lang: str
    source: str
    environment: Environment
    findings: tuple[Finding, ...]
    verdict: Verdict
    probe: dict[str, Any] = field(default_factory=dict)
    context: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    #: The one result the user reads (matrix/outcome.py): ``works``, ``works_with_problems``,
    #: ``will_not_work`` or ``unknown``, from the verdict and the findings' severities. Left
    #: empty, it is computed; a stored report keeps the outcome it was given when it was made.
    outcome: str = ""

    def __post_init__(self) -> None:
        if not self.outcome:
            object.__setattr__(self, "outcome", assess(self.verdict, self.findings).value)

    def assessment(self) -> Outcome:
        """The outcome with the one or two things to name first (each with its remedy)."""
        found = assess(self.verdict, self.findings)
        return Outcome(cast(OutcomeValue, self.outcome), found.blocking)

    @property
    def display_code(self) -> str:
        return format_code(self.code)

    def to_dict(self) -> dict[str, Any]:
        """The report's JSON shape (``GET /api/v1/reports/<code>``, the .json download)."""
        return {
            "code": self.display_code,
            "created_at": self.created_at.isoformat(),
            "lang": self.lang,
            "source": self.source,
            "outcome": self.outcome,
            "blocking": [f.to_dict() for f in self.assessment().blocking],
            "environment": self.environment.to_dict(),
            "verdict": self.verdict.to_dict(),
            "findings": [f.to_dict() for f in self.findings],
            "probe": self.probe,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Report:
        """Rebuild a Report from :meth:`to_dict` output (a downloaded .json, an API answer);
        one without ``outcome`` (made before it existed) gets it computed."""
        return cls(
            code=normalize_code(str(data["code"])) or str(data["code"]),
            created_at=datetime.fromisoformat(data["created_at"]),
            lang=data["lang"],
            source=data["source"],
            environment=Environment.from_dict(data.get("environment", {})),
            findings=tuple(Finding.from_dict(f) for f in data.get("findings", [])),
            verdict=Verdict.from_dict(data["verdict"]),
            probe=dict(data.get("probe", {})),
            outcome=str(data.get("outcome") or ""),
        )
