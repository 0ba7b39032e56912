"""The QA matrix run: every target of ``targets.yaml`` in a real browser, checked end to end.

For each target :func:`check_target` opens the check page, lets the probe run, and checks that
there are no page or console errors, that a report appears, that the report (read back through
its private link, ``GET /api/v1/reports/<code>?t=...``) names the browser, engine, OS and device
the target *is*, and that its verdict is what the policy says for that declared environment. It
takes a screenshot and runs axe-core on the page. :func:`check_a11y_page` runs axe-core on the
report page and the other listed pages in every engine.

:func:`run_matrix` runs the jobs of a run (or of one shard) with ``workers`` threads, each with
its own :class:`~matrix.qa.engines.EngineHub` (Playwright's sync API is bound to its thread),
against a server it starts (``python -m webapp serve`` on a free port with a temporary instance
folder) unless given a base URL. No Flask here: the app is only ever reached over HTTP.

Remote browsers (:mod:`matrix.qa.remote`): engines given a Playwright server (``connect``) run all
their jobs there; targets with ``capabilities`` run on the W3C WebDriver endpoint (``webdriver``).
A remote session that cannot start is "not run" with the endpoint's reason; credentials of the
endpoints are scrubbed from every result.
"""

from __future__ import annotations

import json
import os
import queue
import re
import shutil
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..policy import Policy
from ..rules import evaluate_policy
from .engines import (
    BrowserSession,
    EngineHub,
    EngineMissing,
    PlaywrightSession,
    VirtualDisplay,
    WebDriverSession,
)
from .remote import (
    PlaywrightEndpoint,
    RemoteWebDriverSession,
    SessionNotStarted,
    WebDriverEndpoint,
    display_url,
    loopback_url,
    scrub,
)
from .results import FAILED, NOT_RUN, PASSED, SCREENSHOTS, JobResult, MatrixRun, now_iso
from .server import LiveServer
from .targets import (
    A11yPage,
    Job,
    RunDefinition,
    Target,
    compare_environment,
    declared_environment,
    jobs_of,
    resolve_expected,
    select_shard,
)

CODE = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$")
#: Seconds the probe may take from page load to the report on screen.
RESULT_TIMEOUT = 30.0


class CheckFailed(Exception):
    """A check that cannot go on (no report appeared, the report cannot be read)."""


# --- axe-core ---------------------------------------------------------------------------------


def _axe_script() -> str:
    from axe_playwright_python.base import AXE_SCRIPT

    return str(AXE_SCRIPT)


def run_axe(session: BrowserSession) -> dict[str, Any]:
    """Run axe-core (the build axe-playwright-python ships) on the session's current page.

    Returns ``{"violations": [...], "version": "4.x"}``. Playwright pages go through
    axe-playwright-python; WebKitGTK over WebDriver gets the same script injected and
    ``axe.run`` awaited with ``execute_async_script``.
    """
    if isinstance(session, PlaywrightSession):
        from axe_playwright_python.sync_playwright import Axe

        response = Axe().run(session.page).response
    elif isinstance(session, WebDriverSession):
        session.driver.execute_script(_axe_script())
        response = session.driver.execute_async_script(
            "var done = arguments[arguments.length - 1];"
            "axe.run(document, {resultTypes: ['violations']}).then(done,"
            " function (e) { done({error: String(e)}); });"
        )
    else:  # pragma: no cover - a new session type must say how it runs axe
        raise CheckFailed(f"no way to run axe-core in {type(session).__name__}")
    if not isinstance(response, dict) or "violations" not in response:
        raise CheckFailed(f"axe-core did not run: {response!r:.300}")
    return {
        "violations": response["violations"],
        "version": (response.get("testEngine") or {}).get("version", ""),
    }


def describe_violations(violations: list[dict[str, Any]]) -> list[str]:
    """One line per axe violation: rule id, impact, help and the first offending nodes."""
    lines = []
    for v in violations:
        nodes = [" ".join(map(str, n.get("target", []))) for n in v.get("nodes", [])]
        shown = ", ".join(nodes[:3]) + (f" (+{len(nodes) - 3} more)" if len(nodes) > 3 else "")
        lines.append(f"axe {v.get('id')} ({v.get('impact')}): {v.get('help')} -- {shown}")
    return lines


# --- one target -------------------------------------------------------------------------------


