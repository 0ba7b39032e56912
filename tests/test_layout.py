"""The package layout holds: every module imports on its own, no import cycles, the layers point
one way, and a built wheel carries everything the app needs to serve."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import time
import urllib.request
import venv
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from matrix.qa.server import free_port

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("diagnostics", "probes", "reports", "matrix", "webapp")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:  # Alembic loads these itself, by path
                continue
            if path.name == "__main__.py":  # importing it runs the command line
                continue
            found[_module_name(path)] = path
    return found


MODULES = _modules()


def _fresh_import(module: str) -> tuple[str, int, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BROWSERCHECK_")}
    done = subprocess.run(
        [sys.executable, "-c", f"import {module}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return module, done.returncode, done.stderr[-2000:]


@pytest.mark.parametrize("package", PACKAGES)
def test_every_module_imports_on_its_own_in_a_fresh_interpreter(package: str) -> None:
    # `import webapp.cli_matrix` once failed on a cycle that only an earlier `import webapp.cli`
    # hid: each module here starts from an empty interpreter.
    names = [m for m in MODULES if m == package or m.startswith(package + ".")]
    assert len(names) > 1
    with ThreadPoolExecutor(max_workers=4) as pool:
        failed = [r for r in pool.map(_fresh_import, names) if r[1] != 0]
    assert not failed, "\n\n".join(f"{m}:\n{err}" for m, _, err in failed)


def _imports_at_module_level(module: str, path: Path) -> set[str]:
    """The project's modules ``module`` imports when it is imported (not inside functions)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()

    def visit(nodes: list[ast.stmt]) -> None:
        for node in nodes:
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")
                    base = base[: len(base) - node.level + 1]
                    prefix = ".".join(base + ([node.module] if node.module else []))
                else:
                    prefix = node.module or ""
                found.add(prefix)
                found.update(f"{prefix}.{alias.name}" for alias in node.names)
            elif isinstance(node, ast.If):
                is_type_checking = "TYPE_CHECKING" in ast.unparse(node.test)
                if not is_type_checking:
                    visit(node.body)
                visit(node.orelse)
            elif isinstance(node, ast.Try):
                visit(node.body)
                for handler in node.handlers:
                    visit(handler.body)
                visit(node.orelse)
                visit(node.finalbody)

    visit(tree.body)
    return {name for name in found if name in MODULES}


def _graph() -> dict[str, set[str]]:
    graph = {m: _imports_at_module_level(m, p) - {m} for m, p in MODULES.items()}
    for module in MODULES:  # importing a.b.c imports its packages a and a.b first
        parts = module.split(".")
        for i in range(1, len(parts)):
            parent = ".".join(parts[:i])
            if parent in graph and parent != module:
                graph[module].add(parent)
    return graph


def test_the_import_graph_has_no_cycles() -> None:
    graph = _graph()
    # A package importing its own sub-module is how packages expose their API, not a cycle.
    for module, imported in graph.items():
        imported -= {m for m in imported if module.startswith(m + ".")}
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def walk(module: str, path: list[str]) -> None:
        state[module] = 1
        for target in sorted(graph[module]):
            if state.get(target) == 1:
                cycles.append([*path[path.index(target) :], target])
            elif target not in state:
                walk(target, [*path, target])
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            walk(module, [module])
    assert not cycles, "\n".join(" -> ".join(c) for c in cycles)


def test_the_graph_sees_a_real_cycle(tmp_path: Path) -> None:
    # The walker above is only worth something if it reads relative imports the way Python does.
    assert "webapp.storage.rollup" in _imports_at_module_level(
        "webapp.storage.reports", MODULES["webapp.storage.reports"]
    )
    assert "webapp.cli.context" in _imports_at_module_level(
        "webapp.cli.users", MODULES["webapp.cli.users"]
    )


def _third_party(module: str) -> set[str]:
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):  # anywhere, functions included: a lazy import counts too
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize(
    ("prefix", "forbidden"),
    [
        ("diagnostics", {"flask", "sqlalchemy", "webapp", "werkzeug"}),
        ("matrix", {"flask", "sqlalchemy", "webapp", "werkzeug"}),
        ("reports", {"flask", "sqlalchemy", "webapp", "werkzeug"}),
        ("webapp.storage", {"flask", "werkzeug"}),
    ],
)
def test_layers_point_one_way(prefix: str, forbidden: set[str]) -> None:
    offenders = {
        module: sorted(_third_party(module) & forbidden)
        for module in MODULES
        if (module == prefix or module.startswith(prefix + "."))
    }
    assert not {m: found for m, found in offenders.items() if found}


def test_sqlalchemy_lives_only_in_storage() -> None:
    users = sorted(
        module
        for module in MODULES
        if "sqlalchemy" in _third_party(module) and not module.startswith("webapp.storage")
    )
    # health answers 503 on a database error and retention claims its purge: both name
    # SQLAlchemy's exceptions or statements; nothing else outside storage may.
    assert users == ["webapp.health", "webapp.retention"]


