"""The QA run definition (``matrix/qa/targets.yaml``): targets, accessibility pages, shards.

A :class:`Target` says which engine opens which page, how it is dressed (device descriptor,
locale, User-Agent and client hints) and what it *is* (:class:`Expected`). What it is was written
by hand: the expected verdict comes from the policy applied to that declared environment
(:func:`declared_environment`), never from our own User-Agent detection.

A target may declare W3C WebDriver ``capabilities`` instead of an ``engine`` (a real Chrome 109
on Windows 7 from a grid): it runs only where a WebDriver endpoint is given (``--webdriver-url``),
and there it stands in for the User-Agent-override target it ``replaces``.

Pure: no browser, no Flask.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any

import yaml

from diagnostics.models import OS, Browser, Device, Engine, Environment

from .engines import ENGINES

#: ``browser.major: engine`` -- the major version of the browser binary that really ran.
ENGINE_MAJOR = "engine"
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_EXPECT_KEYS = {
    "browser": {"family", "major"},
    "engine": {"family", "version"},
    "os": {"family", "major", "version", "approximate"},
    "device": {"type", "brand", "model"},
}
_TARGET_KEYS = {
    "id",
    "engine",
    "path",
    "device",
    "locale",
    "user_agent",
    "client_hints",
    "expect",
    "note",
    "a11y",
    "capabilities",
    "replaces",
}
#: ``browserName`` (lower case) -> the engine behind it, for a capabilities target's engine.
BROWSER_ENGINES = {
    "chrome": "chromium",
    "chromium": "chromium",
    "chrome-headless-shell": "chromium",
    "microsoftedge": "chromium",
    "msedge": "chromium",
    "edge": "chromium",
    "opera": "chromium",
    "samsung": "chromium",
    "firefox": "firefox",
    "safari": "webkit",
    "webkit": "webkit",
    "minibrowser": "webkit",
    "webkitgtk": "webkit",
    "epiphany": "webkit",
}
#: The engine of a capabilities target whose browserName names none of the above.
OTHER_ENGINE = "webdriver"
_PAGE_KEYS = {"id", "page", "path", "optional"}


class TargetsError(Exception):
    """The run definition breaks the format; the message names the file and the target."""


@dataclass(frozen=True, slots=True)
class Expected:
    """What a target is: the parts of the report's Environment it must show, and the page lang."""

    lang: str | None
    parts: dict[str, dict[str, Any]]

    def to_dict(self) -> dict[str, Any]:
        return {"lang": self.lang, **self.parts}


@dataclass(frozen=True, slots=True)
class Target:
    """One browser run of the check page: engine x device x locale (x User-Agent override)."""

    id: str
    engine: str
    expect: Expected
    path: str = "/check"
    device: str | None = None
    locale: str | None = None
    user_agent: str | None = None
    client_hints: dict[str, Any] | None = None
    note: str = ""
    a11y: bool = True
    capabilities: dict[str, Any] | None = None
    replaces: str | None = None

    @property
    def remote(self) -> bool:
        """True for a target that runs on a W3C WebDriver endpoint (it declares capabilities)."""
        return self.capabilities is not None

    @property
    def emulates(self) -> bool:
        """True when the target needs device or locale emulation from its engine."""
        return bool(self.device or self.locale)

    def describe(self) -> str:
        """A short human label: "iPhone 15, en-US, UA override"."""
        if self.capabilities is not None:
            caps = self.capabilities
            named = (caps.get("browserName"), caps.get("browserVersion"), caps.get("platformName"))
            return "capabilities: " + " ".join(str(x) for x in named if x)
        bits = [self.device or "desktop", self.locale or "default locale"]
        if self.user_agent:
            bits.append("UA override" + (" + client hints" if self.client_hints else ""))
        return ", ".join(bits)


@dataclass(frozen=True, slots=True)
class A11yPage:
    """A page axe-core checks in every engine. ``page`` "report": the private report page of a
    report made by opening ``path`` first; "url": ``path`` itself. ``optional``: a 404 means
    "not run" (the page is not served by this build) instead of a failure."""

    id: str
    path: str
    page: str = "url"
    optional: bool = False


@dataclass(frozen=True, slots=True)
class RunDefinition:
    targets: tuple[Target, ...]
    a11y_pages: tuple[A11yPage, ...] = ()
    source: str = "<targets>"


@dataclass(frozen=True, slots=True)
class Job:
    """One unit of work for a worker: a target, or an accessibility page in one engine."""

    id: str
    engine: str
    target: Target | None = None
    page: A11yPage | None = None
    kind: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", "target" if self.target else "a11y")


def default_targets_path() -> Path:
    """Path of the run definition shipped with the package."""
    return Path(str(files(__package__).joinpath("targets.yaml")))


def _check_keys(where: str, data: Any, allowed: set[str]) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise TargetsError(f"{where}: expected a mapping, got {type(data).__name__}")
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise TargetsError(f"{where}: unknown key(s) {', '.join(unknown)}")
    return data