def open_target(hub: EngineHub, target: Target) -> BrowserSession:
    """A session on the target's engine, dressed as the target says (or, for a target with
    capabilities, on the hub's WebDriver endpoint; raises SessionNotStarted)."""
    if target.capabilities is not None:
        return hub.open_capabilities(target.capabilities, target.engine)
    return hub.open(
        target.engine,
        device=target.device,
        locale=target.locale,
        user_agent=target.user_agent,
        client_hints=target.client_hints,
    )


def _fetch_json(url: str) -> dict[str, Any]:
    with urllib.request.urlopen(url, timeout=15) as response:
        data: dict[str, Any] = json.load(response)
    return data


def report_json_url(base_url: str, private_href: str) -> str:
    """The JSON of a report from its private page link (``/r/<code>?t=...`` -> the API)."""
    absolute = urllib.parse.urljoin(base_url + "/", private_href)
    parts = urllib.parse.urlsplit(absolute)
    if not parts.path.startswith("/r/"):
        raise CheckFailed(f"the private link is not a report page: {private_href!r}")
    query = urllib.parse.urlencode(
        [(k, v) for k, v in urllib.parse.parse_qsl(parts.query) if k == "t"]
    )
    path = "/api/v1/reports/" + parts.path.removeprefix("/r/")
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, path, query, ""))


def without_token(text: str) -> str:
    """``text`` with a report link's token (``?t=...``) left out: never write it out."""
    return re.sub(r"([?&]t=)[^&\s'\"]+", "\\1…", text)


#: Something every page of the app has, and a browser's own error page has not.
OUR_PAGE = "!!document.querySelector('main, [data-testid=progress]')"


def open_page(session: BrowserSession, url: str) -> None:
    """``session.goto(url)``, failing clearly when the browser could not load the app there
    (a remote browser that cannot reach the base URL gets its own error page, or an exception)."""
    problem = ""
    try:
        session.goto(url)
    except Exception as exc:  # noqa: BLE001 - Playwright raises, WebDriver shows an error page
        problem = f"{type(exc).__name__}: {exc}".strip().splitlines()[0]
    if not problem:
        try:
            if session.evaluate(OUR_PAGE):
                return
            problem = f"it shows {session.evaluate('location.href')!r} instead"
        except Exception as exc:  # noqa: BLE001 - the page may be gone entirely
            problem = f"{type(exc).__name__}: {exc}".strip().splitlines()[0]
    ran = session.describe()
    where = f" at {ran['endpoint']}" if ran.get("endpoint") else ""
    shown = without_token(url)
    raise CheckFailed(
        f"the browser{where} could not load {shown} ({without_token(problem)}): the base URL "
        "must be reachable from where the browser runs -- give --base-url an address it can "
        "reach, or open the grid's local-testing tunnel (docs/ci.md)"
    )


def _wait_for_report(session: BrowserSession, url: str) -> None:
    open_page(session, url)
    try:
        session.wait_visible("[data-testid=result]", timeout=RESULT_TIMEOUT)
    except Exception as exc:  # noqa: BLE001 - Playwright and Selenium time out differently
        progress = ""
        try:
            progress = session.text("[data-testid=progress]")
        except Exception:  # noqa: BLE001 - the page may be gone entirely
            pass
        raise CheckFailed(
            f"no report appeared within {RESULT_TIMEOUT:.0f} s (progress: {progress!r}): "
            f"{type(exc).__name__}"
        ) from exc


def _screenshot(session: BrowserSession, output: Path | None, name: str) -> str | None:
    if output is None:
        return None
    relative = f"{SCREENSHOTS}/{name}.png"
    (output / SCREENSHOTS).mkdir(parents=True, exist_ok=True)
    try:
        session.screenshot(output / relative)
    except Exception:  # noqa: BLE001 - a screenshot must not hide the real outcome
        return None
    return relative


def _summary(env: dict[str, Any]) -> str:
    b, o, d = env.get("browser", {}), env.get("os", {}), env.get("device", {})
    os_text = " ".join(str(x) for x in (o.get("family"), o.get("version")) if x)
    return (
        f"{b.get('family')} {b.get('major') or ''} · {env.get('engine', {}).get('family')} · "
        f"{os_text} · {d.get('type')}"
    ).replace("  ", " ")


