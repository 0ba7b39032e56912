"""Browsers somewhere else: Playwright servers and W3C WebDriver endpoints (grids, hosted grids).

- :class:`PlaywrightEndpoint`: ``browsercheck matrix run --connect ENGINE=WS_URL`` runs that
  engine's jobs through ``BrowserType.connect()`` (``playwright run-server``, hosted Playwright
  services).
  Launch options for the server's browser (a server without Playwright's own browsers needs
  ``executablePath``) go in the URL's ``launch-options`` query parameter, as Playwright reads it;
  they are sent in the ``x-playwright-launch-options`` header, merged with what a target needs
  (Firefox's ``firefoxUserPrefs`` for a User-Agent override).
- :class:`WebDriverEndpoint`: ``--webdriver-url URL`` (a Selenium Grid 4 hub, a hosted grid, any
  single W3C WebDriver server) for targets that declare ``capabilities``.
  :class:`RemoteWebDriverSession` sends them as the new-session request's ``alwaysMatch``.

Credentials (user and key in the URL, or given apart) are sent as HTTP basic auth and never
shown: every endpoint is named by :attr:`display` (no user info, no query), and
:func:`scrub` removes the secrets from any text that goes into a result.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .engines import ENGINES, WebDriverSession

#: Requested browser versions that name a channel, not a number: nothing to compare.
VERSION_CHANNELS = ("latest", "stable", "beta", "dev", "canary", "nightly")
#: Secrets shorter than this are not scrubbed from text (they would mangle every line).
MIN_SECRET = 3
_PLATFORM_FAMILIES = {
    "win": "windows",
    "windows": "windows",
    "mac": "mac",
    "macos": "mac",
    "os x": "mac",
    "osx": "mac",
    "darwin": "mac",
    "linux": "linux",
    "android": "android",
    "ios": "ios",
    "any": "any",
}


class RemoteError(Exception):
    """An endpoint given to the run is not usable as written; the message never holds secrets."""


class SessionNotStarted(Exception):
    """A remote endpoint could not start a session (no such capability, quota, unreachable).

    The job is "not run" with this reason (a failure under ``--require``)."""


def display_url(url: str) -> str:
    """``url`` as outputs may show it: scheme, host, port and path; no user info, no query."""
    parts = urllib.parse.urlsplit(url)
    netloc = parts.netloc.rpartition("@")[2]  # host[:port] as written, even a broken port
    shown = urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, "", ""))
    return shown + ("?…" if parts.query else "")


_SECRET_NAME = re.compile(r"key|token|secret|pass|auth|sig|cred|caps", re.I)
#: A query value this long is taken for a token whatever its name.
TOKEN_LENGTH = 16


def _url_secrets(url: str) -> tuple[str, ...]:
    """The user info of ``url`` and those of its query values that may be credentials (by their
    name, or long enough to be a token); not ``launch-options``, which only names a browser."""
    parts = urllib.parse.urlsplit(url)
    found = [parts.username or "", parts.password or ""]
    found += [
        value
        for name, value in urllib.parse.parse_qsl(parts.query)
        if name != "launch-options" and (_SECRET_NAME.search(name) or len(value) >= TOKEN_LENGTH)
    ]
    found += [urllib.parse.unquote(s) for s in found]
    found += [urllib.parse.quote(s, safe="") for s in found]
    return tuple(s for s in found if s)


def scrub(text: str, secrets: Iterable[str]) -> str:
    """``text`` with each secret (of :data:`MIN_SECRET` characters or more) replaced by ``***``."""
    for secret in sorted(set(secrets), key=len, reverse=True):
        if len(secret) >= MIN_SECRET:
            text = text.replace(secret, "***")
    return text


def _check_url(url: str, schemes: tuple[str, ...], what: str) -> urllib.parse.SplitResult:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in schemes or not parts.hostname:
        # display_url, never the URL itself: it may carry a key
        expected = " or ".join(schemes)
        raise RemoteError(f"{what}: expected a {expected} URL, got {display_url(url)!r}")
    try:
        parts.port  # noqa: B018 - raises for a port that is not a number
    except ValueError as exc:
        raise RemoteError(f"{what}: the port of {display_url(url)!r} is not a number") from exc
    return parts


@dataclass(frozen=True, slots=True)
class PlaywrightEndpoint:
    """A Playwright server for one engine: ``ws_url`` to connect to, ``launch_options`` for it."""

    engine: str
    ws_url: str
    launch_options: dict[str, Any] = field(default_factory=dict)
    secrets: tuple[str, ...] = ()

    @classmethod
    def parse(cls, value: str) -> PlaywrightEndpoint:
        """``ENGINE=WS_URL`` -> a PlaywrightEndpoint; raises RemoteError naming what is wrong.

        A ``launch-options`` query parameter (JSON, as Playwright's server reads it) is taken out
        of the URL and sent in the ``x-playwright-launch-options`` header instead."""
        engine, sep, url = value.partition("=")
        engine, url = engine.strip(), url.strip()
        if not sep or engine not in ENGINES:
            raise RemoteError(
                f"--connect: expected ENGINE=WS_URL with ENGINE one of {', '.join(ENGINES)}"
            )
        parts = _check_url(url, ("ws", "wss"), f"--connect {engine}")
        query = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
        options: dict[str, Any] = {}
        rest = []
        for key, item in query:
            if key != "launch-options":
                rest.append((key, item))
                continue
            try:
                options = json.loads(item)
            except ValueError as exc:
                raise RemoteError(f"--connect {engine}: launch-options is not JSON") from exc
            if not isinstance(options, dict):
                raise RemoteError(f"--connect {engine}: launch-options must be a JSON object")
        ws_url = urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(rest)))
        return cls(engine, ws_url, options, _url_secrets(url))

    @property
    def display(self) -> str:
        return display_url(self.ws_url)

    def headers(self, firefox_prefs: Mapping[str, Any] | None = None) -> dict[str, str]:
        """The connect request's headers: the launch options (plus ``firefox_prefs``), if any."""
        options = dict(self.launch_options)
        if firefox_prefs:
            options["firefoxUserPrefs"] = {**options.get("firefoxUserPrefs", {}), **firefox_prefs}
        return {"x-playwright-launch-options": json.dumps(options)} if options else {}

    def connect(
        self,
        browser_type: Any,
        firefox_prefs: Mapping[str, Any] | None = None,
        expose_network: str | None = None,
    ) -> Any:
        """A browser on the server (``browser_type.connect``); raises SessionNotStarted.

        ``expose_network`` (e.g. ``"<loopback>"``): hosts whose traffic the remote browser sends
        back through this connection, so that it reaches an app on this machine's loopback."""
        try:
            return browser_type.connect(
                self.ws_url, headers=self.headers(firefox_prefs), expose_network=expose_network
            )
        except Exception as exc:  # noqa: BLE001 - Playwright raises its Error for every cause
            reason = scrub(first_line(str(exc)), self.secrets)
            raise SessionNotStarted(
                f"the Playwright server at {self.display} did not give a {self.engine}: {reason}"
            ) from None


@dataclass(frozen=True, slots=True)
class WebDriverEndpoint:
    """A W3C WebDriver endpoint; credentials apart from the URL, sent as HTTP basic auth."""

    url: str
    username: str | None = None
    password: str | None = field(default=None, repr=False)

    @classmethod
    def parse(
        cls, url: str, username: str | None = None, password: str | None = None
    ) -> WebDriverEndpoint:
        """``http(s)://[user:key@]host[:port][/path]``; ``username``/``password`` (settings) win
        over the URL's. Raises RemoteError (naming the URL without its credentials)."""
        parts = _check_url(url.strip(), ("http", "https"), "--webdriver-url")
        host = parts.hostname or ""
        if ":" in host:
            host = f"[{host}]"
        netloc = f"{host}:{parts.port}" if parts.port else host
        bare = urllib.parse.urlunsplit(parts._replace(netloc=netloc)).rstrip("/")
        user = username or urllib.parse.unquote(parts.username or "") or None
        key = password or urllib.parse.unquote(parts.password or "") or None
        return cls(bare, user, key)

    @property
    def display(self) -> str:
        return display_url(self.url)

    @property
    def secrets(self) -> tuple[str, ...]:
        found = [self.username or "", self.password or ""]
        found += [urllib.parse.quote(s, safe="") for s in found]
        return tuple(s for s in found if s) + _url_secrets(self.url)


def loopback_url(url: str) -> bool:
    """True when ``url`` names this machine's loopback (127.0.0.0/8, ::1, localhost)."""
    host = (urllib.parse.urlsplit(url).hostname or "").lower()
    return host in ("localhost", "::1") or host.startswith("127.")


def first_line(message: str) -> str:
    """The first meaningful line of a driver's message (Selenium and Playwright add stack
    traces and documentation links after it)."""
    message = re.sub(r"^Message:\s*", "", message.strip())
    line = message.splitlines()[0] if message else ""
    return re.sub(r";\s*For documentation on this error.*$", "", line).strip()


# --- capabilities ---------------------------------------------------------------------------


def _platform_family(name: str) -> str:
    lowered = name.strip().lower()
    for prefix, family in sorted(_PLATFORM_FAMILIES.items(), key=lambda kv: -len(kv[0])):
        if lowered.startswith(prefix):
            return family
    return lowered


def capability_mismatches(requested: Mapping[str, Any], returned: Mapping[str, Any]) -> list[str]:
    """What the session that answered is not, of what the target asked for: ``browserVersion``
    (by its leading dotted parts, unless a channel such as "latest" was asked for) and
    ``platformName`` (by family: "Windows 7" asked, "windows" returned is the same family -- the
    report's own OS check decides the version). One readable line each."""
    problems = []
    want_version = str(requested.get("browserVersion") or "")
    got_version = str(returned.get("browserVersion") or returned.get("version") or "")
    if want_version and not want_version.lower().startswith(VERSION_CHANNELS):
        want_parts = want_version.split(".")
        if got_version.split(".")[: len(want_parts)] != want_parts:
            problems.append(
                f"capabilities: browserVersion {want_version!r} asked, the session that "
                f"answered is {got_version or 'unnamed'!r}"
            )
    want_platform = str(requested.get("platformName") or "")
    got_platform = str(returned.get("platformName") or returned.get("platform") or "")
    if want_platform and _platform_family(want_platform) != "any":
        if _platform_family(want_platform) != _platform_family(got_platform):
            problems.append(
                f"capabilities: platformName {want_platform!r} asked, the session that "
                f"answered runs on {got_platform or 'an unnamed platform'!r}"
            )
    return problems


class RemoteWebDriverSession(WebDriverSession):
    """A browser on a W3C WebDriver endpoint, opened with the target's capabilities.

    Classic WebDriver has no page or console events: :meth:`errors` reads what the probe
    recorded, as for the local WebKitGTK."""

    def __init__(
        self, endpoint: WebDriverEndpoint, capabilities: Mapping[str, Any], engine: str
    ) -> None:
        from selenium import webdriver
        from selenium.webdriver.common.options import ArgOptions
        from selenium.webdriver.remote.client_config import ClientConfig

        self.engine = engine
        self._endpoint = endpoint
        self._requested = dict(capabilities)
        options = ArgOptions()
        for name, value in capabilities.items():
            options.set_capability(name, value)  # vendor options pass through untouched
        config = ClientConfig(
            remote_server_addr=endpoint.url,
            username=endpoint.username,
            password=endpoint.password,
            timeout=300,  # a hosted grid may queue the request until a machine is free
        )
        try:
            self.driver = webdriver.Remote(
                command_executor=endpoint.url, options=options, client_config=config
            )
        except Exception as exc:  # noqa: BLE001 - refused, unreachable, quota: all "not run"
            reason = scrub(first_line(getattr(exc, "msg", None) or str(exc)), endpoint.secrets)
            raise SessionNotStarted(
                f"the WebDriver endpoint {endpoint.display} did not start a session: "
                f"{reason or type(exc).__name__}"
            ) from None
        self.driver.set_page_load_timeout(60)

    def mismatches(self) -> list[str]:
        """:func:`capability_mismatches` of this session."""
        return capability_mismatches(self._requested, self.driver.capabilities)

    def describe(self) -> dict[str, str]:
        caps = self.driver.capabilities
        return {
            "engine": self.engine,
            "kind": "remote",
            "driver": "webdriver",
            "binary": "",
            "endpoint": self._endpoint.display,
            "session": str(self.driver.session_id or ""),
            "browser": str(caps.get("browserName", "")),
            "version": str(caps.get("browserVersion") or caps.get("version") or ""),
            "platform": str(caps.get("platformName") or caps.get("platform") or ""),
        }
