"""Load a policy YAML file into a :class:`~matrix.policy.Policy`, or say exactly what is wrong.

The file is checked against ``policy.schema.json`` (JSON Schema), then for what a schema cannot
say (a fixed status with a minimum, a missing download link, an unknown ``{placeholder}``, an
evergreen rule with no releases). Every problem names the file, the line and the key, because
the person fixing it is a support manager with a text editor.
"""

from __future__ import annotations

import difflib
import json
import string
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from diagnostics.models import LANGUAGES, Text

from .baseline import (
    NO_TARGET,
    BaselineDataError,
    BaselineTable,
    default_baseline_path,
    read_baseline,
    target_key,
)
from .features import CHECKED_FEATURES, MAX_REQUIRED
from .policy import (
    STATUSES,
    AppRule,
    BrowserRule,
    DevicePolicy,
    EngineRule,
    InAppRule,
    Limited,
    Policy,
    RequiredFeature,
    SystemRule,
)
from .releases import ReleaseTable, ReleaseTableError, read_releases
from .versions import Version, parse_version

PathKey = tuple[str, ...]

#: The {placeholders} each text may use.
PLACEHOLDERS: dict[str, frozenset[str]] = {
    "reasons.browser_outdated": frozenset({"browser", "version", "min"}),
    "reasons.engine_outdated": frozenset({"browser", "engine", "engine_version", "min"}),
    "reasons.os_outdated": frozenset({"os", "version", "min"}),
    "reasons.device_not_allowed": frozenset({"browser", "device"}),
    "reasons.unlisted_browser": frozenset({"browser"}),
    "reasons.unrecognised": frozenset(),
    "reasons.bot": frozenset(),
    "reasons.app_outdated": frozenset({"version", "min"}),
    "reasons.app_os_outdated": frozenset({"os", "version", "min"}),
    "reasons.app_unlisted": frozenset({"platform"}),
    "reasons.baseline_outdated": frozenset({"browser", "version", "min", "baseline"}),
    "reasons.feature_missing": frozenset({"feature", "name"}),
    "remedies.update_browser": frozenset({"browser", "download"}),
    "remedies.upgrade_os": frozenset({"os", "min", "download"}),
    "remedies.install_browser": frozenset({"browsers"}),
    "remedies.update_app": frozenset({"store"}),
}


@dataclass(frozen=True, slots=True)
class PolicyProblem:
    """One thing wrong in a policy file: where (file, line, key) and what."""

    file: str
    line: int | None
    where: str
    message: str

    def __str__(self) -> str:
        line = f":{self.line}" if self.line else ""
        where = f" {self.where}:" if self.where else ""
        return f"{self.file}{line}:{where} {self.message}"


class PolicyError(Exception):
    """A policy file is unreadable or breaks the format; the message names file and line."""

    def __init__(self, message: str | PolicyProblem, problems: list[PolicyProblem] | None = None):
        self.problems = problems or ([message] if isinstance(message, PolicyProblem) else [])
        text = str(message)
        if len(self.problems) > 1:
            text += f" (and {len(self.problems) - 1} more problem(s))"
        super().__init__(text)


def default_policy_path() -> Path:
    """Path of the policy shipped with the package."""
    return Path(str(files(__package__).joinpath("policy.yaml")))


@cache
def policy_schema() -> dict[str, Any]:
    """The JSON Schema of policy files (``matrix/policy.schema.json``)."""
    schema: dict[str, Any] = json.loads(
        files(__package__).joinpath("policy.schema.json").read_text(encoding="utf-8")
    )
    return schema


@cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(policy_schema())


# --- YAML with line numbers -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Located:
    """Decoded YAML plus the line (1-based) every key path starts on."""

    data: Any
    lines: dict[PathKey, int]

    def line(self, path: tuple[Any, ...] | list[Any]) -> int | None:
        """Line of ``path``, or of its nearest ancestor the file has."""
        key = tuple(str(p) for p in path)
        while key not in self.lines and key:
            key = key[:-1]
        return self.lines.get(key)


def _walk(
    node: yaml.Node,
    path: PathKey,
    lines: dict[PathKey, int],
    duplicates: list[tuple[PathKey, int, int]],
) -> None:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            line = key_node.start_mark.line + 1
            if key in seen:
                duplicates.append((path + (key,), line, seen[key]))
                continue
            seen[key] = line
            lines[path + (key,)] = line
            _walk(value_node, path + (key,), lines, duplicates)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, path + (str(index),), lines, duplicates)


