"""The impact of a policy change: how many stored reports would move between statuses.

:func:`measure_impact` takes the stored environments of reports (with their codes) and two
policies, evaluates every report under both through :func:`~matrix.rules.evaluate_policy`, and
returns an :class:`Impact`: the moves (``supported`` -> ``unsupported`` ...), each counted by
browser family and OS with example codes. ``browsercheck matrix impact`` and the desk's
"Impact of a policy change" page print it.

It never re-parses a User-Agent: it reads the stored :class:`~diagnostics.models.Environment`.
And it evaluates each distinct :func:`policy_view` once, not each report: a million reports
hold a few thousand distinct environments, so the cost is one dictionary lookup per report.
Pure: no SQL, no Flask (webapp/storage/impact.py streams the rows).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import orjson

from diagnostics.models import Environment

from .policy import STATUSES, Policy
from .rules import evaluate_policy, with_feature_checks

#: Example report codes kept per move.
EXAMPLES = 5
#: Distinct stored texts remembered; past it the memo starts again (memory stays bounded even
#: if every stored environment were different).
TEXT_MEMO_SIZE = 100_000
#: The ``sources`` entries a rule reads (``rules.py``: the app check, the frozen-OS check).
_SOURCES_READ = ("browser", "os")

#: One stored report as storage gives it: its code and its environment, either the stored JSON
#: text (the fast path: identical texts are decoded once) or the decoded object; and, for
#: policies that require features by name, the probe's answers (``features``, JSON text or
#: object; None when the probe sent none) as a third item.
StoredEnvironment = (
    tuple[str, str | bytes | Mapping[str, Any]]
    | tuple[str, str | bytes | Mapping[str, Any], str | bytes | Mapping[str, Any] | None]
)


def policy_view(env: Environment) -> Environment:
    """``env`` without what no rule of :mod:`matrix.rules` reads: the User-Agent text, the
    conflicts, the device's brand and model, and the sources other than browser and OS.

    ``evaluate_policy(p, policy_view(env)) == evaluate_policy(p, env)`` for every policy ``p``
    (tests/test_matrix_impact.py checks it over the test User-Agents). Everything else is kept,
    so a field added to :class:`~diagnostics.models.Environment` for a new rule counts in the
    grouping without a change here; a rule that starts reading one of the dropped fields must
    take it out of this list.
    """
    return replace(
        env,
        user_agent="",
        conflicts=(),
        device=replace(env.device, brand=None, model=None),
        sources={k: v for k, v in env.sources.items() if k in _SOURCES_READ},
    )


def policy_key(env: Environment) -> str:
    """A text equal for two environments exactly when their :func:`policy_view` is equal."""
    return _view_key(policy_view(env))


def _view_key(view: Environment) -> str:
    return json.dumps(view.to_dict(), sort_keys=True, ensure_ascii=False)


#: Hex characters of a :func:`view_record` key (64 bits of sha256: no collision in practice
#: among the few thousand distinct views a portal sees).
VIEW_ID_LENGTH = 16


def view_record(env: Environment) -> tuple[str, str]:
    """``(key, JSON text)`` of ``env``'s :func:`policy_view`: the text is what
    :func:`measure_page_loads` reads back, the key (the first :data:`VIEW_ID_LENGTH` hex
    characters of its sha256) names it in the beacon's roll-up. Equal for two environments
    exactly when their policy views are equal (as :func:`policy_key`)."""
    text = _view_key(policy_view(env))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:VIEW_ID_LENGTH], text


@dataclass(frozen=True, slots=True)
class Move:
    """Reports whose status is ``from_status`` under the current policy and ``to_status`` under
    the new one: how many, by browser family and by OS (most first), and example codes."""

    from_status: str
    to_status: str
    count: int
    by_browser: dict[str, int] = field(default_factory=dict)
    by_os: dict[str, int] = field(default_factory=dict)
    examples: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "from": self.from_status,
            "to": self.to_status,
            "count": self.count,
            "by_browser": dict(self.by_browser),
            "by_os": dict(self.by_os),
            "examples": list(self.examples),
        }


@dataclass(frozen=True, slots=True)
class Impact:
    """What a policy change does to the stored reports.

    ``reports``: the reports read; ``moves``: those whose status changes, biggest move first
    (reports that keep their status are in no move); ``unchanged``: the rest;
    ``environments``: the distinct policy views evaluated (twice each); ``unreadable``: stored
    environments that could not be read (left out of ``reports``).
    """

    reports: int
    moves: tuple[Move, ...]
    unchanged: int
    environments: int
    unreadable: int = 0

    @property
    def moved(self) -> int:
        return sum(m.count for m in self.moves)

    def to_dict(self) -> dict[str, Any]:
        """``{"reports": N, "moves": [...]}``: the JSON of ``matrix impact --json``."""
        return {"reports": self.reports, "moves": [m.to_dict() for m in self.moves]}


def _decode(stored: str | bytes | Mapping[str, Any]) -> Environment | None:
    try:
        data = orjson.loads(stored) if isinstance(stored, str | bytes) else stored
        return Environment.from_dict(dict(data))
    except (orjson.JSONDecodeError, TypeError, ValueError, AttributeError):
        return None


def _features(stored: str | bytes | Mapping[str, Any] | None) -> dict[str, bool] | None:
    """The probe's ``{feature id: present}`` answers, or None (not sent, or unreadable)."""
    if stored is None:
        return None
    try:
        data = orjson.loads(stored) if isinstance(stored, str | bytes) else stored
    except orjson.JSONDecodeError:
        return None
    if not isinstance(data, Mapping):
        return None
    return {str(k): v for k, v in data.items() if isinstance(v, bool)} or None


