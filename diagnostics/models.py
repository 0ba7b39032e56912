"""Domain values of diagnostics: frozen, slotted dataclasses with a stable JSON shape."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

DeviceType = Literal["desktop", "mobile", "tablet", "tv", "bot", "unknown"]
Severity = Literal["info", "warning", "error"]
Source = Literal["ua", "hints-header", "hints-js", "probe", "headers", "app"]
#: Every language user-visible text exists in: the fields of :class:`Text`, in this order.
LANGUAGES: tuple[str, ...] = ("uk", "en")


@dataclass(frozen=True, slots=True)
class Text:
    """A user-visible message in Ukrainian and English (:data:`LANGUAGES`, in that order)."""

    uk: str
    en: str

    def get(self, lang: str) -> str:
        """Return the message in ``lang`` (``"uk"`` or ``"en"``); English for anything else."""
        return self.uk if lang == "uk" else self.en

    def to_dict(self) -> dict[str, str]:
        return {"uk": self.uk, "en": self.en}


@dataclass(frozen=True, slots=True)
class Browser:
    family: str = "Other"
    version: str | None = None
    major: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"family": self.family, "version": self.version, "major": self.major}


@dataclass(frozen=True, slots=True)
class Engine:
    family: str = "Other"
    version: str | None = None
    #: True when the version is a frozen token (Safari's AppleWebKit/605.1.15), not the real build.
    approximate: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"family": self.family, "version": self.version, "approximate": self.approximate}


@dataclass(frozen=True, slots=True)
class OS:
    family: str = "Other"
    version: str | None = None
    major: int | None = None
    #: True when the version is a lower bound only: a frozen UA value nothing corrected
    #: ("at least 10.15").
    approximate: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "family": self.family,
            "version": self.version,
            "major": self.major,
            "approximate": self.approximate,
        }


@dataclass(frozen=True, slots=True)
class Device:
    type: DeviceType = "unknown"
    brand: str | None = None
    model: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.type, "brand": self.brand, "model": self.model}


@dataclass(frozen=True, slots=True)
class Environment:
    """Everything we know about the client, each field with the signal it came from."""

    browser: Browser = field(default_factory=Browser)
    engine: Engine = field(default_factory=Engine)
    os: OS = field(default_factory=OS)
    device: Device = field(default_factory=Device)
    in_app: str | None = None
    is_bot: bool = False
    #: field ("browser", "os", "device", ...) -> signal it came from ("ua", "hints-header", ...)
    sources: dict[str, str] = field(default_factory=dict)
    #: signals that disagreed: {"field", "used", "ignored", ...} dicts, for support to see both.
    conflicts: tuple[dict[str, Any], ...] = ()
    user_agent: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "browser": self.browser.to_dict(),
            "engine": self.engine.to_dict(),
            "os": self.os.to_dict(),
            "device": self.device.to_dict(),
            "in_app": self.in_app,
            "is_bot": self.is_bot,
            "sources": dict(self.sources),
            "conflicts": [dict(c) for c in self.conflicts],
            "user_agent": self.user_agent,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Environment:
        """Rebuild an Environment from :meth:`to_dict` output (stored reports)."""
        return cls(
            browser=Browser(**data.get("browser", {})),
            engine=Engine(**data.get("engine", {})),
            os=OS(**data.get("os", {})),
            device=Device(**data.get("device", {})),
            in_app=data.get("in_app"),
            is_bot=bool(data.get("is_bot", False)),
            sources=dict(data.get("sources", {})),
            conflicts=tuple(data.get("conflicts", ())),
            user_agent=data.get("user_agent", ""),
        )


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem (or notable fact) found in the client's environment."""

    id: str
    severity: Severity
    title: Text
    remedy: Text
    #: What the portal's page recorded that caused it (diagnostics.evidence), if it came from there.
    evidence: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        out = {
            "id": self.id,
            "severity": self.severity,
            "title": self.title.to_dict(),
            "remedy": self.remedy.to_dict(),
        }
        if self.evidence is not None:
            out["evidence"] = self.evidence
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Finding:
        return cls(
            id=data["id"],
            severity=data["severity"],
            title=Text(**data["title"]),
            remedy=Text(**data["remedy"]),
            evidence=data.get("evidence"),
        )