def check_target(
    session: BrowserSession,
    target: Target,
    base_url: str,
    policy: Policy,
    output: Path | None = None,
) -> JobResult:
    """Run ``target`` in an open ``session`` against the app at ``base_url``.

    Opens ``target.path``, waits for the report, then checks: no page or console errors; a
    report code; the report JSON (through the private link) shows the declared browser, engine,
    OS and device; its verdict (status and deciding rule) is what ``policy`` says for the
    declared environment, and the page shows that status; the page language; no axe-core
    violations (unless the target says ``a11y: false``). Screenshot into ``output/screenshots``.
    Never raises for a failed check: the JobResult says what failed.
    """
    started = time.monotonic()
    ran = session.describe()
    failures: list[str] = []
    details: dict[str, Any] = {"target": target.describe(), "path": target.path}
    screenshot = None
    if isinstance(session, RemoteWebDriverSession):
        # the capabilities the session returned: a grid that answered with another version or
        # platform fails the job, whatever the page then shows
        failures += session.mismatches()
    try:
        _wait_for_report(session, base_url + target.path)
        screenshot = _screenshot(session, output, target.id)
        code = session.text("[data-testid=report-code]").strip()
        details["code"] = code
        if not CODE.match(code):
            failures.append(f"no report code on the page (got {code!r})")
        href = session.attribute("[data-testid=private-link]", "href") or ""
        report = _fetch_json(report_json_url(base_url, href))
        if report.get("code") != code:
            failures.append(f"the private link opens report {report.get('code')!r}, not {code!r}")
        detected = report.get("environment") or {}
        details["detected"] = {k: detected.get(k) for k in ("browser", "engine", "os", "device")}
        details["detected_summary"] = _summary(detected)
        details["user_agent"] = detected.get("user_agent", "")
        parts = resolve_expected(target.expect, ran.get("version", ""))
        details["expected"] = parts
        failures += compare_environment(parts, detected)
        want = evaluate_policy(policy, declared_environment(parts))
        got = report.get("verdict") or {}
        details["verdict"] = {
            "expected": want.status,
            "expected_rule": want.rule,
            "got": got.get("status"),
            "got_rule": got.get("rule"),
        }
        if (got.get("status"), got.get("rule")) != (want.status, want.rule):
            failures.append(
                f"verdict: the policy says {want.status} ({want.rule}) for the declared "
                f"environment, the report says {got.get('status')} ({got.get('rule')})"
            )
        shown_status = session.attribute("#check", "data-status")
        if shown_status != want.status:
            failures.append(f"the page shows status {shown_status!r}, expected {want.status!r}")
        if target.expect.lang:
            lang = session.evaluate("document.documentElement.lang")
            if lang != target.expect.lang:
                failures.append(f"page language: expected {target.expect.lang!r}, got {lang!r}")
        if target.a11y:
            axe = run_axe(session)
            details["axe"] = {"version": axe["version"], "violations": len(axe["violations"])}
            failures += describe_violations(axe["violations"])
    except Exception as exc:  # noqa: BLE001 - any breakage is this target's failure, with why
        failures.append(f"{type(exc).__name__}: {exc}".strip())
        screenshot = screenshot or _screenshot(session, output, target.id)
    failures += _browser_errors(session)
    return JobResult(
        id=target.id,
        kind="target",
        engine=target.engine,
        status=FAILED if failures else PASSED,
        failures=tuple(failures),
        ran=ran,
        details=details,
        screenshot=screenshot,
        seconds=time.monotonic() - started,
        note=target.note,
    )


def check_a11y_page(
    session: BrowserSession,
    page: A11yPage,
    base_url: str,
    output: Path | None = None,
    job_id: str | None = None,
) -> JobResult:
    """axe-core on one page in an open ``session``: zero violations pass.

    For ``page.page == "report"`` a report is made by opening ``page.path`` first and its private
    report page is checked. An ``optional`` page that answers 404 is "not run" with the reason.
    """
    started = time.monotonic()
    job_id = job_id or f"a11y-{session.engine}-{page.id}"
    ran = session.describe()
    failures: list[str] = []
    details: dict[str, Any] = {"page": page.page, "path": page.path}
    screenshot, status, reason = None, PASSED, ""
    try:
        url = base_url + page.path
        if page.page == "report":
            _wait_for_report(session, url)
            href = session.attribute("[data-testid=private-link]", "href") or ""
            url = urllib.parse.urljoin(base_url + "/", href)
        elif page.optional and _http_status(url) == 404:
            return JobResult(
                job_id,
                "a11y",
                session.engine,
                NOT_RUN,
                reason=f"{page.path} answers 404: not served by this build",
                ran=ran,
                details=details,
                seconds=time.monotonic() - started,
            )
        details["url"] = without_token(url)
        open_page(session, url)
        session.wait_visible("main")
        screenshot = _screenshot(session, output, job_id)
        axe = run_axe(session)
        details["axe"] = {"version": axe["version"], "violations": len(axe["violations"])}
        failures += describe_violations(axe["violations"])
    except Exception as exc:  # noqa: BLE001 - any breakage is this job's failure, with why
        failures.append(f"{type(exc).__name__}: {exc}".strip())
    failures += _browser_errors(session)
    if failures:
        status = FAILED
    return JobResult(
        job_id,
        "a11y",
        session.engine,
        status,
        reason=reason,
        failures=tuple(failures),
        ran=ran,
        details=details,
        screenshot=screenshot,
        seconds=time.monotonic() - started,
    )


