"""Load a policy YAML file into a :class:`~matrix.rules.Policy`."""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import yaml

from diagnostics.models import Text

from .rules import BrowserRule, Policy, SystemRule


class PolicyError(Exception):
    """A policy file is unreadable or breaks the format; the message names file and line."""


def default_policy_path() -> Path:
    """Path of the policy shipped with the package."""
    return Path(str(files(__package__).joinpath("policy.yaml")))


def _text(value: Any, where: str) -> Text | None:
    if value is None:
        return None
    if not isinstance(value, dict) or not {"uk", "en"} <= set(value):
        raise PolicyError(f"{where}: a message needs both 'uk' and 'en'")
    return Text(str(value["uk"]), str(value["en"]))


def parse_policy(data: Any, source: str = "<policy>") -> Policy:
    """Build a Policy from decoded YAML ``data``; raise PolicyError naming ``source``."""
    if not isinstance(data, dict):
        raise PolicyError(f"{source}: the policy must be a mapping")
    browsers = tuple(
        BrowserRule(
            family=b["family"],
            min=b.get("min"),
            engine_min=b.get("engine_min"),
            status=b.get("status"),
            reason=_text(b.get("reason"), f"{source}: browsers.{b['family']}.reason"),
            download=b.get("download"),
        )
        for b in data.get("browsers", [])
    )
    systems = tuple(
        SystemRule(
            family=s["family"],
            min=s.get("min"),
            limited=tuple(s.get("limited", ())),
            frozen=s.get("frozen"),
            reason=_text(s.get("reason"), f"{source}: systems.{s['family']}.reason"),
        )
        for s in data.get("systems", [])
    )
    messages = {
        status: text
        for status, value in (data.get("messages") or {}).items()
        if (text := _text(value, f"{source}: messages.{status}")) is not None
    }
    return Policy(browsers=browsers, systems=systems, messages=messages)


def load_policy(path: str | Path | None = None) -> Policy:
    """Load and validate the policy at ``path`` (default: the shipped one)."""
    path = Path(path) if path else default_policy_path()
    return _load_cached(str(path.resolve()), path.stat().st_mtime_ns)


@cache
def _load_cached(path: str, _mtime: int) -> Policy:
    try:
        with open(path, encoding="utf-8") as fh:
            data = yaml.safe_load(fh)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        raise PolicyError(f"{path}{line}: not valid YAML: {exc}") from exc
    except (KeyError, TypeError) as exc:
        raise PolicyError(f"{path}: {exc}") from exc
    return parse_policy(data, path)
