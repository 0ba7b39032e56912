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
    # --- hostile input (webapp/ratelimit.py, webapp/security.py) ---
    Setting("RATELIMIT", "60/minute;600/hour",
            "Per-address limit on creating and on looking up reports (a flask-limiter string, "
            "429 with Retry-After above it); 'off' disables every rate limit."),
    Setting("RATELIMIT_GLOBAL", "3000/minute",
            "Limit on reports created by all addresses together (flask-limiter string); "
            "'off' disables it."),
    Setting("RATELIMIT_STORAGE_URI", "memory://",
            "Where rate-limit counters live (flask-limiter storage URI, e.g. redis://host:6379); "
            "memory:// counts per server process."),
    Setting("TRUSTED_PROXIES", 0,
            "Reverse proxies in front of the app whose X-Forwarded-For is trusted for the client "
            "address (rate limits, the stored address hash); 0 when clients connect directly.",
            _int),
)


def settings_from_env(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Defaults overridden by ``BROWSERCHECK_*`` variables, keyed by setting name."""
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for setting in SETTINGS:
        raw = environ.get(setting.env_var)
        values[setting.name] = setting.default if raw in (None, "") else setting.parse(raw)
    return values