def _browser_errors(session: BrowserSession) -> list[str]:
    """Page errors and console errors the session saw, as failure lines."""
    try:
        return [f"browser error: {e}" for e in session.errors()]
    except Exception as exc:  # noqa: BLE001 - the page may be gone after a failure
        return [f"could not read the page's errors: {type(exc).__name__}: {exc}"]


def _http_status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=15) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


# --- the run ----------------------------------------------------------------------------------


def run_job(
    hub: EngineHub,
    job: Job,
    base_url: str,
    policy: Policy,
    output: Path | None,
    require: tuple[str, ...] = (),
) -> JobResult:
    """Run one job in ``hub``: open its session, check, close. An engine that is missing here
    (or cannot dress the target as asked), a target with capabilities without a WebDriver
    endpoint, and a remote session that cannot start (the endpoint's reason) give "not run" --
    "failed" when the engine is in ``require``. Never raises."""
    started = time.monotonic()
    note = job.target.note if job.target else ""
    reason, ran = "", {"engine": job.engine}
    if job.target and job.target.remote:
        if hub.webdriver is None:
            reason = "a target with capabilities needs a W3C WebDriver endpoint (--webdriver-url)"
        else:
            ran["endpoint"] = hub.webdriver.display
    else:
        launch = hub.resolve(job.engine)
        if isinstance(launch, EngineMissing):
            reason = launch.reason
        elif job.target and job.target.emulates and launch.driver == "webdriver":
            reason = f"{launch.engine} over WebDriver cannot emulate devices or locales"
        elif launch.endpoint is not None:
            ran["endpoint"] = launch.endpoint.display

    def not_run(why: str) -> JobResult:
        missing = {**ran, "missing": why}
        seconds = time.monotonic() - started
        result = JobResult(job.id, job.kind, job.engine, NOT_RUN, why, ran=missing, note=note)
        return with_require(replace(result, seconds=seconds), require)

    if reason:
        return not_run(reason)
    session: BrowserSession | None = None
    try:
        session = open_target(hub, job.target) if job.target else hub.open(job.engine)
        if job.target:
            result = check_target(session, job.target, base_url, policy, output)
        else:
            assert job.page is not None
            result = check_a11y_page(session, job.page, base_url, output, job.id)
        # The job's time includes opening its browser (a launch for WebKitGTK and UA overrides).
        return replace(result, seconds=time.monotonic() - started)
    except SessionNotStarted as exc:  # no such capability, quota, unreachable: the grid's reason
        return not_run(str(exc))
    except Exception as exc:  # noqa: BLE001 - a session that cannot open is a failure, with why
        return JobResult(
            job.id,
            job.kind,
            job.engine,
            FAILED,
            reason=f"could not open a session: {type(exc).__name__}: {exc}",
            ran=session.describe() if session else ran,
            note=note,
            seconds=time.monotonic() - started,
        )
    finally:
        if session is not None:
            session.close()


@contextmanager
def serving(base_url: str | None) -> Iterator[str]:
    """The app's base URL: ``base_url`` as given, or a server started for the run."""
    if base_url:
        yield base_url.rstrip("/")
        return
    with LiveServer() as server:
        yield server.url


