"""``browsercheck matrix ...``: explain a verdict, check a policy, refresh the release table."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path

import click

from diagnostics.models import Environment
from diagnostics.useragent import detect_environment
from matrix.baseline import BaselineDataError, default_baseline_path, refresh_baseline
from matrix.browserslist import BrowserslistError, compare_query, resolve_query, suggested_yaml
from matrix.check import policy_findings
from matrix.loader import (
    PolicyError,
    default_policy_path,
    load_policy,
    policy_releases_path,
    read_policy,
)
from matrix.releases import ReleaseTableError, read_releases, write_releases
from matrix.rules import explain_policy

from .context import command_settings
from .options import LANGS, parse_header_options


def configured_policy_path() -> Path:
    """The policy the server uses: BROWSERCHECK_POLICY_FILE, else the shipped one."""
    configured = command_settings().get("POLICY_FILE")
    return Path(configured) if configured else default_policy_path()


def _rel(path: str) -> str:
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return path


def _describe(env: Environment) -> str:
    b, e, o, d = env.browser, env.engine, env.os, env.device
    os_version = f"{'≥' if o.approximate else ''}{o.version}" if o.version else "?"
    in_app = f", in {env.in_app}" if env.in_app else ""
    return (
        f"{b.family} {b.version or '?'} ({e.family} {e.version or '?'}) on {o.family} "
        f"{os_version}, {d.type}{in_app}"
    )


@click.group("matrix")
def matrix() -> None:
    """The supported-environment policy: explain verdicts, check the file, refresh releases."""


@matrix.command()
@click.argument("user_agent")
@click.option("--header", "headers", multiple=True, help="A request header, 'Name: value'.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option(
    "--policy",
    "policy_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Policy file (default: the one in use).",
)
@click.option("--lang", type=LANGS, default="en", show_default=True)
def explain(
    user_agent: str, headers: tuple[str, ...], as_json: bool, policy_file: Path | None, lang: str
) -> None:
    """Which rule decides the verdict for USER_AGENT, and why."""
    env = detect_environment(user_agent, parse_header_options(headers))
    path = policy_file or configured_policy_path()
    try:
        policy = load_policy(path)
    except PolicyError as exc:
        raise click.ClickException(str(exc)) from exc
    explanation = explain_policy(policy, env)
    if as_json:
        out = {**explanation.to_dict(), "environment": env.to_dict(), "policy": str(path)}
        click.echo(json.dumps(out, ensure_ascii=False))
        return
    verdict = explanation.verdict
    decider = next(c for c in explanation.checks if c.rule == verdict.rule)
    where = f" ({_rel(policy.source)}:{decider.line})" if decider.line else ""
    click.echo(f"Environment: {_describe(env)}")
    click.echo(f"Verdict:     {verdict.status} — rule {verdict.rule}{where}")
    click.echo("Checks:")
    for check in explanation.checks:
        line = f"line {check.line}" if check.line else "no rule"
        click.echo(f"  {check.status:<11} {check.rule:<24} {line:<9} {check.why.get(lang)}")
    for title, texts in (("Reasons", verdict.reasons), ("Remedies", verdict.remedies)):
        if texts:
            click.echo(f"{title}:")
            for text in texts:
                click.echo(f"  - {text.get(lang)}")
    if verdict.message:
        click.echo(f"Message:     {verdict.message.get(lang)}")


@matrix.command()
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--strict", is_flag=True, help="Exit 1 on gaps and dead rules too.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def check(file: Path | None, strict: bool, as_json: bool) -> None:
    """Validate a policy FILE (default: the one in use); list gaps and dead rules.

    Exit 0 only when the file is valid (with --strict: and has no gap or dead rule).
    """
    path = file or configured_policy_path()
    reading = read_policy(path)
    findings = policy_findings(reading.policy) if reading.policy else []
    failing = bool(reading.problems) or (strict and any(f.kind != "note" for f in findings))
    if as_json:
        click.echo(
            json.dumps(
                {
                    "file": str(path),
                    "valid": reading.policy is not None,
                    "problems": [
                        {"line": p.line, "where": p.where, "message": p.message}
                        for p in reading.problems
                    ],
                    "findings": [f.to_dict() for f in findings],
                },
                ensure_ascii=False,
            )
        )
        sys.exit(1 if failing else 0)
    shown = _rel(str(path))
    if reading.problems:
        click.echo(f"{shown}: INVALID, {len(reading.problems)} problem(s):", err=True)
        for problem in reading.problems:
            click.echo(f"  {problem}", err=True)
        sys.exit(1)
    policy = reading.policy
    assert policy is not None
    click.echo(
        f"{shown}: valid ({len(policy.browsers)} browser, {len(policy.engines)} engine, "
        f"{len(policy.systems)} system and {len(policy.apps)} app rules; "
        f"{len(policy.releases.releases)} releases)"
    )
    for kind, title in (("gap", "Gaps"), ("dead", "Dead rules"), ("note", "Notes")):
        of_kind = [f for f in findings if f.kind == kind]
        click.echo(f"{title}: {len(of_kind) or 'none'}")
        for finding in of_kind:
            where = f"{shown}:{finding.line}: " if finding.line else ""
            click.echo(f"  - {where}{finding.message}")
    sys.exit(1 if failing else 0)


@matrix.group()
def releases() -> None:
    """The release table (browser, version, release date, engine)."""


@releases.command("import")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--into",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Release table to update (default: the one the policy in use names).",
)
@click.option("--replace", is_flag=True, help="Replace the table instead of merging.")
def releases_import(csv_file: Path, into: Path | None, replace: bool) -> None:
    """Merge CSV_FILE (browser,version,release_date[,engine,engine_version]) into the table."""
    target = into or policy_releases_path(configured_policy_path())
    if target is None:
        raise click.ClickException("the policy names no release table; pass --into FILE")
    try:
        new = read_releases(csv_file)
        old = read_releases(target) if target.exists() and not replace else None
    except ReleaseTableError as exc:
        raise click.ClickException(str(exc)) from exc
    if old is None:
        table, added, changed = new, len(new.releases), 0
    else:
        table, added, changed = old.merged(new)
    write_releases(table, target)
    click.echo(
        f"{_rel(str(target))}: {added} added, {changed} changed, {len(table.releases)} releases"
    )
    for browser in table.browsers():
        latest = table.latest(browser)
        if latest:
            click.echo(f"  {browser}: newest {latest.version} of {latest.released}")


#: The Node.js helper that runs the browserslist package (in a source checkout, after npm ci).
BROWSERSLIST_SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "browserslist-query.js"


@matrix.command("browserslist")
@click.argument("query")
@click.option(
    "--policy",
    "policy_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Policy file to compare with (default: the one in use).",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def browserslist_command(query: str, policy_file: Path | None, as_json: bool) -> None:
    """Compare a browserslist QUERY with the policy and suggest policy minimums.

    Runs the real browserslist package with Node.js (build time: npm ci installs it); the
    policy itself is never changed: review the suggested YAML and edit the policy by hand.
    """
    try:
        policy = load_policy(policy_file or configured_policy_path())
        result = resolve_query(query, BROWSERSLIST_SCRIPT)
    except (PolicyError, BrowserslistError) as exc:
        raise click.ClickException(str(exc)) from exc
    comparisons, unmapped = compare_query(result, policy)
    if as_json:
        click.echo(
            json.dumps(
                {
                    "query": query,
                    "browserslist": result.browserslist,
                    "caniuse_lite": result.caniuse_lite,
                    "browsers": list(result.browsers),
                    "families": [
                        {
                            "kind": c.kind,
                            "family": c.family,
                            "query_min": c.query_min,
                            "policy": c.policy,
                            "verdict": c.verdict,
                            "engine_min": c.engine_min,
                        }
                        for c in comparisons
                    ],
                    "not_mapped": unmapped,
                    "yaml": suggested_yaml(comparisons),
                },
                ensure_ascii=False,
            )
        )
        return
    click.echo(
        f"browserslist {result.browserslist} (caniuse-lite {result.caniuse_lite}): "
        f"{query!r} -> {len(result.browsers)} versions"
    )
    click.echo(f"  {'family':<18} {'query needs':<20} {'policy says':<40} comparison")
    for c in comparisons:
        needs = c.query_min + (f" (Chromium {c.engine_min})" if c.engine_min else "")
        click.echo(f"  {c.family:<18} {needs:<20} {c.policy:<40} {c.verdict}")
    if unmapped:
        click.echo(f"Not mapped to a policy family: {', '.join(unmapped)}")
    click.echo("Suggested policy YAML (review before pasting):")
    click.echo(suggested_yaml(comparisons), nl=False)


#: The Node.js helper that reads baseline-browser-mapping and web-features (after npm ci).
BASELINE_SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "baseline_from_packages.js"


@matrix.group("baseline")
def baseline_group() -> None:
    """The Baseline table (matrix/baseline.json): Baseline targets as minimum versions."""


@baseline_group.command("refresh")
@click.option(
    "--into",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write (default: the shipped matrix/baseline.json).",
)
@click.option(
    "--date",
    "day",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help='The day "widely available" is counted at (default: today), for a reproducible table.',
)
def baseline_refresh(into: Path | None, day: datetime | None) -> None:
    """Regenerate the Baseline table from the baseline-browser-mapping and web-features npm
    packages (build time: npm ci installs them; run npm update first for newer data)."""
    target = into or default_baseline_path()
    try:
        data = refresh_baseline(BASELINE_SCRIPT, day.date().isoformat() if day else None)
    except BaselineDataError as exc:
        raise click.ClickException(str(exc)) from exc
    target.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    source = data["source"]
    click.echo(
        f"{_rel(str(target))}: {len(data['targets'])} Baseline targets, "
        f"{len(data['features'])} web-features ids (baseline-browser-mapping "
        f"{source['baseline-browser-mapping']}, web-features {source['web-features']}, "
        f"as of {source['generated']})"
    )
    for key in ("widely", "newly"):
        families = data["targets"][key]["families"]
        shown = ", ".join(f"{f} {e['min']}" for f, e in families.items() if e.get("min"))
        click.echo(f"  {key}: {shown}")


def register(group: click.Group) -> None:
    """Attach ``matrix`` (with the QA run's commands, webapp/cli/qa.py) to ``group``."""
    from . import impact, qa

    qa.register(matrix)
    impact.register(matrix)
    group.add_command(matrix)