def _expected(where: str, data: Any) -> Expected:
    data = _check_keys(where, data, {"lang", *_EXPECT_KEYS})
    parts: dict[str, dict[str, Any]] = {}
    for part, keys in _EXPECT_KEYS.items():
        if part in data:
            parts[part] = dict(_check_keys(f"{where}.{part}", data[part], keys))
    if "browser" not in parts or "family" not in parts["browser"]:
        raise TargetsError(f"{where}: browser.family is required (the verdict depends on it)")
    major = parts["browser"].get("major")
    if major is not None and major != ENGINE_MAJOR and not isinstance(major, int):
        raise TargetsError(f"{where}.browser.major: an integer or {ENGINE_MAJOR!r}")
    return Expected(lang=data.get("lang"), parts=parts)


def _target(where: str, data: Any) -> Target:
    data = _check_keys(where, data, set(data) if isinstance(data, dict) else set())
    tid = data.get("id")
    if not isinstance(tid, str) or not _ID.match(tid):
        raise TargetsError(f"{where}: id must be lower-case letters, digits and dashes")
    where = f"{where} ({tid})"
    _check_keys(where, data, _TARGET_KEYS)
    capabilities = data.get("capabilities")
    if capabilities is not None:
        engine = _capabilities_engine(where, data)
    else:
        engine = data.get("engine")
        if engine not in ENGINES:
            raise TargetsError(f"{where}: engine must be one of {', '.join(ENGINES)}")
        if data.get("replaces") is not None:
            raise TargetsError(f"{where}: only a target with capabilities replaces another")
    if data.get("client_hints") is not None:
        if engine != "chromium":
            raise TargetsError(f"{where}: client_hints exist in Chromium only")
        if not data.get("user_agent"):
            raise TargetsError(f"{where}: client_hints need the user_agent they go with")
    path = str(data.get("path", "/check"))
    if not path.startswith("/"):
        raise TargetsError(f"{where}: path must start with /")
    if "expect" not in data:
        raise TargetsError(f"{where}: expect is required")
    return Target(
        id=tid,
        engine=engine,
        expect=_expected(f"{where}.expect", data["expect"]),
        path=path,
        device=data.get("device"),
        locale=data.get("locale"),
        user_agent=data.get("user_agent"),
        client_hints=data.get("client_hints"),
        note=str(data.get("note", "")),
        a11y=bool(data.get("a11y", True)),
        capabilities=None if capabilities is None else dict(capabilities),
        replaces=data.get("replaces"),
    )


def _capabilities_engine(where: str, data: dict[str, Any]) -> str:
    """The engine behind a capabilities target's browserName; checks what such a target may say."""
    capabilities = data["capabilities"]
    if not isinstance(capabilities, dict) or not capabilities:
        raise TargetsError(f"{where}: capabilities must be a non-empty mapping")
    if "engine" in data:
        raise TargetsError(f"{where}: give engine or capabilities, not both")
    dressed = sorted(k for k in ("device", "locale", "user_agent", "client_hints") if k in data)
    if dressed:
        # WebDriver emulates nothing: a grid target is the real thing (vendor options may set a
        # device or a language; they go in capabilities, untouched).
        raise TargetsError(
            f"{where}: {', '.join(dressed)} cannot go with capabilities (put ?lang= in path, "
            "and devices in the grid's own capabilities)"
        )
    for key in ("browserName", "browserVersion", "platformName"):
        if key in capabilities and not isinstance(capabilities[key], str):
            raise TargetsError(f"{where}: capabilities.{key} must be a string (quote versions)")
    replaces = data.get("replaces")
    if replaces is not None and (not isinstance(replaces, str) or not _ID.match(replaces)):
        raise TargetsError(f"{where}: replaces names one target id")
    name = str(capabilities.get("browserName", "")).lower()
    return BROWSER_ENGINES.get(name, OTHER_ENGINE)


def _a11y_page(where: str, data: Any) -> A11yPage:
    data = _check_keys(where, data, _PAGE_KEYS)
    pid, path = data.get("id"), data.get("path")
    if not isinstance(pid, str) or not _ID.match(pid):
        raise TargetsError(f"{where}: id must be lower-case letters, digits and dashes")
    if not isinstance(path, str) or not path.startswith("/"):
        raise TargetsError(f"{where} ({pid}): path must start with /")
    page = data.get("page", "url")
    if page not in ("url", "report"):
        raise TargetsError(f"{where} ({pid}): page must be 'url' or 'report'")
    return A11yPage(pid, path, page, bool(data.get("optional", False)))


def parse_targets(data: Any, source: str = "<targets>") -> RunDefinition:
    """Build a :class:`RunDefinition` from decoded YAML; raise TargetsError naming ``source``."""
    data = _check_keys(source, data, {"version", "targets", "accessibility"})
    if data.get("version") != 1:
        raise TargetsError(f"{source}: version must be 1")
    raw_targets = data.get("targets") or []
    if not isinstance(raw_targets, list) or not raw_targets:
        raise TargetsError(f"{source}: targets must be a non-empty list")
    targets = tuple(_target(f"{source}: targets[{i}]", t) for i, t in enumerate(raw_targets))
    pages = tuple(
        _a11y_page(f"{source}: accessibility[{i}]", p)
        for i, p in enumerate(data.get("accessibility") or [])
    )
    ids = [t.id for t in targets] + [p.id for p in pages]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise TargetsError(f"{source}: duplicate id(s) {', '.join(duplicates)}")
    local = {t.id for t in targets if not t.remote}
    for t in targets:
        if t.replaces is not None and t.replaces not in local:
            raise TargetsError(
                f"{source}: target {t.id} replaces {t.replaces!r}, "
                "which is no target with an engine"
            )
    return RunDefinition(targets, pages, source)


