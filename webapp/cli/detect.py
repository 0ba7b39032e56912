"""``browsercheck parse``: the environment detected for a User-Agent, headers and probe fields."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from diagnostics.useragent import detect_environment

from .options import parse_header_options


def _json_object_option(value: str | None, option: str) -> dict[str, Any] | None:
    if value is None:
        return None
    try:
        found = json.loads(value)
    except ValueError as exc:
        raise click.BadParameter(f"not valid JSON: {exc}", param_hint=option) from exc
    if not isinstance(found, dict):
        raise click.BadParameter("expected a JSON object", param_hint=option)
    return found


@click.command()
@click.argument("user_agent", required=False)
@click.option("--header", "headers", multiple=True, help="A request header, 'Name: value'.")
@click.option(
    "--probe",
    "probe_json",
    default=None,
    help="Probe fields as a JSON object, e.g. '{\"maxTouchPoints\": 5}'.",
)
@click.option(
    "--hints",
    "hints_json",
    default=None,
    help="Client hints as the JS getHighEntropyValues() object, e.g. "
    '\'{"platformVersion": "15.0.0"}\' (the probe\'s userAgentData).',
)
@click.option(
    "--batch",
    "batch",
    type=click.File("rb"),
    default=None,
    help='Read one input per line (a bare UA or a JSON object {"ua", "headers", '
    '"probe", "hints"}; \'-\' for stdin) and print one JSON line per input line, in order.',
)
def parse(
    user_agent: str | None,
    headers: tuple[str, ...],
    probe_json: str | None,
    hints_json: str | None,
    batch: Any,
) -> None:
    """Print the Environment detected for USER_AGENT (or each line of --batch) as JSON."""
    from diagnostics.batch import BatchDetector, environment_json

    if batch is not None:
        if user_agent is not None or headers or probe_json is not None or hints_json is not None:
            raise click.UsageError("--batch takes the UA, headers and probe from each line")
        runner, sink = BatchDetector(), sys.stdout
        stats = runner.run(batch, sink)
        sink.flush()
        runner.close()
        if stats.errors:
            click.echo(
                f"{stats.errors} of {stats.lines} lines could not be read "
                "(error objects in the output)",
                err=True,
            )
        return
    if user_agent is None:
        raise click.UsageError("give a USER_AGENT or --batch FILE")
    probe = _json_object_option(probe_json, "--probe")
    hints = _json_object_option(hints_json, "--hints")
    if hints is not None:
        probe = {**(probe or {}), "userAgentData": hints}
    env = detect_environment(user_agent, parse_header_options(headers), probe)
    click.echo(environment_json(env))


def register(group: click.Group) -> None:
    group.add_command(parse)
