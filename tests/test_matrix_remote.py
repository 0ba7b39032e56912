"""Remote browsers for the QA matrix: endpoints, credentials, capabilities and grid targets
(no browser here: tests/browser/test_matrix_remote.py runs them against real servers)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import yaml

from matrix import evaluate_policy, load_policy
from matrix.qa.remote import (
    PlaywrightEndpoint,
    RemoteError,
    WebDriverEndpoint,
    capability_mismatches,
    display_url,
    first_line,
    loopback_url,
)
from matrix.qa.results import NOT_RUN, JobResult, MatrixRun
from matrix.qa.runner import scrub_result, without_token
from matrix.qa.targets import (
    OTHER_ENGINE,
    TargetsError,
    declared_environment,
    jobs_of,
    load_targets,
    parse_targets,
    resolve_expected,
)
from webapp.config import settings_from_env

SECRET = "Sup3rSecretKey"


@pytest.mark.parametrize(
    "url,shown",
    [
        ("http://qa:Sup3rSecretKey@hub.example:4444/wd/hub", "http://hub.example:4444/wd/hub"),
        ("https://hub.example/wd/hub?key=Sup3rSecretKey", "https://hub.example/wd/hub?…"),
        ("ws://127.0.0.1:3000/", "ws://127.0.0.1:3000/"),
        ("wss://u@[::1]:9/x", "wss://[::1]:9/x"),
    ],
    ids=["userinfo", "query", "plain", "ipv6"],
)
def test_an_endpoint_is_shown_without_credentials_or_query(url: str, shown: str) -> None:
    assert display_url(url) == shown


def test_launch_options_move_from_the_url_into_the_header() -> None:
    options = {"executablePath": "/usr/bin/chromium", "args": ["--no-sandbox"]}
    endpoint = PlaywrightEndpoint.parse(
        "chromium=ws://127.0.0.1:3000/pw?token=abc123&launch-options=" + json.dumps(options)
    )
    assert endpoint.ws_url == "ws://127.0.0.1:3000/pw?token=abc123"
    assert json.loads(endpoint.headers()["x-playwright-launch-options"]) == options
    prefs = {"general.useragent.override": "Firefox/115.0"}
    merged = json.loads(endpoint.headers(prefs)["x-playwright-launch-options"])
    assert merged == {**options, "firefoxUserPrefs": prefs}
    assert PlaywrightEndpoint.parse("firefox=ws://h:1/").headers() == {}
    assert "abc123" in endpoint.secrets and "abc123" not in endpoint.display
    assert not any("executablePath" in secret for secret in endpoint.secrets)


def test_only_query_values_that_may_be_credentials_are_secrets() -> None:
    token = "a" * 20
    endpoint = PlaywrightEndpoint.parse(
        f"chromium=wss://h/pw?headless=true&accessKey=k3y&session={token}&region=eu"
    )
    assert {"k3y", token} <= set(endpoint.secrets)
    assert not {"true", "eu"} & set(endpoint.secrets)


@pytest.mark.parametrize(
    "value,needle",
    [
        ("ws://127.0.0.1:3000/", "expected ENGINE=WS_URL"),
        ("opera=ws://127.0.0.1:3000/", "expected ENGINE=WS_URL"),
        (f"chromium=http://qa:{SECRET}@h:3000/", "expected a ws or wss URL"),
        ("chromium=ws://h:3000/?launch-options={nope", "launch-options is not JSON"),
        ("chromium=ws://h:3000/?launch-options=[1]", "must be a JSON object"),
        (f"chromium=ws://qa:{SECRET}@h:port/", "is not a number"),
    ],
    ids=["no-engine", "unknown-engine", "http", "bad-json", "not-object", "bad-port"],
)
def test_a_bad_connect_value_is_refused_without_showing_secrets(value: str, needle: str) -> None:
    with pytest.raises(RemoteError, match=needle) as raised:
        PlaywrightEndpoint.parse(value)
    assert SECRET not in str(raised.value)


def test_webdriver_credentials_come_out_of_the_url_and_settings_win() -> None:
    endpoint = WebDriverEndpoint.parse(f"https://qa%40corp:{SECRET}@hub.example/wd/hub/")
    assert endpoint.url == "https://hub.example/wd/hub"
    assert (endpoint.username, endpoint.password) == ("qa@corp", SECRET)
    assert SECRET not in repr(endpoint) and SECRET in endpoint.secrets
    apart = WebDriverEndpoint.parse("http://hub:4444", "ci", "other-key")
    assert (apart.username, apart.password, apart.display) == ("ci", "other-key", "http://hub:4444")
    with pytest.raises(RemoteError) as raised:
        WebDriverEndpoint.parse(f"ftp://qa:{SECRET}@hub")
    assert SECRET not in str(raised.value)


@pytest.mark.parametrize(
    "requested,returned,problems",
    [
        ({"browserVersion": "109"}, {"browserVersion": "109.0.5414.120"}, []),
        ({"browserVersion": "109"}, {"browserVersion": "156.0.8078.114"}, ["browserVersion"]),
        ({"browserVersion": "109.0"}, {"browserVersion": "109.1.2"}, ["browserVersion"]),
        ({"browserVersion": "latest"}, {"browserVersion": "156.0"}, []),
        ({"platformName": "Windows 7"}, {"platformName": "windows"}, []),
        ({"platformName": "Windows 7"}, {"platformName": "WIN10"}, []),
        ({"platformName": "Windows 7"}, {"platformName": "linux"}, ["platformName"]),
        ({"platformName": "macOS 12"}, {"platformName": "mac"}, []),
        ({"platformName": "macOS 12"}, {"platformName": "windows"}, ["platformName"]),
        ({"platformName": "ANY"}, {"platformName": "linux"}, []),
        ({"browserName": "chrome"}, {}, []),
        (
            {"browserVersion": "16", "platformName": "iOS"},
            {"browserVersion": "17.4", "platformName": "android"},
            ["browserVersion", "platformName"],
        ),
    ],
)
def test_the_session_that_answered_must_be_what_was_asked(
    requested: dict[str, str], returned: dict[str, str], problems: list[str]
) -> None:
    found = capability_mismatches(requested, returned)
    assert [p.split()[1] for p in found] == problems


@pytest.mark.parametrize(
    "url,loopback",
    [
        ("http://127.0.0.1:8000", True),
        ("http://127.1.2.3/", True),
        ("http://localhost:5000/x", True),
        ("http://[::1]:80/", True),
        ("http://10.0.0.5:8000", False),
        ("https://browsercheck.staging.example", False),
    ],
)
def test_loopback_urls_are_recognised(url: str, loopback: bool) -> None:
    assert loopback_url(url) is loopback


@pytest.mark.parametrize(
    "text,shown",
    [
        ("http://h/r/ABCD-EFGH?t=s3cr3t", "http://h/r/ABCD-EFGH?t=…"),
        ("net::ERR at 'http://h/r/X?lang=uk&t=s3cr3t'", "net::ERR at 'http://h/r/X?lang=uk&t=…'"),
        ("http://h/check?lang=uk", "http://h/check?lang=uk"),
    ],
)
def test_a_report_token_never_reaches_a_message(text: str, shown: str) -> None:
    assert without_token(text) == shown


def test_first_line_drops_stack_traces_and_documentation_links() -> None:
    message = (
        "Message: session not created: No matching capabilities found; For documentation on "
        "this error, please visit: https://www.selenium.dev/x\nStacktrace:\n#0 0x55c5 <unknown>"
    )
    assert first_line(message) == "session not created: No matching capabilities found"


def test_scrub_result_removes_every_secret_from_a_result() -> None:
    result = JobResult(
        "grid",
        "target",
        "chromium",
        NOT_RUN,
        reason=f"HTTPConnectionPool(host='qa:{SECRET}@hub') refused",
        failures=(f"quoted {SECRET!r}",),
        details={"nested": {"deep": [f"x{SECRET}y"]}},
        seconds=1.25,
    )
    cleaned = scrub_result(result, [SECRET, "qa", "true"])  # too short to scrub: "qa" stays
    assert SECRET not in json.dumps(cleaned.to_dict())
    assert cleaned.reason == "HTTPConnectionPool(host='qa:***@hub') refused"
    assert cleaned.seconds == 1.25
    assert scrub_result(result, []) is result
    flagged = replace(result, details={"approximate": True, "true": "true"})
    assert scrub_result(flagged, ["true"]).details == {"approximate": True, "***": "***"}


# --- targets with capabilities ----------------------------------------------------------------

LOCAL = {
    "id": "ua-chrome-109",
    "engine": "chromium",
    "user_agent": "Chrome/109",
    "expect": {"browser": {"family": "Chrome", "major": 109}},
}


def _grid(**extra: Any) -> dict[str, Any]:
    target = {
        "id": "grid-chrome-109",
        "capabilities": {"browserName": "chrome", "browserVersion": "109"},
        "expect": {"browser": {"family": "Chrome", "major": 109}},
    }
    return {**target, **extra}


def _definition(*targets: dict[str, Any]) -> Any:
    return parse_targets({"version": 1, "targets": list(targets)})


@pytest.mark.parametrize(
    "browser,engine",
    [
        ("chrome", "chromium"),
        ("MicrosoftEdge", "chromium"),
        ("firefox", "firefox"),
        ("safari", "webkit"),
        ("MiniBrowser", "webkit"),
        ("internet explorer", OTHER_ENGINE),
    ],
)
def test_a_capabilities_target_runs_on_the_engine_of_its_browser(browser: str, engine: str) -> None:
    target = _definition(_grid(capabilities={"browserName": browser})).targets[0]
    assert (target.engine, target.remote) == (engine, True)
    assert target.describe() == f"capabilities: {browser}"


@pytest.mark.parametrize(
    "extra,needle",
    [
        ({"engine": "chromium"}, "give engine or capabilities, not both"),
        ({"locale": "uk-UA"}, "locale cannot go with capabilities"),
        ({"device": "iPhone 15"}, "device cannot go with capabilities"),
        ({"capabilities": {}}, "capabilities must be a non-empty mapping"),
        ({"capabilities": {"browserVersion": 109}}, "browserVersion must be a string"),
        ({"replaces": "nothing-here"}, "replaces 'nothing-here', which is no target"),
        ({"replaces": ["a", "b"]}, "replaces names one target id"),
    ],
)
def test_a_bad_capabilities_target_is_refused(extra: dict[str, Any], needle: str) -> None:
    with pytest.raises(TargetsError, match=needle):
        _definition(LOCAL, _grid(**extra))


def test_only_a_capabilities_target_replaces_another() -> None:
    with pytest.raises(TargetsError, match="only a target with capabilities replaces"):
        _definition(LOCAL, {**LOCAL, "id": "other", "replaces": "ua-chrome-109"})


def test_a_grid_target_replaces_its_override_only_where_a_grid_is_given() -> None:
    alone = {**_grid(), "id": "grid-edge"}
    definition = _definition(LOCAL, _grid(replaces="ua-chrome-109"), alone)
    assert [j.id for j in jobs_of(definition)] == ["ua-chrome-109", "grid-edge"]
    assert [j.id for j in jobs_of(definition, webdriver=True)] == ["grid-chrome-109", "grid-edge"]


SHIPPED = load_targets()


def test_the_local_run_is_unchanged_by_the_grid_targets() -> None:
    local = [j.id for j in jobs_of(SHIPPED)]
    assert len(local) == 37 and not any(i.startswith("grid-") for i in local)
    grid = {t.id: t for t in SHIPPED.targets if t.remote}
    with_grid = {j.id for j in jobs_of(SHIPPED, webdriver=True)}
    assert set(grid) <= with_grid
    assert not {t.replaces for t in grid.values()} & with_grid


@pytest.mark.parametrize("target", [t for t in SHIPPED.targets if t.remote], ids=lambda t: t.id)
def test_a_shipped_grid_target_proves_the_edge_of_the_override_it_replaces(target: Any) -> None:
    replaced = next(t for t in SHIPPED.targets if t.id == target.replaces)

    def verdict(t: Any) -> tuple[str, str]:
        v = evaluate_policy(load_policy(), declared_environment(resolve_expected(t.expect, "")))
        return v.status, v.rule

    assert verdict(target) == verdict(replaced)
    assert target.expect.lang == replaced.expect.lang
    assert f"lang={target.expect.lang}" in target.path  # WebDriver sets no locale


# --- outputs and the command line ---------------------------------------------------------------


def test_the_run_lists_each_browser_that_ran_local_and_remote() -> None:
    def result(job: str, engine: str, **ran: str) -> JobResult:
        return JobResult(job, "target", engine, "passed", ran={"engine": engine, **ran})

    local = {"driver": "playwright", "kind": "system", "version": "156", "binary": "/usr/bin/c"}
    grid = {"driver": "webdriver", "kind": "remote", "endpoint": "http://hub:4444"}
    run = MatrixRun(
        results=(
            result("a", "chromium", **local),
            result("b", "chromium", **grid, version="109", platform="windows", session="s1"),
            result("c", "chromium", **grid, version="109", platform="windows", session="s2"),
            result("d", "chromium", **local),
            JobResult("e", "target", "webkit", NOT_RUN, ran={"engine": "webkit", "missing": "x"}),
        ),
        started="2026-01-01T00:00:00+00:00",
        seconds=1.0,
        base_url="http://127.0.0.1:1",
    )
    browsers = run.browsers
    assert [(b["engine"], b.get("endpoint"), b["jobs"]) for b in browsers] == [
        ("chromium", "", 2),
        ("chromium", "http://hub:4444", 2),
        ("webkit", None, 0),
    ]
    assert browsers[1]["platform"] == "windows" and "session" not in browsers[1]
    assert run.to_dict()["browsers"] == browsers


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "webapp", "matrix", "run", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


@pytest.mark.parametrize(
    "args,needle",
    [
        (["--webdriver-url", f"ftp://qa:{SECRET}@hub"], "expected a http or https URL"),
        (["--connect", f"chromium=http://qa:{SECRET}@h/"], "expected a ws or wss URL"),
        (["--connect", "chromium=ws://a/", "--connect", "chromium=ws://b/"], "one Playwright"),
    ],
    ids=["webdriver-scheme", "connect-scheme", "connect-twice"],
)
def test_the_cli_refuses_a_bad_endpoint_without_showing_secrets(
    args: list[str], needle: str, tmp_path: Any
) -> None:
    done = _cli(*args, "--output", str(tmp_path / "out"))
    assert done.returncode == 2 or done.returncode == 1, done.stderr
    assert needle in done.stderr and SECRET not in done.stdout + done.stderr
    assert not (tmp_path / "out").exists()


def test_the_endpoints_come_from_settings_too() -> None:
    settings = settings_from_env(
        {
            "BROWSERCHECK_MATRIX_CONNECT": 'chromium=ws://h:1/?launch-options={"a":1,"b":2}, '
            "firefox=ws://h:2/",
            "BROWSERCHECK_MATRIX_WEBDRIVER_URL": "http://hub:4444/wd/hub",
            "BROWSERCHECK_MATRIX_WEBDRIVER_ACCESS_KEY": SECRET,
        }
    )
    servers = [PlaywrightEndpoint.parse(v) for v in settings["MATRIX_CONNECT"]]
    assert [(s.engine, s.launch_options) for s in servers] == [
        ("chromium", {"a": 1, "b": 2}),
        ("firefox", {}),
    ]
    assert settings["MATRIX_WEBDRIVER_ACCESS_KEY"] == SECRET


# --- the CI examples (docs/ci/) ---------------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "docs" / "ci").glob("*.yml"))


def test_every_ci_example_is_yaml_and_runs_the_matrix() -> None:
    assert len(EXAMPLES) >= 4
    for example in EXAMPLES:
        text = example.read_text(encoding="utf-8")
        assert isinstance(yaml.safe_load(text), dict), example
        assert "make matrix" in text or "browsercheck matrix run" in text, example


def _matrix_run_commands(text: str) -> list[str]:
    """Each ``matrix run`` command line with its continuation lines (after a trailing ``\\``,
    or lines of options in a folded YAML block)."""
    lines, commands = text.splitlines(), []
    for i, line in enumerate(lines):
        if "matrix run" not in line:
            continue
        command = line.split("matrix run", 1)[1]
        for more in lines[i + 1 :]:
            if not (command.rstrip().endswith("\\") or more.strip().startswith(("--", "[--"))):
                break
            command += " " + more
        commands.append(command.split("`")[0] if "`" in line else command)
    return commands


def test_the_ci_examples_use_only_real_options_and_files() -> None:
    from webapp.cli.qa import run

    known = {name for param in run.params for name in param.opts}
    docs = [ROOT / "docs" / "ci.md", ROOT / "README.md", *EXAMPLES]
    used: set[str] = set()
    for doc in docs:
        for command in _matrix_run_commands(doc.read_text()):
            unquoted = re.sub(r"'[^']*'", "", command)  # a --connect URL's JSON has flags
            used |= set(re.findall(r"(?<![\w-])(--[a-z][a-z-]+)", unquoted))
    assert {"--connect", "--webdriver-url", "--base-url", "--targets", "--shard"} <= used
    assert used <= known, used - known
    for example in EXAMPLES:
        for path in re.findall(r"--targets (\S+)", example.read_text()):
            assert (ROOT / path).exists(), (example, path)
    for link in re.findall(r"\]\((docs/[^)]+)\)", (ROOT / "README.md").read_text()):
        assert (ROOT / link).exists(), link


def test_the_grid_targets_example_is_a_valid_run_of_grid_targets_only() -> None:
    definition = load_targets(ROOT / "docs" / "ci" / "grid-targets.yaml")
    assert definition.targets and all(t.remote for t in definition.targets)
    assert {t.engine for t in definition.targets} == {"chromium", "firefox", "webkit"}
    assert all(t.capabilities and "bstack:options" in t.capabilities for t in definition.targets)