def _compose(text: str, source: str) -> tuple[Located, list[PolicyProblem]]:
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = PolicyProblem(
            source, mark.line + 1 if mark else None, "", f"not valid YAML: {exc.problem or exc}"
        )
        raise PolicyError(problem) from exc
    except yaml.YAMLError as exc:
        raise PolicyError(PolicyProblem(source, None, "", f"not valid YAML: {exc}")) from exc
    finally:
        loader.dispose()
    lines: dict[PathKey, int] = {}
    duplicates: list[tuple[PathKey, int, int]] = []
    if node is not None:
        _walk(node, (), lines, duplicates)
    problems = [
        PolicyProblem(
            source,
            line,
            _where(path, data),
            f"'{path[-1]}' is given twice (first on line {first}); "
            "YAML would silently keep only the last",
        )
        for path, line, first in duplicates
    ]
    return Located(data, lines), problems


def _where(path: tuple[Any, ...] | list[Any], data: Any) -> str:
    """``browsers[3] (Opera).engine_min`` for the path ``("browsers", 3, "engine_min")``."""
    out, cursor = "", data
    for part in path:
        if isinstance(cursor, list) and str(part).isdigit():
            index = int(part)
            out += f"[{index}]"
            cursor = cursor[index] if index < len(cursor) else None
            if isinstance(cursor, dict):
                name = cursor.get("family") or cursor.get("engine") or cursor.get("platform")
                if isinstance(name, str):
                    out += f" ({name})"
        else:
            out += ("." if out else "") + str(part)
            cursor = cursor.get(part) if isinstance(cursor, dict) else None
    return out


# --- schema errors, in words --------------------------------------------------------------------


