"""Every script a browser runs is ES5: parsed with acorn (ecmaVersion 5, from npm) as served.

``make test`` installs acorn (a devDependency in the root package.json) with ``npm ci``; a
missing install fails here with the command to run, never skips.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from flask.testing import FlaskClient

JS_DIR = Path(__file__).parent / "js"
ROOT = Path(__file__).parent.parent


def parse_es5(sources: dict[str, str], tmp_path: Path) -> dict[str, dict[str, object]]:
    """Parse each named source with acorn as an ES5 script; return acorn's verdict per name."""
    node = shutil.which("node")
    assert node, "Node.js is missing: run `make test` (it installs nodejs and npm)"
    assert (ROOT / "node_modules" / "acorn").is_dir(), (
        "acorn is missing: run `npm ci` at the project root (or `make test`)"
    )
    paths = []
    for name, source in sources.items():
        path = tmp_path / name
        path.write_text(source, encoding="utf-8")
        paths.append(str(path))
    done = subprocess.run(
        [node, str(JS_DIR / "es5check.js"), *paths],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    results = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(results) == len(paths), done.stderr
    return {Path(r["file"]).name: r for r in results}


@pytest.mark.parametrize(
    "url",
    [
        "/probe.js",
        "/embed.js",
        "/embed/probe.js",
        "/static/check.js",
        "/static/keys.js",
        "/repair.js",
    ],
    ids=["probe", "embed", "embed-probe", "check-page", "keys", "repair"],
)
def test_served_scripts_parse_as_es5(client: FlaskClient, url: str, tmp_path: Path) -> None:
    with client.get(url) as response:  # static files are streamed: close them
        assert response.status_code == 200
        source = response.get_data(as_text=True)
    result = parse_es5({"served.js": source}, tmp_path)["served.js"]
    assert result["ok"], f"{url} is not ES5: {result}"


def test_embed_with_the_banner_parses_as_es5(client: FlaskClient, tmp_path: Path) -> None:
    """What an outdated browser gets (the banner's loader; the banner with its data as JSON) is
    ES5 too."""
    ie11 = "Mozilla/5.0 (Windows NT 10.0; WOW64; Trident/7.0; rv:11.0) like Gecko"
    source = client.get("/embed.js", headers={"User-Agent": ie11}).get_data(as_text=True)
    assert "/embed/banner.js" in source
    banner = client.get("/embed/banner.js", headers={"User-Agent": ie11}).get_data(as_text=True)
    assert "browsercheck-banner" in banner
    results = parse_es5({"embed.js": source, "banner.js": banner}, tmp_path)
    assert results["embed.js"]["ok"] and results["banner.js"]["ok"], results


def test_sources_parse_as_es5(tmp_path: Path) -> None:
    files = {
        p.name: p.read_text(encoding="utf-8")
        for p in (
            ROOT / "probes/probe.js",
            ROOT / "probes/embed.js",
            ROOT / "probes/embed_report.js",
            ROOT / "probes/embed_repair.js",
            ROOT / "probes/embed_beacon.js",
            ROOT / "probes/banner.js",
            ROOT / "webapp/static/check.js",
            ROOT / "webapp/static/demo.js",
            ROOT / "webapp/static/keys.js",
            ROOT / "webapp/static/sidebar.js",
        )
    }
    results = parse_es5(files, tmp_path)
    assert all(r["ok"] for r in results.values()), results


@pytest.mark.parametrize(
    "snippet",
    [
        "var f = (x) => x;",
        "let a = 1;",
        "const a = 1;",
        "var s = `template`;",
        "class A {}",
        "async function f() {}",
        "var a = [...b];",
        "var a = b?.c;",
        "var a = b ?? c;",
        "var {a} = b;",
        "function f(a = 1) {}",
        "var o = {a() {}};",
    ],
    ids=[
        "arrow",
        "let",
        "const",
        "template",
        "class",
        "async",
        "spread",
        "optional-chaining",
        "nullish",
        "destructuring",
        "default-param",
        "method-shorthand",
    ],
)
def test_newer_syntax_fails_the_check(snippet: str, tmp_path: Path) -> None:
    """Negative control: the checker really rejects what ES5 browsers cannot run."""
    result = parse_es5({"new.js": "(function () {\n" + snippet + "\n}());\n"}, tmp_path)["new.js"]
    assert not result["ok"]
    assert result["line"] == 2


@pytest.mark.parametrize("level,older", [(2015, 5), (2020, 2019)], ids=["es2015", "es2020"])
def test_syntax_probe_scripts_need_exactly_their_level(level: int, older: int) -> None:
    """The probe's syntax checks (webapp/static/syntax-es*.js) parse at their level, not below:
    an older browser refuses them, so its flag stays unset."""
    node = shutil.which("node")
    assert node, "Node.js is missing: run `make test` (it installs nodejs and npm)"
    script = (
        "const acorn = require('acorn'), fs = require('fs');"
        "const src = fs.readFileSync(process.argv[1], 'utf8');"
        "const ok = v => { try { acorn.parse(src, {ecmaVersion: v}); return true; }"
        " catch (e) { return false; } };"
        "console.log(JSON.stringify([ok(+process.argv[2]), ok(+process.argv[3])]));"
    )
    path = ROOT / f"webapp/static/syntax-es{level}.js"
    done = subprocess.run(
        [node, "-e", script, str(path), str(level), str(older)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        check=False,
    )
    assert json.loads(done.stdout) == [True, False], done.stderr
