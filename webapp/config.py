"""Every setting in one table, read from ``BROWSERCHECK_<NAME>`` environment variables.

README's configuration section is checked against this table by tests/test_config_file.py.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any


def _int(value: str) -> int:
    return int(value)


def _str(value: str) -> str:
    return value


def _bool(value: str) -> bool:
    lowered = value.strip().lower()
    if lowered not in ("1", "0", "true", "false", "yes", "no", "on", "off"):
        raise ValueError(f"expected on/off, true/false, yes/no or 1/0, got {value!r}")
    return lowered in ("1", "true", "yes", "on")


def _sqlite_synchronous(value: str) -> str:
    upper = value.strip().upper()
    if upper not in ("OFF", "NORMAL", "FULL", "EXTRA"):
        raise ValueError(f"expected OFF, NORMAL, FULL or EXTRA, got {value!r}")
    return upper


def _list(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


#: ``scheme://host[:port]``: no path, no wildcard (a typo must not open the API).
ORIGIN = re.compile(r"https?://[^/\s*?#]+", re.IGNORECASE)


def _origins(value: str) -> list[str]:
    origins = _list(value)
    for origin in origins:
        if not ORIGIN.fullmatch(origin):
            raise ValueError(f"{origin!r} is not an origin like https://portal.example")
    return origins


def _rate_limit(value: str) -> str:
    """A flask-limiter rate-limit string (``60/minute;600/hour``) or ``off``."""
    if value.strip().lower() != "off":
        from limits import parse_many

        try:
            parse_many(value)
        except ValueError as exc:
            raise ValueError(f"not a rate limit: {value!r} ({exc})") from exc
    return value


def _engine_urls(value: str) -> list[str]:
    # ENGINE=URL items split on the commas that start a new item only: a URL's launch-options
    # JSON has commas of its own.
    return [item.strip() for item in re.split(r",\s*(?=[a-z]+=)", value) if item.strip()]


def _time_zone(value: str) -> str:
    """An IANA time zone name (``Europe/Kyiv``) that this machine's zone database knows."""
    from zoneinfo import ZoneInfo

    try:
        ZoneInfo(value)
    except (ValueError, KeyError) as exc:  # ZoneInfoNotFoundError is a KeyError
        raise ValueError(f"not a time zone: {value!r} (expected e.g. Europe/Kyiv)") from exc
    return value


#: ``5s``, ``1.5m``, ``2h``, ``1d``.
_DURATION = re.compile(r"(\d+(?:\.\d+)?)([smhd])")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def _retry_schedule(value: str) -> list[float]:
    """``"5s,5m,30m"`` -> ``[5.0, 300.0, 1800.0]`` seconds; raises ValueError."""
    waits = []
    for item in _list(value):
        match = _DURATION.fullmatch(item)
        if not match:
            raise ValueError(f"{item!r} is not a duration like 5s, 30m, 2h or 1d")
        waits.append(float(match.group(1)) * _UNIT_SECONDS[match.group(2)])
    return waits


def _retry_schedule_setting(value: str) -> str:
    """A ``WEBHOOK_RETRY_SCHEDULE`` value, checked; kept as text (README shows it so)."""
    _retry_schedule(value)
    return value