def _schema_message(error: ValidationError) -> tuple[list[Any], str]:
    path = list(error.absolute_path)
    value = error.instance
    if error.validator == "additionalProperties":
        known = sorted(error.schema.get("properties", {}))
        extra = sorted(set(value) - set(known)) if isinstance(value, dict) else []
        name = str(extra[0]) if extra else "?"
        path.append(name)
        close = difflib.get_close_matches(name, known, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else f"; known keys: {', '.join(known)}"
        return path, f"unknown key '{name}'{hint}"
    if error.validator == "required":
        missing = [k for k in error.validator_value if k not in (value or {})]
        return path, "missing " + ", ".join(f"'{k}'" for k in missing)
    if isinstance(value, float) and error.validator == "type":
        return path, (
            f"{value!r} is read as a decimal number; write versions in quotes, "
            f'e.g. "{value}" (and "10.10" rather than 10.10)'
        )
    if error.validator == "enum":
        allowed = ", ".join(str(v) for v in error.validator_value)
        return path, f"{value!r} is not one of: {allowed}"
    if error.validator == "const":
        return path, f"must be {error.validator_value!r}, not {value!r}"
    if error.validator == "pattern":
        if "https" in error.validator_value:
            return path, f"{value!r} is not an https:// link"
        return path, f'{value!r} is not a version like "10" or "10.15"'
    if error.validator == "type":
        expected = error.validator_value
        expected = " or ".join(expected) if isinstance(expected, list) else expected
        shown = "an empty value" if value is None else repr(value)
        return path, f"{shown} should be {expected_words(expected)}"
    return path, error.message


def expected_words(expected: str) -> str:
    """JSON Schema type names in words a support manager reads."""
    words = {
        "object": "a mapping (key: value lines)",
        "array": "a list",
        "string": "text",
        "integer": "a whole number",
        "boolean": "true or false",
    }
    return " or ".join(words.get(e, e) for e in expected.split(" or "))


# --- building the Policy -------------------------------------------------------------------------


def _text(value: Any) -> Text | None:
    return Text(value["uk"], value["en"]) if isinstance(value, dict) else None


def _version(value: Any) -> Version | None:
    return parse_version(value) if value is not None else None


class _Builder:
    """Turns schema-valid data into a Policy, collecting the problems a schema cannot see."""

    def __init__(self, located: Located, source: str, base: Path | None, as_of: date) -> None:
        self.located, self.data, self.source = located, located.data, source
        self.base, self.as_of = base, as_of
        self.problems: list[PolicyProblem] = []

    def problem(self, path: tuple[Any, ...], message: str) -> None:
        self.problems.append(
            PolicyProblem(self.source, self.located.line(path), _where(path, self.data), message)
        )

    def limited(self, value: Any, path: tuple[Any, ...], major: bool) -> Limited | None:
        if value is None:
            return None
        if "versions" not in value and "from" not in value and "to" not in value:
            self.problem(path, "limited needs 'from' and/or 'to', or 'versions'")
        low, high = _version(value.get("from")), _version(value.get("to"))
        if low and high and high < low:
            self.problem(path + ("to",), f"'to' ({value['to']}) is below 'from' ({value['from']})")
        versions = tuple(v for v in (_version(x) for x in value.get("versions", ())) if v)
        return Limited(Text(**value["reason"]), versions, low, high)

    def browsers(self) -> tuple[BrowserRule, ...]:
        rules = []
        for index, item in enumerate(self.data.get("browsers") or ()):
            path = ("browsers", index)
            versioned = [
                k for k in ("min", "engine_min", "evergreen", "limited", "baseline") if k in item
            ]
            status = item.get("status")
            if status and versioned:
                self.problem(
                    path + (versioned[0],),
                    f"'status: {status}' fixes the verdict for every version, so "
                    f"'{versioned[0]}' is never used; remove one of them",
                )
            if status and status != "supported" and "reason" not in item:
                self.problem(path + ("status",), f"'status: {status}' needs a 'reason' for users")
            if versioned and "download" not in item:
                self.problem(
                    path, "needs 'download': the \"update your browser\" advice links to it"
                )
            if "evergreen" in item and not self.releases.majors(item["family"], self.as_of):
                self.problem(
                    path + ("evergreen",),
                    f"evergreen counts {item['family']}'s releases, but the release "
                    f"table has none (add them with: browsercheck matrix releases "
                    f"import)",
                )
            rules.append(
                BrowserRule(
                    family=item["family"],
                    min=item.get("min"),
                    engine_min=item.get("engine_min"),
                    status=status,
                    reason=_text(item.get("reason")),
                    download=item.get("download"),
                    evergreen=item.get("evergreen"),
                    limited=self.limited(item.get("limited"), path + ("limited",), major=True),
                    devices=tuple(item["devices"]) if "devices" in item else None,
                    line=self.located.line(path),
                    baseline=self.baseline_target(item, path, allow_none=True),
                )
            )
        return tuple(rules)

    def baseline_target(
        self, data: dict[str, Any], path: tuple[Any, ...], allow_none: bool
    ) -> str | None:
        """The ``baseline:`` of ``data`` as a target key of the Baseline table, or None."""
        if "baseline" not in data:
            return None
        value, where = data["baseline"], path + ("baseline",)
        key = target_key(value)
        years = self.baseline_table.years()
        span = f"{years[0]} to {years[-1]}" if years else "none"
        if key is None or (key == NO_TARGET and not allow_none):
            extra = ", none (this family is not judged by Baseline)" if allow_none else ""
            self.problem(
                where,
                f"{value!r} is not a Baseline target; write widely, newly or a year "
                f"({span}){extra}",
            )
            return None
        if key != NO_TARGET and self.baseline_table.target(key) is None:
            mapping = self.baseline_table.source.get("baseline-browser-mapping", "?")
            self.problem(
                where,
                f"Baseline {key} is not in the Baseline table (years {span}, from "
                f"baseline-browser-mapping {mapping}); refresh it with: browsercheck matrix "
                "baseline refresh",
            )
            return None
        return key

    def requires(self) -> tuple[RequiredFeature, ...]:
        """``requires:``: web-features ids the probe has a check for, each once."""
        out: list[RequiredFeature] = []
        items = self.data.get("requires") or ()
        if len(items) > MAX_REQUIRED:
            self.problem(
                ("requires",), f"{len(items)} features; at most {MAX_REQUIRED} are checked"
            )
        known = self.baseline_table.features
        for index, item in enumerate(items):
            path = ("requires", index)
            feature = item if isinstance(item, str) else item["feature"]
            status = "unsupported" if isinstance(item, str) else item.get("status", "unsupported")
            if any(r.feature == feature for r in out):
                self.problem(path, f"'{feature}' is required twice")
                continue
            if feature not in known:
                close = difflib.get_close_matches(feature, sorted(known), n=1)
                hint = f"; did you mean '{close[0]}'?" if close else ""
                self.problem(
                    path,
                    f"'{feature}' is not a web-features id (https://web-platform-dx.github.io/"
                    f"web-features-explorer/){hint}",
                )
                continue
            if feature not in CHECKED_FEATURES:
                close = difflib.get_close_matches(feature, CHECKED_FEATURES, n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                self.problem(
                    path,
                    f"the probe has no check for '{feature}' ({known[feature]}){hint}; it checks: "
                    + ", ".join(CHECKED_FEATURES),
                )
                continue
            out.append(RequiredFeature(feature, status, self.located.line(path)))
        return tuple(out)

    def load_baseline(self) -> BaselineTable:
        path = default_baseline_path()
        try:
            return _baseline_table(str(path), _mtime(path))
        except BaselineDataError as exc:
            self.problem(("baseline",), str(exc))
            return BaselineTable()

    def engines(self) -> tuple[EngineRule, ...]:
        return tuple(
            EngineRule(
                item["engine"],
                Text(**item["name"]),
                item["min"],
                self.limited(item.get("limited"), ("engines", i, "limited"), major=True),
                self.located.line(("engines", i)),
            )
            for i, item in enumerate(self.data.get("engines") or ())
        )

    def systems(self) -> tuple[SystemRule, ...]:
        rules = []
        for index, item in enumerate(self.data.get("systems") or ()):
            path = ("systems", index)
            if ("min" in item or "limited" in item) and "download" not in item:
                self.problem(
                    path, "needs 'download': the \"upgrade your system\" advice links to it"
                )
            rules.append(
                SystemRule(
                    family=item["family"],
                    min=_version(item.get("min")),
                    limited=self.limited(item.get("limited"), path + ("limited",), major=False),
                    frozen=_version(item.get("frozen")),
                    version_names={
                        str(k): v
                        for k, v in (
                            (k, _version(v)) for k, v in (item.get("version_names") or {}).items()
                        )
                        if v
                    },
                    engine_follows_os=bool(item.get("engine_follows_os", False)),
                    download=item.get("download"),
                    line=self.located.line(path),
                )
            )
        return tuple(rules)

    def texts(self, section: str) -> dict[str, Text]:
        out = {}
        for key, value in (self.data.get(section) or {}).items():
            allowed = PLACEHOLDERS.get(f"{section}.{key}", frozenset())
            for lang in LANGUAGES:
                try:
                    names = {f for _, f, _, _ in string.Formatter().parse(value[lang]) if f}
                except ValueError as exc:
                    self.problem(
                        (section, key, lang),
                        f"broken {{placeholder}}: {exc} (write {{{{ and }}}} for literal braces)",
                    )
                    continue
                for name in sorted(names - allowed):
                    known = ", ".join(f"{{{n}}}" for n in sorted(allowed)) or "none"
                    self.problem(
                        (section, key, lang),
                        f"unknown placeholder {{{name}}}; this text may use: {known}",
                    )
            out[key] = Text(value["uk"], value["en"])
        return out

    def load_releases(self) -> ReleaseTable:
        name = self.data.get("releases")
        if name is None:
            return ReleaseTable()
        path = Path(name) if Path(name).is_absolute() or self.base is None else self.base / name
        try:
            return read_releases(path)
        except ReleaseTableError as exc:
            self.problem(("releases",), str(exc))
            return ReleaseTable()

    def build(self) -> Policy:
        self.releases = self.load_releases()
        self.baseline_table = self.load_baseline()
        browsers = self.browsers()
        recommended = self.data.get("recommended") or {}
        for system, families in recommended.items():
            for index, family in enumerate(families):
                rule = next((b for b in browsers if b.family == family), None)
                if rule is not None and rule.download:
                    continue
                self.problem(
                    ("recommended", system, index),
                    f"'{family}' is recommended but has no browser rule with a 'download' link",
                )
        devices = self.data.get("devices")
        in_app = self.data.get("in_app")
        messages = {k: Text(**v) for k, v in self.data["messages"].items() if k in STATUSES}
        return Policy(
            browsers=browsers,
            systems=self.systems(),
            messages=messages,
            engines=self.engines(),
            devices=DevicePolicy(
                tuple(devices["allowed"]), devices["otherwise"], Text(**devices["reason"])
            )
            if devices
            else DevicePolicy(),
            in_app=InAppRule(
                in_app["status"],
                Text(**in_app["reason"]),
                Text(**in_app["remedy"]),
                tuple(in_app.get("apps", ())),
                tuple(in_app.get("web_views", ())),
                self.located.line(("in_app",)),
            )
            if in_app
            else None,
            apps=tuple(
                AppRule(
                    a["platform"],
                    parse_version(a["min_version"]) or (0,),
                    parse_version(a["os_min"]) or (0,),
                    a["store"],
                    self.located.line(("apps", i)),
                )
                for i, a in enumerate(self.data.get("apps") or ())
            ),
            recommended={str(k): tuple(v) for k, v in recommended.items()},
            reasons=self.texts("reasons"),
            remedies=self.texts("remedies"),
            releases=self.releases,
            as_of=self.as_of,
            source=self.source,
            baseline=self.baseline_target(self.data, (), allow_none=False),
            baseline_line=self.located.line(("baseline",)) if "baseline" in self.data else None,
            baseline_table=self.baseline_table,
            requires=self.requires(),
        )


@dataclass(frozen=True, slots=True)
class PolicyReading:
    """What reading a policy file gave: the policy (None when invalid), the decoded YAML
    with its lines, and every problem found."""

    policy: Policy | None
    located: Located | None
    problems: tuple[PolicyProblem, ...]


def read_policy_text(
    text: str, source: str = "<policy>", base: Path | None = None, as_of: date | None = None
) -> PolicyReading:
    """Check and build a policy from YAML ``text``; never raises on a bad file.

    ``source`` names the file in problems, ``base`` is the folder the release table is read
    from, ``as_of`` the day evergreen rules are counted at (default: today).
    """
    try:
        located, problems = _compose(text, source)
    except PolicyError as exc:
        return PolicyReading(None, None, tuple(exc.problems))
    if not isinstance(located.data, dict):
        problem = PolicyProblem(
            source,
            1,
            "",
            "the policy must be a mapping of keys (version:, browsers:, systems:, ...)",
        )
        return PolicyReading(None, located, (problem,))
    for error in _validator().iter_errors(located.data):
        path, message = _schema_message(error)
        problems.append(
            PolicyProblem(source, located.line(path), _where(path, located.data), message)
        )
    if problems:
        return PolicyReading(None, located, tuple(sorted(problems, key=_line_key)))
    builder = _Builder(located, source, base, as_of or date.today())
    policy = builder.build()
    if builder.problems:
        return PolicyReading(None, located, tuple(sorted(builder.problems, key=_line_key)))
    return PolicyReading(policy, located, ())


def _mtime(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return 0


@lru_cache(maxsize=4)  # keyed by mtime: a refreshed table is read again
def _baseline_table(path: str, _mtime: int) -> BaselineTable:
    return read_baseline(path)


def _line_key(problem: PolicyProblem) -> tuple[int, str]:
    return problem.line or 0, problem.where


def read_policy(path: str | Path | None = None, as_of: date | None = None) -> PolicyReading:
    """Check and build the policy file at ``path`` (default: the shipped one); never raises."""
    path = Path(path) if path else default_policy_path()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        why = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        problem = PolicyProblem(str(path), None, "", f"cannot read: {why}")
        return PolicyReading(None, None, (problem,))
    return read_policy_text(text, str(path), path.parent, as_of)


def load_policy(path: str | Path | None = None, as_of: date | None = None) -> Policy:
    """Load and validate the policy at ``path`` (default: the shipped one).

    Cached per file, the modification times of it and its release table, and day. Raises
    :class:`PolicyError` naming file and line of the first problem (all in ``.problems``).
    """
    path = Path(path) if path else default_policy_path()
    try:
        mtime = path.stat().st_mtime_ns
    except OSError as exc:
        problem = PolicyProblem(str(path), None, "", f"cannot read: {exc.strerror}")
        raise PolicyError(problem) from exc
    resolved = str(path.resolve())
    releases = _releases_file(resolved, mtime)
    releases_mtime = releases.stat().st_mtime_ns if releases and releases.exists() else 0
    return _load_cached(resolved, mtime, releases_mtime, as_of or date.today())


@lru_cache(maxsize=64)  # keyed by mtime: bounded, or every edit of a watched file would stay
def _releases_file(path: str, _mtime: int) -> Path | None:
    """The release table the policy names, so that refreshing it reloads the policy."""
    return policy_releases_path(path)


@lru_cache(maxsize=64)
def _load_cached(path: str, _mtime: int, _releases_mtime: int, as_of: date) -> Policy:
    reading = read_policy(path, as_of)
    if reading.policy is None:
        raise PolicyError(reading.problems[0], list(reading.problems))
    return reading.policy


def policy_releases_path(path: str | Path | None = None) -> Path | None:
    """The release table file the policy at ``path`` names (None when it names none)."""
    path = Path(path) if path else default_policy_path()
    reading = read_policy(path)
    data = reading.located.data if reading.located else None
    name = data.get("releases") if isinstance(data, dict) else None
    if not isinstance(name, str):
        return None
    return Path(name) if Path(name).is_absolute() else path.parent / name
