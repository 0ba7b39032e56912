"""Every setting in one table, read from ``BROWSERCHECK_<NAME>`` environment variables.

README's configuration section is checked against this table by tests/test_config.py.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any


def _int(value: str) -> int:
    return int(value)


def _str(value: str) -> str:
    return value


def _list(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


@dataclass(frozen=True, slots=True)
class Setting:
    name: str
    default: Any
    help: str
    parse: Callable[[str], Any] = _str

    @property
    def env_var(self) -> str:
        return f"BROWSERCHECK_{self.name}"


SETTINGS: tuple[Setting, ...] = (
    Setting("DATABASE_URL", None,
            "SQLAlchemy database URL; default: SQLite (WAL) at instance/browsercheck.db."),
    Setting("SECRET_KEY", None,
            "Key for sessions and keyed hashes; default: generated once and kept in "
            "instance/secret_key."),
    Setting("INSTANCE_PATH", None,
            "Folder for the SQLite database and the generated secret key; default: ./instance."),
    Setting("MAX_BODY_BYTES", 65536, "Largest accepted request body in bytes (413 above).",
            _int),
    Setting("SUPPORT_EMAIL", "support@example.com",
            "Address the \"Email support\" button writes to."),
    Setting("POLICY_FILE", None,
            "Supported-environment policy (YAML); default: the one shipped in matrix/."),
    Setting("BUILD_ID", None,
            "Build id of the deployed front end; default: a hash of the served assets."),
    Setting("DEFAULT_LANG", "uk", "Language when the browser asks for neither uk nor en."),
    # Support desk (issue 7)
    Setting("RETENTION_DAYS", 180,
            "Reports older than this many days are deleted (browsercheck purge, and the server "
            "on its own every PURGE_INTERVAL_MINUTES).", _int),
    Setting("PURGE_INTERVAL_MINUTES", 60,
            "How often the server deletes expired reports, across all its processes; 0: never "
            "(run browsercheck purge from cron instead).", _int),
    Setting("SESSION_COOKIE_SAMESITE", "Lax",
            "SameSite attribute of the support desk's session cookie: Lax or Strict."),
    Setting("COOKIE_SECURE", "auto",
            "Secure flag of the session cookie: auto (when the request came over HTTPS), "
            "always, or never."),
    Setting("SESSION_IDLE_MINUTES", 60, "A support agent's session ends after this idle time.",
            _int),
    Setting("SESSION_MAX_HOURS", 12, "A support agent's session ends this long after sign-in.",
            _int),
    Setting("LOGIN_MAX_FAILURES", 5,
            "Failed sign-ins for one account within LOGIN_WINDOW_MINUTES before it waits.", _int),
    Setting("LOGIN_MAX_CLIENT_FAILURES", 20,
            "Failed sign-ins from one client address within LOGIN_WINDOW_MINUTES before it "
            "waits.", _int),
    Setting("LOGIN_WINDOW_MINUTES", 15, "Window of the failed sign-in limits.", _int),
    Setting("SCREENSHOT_MAX_BYTES", 5 * 1024 * 1024,
            "Largest screenshot a user can attach to a report (413 above).", _int),
    Setting("SUPPORT_PAGE_SIZE", 50, "Reports per page in the support desk's list.", _int),
)


def settings_from_env(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Defaults overridden by ``BROWSERCHECK_*`` variables, keyed by setting name."""
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for setting in SETTINGS:
        raw = environ.get(setting.env_var)
        values[setting.name] = setting.default if raw in (None, "") else setting.parse(raw)
    return values