def retry_schedule(value: str) -> list[float]:
    """The seconds between attempts of the ``WEBHOOK_RETRY_SCHEDULE`` setting."""
    return _retry_schedule(value)


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
    Setting(
        "DATABASE_URL",
        None,
        "SQLAlchemy database URL; default: SQLite (WAL) at instance/browsercheck.db.",
    ),
    Setting(
        "SECRET_KEY",
        None,
        "Key for sessions and keyed hashes; default: generated once and kept in "
        "instance/secret_key.",
    ),
    Setting(
        "INSTANCE_PATH",
        None,
        "Folder for the SQLite database and the generated secret key; default: ./instance.",
    ),
    Setting("MAX_BODY_BYTES", 65536, "Largest accepted request body in bytes (413 above).", _int),
    Setting(
        "SUPPORT_EMAIL", "support@example.com", 'Address the "Email support" button writes to.'
    ),
    Setting(
        "POLICY_FILE",
        None,
        "Supported-environment policy (YAML); default: the one shipped in matrix/.",
    ),
    Setting(
        "BUILD_ID",
        None,
        "Build id of the deployed front end; default: a hash of the served assets.",
    ),
    Setting(
        "VERDICT_MEMO_SIZE",
        8192,
        "Verdicts remembered per worker (per policy and detected client; emptied when full).",
        _int,
    ),
    Setting("DEFAULT_LANG", "uk", "Language when the browser asks for neither uk nor en."),
    Setting(
        "CORS_ORIGINS",
        (),
        "Comma-separated origins (e.g. https://portal.example) whose pages may call the API "
        "cross-origin: the sites that embed /embed.js. Empty: same-origin only.",
        _origins,
    ),
    # serving and storage at scale (issue 8)
    Setting(
        "CONFIG",
        None,
        "Optional TOML file with settings (keys: setting names, e.g. workers = 4); "
        "environment variables override it.",
    ),
    Setting("WORKERS", 2, "Worker processes of `browsercheck serve` (gunicorn).", _int),
    Setting(
        "THREADS",
        32,
        "Threads per worker process; those beyond MAX_IN_FLIGHT answer 503 quickly.",
        _int,
    ),
    Setting(
        "MAX_IN_FLIGHT",
        16,
        "Requests one worker process works on at once; past it the server answers 503 "
        "with Retry-After at once instead of queueing (0: no limit; keep it below "
        "THREADS, or requests queue before they are counted).",
        _int,
    ),
    Setting("RETRY_AFTER", 1, "Seconds in the Retry-After header of a 503 under overload.", _int),
    Setting("DB_POOL_SIZE", 10, "Database connections kept open per worker process.", _int),
    Setting(
        "SQLITE_SYNCHRONOUS",
        "FULL",
        "SQLite's synchronous pragma: FULL makes each acknowledged report survive a power "
        "cut; NORMAL only a crash of the server.",
        _sqlite_synchronous,
    ),
    Setting(
        "MIGRATE_ON_START",
        True,
        "Upgrade the database schema when the app starts (off: only by `browsercheck db upgrade`).",
        _bool,
    ),
    # --- hostile input (webapp/ratelimit.py, webapp/security.py) ---
    Setting(
        "RATELIMIT",
        "60/minute;600/hour",
        "Per-address limit on creating and on looking up reports (a flask-limiter string, "
        "429 with Retry-After above it); 'off' disables every rate limit.",
        _rate_limit,
    ),
    Setting(
        "RATELIMIT_GLOBAL",
        "3000/minute",
        "Limit on reports created by all addresses together (flask-limiter string); "
        "'off' disables it.",
        _rate_limit,
    ),
    Setting(
        "RATELIMIT_STORAGE_URI",
        "memory://",
        "Where rate-limit counters live (flask-limiter storage URI, e.g. redis://host:6379); "
        "memory:// counts per server process.",
    ),
    Setting(
        "TRUSTED_PROXIES",
        0,
        "Reverse proxies in front of the app whose X-Forwarded-For is trusted for the client "
        "address (rate limits, the stored address hash); 0 when clients connect directly.",
        _int,
    ),
    # Support desk (issue 7)
    Setting(
        "RETENTION_DAYS",
        180,
        "Reports older than this many days are deleted (browsercheck purge, and the server "
        "on its own every PURGE_INTERVAL_MINUTES).",
        _int,
    ),
    Setting(
        "PURGE_INTERVAL_MINUTES",
        60,
        "How often the server deletes expired reports, across all its processes; 0: never "
        "(run browsercheck purge from cron instead).",
        _int,
    ),
    Setting(
        "SESSION_COOKIE_SAMESITE",
        "Lax",
        "SameSite attribute of the support desk's session cookie: Lax or Strict.",
    ),
    Setting(
        "COOKIE_SECURE",
        "auto",
        "Secure flag of the session cookie: auto (when the request came over HTTPS), "
        "always, or never.",
    ),
    Setting(
        "SESSION_IDLE_MINUTES", 60, "A support agent's session ends after this idle time.", _int
    ),
    Setting(
        "SESSION_MAX_HOURS", 12, "A support agent's session ends this long after sign-in.", _int
    ),
    Setting(
        "LOGIN_MAX_FAILURES",
        5,
        "Failed sign-ins for one account within LOGIN_WINDOW_MINUTES before it waits.",
        _int,
    ),
    Setting(
        "LOGIN_MAX_CLIENT_FAILURES",
        20,
        "Failed sign-ins from one client address within LOGIN_WINDOW_MINUTES before it waits.",
        _int,
    ),
    Setting("LOGIN_WINDOW_MINUTES", 15, "Window of the failed sign-in limits.", _int),
    Setting(
        "SCREENSHOT_MAX_BYTES",
        5 * 1024 * 1024,
        "Largest screenshot a user can attach to a report (413 above).",
        _int,
    ),
    Setting("SUPPORT_PAGE_SIZE", 50, "Reports per page in the support desk's list.", _int),
    # `browsercheck matrix run` on remote browsers (matrix/qa/remote.py); options win over these.
    Setting(
        "MATRIX_CONNECT",
        (),
        "Comma-separated ENGINE=WS_URL: run that engine's matrix jobs on a Playwright server "
        "(as --connect).",
        _engine_urls,
    ),
    Setting(
        "MATRIX_WEBDRIVER_URL",
        None,
        "W3C WebDriver endpoint (Selenium Grid 4 hub, hosted grid) for targets with "
        "capabilities (as --webdriver-url); credentials in it never reach outputs.",
    ),
    Setting("MATRIX_WEBDRIVER_USERNAME", None, "User name for the WebDriver endpoint."),
    Setting(
        "MATRIX_WEBDRIVER_ACCESS_KEY",
        None,
        "Access key (password) for the WebDriver endpoint; never written to outputs.",
    ),
    Setting(
        "MATRIX_BASE_URL",
        None,
        "Collector the matrix run tests instead of starting one (as --base-url); it must be "
        "reachable from the remote browsers.",
    ),
    # serving on the open internet (issue 15)
    Setting(
        "HEADER_TIMEOUT",
        10,
        "Seconds a connection may take to send its request headers before `browsercheck "
        "serve` (granian) closes it: slow clients cannot hold the server.",
        _int,
    ),
    Setting(
        "METRICS",
        False,
        "Serve GET /metrics in the Prometheus text format (counts and latencies, nothing "
        "personal); off: 404.",
        _bool,
    ),
    # words, phones and the desk (issue 21)
    Setting(
        "TIME_ZONE",
        "Europe/Kyiv",
        "IANA time zone of the times the desk shows, and of a report's time when the user's "
        "browser did not say its own.",
        _time_zone,
    ),
    # Help-desk hand-off (issue 17): webhooks and the desk API
    Setting(
        "WEBHOOK_RETRY_SCHEDULE",
        "5s,5m,30m,2h,5h,10h,10h",
        "Waits between a webhook delivery's attempts (s, m, h, d); after the last one "
        "fails the delivery is marked failed.",
        _retry_schedule_setting,
    ),
    Setting(
        "PUBLIC_URL",
        "http://127.0.0.1:8000",
        "The address agents reach this server at (https://check.example), for the desk "
        "links in webhooks.",
    ),
    Setting(
        "DESK_API_RATELIMIT",
        "120/minute",
        "Limit per desk API token on /api/v1/desk/ (flask-limiter string); 'off' disables it.",
        _rate_limit,
    ),
    Setting(
        "BEACON_RATELIMIT",
        "300/minute",
        "Per-address limit on the sampled page-load beacon POST /api/v1/beacon (flask-limiter "
        "string, counted apart from reports); 'off' disables it (so does RATELIMIT=off).",
        _rate_limit,
    ),
    Setting(
        "SIDEBAR_FRAME_ANCESTORS",
        (),
        "Comma-separated origins of help desks that may frame /support/sidebar "
        "(frame-ancestors); empty: no one.",
        _origins,
    ),
    Setting(
        "HELPSCOUT_SECRET",
        None,
        "The secret key of the Help Scout Dynamic App; unset: /integrations/helpscout is off.",
    ),
    Setting(
        "SIDEBAR_LINK_SECONDS",
        300,
        "Lifetime in seconds of a signed sidebar link (POST /api/v1/desk/sidebar-links).",
        _int,
    ),
    Setting(
        "HELPSCOUT_MATCH_EMAIL",
        False,
        "Also show Help Scout the recent reports whose login field is the customer's e-mail.",
        _bool,
    ),
)


