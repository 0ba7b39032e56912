"""The impact of a policy change on the sampled page loads (issue 19 over the beacon of issue 18):
beacons counted through ``POST /api/v1/beacon`` keep the policy view they counted, and
``matrix impact`` and the desk's page evaluate those views, weighted by their counts, on SQLite
and PostgreSQL."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from diagnostics.models import Environment
from diagnostics.useragent import detect_environment
from matrix import evaluate_policy, load_policy
from matrix.impact import measure_page_loads, policy_view, view_record
from tests.conftest import CHROME_WIN, CommandRunner
from tests.test_beacon import rollup, send
from tests.test_matrix_impact import (
    CHROME_120,
    FIREFOX_128,
    LINUX,
    WINDOWS_7,
    admin,  # noqa: F401 - the fixture
    changed_policy,
    chrome,
    upload,
)
from webapp.storage.impact import stored_page_loads
from webapp.storage.tables import BeaconRollupRow, BeaconViewRow

IOS_16 = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1"
)
IOS_17 = IOS_16.replace("16_6", "17_5").replace("Version/16.6", "Version/17.5")
#: (User-Agent, how many page loads). Under "Chrome min 120": Chrome 115 on Windows 10 and
#: Linux supported -> unsupported, Chrome 110 on Windows 7 limited -> unsupported. Under
#: "iOS min 17": Safari on iOS 16 supported -> unsupported (a rule on the OS *version*, which
#: the roll-up's own columns, OS family only, cannot judge).
LOADS: list[tuple[str, int]] = [
    (CHROME_WIN, 3),
    (chrome(115), 4),
    (chrome(115, LINUX), 2),
    (chrome(110, WINDOWS_7), 1),
    (FIREFOX_128, 2),
    (IOS_16, 3),
    (IOS_17, 2),
]
IOS_MIN_17 = ('    min: "16"\n    frozen: "18.6"', '    min: "17"\n    frozen: "18.6"')


def beacon_loads(app: Flask, client: FlaskClient) -> None:
    """Send :data:`LOADS` through the real endpoint and wait for their counts."""
    for ua, n in LOADS:
        for i in range(n):
            answer = send(client, {"build": f"b{i % 2}", "verdict": "ok"}, ua)
            assert answer.status_code == 204, answer.get_data(as_text=True)
    rollup(app)  # flushes


def views(app: Flask) -> dict[str, str]:
    with app.extensions["browsercheck.store"].engine.connect() as conn:
        rows = conn.execute(select(BeaconViewRow.key, BeaconViewRow.environment)).all()
    return dict(rows)


def recount(new_path: Path) -> Counter[tuple[str, str, str, str]]:
    """The moves counted directly: each page load's environment detected from its User-Agent
    and evaluated on its own."""
    current, new = load_policy(), load_policy(new_path)
    counts: Counter[tuple[str, str, str, str]] = Counter()
    for ua, n in LOADS:
        env = detect_environment(ua, {"user-agent": ua})
        before, after = evaluate_policy(current, env).status, evaluate_policy(new, env).status
        if before != after:
            counts[(before, after, env.browser.family, env.os.family)] += n
    return counts


def as_moves(
    counts: Counter[tuple[str, str, str, str]],
) -> dict[tuple[str, str], dict[str, object]]:
    moves: dict[tuple[str, str], dict[str, object]] = {}
    for (before, after, browser, system), n in counts.items():
        move = moves.setdefault((before, after), {"count": 0, "by_browser": {}, "by_os": {}})
        move["count"] += n  # type: ignore[operator]
        by_browser, by_os = move["by_browser"], move["by_os"]
        by_browser[browser] = by_browser.get(browser, 0) + n  # type: ignore[index,attr-defined]
        by_os[system] = by_os.get(system, 0) + n  # type: ignore[index,attr-defined]
    return moves


def test_each_beacon_lands_with_its_policy_view(app: Flask, client: FlaskClient) -> None:
    beacon_loads(app, client)
    stored = views(app)
    rows = rollup(app)
    assert {row["view"] for row in rows} == set(stored)  # every row names a stored view
    for ua, n in LOADS:
        env = detect_environment(ua, {"user-agent": ua})
        key, text = view_record(env)
        assert stored[key] == text
        assert Environment.from_dict(json.loads(text)) == policy_view(env)
        assert sum(row["n"] for row in rows if row["view"] == key) == n
    assert all("Mozilla" not in text and "iPhone" not in text for text in stored.values())
    # each view stored once, however many days and builds counted it
    assert len(stored) == len(LOADS)


def _impact(app: Flask, new_path: Path) -> dict[str, object]:
    engine = app.extensions["browsercheck.store"].engine
    return measure_page_loads(
        stored_page_loads(engine), load_policy(), load_policy(new_path)
    ).to_dict()


def _check_against_recount(impact: dict[str, object], new_path: Path) -> None:
    expected = as_moves(recount(new_path))
    moves = impact["moves"]
    assert isinstance(moves, list)
    assert {(m["from"], m["to"]): m for m in moves}.keys() == expected.keys()
    for move in moves:
        wanted = expected[(move["from"], move["to"])]
        assert (move["count"], move["by_browser"], move["by_os"]) == (
            wanted["count"],
            wanted["by_browser"],
            wanted["by_os"],
        )
        assert move["examples"] == []


def test_a_raised_browser_minimum_moves_the_page_loads_it_cuts_off(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    beacon_loads(app, client)
    new_path = changed_policy(tmp_path, CHROME_120)
    impact = _impact(app, new_path)
    assert impact["reports"] == sum(n for _, n in LOADS)
    assert [(m["from"], m["to"], m["count"]) for m in impact["moves"]] == [  # type: ignore[attr-defined]
        ("supported", "unsupported", 6),
        ("limited", "unsupported", 1),
    ]
    assert impact["moves"][0]["by_os"] == {"Windows": 4, "Linux": 2}  # type: ignore[index]
    _check_against_recount(impact, new_path)


def test_a_raised_os_minimum_moves_the_page_loads_on_older_systems(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    beacon_loads(app, client)
    new_path = changed_policy(tmp_path, IOS_MIN_17)
    impact = _impact(app, new_path)
    assert impact["moves"] == [
        {
            "from": "supported",
            "to": "unsupported",
            "count": 3,
            "by_browser": {"Safari": 3},
            "by_os": {"iOS": 3},
            "examples": [],
        }
    ]
    _check_against_recount(impact, new_path)
    # the roll-up's own columns cannot tell these apart: iOS 16 and 17 share every one of them
    rows = [r for r in rollup(app) if r["os_family"] == "iOS"]
    columns = ("browser_family", "os_family", "device_type", "verdict")
    assert len({tuple(r[c] for c in columns) for r in rows}) == 1 and len(rows) > 1


def test_rows_counted_before_the_views_are_said_and_left_out(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    beacon_loads(app, client)
    store = app.extensions["browsercheck.store"]
    with store.session() as session:
        session.add(
            BeaconRollupRow(
                day=datetime.now(UTC).date(),
                build="old",
                verdict="ok",
                browser_family="Chrome",
                browser_major=100,
                os_family="Windows",
                device_type="desktop",
                controlled=False,
                waiting=False,
                n=5,
                view="",
            )
        )
        session.commit()
    impact = measure_page_loads(
        stored_page_loads(store.engine), load_policy(), load_policy(changed_policy(tmp_path))
    )
    assert impact.unreadable == 5 and impact.reports == sum(n for _, n in LOADS)
    assert impact.moves == ()


def test_since_counts_the_days_from_it(app: Flask, client: FlaskClient, tmp_path: Path) -> None:
    beacon_loads(app, client)
    store = app.extensions["browsercheck.store"]
    old = datetime.now(UTC).date() - timedelta(days=40)
    with store.session() as session:  # the Chrome 115 loads on Windows were counted long ago
        key = view_record(detect_environment(chrome(115), {"user-agent": chrome(115)}))[0]
        for row in session.scalars(select(BeaconRollupRow).where(BeaconRollupRow.view == key)):
            row.day = old
        session.commit()
    recent = stored_page_loads(store.engine, datetime.now(UTC).date() - timedelta(days=29))
    assert sum(n for _, n in recent) == sum(n for _, n in LOADS) - 4
    assert sum(n for _, n in stored_page_loads(store.engine, old)) == sum(n for _, n in LOADS)


# --- the command and the desk's page -------------------------------------------------------


def test_cli_json_adds_the_page_loads(
    app: Flask, runner: CommandRunner, client: FlaskClient, tmp_path: Path
) -> None:
    new = str(changed_policy(tmp_path, IOS_MIN_17))
    empty = json.loads(runner.invoke("matrix", "impact", new, "--json").output)
    assert empty == {"reports": 0, "moves": [], "page_loads": 0, "page_load_moves": []}
    beacon_loads(app, client)
    result = runner.invoke("matrix", "impact", new, "--json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert list(out) == ["reports", "moves", "page_loads", "page_load_moves"]
    assert (out["reports"], out["moves"], out["page_loads"]) == (0, [], sum(n for _, n in LOADS))
    assert out["page_load_moves"] == [
        {
            "from": "supported",
            "to": "unsupported",
            "count": 3,
            "by_browser": {"Safari": 3},
            "by_os": {"iOS": 3},
            "examples": [],
        }
    ]


def test_cli_text_has_a_section_for_the_page_loads(
    app: Flask, runner: CommandRunner, client: FlaskClient, tmp_path: Path
) -> None:
    beacon_loads(app, client)
    new = str(changed_policy(tmp_path, CHROME_120))
    english = runner.invoke("matrix", "impact", new).output
    assert "Sampled page loads\n" in english
    assert "Sampled page loads in the period: 17; would change verdict: 7; unchanged: 10." in (
        english
    )
    section = english.split("Sampled page loads\n", 1)[1]
    assert "Supported → Not supported: 6" in section and "Example reports" not in section
    ukrainian = runner.invoke("matrix", "impact", new, "--lang", "uk").output
    assert "Вибрані завантаження сторінок\n" in ukrainian
    assert "Вибраних завантажень сторінок за період: 17; змінять висновок: 7" in ukrainian


def test_desk_page_shows_the_page_loads_table(
    app: Flask,
    admin: FlaskClient,  # noqa: F811 - the fixture
    tmp_path: Path,
) -> None:
    beacon_loads(app, admin)
    answer = upload(admin, changed_policy(tmp_path, IOS_MIN_17))
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200, html
    assert 'data-testid="impact-page-loads"' in html and "Sampled page loads" in html
    rows = re.findall(r'<tr data-testid="impact-load-move">(.*?)</tr>', html, re.S)
    assert len(rows) == 1 and ">3<" in rows[0] and "iOS 3" in rows[0]
    assert "code-link" not in rows[0]
    uk = upload(admin, changed_policy(tmp_path, IOS_MIN_17), "uk").get_data(as_text=True)
    assert "Вибрані завантаження сторінок" in uk
    assert "Вибраних завантажень сторінок за період: 17; змінять висновок: 3" in uk
