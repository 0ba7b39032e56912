"""``browsercheck matrix run|merge``: the QA compatibility matrix in real browsers.

The work is done by :mod:`matrix.qa.runner` (no Flask: the app is reached over HTTP only); this
module parses options, shows a progress bar and a summary table, and sets the exit status.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from matrix.qa.engines import ENGINES

from .context import command_settings


def _engines(value: str | None) -> tuple[str, ...]:
    names = tuple(n.strip() for n in (value or "").split(",") if n.strip())
    unknown = [n for n in names if n not in ENGINES]
    if unknown:
        raise click.BadParameter(
            f"unknown engine(s) {', '.join(unknown)}: use {', '.join(ENGINES)}"
        )
    return names


def _qa_imports() -> Any:
    try:
        import rich.console  # noqa: F401
        import rich.progress  # noqa: F401
    except ImportError as exc:  # pragma: no cover - the test extra installs them
        raise click.ClickException(
            f"the QA matrix needs the test extra: pip install -e '.[test]' ({exc})"
        ) from exc


def remote_endpoints(
    connect: tuple[str, ...], webdriver_url: str | None, base_url: str | None
) -> tuple[dict[str, Any], Any, str | None]:
    """The run's Playwright servers, WebDriver endpoint and base URL: the options, else the
    ``BROWSERCHECK_MATRIX_*`` settings. Raises ClickException naming what is wrong (never the
    credentials)."""
    from matrix.qa.remote import PlaywrightEndpoint, RemoteError, WebDriverEndpoint

    settings = command_settings()
    try:
        servers = [PlaywrightEndpoint.parse(v) for v in connect or settings["MATRIX_CONNECT"]]
        url = webdriver_url or settings["MATRIX_WEBDRIVER_URL"]
        webdriver = (
            WebDriverEndpoint.parse(
                url, settings["MATRIX_WEBDRIVER_USERNAME"], settings["MATRIX_WEBDRIVER_ACCESS_KEY"]
            )
            if url
            else None
        )
    except RemoteError as exc:
        raise click.ClickException(str(exc)) from exc
    by_engine = {s.engine: s for s in servers}
    if len(by_engine) < len(servers):
        raise click.ClickException("--connect: one Playwright server per engine")
    return by_engine, webdriver, base_url or settings["MATRIX_BASE_URL"]


@click.command("run")
@click.option(
    "--base-url",
    default=None,
    help="Test this running app instead of starting one (remote browsers must reach it). "
    "Default: BROWSERCHECK_MATRIX_BASE_URL.",
)
@click.option(
    "--connect",
    "connect",
    multiple=True,
    metavar="ENGINE=WS_URL",
    help="Run ENGINE's jobs on this Playwright server (repeatable). Default: "
    "BROWSERCHECK_MATRIX_CONNECT.",
)
@click.option(
    "--webdriver-url",
    default=None,
    metavar="URL",
    help="W3C WebDriver endpoint (Selenium Grid 4 hub, hosted grid) for targets with "
    "capabilities; they replace the User-Agent overrides they name. Default: "
    "BROWSERCHECK_MATRIX_WEBDRIVER_URL.",
)
@click.option(
    "--require",
    "require",
    default="",
    metavar="ENGINES",
    help="Comma-separated engines that must run (e.g. chromium,firefox,webkit); "
    "a target of a missing one fails instead of being 'not run'.",
)
@click.option(
    "--output",
    default="matrix-results",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for results.json, junit.xml, report.html and screenshots/.",
)
@click.option(
    "-j",
    "--jobs",
    "workers",
    default=3,
    show_default=True,
    type=click.IntRange(1, 32),
    help="Parallel workers (each its own browsers).",
)
@click.option(
    "--shard",
    default="1/1",
    show_default=True,
    metavar="I/N",
    help="Run only the I-th of N stable slices of the jobs.",
)
@click.option(
    "--engine",
    "only",
    default="",
    metavar="ENGINES",
    help="Run only these engines' jobs (comma-separated).",
)
@click.option(
    "--targets",
    "targets_file",
    default=None,
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Run definition (default: the shipped matrix/qa/targets.yaml).",
)
@click.option(
    "--policy",
    "policy_file",
    default=None,
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Policy the verdicts are expected from (default: the shipped one).",
)
def run(
    base_url: str | None,
    connect: tuple[str, ...],
    webdriver_url: str | None,
    require: str,
    output: Path,
    workers: int,
    shard: str,
    only: str,
    targets_file: Path | None,
    policy_file: Path | None,
) -> None:
    """Run the matrix; exit 1 when any job failed."""
    _qa_imports()
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from matrix.loader import PolicyError, load_policy
    from matrix.qa.results import engines_table, summary_table, write_outputs
    from matrix.qa.runner import run_matrix
    from matrix.qa.targets import TargetsError, load_targets, parse_shard

    try:
        shard_at = parse_shard(shard)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--shard") from exc
    required, engines = _engines(require), _engines(only)
    servers, webdriver, base_url = remote_endpoints(connect, webdriver_url, base_url)
    try:
        definition = load_targets(targets_file)
        policy = load_policy(policy_file)
    except (TargetsError, PolicyError) as exc:
        raise click.ClickException(str(exc)) from exc
    console = Console(stderr=True)
    with Progress(
        TextColumn("[bold]matrix[/]"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
        console=console,
        transient=False,
    ) as progress:
        task = progress.add_task("starting", total=None)

        def on_start(total: int) -> None:
            progress.update(task, total=total, description="")

        def on_result(result: Any) -> None:
            marks = {"passed": "[green]✓[/]", "failed": "[red]✗[/]"}
            mark = marks.get(result.status, "[yellow]-[/]")
            progress.update(task, advance=1, description=f"{mark} {result.id}")

        result = run_matrix(
            definition,
            policy,
            base_url=base_url,
            output=output,
            workers=workers,
            shard=shard_at,
            require=required,
            engines=engines,
            connect=servers,
            webdriver=webdriver,
            on_start=on_start,
            on_result=on_result,
        )
    write_outputs(result, output)
    out = Console()
    out.print(summary_table(result))
    out.print(engines_table(result))
    out.print(f"outputs: {output}/results.json, {output}/junit.xml, {output}/report.html")
    if not result.results:
        click.echo("no job in this shard", err=True)
    _closing_line(result)


@click.command("merge")
@click.argument(
    "folders",
    nargs=-1,
    required=True,
    type=click.Path(file_okay=False, exists=True, path_type=Path),
)
@click.option(
    "--output",
    default="matrix-results",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the merged results.json, junit.xml, report.html, screenshots/.",
)
def merge(folders: tuple[Path, ...], output: Path) -> None:
    """Combine the output folders of a run's shards into one report; exit 1 when a job failed."""
    _qa_imports()
    from rich.console import Console

    from matrix.qa.results import ResultsError, engines_table, merge_runs, summary_table

    try:
        merged = merge_runs(list(folders), output)
    except ResultsError as exc:
        raise click.ClickException(str(exc)) from exc
    out = Console()
    out.print(summary_table(merged))
    out.print(engines_table(merged))
    out.print(f"merged {len(folders)} folder(s) into {output}")
    _closing_line(merged)


def _closing_line(run: Any) -> None:
    """The plain last line CI reads ("not run" counts as skipped), then the exit status."""
    counts = run.counts
    click.echo(
        f"matrix: {counts['passed']} passed, {counts['failed']} failed, {counts['not run']} skipped"
    )
    sys.exit(0 if run.ok else 1)


def register(matrix: click.Group) -> None:
    """``run`` and ``merge`` join the policy commands in the ``matrix`` group (webapp/cli/matrix.py
    passes it in: datasette's ``publish_subcommand(publish)``, so this module imports no parent)."""
    matrix.add_command(run)
    matrix.add_command(merge)
