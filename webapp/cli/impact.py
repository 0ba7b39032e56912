"""``browsercheck matrix impact NEW_POLICY``: how many stored reports a policy change would move.

The stored environments (webapp/storage/impact.py) are evaluated under the policy in use and
under NEW_POLICY by :func:`matrix.impact.measure_impact`, and the sampled page loads (the
beacon's roll-up with the policy view each row counted) by
:func:`matrix.impact.measure_page_loads`; nothing is changed.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path

import click

from matrix.impact import Impact, measure_impact, measure_page_loads
from matrix.loader import PolicyError, PolicyProblem, load_policy, read_policy
from reports.i18n import family_label, format_count, label

from .options import LANGS, parse_since_option, since_option


def _say(key: str, lang: str, **values: object) -> str:
    from ..i18n import STRINGS

    text = STRINGS[key].get(lang)
    return text.format(**values) if values else text


def format_problems(problems: tuple[PolicyProblem, ...], lang: str) -> list[str]:
    """The problems of a policy file, one line each, with its line number in ``lang``."""
    lines = [_say("impact_invalid", lang, count=len(problems))]
    for problem in problems:
        where = f"{problem.where}: " if problem.where else ""
        line = f"{_say('impact_line', lang, line=problem.line)}: " if problem.line else ""
        lines.append(f"  {problem.file}: {line}{where}{problem.message}")
    return lines


def _move_lines(impact: Impact, lang: str, examples: bool) -> list[str]:
    count = lambda n: format_count(n, lang)  # noqa: E731 - a local shorthand
    lines: list[str] = []
    for move in impact.moves:
        title = _say(
            "impact_move",
            lang,
            before=label(f"status_{move.from_status}", lang),
            after=label(f"status_{move.to_status}", lang),
        )
        browsers = ", ".join(
            f"{family_label(k, 'browser', lang)} {count(n)}" for k, n in move.by_browser.items()
        )
        systems = ", ".join(
            f"{family_label(k, 'os', lang)} {count(n)}" for k, n in move.by_os.items()
        )
        lines += [
            "",
            f"{title}: {count(move.count)}",
            f"  {_say('impact_browsers', lang)}: {browsers}",
            f"  {_say('impact_systems', lang)}: {systems}",
        ]
        if examples:
            lines.append(f"  {_say('impact_examples', lang)}: {', '.join(move.examples)}")
    return lines


def _section(
    impact: Impact, lang: str, words: tuple[str, str, str], total: str, examples: bool
) -> list[str]:
    """One section: the summary (``words``: its summary, unreadable and no-move strings;
    ``total`` names the summary's count), then the moves."""
    count = lambda n: format_count(n, lang)  # noqa: E731 - a local shorthand
    summary, unreadable, none = words
    lines = [
        _say(
            summary,
            lang,
            **{total: count(impact.reports)},
            moved=count(impact.moved),
            unchanged=count(impact.unchanged),
        )
    ]
    if impact.unreadable:
        lines.append(_say(unreadable, lang, count=count(impact.unreadable)))
    if not impact.moves:
        lines.append(_say(none, lang))
    return lines + _move_lines(impact, lang, examples=examples)


def format_impact(impact: Impact, lang: str, page_loads: Impact | None = None) -> str:
    """``impact`` as text for the terminal, in ``lang``'s words and numbers; with
    ``page_loads`` (the sampled page loads' impact) a second section for them, without
    example codes (page loads have none)."""
    words = ("impact_summary", "impact_unreadable", "impact_none")
    lines = _section(impact, lang, words, "reports", examples=True)
    if page_loads is not None:
        words = ("impact_loads_summary", "impact_loads_unknown", "impact_loads_none")
        lines += ["", _say("impact_loads_title", lang)]
        lines += _section(page_loads, lang, words, "loads", examples=False)
    return "\n".join(lines) + "\n"


def impact_json(impact: Impact, page_loads: Impact) -> dict[str, object]:
    """The JSON of ``matrix impact --json``: ``{"reports": N, "moves": [...]}`` and the sampled
    page loads' ``"page_loads": N, "page_load_moves": [...]`` (same move shape, no examples)."""
    return {
        **impact.to_dict(),
        "page_loads": page_loads.reports,
        "page_load_moves": [m.to_dict() for m in page_loads.moves],
    }


def _rel(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


@click.command("impact")
@click.argument("new_policy", type=click.Path(dir_okay=False, path_type=Path))
@since_option("30d")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--lang", type=LANGS, default="en", show_default=True)
def impact_command(new_policy: Path, since: str, as_json: bool, lang: str) -> None:
    """How many stored reports NEW_POLICY would move between verdicts, by browser and OS.

    Evaluates the stored environments of the reports since --since, and the sampled page loads
    of the days since --since, under the policy in use and under NEW_POLICY (nothing is
    changed). Exit 1 when NEW_POLICY does not load or check.
    """
    from ..services import store
    from ..storage.impact import stored_environments, stored_page_loads
    from .context import command_app
    from .matrix import configured_policy_path

    start: datetime = parse_since_option(since)
    reading = read_policy(new_policy)
    if reading.policy is None:
        click.echo("\n".join(format_problems(reading.problems, lang)), err=True)
        sys.exit(1)
    current_path = configured_policy_path()
    try:
        current = load_policy(current_path)
    except PolicyError as exc:
        raise click.ClickException(f"the policy in use: {exc}") from exc
    with command_app():
        rows = stored_environments(
            store(), start, features=bool(current.requires or reading.policy.requires)
        )
        impact = measure_impact(rows, current, reading.policy)
        loads = stored_page_loads(store().engine, start.date())
        page_loads = measure_page_loads(loads, current, reading.policy)
    if as_json:
        click.echo(json.dumps(impact_json(impact, page_loads), ensure_ascii=False))
        return
    click.echo(
        _say(
            "impact_compared",
            lang,
            new=_rel(new_policy),
            current=_rel(current_path),
            since=start.date().isoformat(),
        )
    )
    click.echo(format_impact(impact, lang, page_loads), nl=False)


def register(group: click.Group) -> None:
    """Attach ``impact`` to the ``matrix`` group."""
    group.add_command(impact_command)
