"""The help desks' sidebar app packages written by ``browsercheck integrations``: valid JSON
manifests with the ``ticket_sidebar`` location, the collector's address as a setting, every file
they name present, translations in every language, and scripts that Node and acorn (ES5) parse."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from diagnostics.models import LANGUAGES
from tests.test_es5 import parse_es5

COLLECTOR = "https://check.example:8443"


class CommandRunner:
    """``browsercheck`` commands that need no database (the packages are files only)."""

    def __init__(self, instance: Path) -> None:
        self.env = {"BROWSERCHECK_INSTANCE_PATH": str(instance)}

    def invoke(self, *args: str, env: dict[str, str] | None = None) -> Result:
        from webapp.cli import main

        return CliRunner().invoke(main, list(args), env={**self.env, **(env or {})})


@pytest.fixture
def runner(tmp_path: Path) -> CommandRunner:
    return CommandRunner(tmp_path / "instance")


def build(runner: CommandRunner, tmp_path: Path, app: str, *extra: str) -> dict[str, bytes]:
    output = tmp_path / f"{app}.zip"
    result = runner.invoke("integrations", app, "-o", str(output), "--url", COLLECTOR, *extra)
    assert result.exit_code == 0, result.output
    assert str(output) in result.output
    with zipfile.ZipFile(output) as archive:
        assert archive.testzip() is None
        return {name: archive.read(name) for name in archive.namelist()}


def scripts_of(page: str) -> list[str]:
    return re.findall(r'<script src="([^"]+)"', page)


def check_scripts(files: dict[str, bytes], paths: list[str], tmp_path: Path) -> None:
    node = shutil.which("node")
    assert node, "Node.js is missing: run `make test`"
    for path in paths:
        script = tmp_path / Path(path).name
        script.write_bytes(files[path])
        checked = subprocess.run([node, "--check", str(script)], capture_output=True, text=True)
        assert checked.returncode == 0, checked.stderr
    parsed = parse_es5({Path(p).name: files[p].decode() for p in paths}, tmp_path)
    assert all(r["ok"] for r in parsed.values()), parsed


def messages_of(page: str) -> dict[str, dict[str, str]]:
    match = re.search(r'data-messages="([^"]*)"', page)
    assert match, "the page has no messages"
    messages: dict[str, dict[str, str]] = json.loads(html.unescape(match.group(1)))
    return messages


def test_the_zendesk_app(runner: CommandRunner, tmp_path: Path) -> None:
    files = build(runner, tmp_path, "zendesk-app", "--author-email", "help@check.example")
    manifest = json.loads(files["manifest.json"])
    sidebar = manifest["location"]["support"]["ticket_sidebar"]
    assert sidebar["url"] in files
    assert manifest["frameworkVersion"] == "2.0" and manifest["defaultLocale"] in LANGUAGES
    assert manifest["author"]["email"] == "help@check.example"
    parameters = {p["name"]: p for p in manifest["parameters"]}
    assert parameters["collector_url"]["default"] == COLLECTOR
    assert parameters["collector_url"]["type"] == "url"
    assert parameters["desk_token"]["secure"] is True  # Zendesk's proxy adds it, never the page
    assert manifest["domainWhitelist"] == ["check.example"]  # where secure settings may go
    assert {"assets/logo.png", "assets/logo-small.png"} <= set(files)
    assert files["assets/logo.png"][:8] == b"\x89PNG\r\n\x1a\n"

    page = files[sidebar["url"]].decode()
    local = [s for s in scripts_of(page) if not s.startswith("https://")]
    assert local == ["sidebar_frame.js", "app.js"]
    assert all(f"assets/{name}" in files for name in local)
    assert "zendesk_app_framework_sdk/2.0/zaf_sdk.min.js" in page
    assert set(messages_of(page)) == set(LANGUAGES)
    script = files["assets/app.js"].decode()
    for path in ("ticket.subject", "ticket.description"):
        assert f'"{path}"' in script
    assert "{{setting.desk_token}}" in script and "secure: true" in script
    check_scripts(files, ["assets/sidebar_frame.js", "assets/app.js"], tmp_path)

    for lang in LANGUAGES:
        app = json.loads(files[f"translations/{lang}.json"])["app"]
        assert app["name"] and app["short_description"] and app["long_description"]
        assert set(app["parameters"]) == set(parameters)
    english = json.loads(files["translations/en.json"])["app"]["name"]
    ukrainian = json.loads(files["translations/uk.json"])["app"]["name"]
    assert english != ukrainian


def test_the_freshdesk_app(runner: CommandRunner, tmp_path: Path) -> None:
    files = build(runner, tmp_path, "freshdesk-app", "--lang", "en")
    manifest = json.loads(files["manifest.json"])
    product = manifest["product"]["freshdesk"]
    sidebar = product["location"]["ticket_sidebar"]
    assert f"app/{sidebar['url']}" in files and f"app/{sidebar['icon']}" in files
    page = files[f"app/{sidebar['url']}"].decode()
    assert "{{{appclient}}}" in page  # the platform's client script, put in by Freshworks
    local = [s for s in scripts_of(page) if not s.startswith("{{{")]
    assert local == ["scripts/sidebar_frame.js", "scripts/app.js"]
    assert all(f"app/{name}" in files for name in local)
    assert all(f"app/{href}" in files for href in re.findall(r'href="([^"]+)"', page))
    assert set(messages_of(page)) == set(LANGUAGES)

    iparams = json.loads(files["config/iparams.json"])
    assert iparams["collector_host"]["default_value"] == "check.example:8443"
    assert iparams["desk_token"]["secure"] is True
    assert all(p["display_name"] for p in iparams.values())
    requests = json.loads(files["config/requests.json"])
    assert set(requests) == set(product["requests"])  # every declared template exists
    template = json.dumps(requests)
    assert set(re.findall(r"iparam\.(\w+)", template)) <= set(iparams)
    assert requests["sidebarLink"]["schema"]["path"] == "/api/v1/desk/sidebar-links"
    script = files["app/scripts/app.js"].decode()
    assert 'client.data.get("ticket")' in script and 'invokeTemplate("sidebarLink"' in script
    assert set(re.findall(r'iparams\.get\("(\w+)"\)', script)) <= set(iparams)
    check_scripts(files, ["app/scripts/sidebar_frame.js", "app/scripts/app.js"], tmp_path)


@pytest.mark.parametrize("package", ["zendesk-app", "freshdesk-app"])
def test_a_package_is_the_same_bytes_each_time(
    runner: CommandRunner, tmp_path: Path, package: str
) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    assert build(runner, tmp_path / "a", package) == build(runner, tmp_path / "b", package)
    first, second = (tmp_path / name / f"{package}.zip" for name in ("a", "b"))
    assert first.read_bytes() == second.read_bytes()


@pytest.mark.parametrize("url", ["ftp://check.example", "check.example", "https://"])
def test_a_bad_collector_address_is_refused(
    runner: CommandRunner, tmp_path: Path, url: str
) -> None:
    output = tmp_path / "app.zip"
    result = runner.invoke("integrations", "zendesk-app", "-o", str(output), "--url", url)
    assert result.exit_code == 2 and "--url" in result.output
    assert not output.exists()


def test_the_collector_defaults_to_the_public_url(runner: CommandRunner, tmp_path: Path) -> None:
    output = tmp_path / "app.zip"
    result = runner.invoke(
        "integrations",
        "zendesk-app",
        "-o",
        str(output),
        env={"BROWSERCHECK_PUBLIC_URL": "https://desk-check.example/"},
    )
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(output) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    assert manifest["parameters"][0]["default"] == "https://desk-check.example"