def _most_first(counts: Counter[str]) -> dict[str, int]:
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


_NO_MOVE = ("", "", "", "")  # a stored environment whose status stays
#: What one environment does: (from, to, browser family, OS family), _NO_MOVE, or None
#: (unreadable).
_Cell = tuple[str, str, str, str] | None


class _Tally:
    """The machinery :func:`measure_impact` and :func:`measure_page_loads` share: each distinct
    policy view evaluated once per policy, the counts per cell, the example codes."""

    def __init__(self, current: Policy, new: Policy) -> None:
        self.current, self.new = current, new
        self.by_key: dict[str, tuple[str, str, str, str]] = {}
        self.cells: Counter[_Cell] = Counter()
        self.kept: dict[tuple[str, str], list[str]] = {}

    def _status(self, policy: Policy, view: Environment, features: Mapping[str, Any] | None) -> str:
        verdict = evaluate_policy(policy, view)
        if policy.requires:  # as reports/build.py: the probe's checks of the required features
            verdict = with_feature_checks(policy, view, verdict, features)
        return verdict.status

    def resolve(
        self,
        stored: str | bytes | Mapping[str, Any],
        answers: str | bytes | Mapping[str, Any] | None,
    ) -> _Cell:
        env = _decode(stored)
        if env is None:
            return None
        features = _features(answers)
        view = policy_view(env)
        key = _view_key(view)
        if features:
            key += json.dumps(features, sort_keys=True)
        cell = self.by_key.get(key)
        if cell is None:
            before = self._status(self.current, view, features)
            after = self._status(self.new, view, features)
            moved = before != after
            cell = (before, after, env.browser.family, env.os.family) if moved else _NO_MOVE
            self.by_key[key] = cell
        return cell

    def impact(self) -> Impact:
        totals: Counter[tuple[str, str]] = Counter()
        browsers: dict[tuple[str, str], Counter[str]] = {}
        systems: dict[tuple[str, str], Counter[str]] = {}
        for cell, n in self.cells.items():
            if cell is None or cell == _NO_MOVE:
                continue
            pair = (cell[0], cell[1])
            totals[pair] += n
            browsers.setdefault(pair, Counter())[cell[2]] += n
            systems.setdefault(pair, Counter())[cell[3]] += n
        order = {status: i for i, status in enumerate(STATUSES)}
        moves = tuple(
            Move(
                pair[0],
                pair[1],
                n,
                _most_first(browsers[pair]),
                _most_first(systems[pair]),
                tuple(self.kept.get(pair, ())),
            )
            for pair, n in sorted(
                totals.items(),
                key=lambda item: (-item[1], order.get(item[0][0], 9), order.get(item[0][1], 9)),
            )
        )
        unreadable = self.cells.get(None, 0)
        counted = sum(self.cells.values()) - unreadable
        return Impact(
            reports=counted,
            moves=moves,
            unchanged=counted - sum(totals.values()),
            environments=len(self.by_key),
            unreadable=unreadable,
        )


def measure_impact(
    rows: Iterable[StoredEnvironment],
    current: Policy,
    new: Policy,
    *,
    examples: int = EXAMPLES,
) -> Impact:
    """Evaluate every stored report under ``current`` and ``new`` and count the moves.

    ``rows`` yields ``(code, environment)`` pairs (see :data:`StoredEnvironment`); the first
    ``examples`` codes of each move, in the order of ``rows``, are its examples. Each distinct
    :func:`policy_view` is evaluated once per policy through
    :func:`~matrix.rules.evaluate_policy`. An environment that cannot be decoded is counted in
    :attr:`Impact.unreadable` and otherwise left out. Never raises on stored data.
    """
    tally = _Tally(current, new)
    resolve, cells, kept = tally.resolve, tally.cells, tally.kept
    # stored text -> (from, to, browser, os) or _NO_MOVE; None: unreadable
    by_text: dict[Any, _Cell] = {}
    for row in rows:
        code, stored = row[0], row[1]
        answers = row[2] if len(row) > 2 else None
        if isinstance(stored, str | bytes) and (answers is None or isinstance(answers, str)):
            memo = stored if answers is None else (stored, answers)
            if memo in by_text:
                cell = by_text[memo]
            else:
                if len(by_text) >= TEXT_MEMO_SIZE:
                    by_text.clear()
                cell = by_text[memo] = resolve(stored, answers)
        else:
            cell = resolve(stored, answers)
        cells[cell] += 1
        if cell is not None and cell != _NO_MOVE:
            codes = kept.setdefault((cell[0], cell[1]), [])
            if len(codes) < examples:
                codes.append(code)
    return tally.impact()


#: One group of the beacon's roll-up as storage gives it: the policy view's JSON text (from
#: :func:`view_record`; None or "" when the row predates the views) and how many page loads.
StoredPageLoads = tuple[str | bytes | None, int]


def measure_page_loads(rows: Iterable[StoredPageLoads], current: Policy, new: Policy) -> Impact:
    """:func:`measure_impact` for the sampled page loads: each row is a policy view weighted
    by its count. Page loads have no codes (``examples`` stay empty) and no feature answers
    (a policy that requires features judges them as a report without the probe's answers).
    Rows without a view (counted before the views were kept), or whose view cannot be read,
    are :attr:`Impact.unreadable`, weighted too."""
    tally = _Tally(current, new)
    for stored, n in rows:
        cell = tally.resolve(stored, None) if stored else None
        tally.cells[cell] += int(n)
    return tally.impact()