class ConfigError(ValueError):
    """A setting or the settings file cannot be read; the message names which."""


def settings_from_file(path: str) -> dict[str, Any]:
    """Settings from a TOML file: top-level keys are setting names in any case
    (``database_url = "..."``, ``workers = 4``). Raises ConfigError for an unreadable file, an
    unknown key or a value of the wrong kind."""
    try:
        with open(path, "rb") as file:
            data = tomllib.load(file)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read the settings file {path}: {exc}") from exc
    by_name = {setting.name: setting for setting in SETTINGS}
    values: dict[str, Any] = {}
    for key, value in data.items():
        setting = by_name.get(key.upper())
        if setting is None or setting.name == "CONFIG":
            raise ConfigError(f"{path}: unknown setting {key!r}")
        listed = isinstance(setting.default, tuple)
        if listed and isinstance(value, list) and all(isinstance(v, str) for v in value):
            value = ",".join(value)  # a TOML array of origins, like the comma-separated text
        try:
            values[setting.name] = setting.parse(value) if isinstance(value, str) else value
        except ValueError as exc:
            raise ConfigError(f"{path}: {key}: {exc}") from exc
        if listed and isinstance(values[setting.name], list):
            values[setting.name] = tuple(values[setting.name])
        kind = type(setting.default) if setting.default is not None else str
        value = values[setting.name]
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise ConfigError(f"{path}: {key} must be a {kind.__name__}")
    return values


def settings_from_env(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Defaults, overridden by the TOML file ``BROWSERCHECK_CONFIG`` names (if any), overridden
    by ``BROWSERCHECK_*`` variables; keyed by setting name. Raises ConfigError."""
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {setting.name: setting.default for setting in SETTINGS}
    config_file = environ.get("BROWSERCHECK_CONFIG")
    if config_file:
        values.update(settings_from_file(config_file))
    for setting in SETTINGS:
        raw = environ.get(setting.env_var)
        if raw in (None, ""):
            continue
        try:
            values[setting.name] = setting.parse(raw)
        except ValueError as exc:
            raise ConfigError(f"{setting.env_var}: {exc}") from exc
    return values