def load_targets(path: str | Path | None = None) -> RunDefinition:
    """Load and validate the run definition at ``path`` (default: the shipped targets.yaml).

    Raises TargetsError (file and line for YAML errors, file and target id otherwise).
    """
    path = Path(path) if path else default_targets_path()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise TargetsError(f"{path}: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        raise TargetsError(f"{path}{line}: not valid YAML: {exc}") from exc
    return parse_targets(data, str(path))


def jobs_of(definition: RunDefinition, webdriver: bool = False) -> list[Job]:
    """Every job of a run: each target, then each accessibility page in each engine.

    With a WebDriver endpoint (``webdriver``) the capabilities targets run and the targets they
    replace do not; without one the replaced targets run, and a capabilities target that
    replaces nothing is still a job (it will be "not run", saying it needs an endpoint)."""
    replaced = {t.replaces for t in definition.targets if t.replaces}
    if webdriver:
        targets = [t for t in definition.targets if t.id not in replaced]
    else:
        targets = [t for t in definition.targets if not (t.remote and t.replaces)]
    jobs = [Job(t.id, t.engine, target=t) for t in targets]
    jobs += [
        Job(f"a11y-{engine}-{p.id}", engine, page=p)
        for engine in ENGINES
        for p in definition.a11y_pages
    ]
    return jobs


def parse_shard(value: str) -> tuple[int, int]:
    """``"I/N"`` -> ``(I, N)`` with 1 <= I <= N; raises ValueError with what is wrong."""
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", value or "")
    if not match:
        raise ValueError(f"expected I/N such as 1/3, got {value!r}")
    index, count = int(match.group(1)), int(match.group(2))
    if not 1 <= index <= count:
        raise ValueError(f"shard {index}/{count}: I must be between 1 and N")
    return index, count


def shard_of(job_id: str, count: int) -> int:
    """The shard (1..count) a job id belongs to: a stable hash, the same on every machine and
    run, so adding a target never moves the others."""
    digest = hashlib.sha256(job_id.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % count + 1


def select_shard(jobs: list[Job], index: int, count: int) -> list[Job]:
    """The jobs of shard ``index`` of ``count`` (all of them for 1/1)."""
    return [j for j in jobs if shard_of(j.id, count) == index]


# --- what a target is -------------------------------------------------------------------------


def _major(version: str | None) -> int | None:
    match = re.match(r"\d+", version or "")
    return int(match.group()) if match else None


def resolve_expected(expect: Expected, engine_version: str) -> dict[str, Any]:
    """The expected report parts with ``major: engine`` replaced by the major version of the
    browser that ran (``engine_version``, from :meth:`BrowserSession.describe`)."""
    parts = {k: dict(v) for k, v in expect.parts.items()}
    if parts["browser"].get("major") == ENGINE_MAJOR:
        parts["browser"]["major"] = _major(engine_version.split()[-1] if engine_version else "")
    return parts


def declared_environment(parts: dict[str, dict[str, Any]]) -> Environment:
    """The :class:`Environment` a target declares (resolved parts), to evaluate the policy on."""
    browser = parts.get("browser", {})
    engine = parts.get("engine", {})
    os_ = parts.get("os", {})
    device = parts.get("device", {})
    major = browser.get("major")
    os_version = os_.get("version")
    return Environment(
        browser=Browser(browser["family"], None if major is None else str(major), major),
        engine=Engine(engine.get("family", "Other"), engine.get("version")),
        os=OS(
            os_.get("family", "Other"),
            None if os_version is None else str(os_version),
            os_.get("major", _major(None if os_version is None else str(os_version))),
            bool(os_.get("approximate", False)),
        ),
        device=Device(device.get("type", "unknown"), device.get("brand"), device.get("model")),
    )


def _same(key: str, want: Any, got: Any) -> bool:
    if key == "version" and want is not None:
        want_parts = str(want).split(".")
        return str(got or "").split(".")[: len(want_parts)] == want_parts
    return bool(want == got)


def compare_environment(parts: dict[str, dict[str, Any]], detected: dict[str, Any]) -> list[str]:
    """Differences between the declared parts and the report's environment (``to_dict`` shape),
    one readable line each; empty when every declared key matches."""
    problems = []
    for part, keys in parts.items():
        got_part = detected.get(part) or {}
        for key, want in keys.items():
            got = got_part.get(key)
            if not _same(key, want, got):
                problems.append(f"{part}.{key}: expected {want!r}, detected {got!r}")
    return problems
