"""Which browser engines can run here, how to launch each, and one small session API over them.

Playwright's own browsers are used where installed; otherwise the system's (Debian packages):

- Chromium: Playwright with ``executable_path=/usr/bin/chromium``;
- Firefox: Playwright over WebDriver BiDi (``channel="moz-firefox"``, ``/usr/bin/firefox-esr``);
- WebKit: Playwright's WebKit where installed, else the system WebKitGTK (MiniBrowser) driven over
  W3C WebDriver by Selenium with ``/usr/bin/WebKitWebDriver``, under Xvfb when there is no display.

Every session says which engine, binary and version really ran (:meth:`BrowserSession.describe`),
so a result never hides the engine behind it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from .remote import PlaywrightEndpoint, WebDriverEndpoint

ENGINES: tuple[str, ...] = ("chromium", "firefox", "webkit")
SYSTEM_BINARIES = {
    "chromium": ("/usr/bin/chromium", "chromium"),
    "firefox": ("/usr/bin/firefox-esr", "firefox-esr"),
    "webkit": ("/usr/bin/WebKitWebDriver", "WebKitWebDriver"),
}
WEBKITGTK_BROWSERS = (
    "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser",
    "/usr/lib/aarch64-linux-gnu/webkit2gtk-4.1/MiniBrowser",
    "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.0/MiniBrowser",
)
#: Debian packages that provide each engine when Playwright's own is not installed.
DEBIAN_PACKAGES = {
    "chromium": ("chromium",),
    "firefox": ("firefox-esr",),
    "webkit": ("webkit2gtk-driver", "xvfb"),
}
#: Flags that keep Chromium off the closed network and working as root.
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-gpu",
)


@dataclass(frozen=True, slots=True)
class EngineLaunch:
    """How to launch one engine.

    ``driver`` is ``"playwright"`` (``launch_kwargs`` go to ``BrowserType.launch``) or
    ``"webdriver"`` (Selenium's WebKitGTK driver with ``executable`` and ``browser_binary``).
    ``kind`` is ``"bundled"`` (Playwright's own build), ``"system"`` (a Debian package) or
    ``"remote"`` (a Playwright server: ``endpoint``, see :mod:`matrix.qa.remote`).
    """

    engine: str
    kind: str
    driver: str
    executable: str | None
    launch_kwargs: dict[str, Any] = field(default_factory=dict)
    browser_binary: str | None = None
    endpoint: PlaywrightEndpoint | None = None


@dataclass(frozen=True, slots=True)
class EngineMissing:
    engine: str
    reason: str


def _bundled_path(playwright: Any, engine: str) -> str | None:
    try:
        path = getattr(playwright, engine).executable_path
    except Exception:  # noqa: BLE001 - Playwright raises when its registry has no entry
        return None
    return path if path and Path(path).exists() else None


def _system_path(engine: str) -> str | None:
    path, name = SYSTEM_BINARIES[engine]
    if Path(path).exists():
        return path
    return shutil.which(name)


def _webkitgtk_browser() -> str | None:
    return next((p for p in WEBKITGTK_BROWSERS if Path(p).exists()), None)


def resolve_engine(playwright: Any, engine: str) -> EngineLaunch | EngineMissing:
    """How to launch ``engine`` (chromium, firefox, webkit) here.

    ``playwright`` is a started ``sync_playwright()`` instance (used only to find its bundled
    browsers; may be None). ``BROWSERCHECK_BROWSERS=system`` forces the system browsers even where
    bundled ones exist. Returns :class:`EngineMissing` with what to install when none is found.
    """
    if engine not in ENGINES:
        return EngineMissing(engine, f"unknown engine {engine!r}: use one of {', '.join(ENGINES)}")
    prefer_system = os.environ.get("BROWSERCHECK_BROWSERS") == "system"
    bundled = None if prefer_system or playwright is None else _bundled_path(playwright, engine)
    if bundled:
        kwargs: dict[str, Any] = {"args": list(CHROMIUM_ARGS)} if engine == "chromium" else {}
        return EngineLaunch(engine, "bundled", "playwright", bundled, kwargs)
    system = _system_path(engine)
    if engine == "chromium" and system:
        return EngineLaunch(
            engine,
            "system",
            "playwright",
            system,
            {"executable_path": system, "args": list(CHROMIUM_ARGS)},
        )
    if engine == "firefox" and system:
        return EngineLaunch(
            engine,
            "system",
            "playwright",
            system,
            {"executable_path": system, "channel": "moz-firefox"},
        )
    if engine == "webkit" and system:
        browser = _webkitgtk_browser()
        if browser and (os.environ.get("DISPLAY") or shutil.which("Xvfb")):
            return EngineLaunch(engine, "system", "webdriver", system, {}, browser)
    packages = " ".join(DEBIAN_PACKAGES[engine])
    return EngineMissing(
        engine,
        f"{engine} is not installed: run `playwright install {engine}` where it can download, "
        f"or as root `apt-get install {packages}`",
    )


# --- sessions -------------------------------------------------------------------------------


def device_client_hints(user_agent: str, mobile: bool, chromium_version: str) -> dict[str, Any]:
    """CDP ``UserAgentMetadata`` matching an emulated device's User-Agent.

    Android: the running Chromium's brands with the UA's Android version and model. iOS:
    no brands (Safari and every iOS browser have no ``navigator.userAgentData``)."""
    major = chromium_version.split(".")[0]
    tablet = "iPad" in user_agent or ("Android" in user_agent and "Mobile" not in user_agent)
    form = ["Tablet"] if tablet else ["Mobile"] if mobile else ["Desktop"]
    android = re.search(r"Android (\d+(?:\.\d+)*)(?:; ([^;)]+))?", user_agent)
    if android:
        model = (android.group(2) or "").split(" Build/")[0].strip()
        # the descriptor's UA claims Chrome: announce the brands that Chrome would
        names = ["Chromium", "Google Chrome"] if "Chrome/" in user_agent else ["Chromium"]
        return {
            "brands": [{"brand": n, "version": major} for n in names]
            + [{"brand": "Not_A Brand", "version": "24"}],
            "fullVersionList": [{"brand": n, "version": chromium_version} for n in names]
            + [{"brand": "Not_A Brand", "version": "24.0.0.0"}],
            "platform": "Android",
            "platformVersion": android.group(1),
            "architecture": "",
            "model": "" if model == "K" else model,
            "mobile": mobile,
            "formFactors": form,
        }
    ios = re.search(r"OS (\d+)_(\d+)", user_agent)
    return {
        "brands": [],
        "fullVersionList": [],
        "platform": "iOS" if ios else "",
        "platformVersion": f"{ios.group(1)}.{ios.group(2)}" if ios else "",
        "architecture": "",
        "model": "",
        "mobile": mobile,
        "formFactors": form,
    }


class BrowserSession(Protocol):
    """The small API the QA runner and the cross-engine tests use, whatever drives the browser."""

    engine: str

    def goto(self, url: str) -> None: ...
    def wait_visible(self, css: str, timeout: float = 15.0) -> None: ...
    def text(self, css: str) -> str: ...
    def attribute(self, css: str, name: str) -> str | None: ...
    def evaluate(self, expression: str) -> Any: ...
    def errors(self) -> list[str]: ...
    def screenshot(self, path: str | Path) -> None: ...
    def describe(self) -> dict[str, str]: ...
    def close(self) -> None: ...


class PlaywrightSession:
    """A Playwright page in its own context; page errors and console errors are recorded."""

    def __init__(
        self,
        browser: Any,
        launch: EngineLaunch,
        context_args: dict[str, Any],
        owns_browser: bool = False,
        platform: str = "",
    ) -> None:
        self.engine = launch.engine
        self._launch = launch
        self._platform = platform  # of a remote browser's machine (see EngineHub._browser)
        self._browser = browser
        self._owns_browser = owns_browser  # a browser launched for this session alone
        self._context = browser.new_context(**context_args)
        self.page = self._context.new_page()
        self._errors: list[str] = []
        self.page.on("pageerror", lambda exc: self._errors.append(f"pageerror: {exc}"))
        self.page.on(
            "console",
            lambda msg: (
                self._errors.append(f"console.{msg.type}: {msg.text}")
                if msg.type == "error"
                else None
            ),
        )

    def override_client_hints(
        self, user_agent: str, metadata: dict[str, Any], locale: str | None = None
    ) -> None:
        """Chromium: present ``user_agent`` with these User-Agent client hints (CDP); the
        override replaces Playwright's, so the locale's Accept-Language is passed again."""
        cdp = self._context.new_cdp_session(self.page)
        override: dict[str, Any] = {"userAgent": user_agent, "userAgentMetadata": metadata}
        if locale:
            override["acceptLanguage"] = locale
        cdp.send("Emulation.setUserAgentOverride", override)

    def goto(self, url: str) -> None:
        self.page.goto(url)

    def wait_visible(self, css: str, timeout: float = 15.0) -> None:
        self.page.locator(css).first.wait_for(state="visible", timeout=timeout * 1000)

    def text(self, css: str) -> str:
        return str(self.page.locator(css).first.inner_text())

    def attribute(self, css: str, name: str) -> str | None:
        value = self.page.locator(css).first.get_attribute(name)
        return None if value is None else str(value)

    def evaluate(self, expression: str) -> Any:
        return self.page.evaluate(expression)

    def errors(self) -> list[str]:
        return list(self._errors)

    def screenshot(self, path: str | Path) -> None:
        # Playwright's screenshot injects a <style> of its own (caret, scrollbars); over BiDi
        # Firefox applies the page's CSP to it and reports the refusal as a page error. That
        # error is the tool's, not the page's: drop it, and only it.
        before = len(self._errors)
        self.page.screenshot(path=str(path), full_page=True, caret="initial")
        self._errors[before:] = [
            e for e in self._errors[before:] if "blocked an inline style" not in e
        ]

    def describe(self) -> dict[str, str]:
        described = {
            "engine": self.engine,
            "kind": self._launch.kind,
            "driver": "playwright",
            "binary": self._launch.executable or "",
            "version": str(self._browser.version),
        }
        if self._launch.endpoint is not None:
            # A Playwright server names no session: say so rather than make one up.
            described.update(
                endpoint=self._launch.endpoint.display,
                session="",
                browser=str(self._browser.browser_type.name),
                platform=self._platform,
            )
        return described

    def close(self) -> None:
        try:
            self._context.close()
            if self._owns_browser:
                self._browser.close()
        except Exception:  # noqa: BLE001 - closing twice or after a crash is fine
            pass


class WebDriverSession:
    """System WebKitGTK (MiniBrowser) over W3C WebDriver with Selenium."""

    def __init__(self, launch: EngineLaunch, user_agent: str | None = None) -> None:
        from selenium import webdriver
        from selenium.webdriver.webkitgtk.options import Options
        from selenium.webdriver.webkitgtk.service import Service

        self.engine = launch.engine
        self._launch = launch
        options = Options()
        options.binary_location = launch.browser_binary or ""
        options.add_argument("--automation")
        if user_agent:
            options.add_argument(f"--user-agent={user_agent}")
        self.driver: Any = webdriver.WebKitGTK(
            options=options, service=Service(executable_path=launch.executable)
        )
        self.driver.set_page_load_timeout(30)

    def goto(self, url: str) -> None:
        self.driver.get(url)

    def wait_visible(self, css: str, timeout: float = 15.0) -> None:
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support import expected_conditions
        from selenium.webdriver.support.ui import WebDriverWait

        WebDriverWait(self.driver, timeout).until(
            expected_conditions.visibility_of_element_located((By.CSS_SELECTOR, css))
        )

    def _element(self, css: str) -> Any:
        from selenium.webdriver.common.by import By

        return self.driver.find_element(By.CSS_SELECTOR, css)

    def text(self, css: str) -> str:
        return str(self._element(css).text)

    def attribute(self, css: str, name: str) -> str | None:
        value = self._element(css).get_attribute(name)
        return None if value is None else str(value)

    def evaluate(self, expression: str) -> Any:
        return self.driver.execute_script(f"return ({expression});")

    def errors(self) -> list[str]:
        # Classic WebDriver has no error events: read what the probe recorded on the page.
        recorded = self.evaluate(
            "window.BrowserCheck && window.BrowserCheck.errors ? window.BrowserCheck.errors() : []"
        )
        return [
            f"pageerror: {e.get('message', e)}" if isinstance(e, dict) else str(e)
            for e in recorded or []
        ]

    def screenshot(self, path: str | Path) -> None:
        self.driver.save_screenshot(str(path))

    def describe(self) -> dict[str, str]:
        caps = self.driver.capabilities
        return {
            "engine": self.engine,
            "kind": self._launch.kind,
            "driver": "webdriver",
            "binary": self._launch.browser_binary or "",
            "version": f"WebKitGTK {caps.get('browserVersion', '?')}",
        }

    def close(self) -> None:
        try:
            self.driver.quit()
        except Exception:  # noqa: BLE001 - closing twice or after a crash is fine
            pass


def _machine_platform(browser: Any) -> str:
    """The platform of the machine a (remote) browser runs on, from a page in a context with no
    emulation (a target's context may claim another); "" when it cannot be read."""
    try:
        context = browser.new_context()
        try:
            return str(context.new_page().evaluate("navigator.platform") or "")
        finally:
            context.close()
    except Exception:  # noqa: BLE001 - a platform we cannot read is only left out
        return ""


class VirtualDisplay:
    """An Xvfb server for browsers that need a display; ``close()`` is idempotent."""

    def __init__(self) -> None:
        read_fd, write_fd = os.pipe()
        self.process = subprocess.Popen(
            [
                "Xvfb",
                "-displayfd",
                str(write_fd),
                "-screen",
                "0",
                "1280x1024x24",
                "-nolisten",
                "tcp",
            ],
            pass_fds=(write_fd,),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(write_fd)
        with os.fdopen(read_fd) as reader:
            number = reader.readline().strip()
        if not number:
            self.close()
            raise RuntimeError("Xvfb did not start")
        self.display = f":{number}"

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


class EngineHub:
    """Opens browser sessions on any engine; starts Playwright and Xvfb only when needed.

    Use as a context manager; ``close()`` is idempotent. One hub per thread (Playwright's sync API
    is bound to the thread that started it).
    """

    def __init__(
        self,
        playwright: Any = None,
        *,
        connect: dict[str, PlaywrightEndpoint] | None = None,
        webdriver: WebDriverEndpoint | None = None,
        expose_network: str | None = None,
    ) -> None:
        """``playwright``: an already started ``sync_playwright()`` instance to share (e.g.
        pytest-playwright's); otherwise the hub starts and stops its own. ``connect``: engines
        whose sessions run on a Playwright server instead of here; ``webdriver``: the W3C
        WebDriver endpoint of :meth:`open_capabilities`; ``expose_network``: hosts the Playwright
        servers' browsers reach through their connection (Playwright's ``exposeNetwork``)."""
        self._playwright_cm: Any = None
        self._playwright: Any = playwright
        self.connect = dict(connect or {})
        self.webdriver = webdriver
        self.expose_network = expose_network
        self._browsers: dict[str, Any] = {}
        self._display: VirtualDisplay | None = None
        self._sessions: list[Any] = []
        self._platforms: dict[int, str] = {}  # id(remote browser) -> its machine's platform

    def __enter__(self) -> EngineHub:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def playwright(self) -> Any:
        if self._playwright is None:
            from playwright.sync_api import sync_playwright

            self._playwright_cm = sync_playwright()
            self._playwright = self._playwright_cm.start()
        return self._playwright

    def resolve(self, engine: str) -> EngineLaunch | EngineMissing:
        endpoint = self.connect.get(engine)
        if endpoint is not None:
            return EngineLaunch(engine, "remote", "playwright", None, endpoint=endpoint)
        return resolve_engine(self.playwright, engine)

    def open_capabilities(self, capabilities: dict[str, Any], engine: str) -> BrowserSession:
        """A session on the hub's WebDriver endpoint with these capabilities (``alwaysMatch``).

        Raises :class:`matrix.qa.remote.SessionNotStarted` with the endpoint's reason."""
        from .remote import RemoteWebDriverSession, SessionNotStarted

        if self.webdriver is None:
            raise SessionNotStarted("a target with capabilities needs --webdriver-url")
        session = RemoteWebDriverSession(self.webdriver, capabilities, engine)
        self._sessions.append(session)
        return session

    def _browser(self, launch: EngineLaunch, firefox_prefs: dict[str, Any] | None) -> Any:
        """A browser for ``launch``: launched here, or on its Playwright server."""
        browser_type = getattr(self.playwright, launch.engine)
        if launch.endpoint is not None:
            browser = launch.endpoint.connect(browser_type, firefox_prefs, self.expose_network)
            self._platforms[id(browser)] = _machine_platform(browser)
            return browser
        kwargs = dict(launch.launch_kwargs)
        if firefox_prefs:
            kwargs["firefox_user_prefs"] = firefox_prefs
        return browser_type.launch(**kwargs)

    def _ensure_display(self) -> None:
        if not os.environ.get("DISPLAY") and self._display is None:
            self._display = VirtualDisplay()
            os.environ["DISPLAY"] = self._display.display

    def open(
        self,
        engine: str,
        *,
        device: str | None = None,
        locale: str | None = None,
        user_agent: str | None = None,
        client_hints: dict[str, Any] | None = None,
    ) -> BrowserSession:
        """A new session on ``engine``; ``device`` names a Playwright device descriptor.

        ``user_agent`` overrides the User-Agent (header and ``navigator.userAgent``).
        ``client_hints`` (Chromium only) is the ``navigator.userAgentData`` / ``Sec-CH-UA-*``
        metadata to present with it (CDP ``Emulation.UserAgentMetadata``: brands,
        fullVersionList, platform, platformVersion, mobile, model, ...): without it Chromium keeps
        announcing its real brands next to the overridden User-Agent.

        Raises RuntimeError with the reason when the engine is missing or cannot emulate.
        """
        launch = self.resolve(engine)
        if isinstance(launch, EngineMissing):
            raise RuntimeError(launch.reason)
        if client_hints is not None and engine != "chromium":
            raise RuntimeError(f"{engine} has no User-Agent client hints to emulate")
        session: BrowserSession
        if launch.driver == "webdriver":
            if device or locale:
                raise RuntimeError("WebKitGTK over WebDriver cannot emulate devices or locales")
            self._ensure_display()
            session = WebDriverSession(launch, user_agent)
        else:
            if device and user_agent is None:
                user_agent = self.playwright.devices[device]["user_agent"]
            # Firefox over WebDriver BiDi ignores the context's user_agent: a User-Agent override
            # there needs a browser of its own, launched with general.useragent.override.
            own_browser = engine == "firefox" and bool(user_agent)
            browser = None if own_browser else self._browsers.get(engine)
            if browser is None:
                prefs = {"general.useragent.override": user_agent} if own_browser else None
                browser = self._browser(launch, prefs)
                if not own_browser:
                    self._browsers[engine] = browser
            context_args: dict[str, Any] = {}
            if device:
                context_args.update(self.playwright.devices[device])
                if engine == "firefox":
                    context_args.pop("is_mobile", None)  # Firefox cannot emulate is_mobile
            if locale:
                context_args["locale"] = locale
            if user_agent:
                context_args["user_agent"] = user_agent
            platform = self._platforms.get(id(browser), "")
            session = PlaywrightSession(browser, launch, context_args, own_browser, platform)
            if client_hints is None and engine == "chromium" and device:
                # A device descriptor changes the User-Agent only: the client hints would still
                # announce desktop Linux and win over it. Announce what that device would.
                client_hints = device_client_hints(
                    context_args["user_agent"],
                    bool(context_args.get("is_mobile")),
                    str(browser.version),
                )
            if client_hints is not None:
                session.override_client_hints(
                    context_args.get("user_agent") or "", client_hints, locale
                )
        self._sessions.append(session)
        return session

    def close(self) -> None:
        for session in self._sessions:
            session.close()
        self._sessions.clear()
        for browser in self._browsers.values():
            try:
                browser.close()
            except Exception:  # noqa: BLE001
                pass
        self._browsers.clear()
        if self._playwright_cm is not None:
            if self._playwright is not None:  # None when starting it failed
                self._playwright.stop()
            self._playwright_cm = self._playwright = None
        if self._display is not None:
            self._display.close()
            self._display = None