def run_matrix(
    definition: RunDefinition,
    policy: Policy,
    *,
    base_url: str | None = None,
    output: Path | None = None,
    workers: int = 2,
    shard: tuple[int, int] = (1, 1),
    require: tuple[str, ...] = (),
    engines: tuple[str, ...] = (),
    connect: Mapping[str, PlaywrightEndpoint] | None = None,
    webdriver: WebDriverEndpoint | None = None,
    expose_loopback: bool = True,
    on_start: Callable[[int], None] | None = None,
    on_result: Callable[[JobResult], None] | None = None,
) -> MatrixRun:
    """Run the jobs of ``definition`` (those of ``shard`` I/N, of ``engines`` when given).

    ``workers`` threads each drive their own EngineHub; results come back in the definition's
    order. ``on_start(total)`` and ``on_result(result)`` report progress (called from worker
    threads). Starts a server unless ``base_url`` is given, and an Xvfb display when WebKitGTK
    needs one and there is none. ``connect`` (engine -> Playwright server) and ``webdriver`` (a
    W3C WebDriver endpoint, for targets with capabilities) run jobs on remote browsers; their
    credentials appear in no result. With ``expose_loopback`` an app on a loopback URL is
    reached by the Playwright servers' browsers through their connection.
    """
    connect = dict(connect or {})
    secrets = [s for e in connect.values() for s in e.secrets]
    secrets += list(webdriver.secrets) if webdriver else []
    jobs = select_shard(jobs_of(definition, webdriver is not None), *shard)
    if engines:
        jobs = [j for j in jobs if j.engine in engines]
    if on_start:
        on_start(len(jobs))
    order = {j.id: i for i, j in enumerate(jobs)}
    todo: queue.Queue[Job] = queue.Queue()
    for job in jobs:
        todo.put(job)
    results: list[JobResult] = []
    lock = threading.Lock()
    started_at, started = now_iso(), time.monotonic()
    display = _display_for([j for j in jobs if j.engine not in connect])
    saved_display = os.environ.get("DISPLAY")
    if display is not None:
        os.environ["DISPLAY"] = display.display
    try:
        with serving(base_url) as url:
            # An app on this machine's loopback is reached by a Playwright server's browsers
            # through their own connection (a grid's browsers need its tunnel: docs/ci.md).
            expose = "<loopback>" if expose_loopback and connect and loopback_url(url) else None

            def work() -> None:
                with EngineHub(connect=connect, webdriver=webdriver, expose_network=expose) as hub:
                    while True:
                        try:
                            job = todo.get_nowait()
                        except queue.Empty:
                            return
                        result = scrub_result(
                            run_job(hub, job, url, policy, output, require), secrets
                        )
                        with lock:
                            results.append(result)
                        if on_result:
                            on_result(result)

            threads = [
                threading.Thread(target=work, name=f"matrix-worker-{i + 1}", daemon=True)
                for i in range(max(1, min(workers, len(jobs))))
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
    finally:
        if display is not None:
            display.close()
            if saved_display is None:
                os.environ.pop("DISPLAY", None)
    results.sort(key=lambda r: order[r.id])
    return MatrixRun(
        results=tuple(results),
        started=started_at,
        seconds=time.monotonic() - started,
        base_url=display_url(base_url) if base_url else "(started for the run)",
        require=tuple(require),
        shards=(f"{shard[0]}/{shard[1]}",),
        workers=workers,
    )


def _display_for(jobs: list[Job]) -> VirtualDisplay | None:
    """One Xvfb for the whole run, started before the workers (EngineHub would start one per
    hub and race on DISPLAY)."""
    local_webkit = any(j.engine == "webkit" and not (j.target and j.target.remote) for j in jobs)
    if os.environ.get("DISPLAY") or not local_webkit:
        return None
    return VirtualDisplay() if shutil.which("Xvfb") else None


def with_require(result: JobResult, require: tuple[str, ...]) -> JobResult:
    """``result`` with "not run" turned into "failed" when its engine is required."""
    if result.status == NOT_RUN and result.engine in require:
        return replace(
            result,
            status=FAILED,
            reason=f"required engine {result.engine} did not run: {result.reason}",
        )
    return result


def scrub_result(result: JobResult, secrets: list[str]) -> JobResult:
    """``result`` with the endpoints' credentials removed from every text in it (a driver's
    error message may quote the URL it was given). Only strings are touched, keys and all."""
    if not secrets:
        return result

    def clean(value: Any) -> Any:
        if isinstance(value, str):
            return scrub(value, secrets)
        if isinstance(value, dict):
            return {clean(k): clean(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [clean(v) for v in value]
        return value

    data = result.to_dict()
    cleaned = clean(data)
    if cleaned == data:
        return result
    return replace(JobResult.from_dict(cleaned), seconds=result.seconds)