@pytest.fixture(scope="module")
def wheel_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment holding only the built wheel (``pip wheel . --no-deps``);
    its dependencies come from this interpreter's site-packages, but not the editable install."""
    where = tmp_path_factory.mktemp("wheel")
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", ".", "--no-deps", "-q", "-w", str(where / "dist")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = (where / "dist").glob("browsercheck-*.whl")
    env_dir = where / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    deps = subprocess.run(
        [sys.executable, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    # A path line in a .pth file adds the folder, not its own .pth files: the editable
    # install's finder stays out, so `import webapp` can only find the wheel.
    Path(site, "browsercheck-test-deps.pth").write_text(deps + "\n", encoding="utf-8")
    installed = subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", site, str(wheel)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert installed.returncode == 0, installed.stderr
    return python


def _clean_env(**extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("BROWSERCHECK_") and k != "PYTHONPATH"
    }
    return {**env, **extra}


def test_the_wheel_imports_every_module(wheel_venv: Path, tmp_path: Path) -> None:
    script = (
        "import importlib, webapp\n"
        f"names = {sorted(MODULES)!r}\n"
        "for name in names:\n"
        "    importlib.import_module(name)\n"
        "print(webapp.__file__)\n"
    )
    done = subprocess.run(
        [str(wheel_venv), "-c", script],
        cwd=tmp_path,
        env=_clean_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert str(wheel_venv.parent.parent) in done.stdout  # the wheel's copy, not the checkout


def test_the_wheel_serves_the_check_page(wheel_venv: Path, tmp_path: Path) -> None:
    port = free_port()
    env = _clean_env(BROWSERCHECK_INSTANCE_PATH=str(tmp_path / "instance"))
    server = subprocess.Popen(
        [str(wheel_venv), "-m", "webapp", "serve", "--port", str(port), "--workers", "1"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        answers: dict[str, tuple[int, bytes]] = {}
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and "/check" not in answers:
            try:
                with urllib.request.urlopen(f"{base}/check?lang=en", timeout=5) as got:
                    answers["/check"] = (got.status, got.read())
            except OSError:
                assert server.poll() is None, server.stdout.read() if server.stdout else ""
                time.sleep(0.2)
        for path in ("/static/style.css", "/probe.js", "/api/v1/matrix", "/readyz"):
            with urllib.request.urlopen(base + path, timeout=10) as got:
                answers[path] = (got.status, got.read())
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0]
    assert answers["/check"][0] == 200, output
    assert b"Check my browser" in answers["/check"][1]
    assert all(status == 200 for status, _ in answers.values()), output
    assert b"browsers" in answers["/api/v1/matrix"][1]  # the shipped policy, from the wheel
    assert (tmp_path / "instance" / "browsercheck.db").exists()  # migrations ran from the wheel


def _leaf_commands(group: Any, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    import click

    found = []
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            found += _leaf_commands(command, (*path, name))
        else:
            found.append((*path, name))
    return found


def _all_commands() -> list[tuple[str, ...]]:
    from webapp.cli import main

    return _leaf_commands(main)


@pytest.mark.parametrize("command", _all_commands(), ids=" ".join)
@pytest.mark.parametrize(
    ("name", "value"), [("WORKERS", "abc"), ("CORS_ORIGINS", "portal.example"), ("RATELIMIT", "x")]
)
def test_a_bad_setting_is_one_error_line_from_every_command(
    command: tuple[str, ...], name: str, value: str, runner: Any
) -> None:
    result = runner.invoke(*command, env={f"BROWSERCHECK_{name}": value})
    assert result.exit_code == 1, result.output
    assert result.output.startswith(f"Error: BROWSERCHECK_{name}") or (
        result.output.startswith("Error: ") and f"BROWSERCHECK_{name}" in result.output
    ), result.output
    assert result.output.count("\n") == 1 and "Traceback" not in result.output


def test_a_bad_setting_in_a_real_process_prints_no_traceback(tmp_path: Path) -> None:
    env = _clean_env(BROWSERCHECK_WORKERS="abc", BROWSERCHECK_INSTANCE_PATH=str(tmp_path))
    for command in (["users", "list"], ["report", "show", "ABCD-EFGH"], ["db", "current"]):
        done = subprocess.run(
            [sys.executable, "-m", "webapp", *command],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            cwd=ROOT,
        )
        assert done.returncode == 1
        assert (
            done.stderr.startswith("Error: BROWSERCHECK_WORKERS") and "Traceback" not in done.stderr
        )


def test_help_needs_no_settings(runner: Any) -> None:
    result = runner.invoke("users", "--help", env={"BROWSERCHECK_WORKERS": "abc"})
    assert result.exit_code == 0 and "agents" in result.output


def test_every_test_starts_without_the_developers_settings() -> None:
    # conftest's autouse fixture: a developer's DATABASE_URL must never reach a test.
    assert not [n for n in os.environ if n.startswith("BROWSERCHECK_") and n not in HARNESS]


HARNESS = {"BROWSERCHECK_PG_BINDIR", "BROWSERCHECK_BROWSERS"}
