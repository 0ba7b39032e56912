"""The impact of a policy change (issue 19): matrix/impact.py over stored reports, on SQLite and
PostgreSQL, through ``browsercheck matrix impact`` and the desk's page."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from diagnostics.models import Environment
from diagnostics.useragent import detect_environment
from matrix import evaluate_policy, load_policy
from matrix.impact import measure_impact, policy_view
from matrix.loader import default_policy_path
from tests.conftest import AGENT_EMAIL, AGENT_PASSWORD, CommandRunner, csrf_token, sign_in
from tests.test_support_desk import post_report, set_created
from webapp.storage.impact import stored_environments
from webapp.storage.tables import ReportRow

ROOT = Path(__file__).resolve().parents[1]


def chrome(major: int, system: str = "Windows NT 10.0; Win64; x64") -> str:
    return (
        f"Mozilla/5.0 ({system}) AppleWebKit/537.36 (KHTML, like Gecko) "
        f"Chrome/{major}.0.0.0 Safari/537.36"
    )


LINUX = "X11; Linux x86_64"
WINDOWS_7 = "Windows NT 6.1; Win64; x64"
FIREFOX_128 = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
EDGE_115 = chrome(115) + " Edg/115.0.1901.183"

#: (User-Agent, how many reports) -- under "Chrome min 120" instead of 109:
#: Chrome 115 on Windows 10 and Linux: supported -> unsupported; Chrome 110 on Windows 7:
#: limited (the system) -> unsupported; Chrome 131, Firefox 128, Edge 115: unchanged.
STORED: list[tuple[str, int]] = [
    (chrome(131), 2),
    (chrome(115), 3),
    (chrome(115, LINUX), 1),
    (chrome(110, WINDOWS_7), 1),
    (FIREFOX_128, 1),
    (EDGE_115, 1),
]


def changed_policy(folder: Path, *edits: tuple[str, str], name: str = "new-policy.yaml") -> Path:
    """The shipped policy with ``edits`` (old text, new text) applied, its release table named
    by absolute path so that the copy reads the same table."""
    text = default_policy_path().read_text(encoding="utf-8")
    releases = default_policy_path().parent / "releases.csv"
    text = text.replace("releases: releases.csv", f"releases: {releases}")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


CHROME_120 = ("min: 109          # the last Chrome for Windows 7", "min: 120  #")


def store_reports(client: FlaskClient) -> dict[str, list[str]]:
    """Post :data:`STORED` through the API; the codes of each User-Agent, oldest first."""
    codes: dict[str, list[str]] = {}
    for ua, n in STORED:
        for _ in range(n):
            codes.setdefault(ua, []).append(post_report(client, ua)["code"])
    return codes


def order_of(app: Flask) -> list[str]:
    """Every stored code (ABCD-2345), newest first (the order examples are kept in)."""
    with app.extensions["browsercheck.store"].session() as session:
        rows = session.query(ReportRow.code).order_by(ReportRow.id.desc()).all()
    return [f"{c[:4]}-{c[4:]}" for (c,) in rows]


def recount(app: Flask, new_path: Path) -> Counter[tuple[str, str, str, str]]:
    """The moves counted directly: every stored report decoded and evaluated on its own."""
    current, new = load_policy(), load_policy(new_path)
    counts: Counter[tuple[str, str, str, str]] = Counter()
    with app.extensions["browsercheck.store"].session() as session:
        for (data,) in session.query(ReportRow.environment):
            env = Environment.from_dict(data)
            before, after = evaluate_policy(current, env).status, evaluate_policy(new, env).status
            if before != after:
                counts[(before, after, env.browser.family, env.os.family)] += 1
    return counts


def test_impact_of_stored_reports_is_exact(app: Flask, client: FlaskClient, tmp_path: Path) -> None:
    codes = store_reports(client)
    new_path = changed_policy(tmp_path, CHROME_120)
    store = app.extensions["browsercheck.store"]
    impact = measure_impact(stored_environments(store), load_policy(), load_policy(new_path))
    newest = order_of(app)
    to_unsupported = [*codes[chrome(115)], *codes[chrome(115, LINUX)]]
    assert impact.to_dict() == {
        "reports": 9,
        "moves": [
            {
                "from": "supported",
                "to": "unsupported",
                "count": 4,
                "by_browser": {"Chrome": 4},
                "by_os": {"Windows": 3, "Linux": 1},
                "examples": [c for c in newest if c in to_unsupported],
            },
            {
                "from": "limited",
                "to": "unsupported",
                "count": 1,
                "by_browser": {"Chrome": 1},
                "by_os": {"Windows": 1},
                "examples": codes[chrome(110, WINDOWS_7)],
            },
        ],
    }
    assert impact.unchanged == 4 and impact.moved == 5
    # each distinct environment evaluated once: six User-Agents, not nine reports
    assert impact.environments == 6
    direct = recount(app, new_path)
    assert sum(direct.values()) == impact.moved
    for move in impact.moves:
        mine = {k: n for k, n in direct.items() if k[:2] == (move.from_status, move.to_status)}
        assert sum(mine.values()) == move.count
        by_browser: Counter[str] = Counter()
        by_os: Counter[str] = Counter()
        for (_, _, browser, system), n in mine.items():
            by_browser[browser] += n
            by_os[system] += n
        assert by_browser == Counter(move.by_browser) and by_os == Counter(move.by_os)


def test_examples_are_the_newest_few(app: Flask, client: FlaskClient, tmp_path: Path) -> None:
    made = [post_report(client, chrome(115))["code"] for _ in range(7)]
    store = app.extensions["browsercheck.store"]
    new = load_policy(changed_policy(tmp_path, CHROME_120))
    impact = measure_impact(stored_environments(store, chunk_size=3), load_policy(), new)
    (move,) = impact.moves
    assert move.count == 7 and list(move.examples) == made[::-1][:5]


def test_an_unchanged_policy_moves_nothing(app: Flask, client: FlaskClient) -> None:
    store_reports(client)
    policy = load_policy()
    impact = measure_impact(
        stored_environments(app.extensions["browsercheck.store"]), policy, policy
    )
    assert impact.to_dict() == {"reports": 9, "moves": []} and impact.unchanged == 9


def test_unreadable_environments_are_counted_apart(tmp_path: Path) -> None:
    env = detect_environment(chrome(115)).to_dict()
    rows = [("AAAA-0001", json.dumps(env)), ("AAAA-0002", "{not json"), ("AAAA-0003", env)]
    rows.append(("AAAA-0004", {"browser": {"no such field": 1}}))
    new = load_policy(changed_policy(tmp_path, CHROME_120))
    impact = measure_impact(rows, load_policy(), new)
    assert impact.reports == 2 and impact.unreadable == 2
    assert impact.moves[0].examples == ("AAAA-0001", "AAAA-0003")


def _user_agents() -> list[str]:
    lines = (ROOT / "tests/data/user-agents.txt").read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


def test_policy_view_keeps_every_verdict(tmp_path: Path) -> None:
    """Grouping by the view is only right while no rule reads what it drops: over the 2,000
    test User-Agents (and client hints that correct the OS), the verdict of the view is the
    verdict of the full environment, reasons and remedies included, under two policies."""
    policies = [
        load_policy(),
        load_policy(
            changed_policy(
                tmp_path,
                CHROME_120,
                ('  - family: Android\n    min: "8"', '  - family: Android\n    min: "12"'),
            )
        ),
    ]
    hints = {"Sec-CH-UA-Platform": '"Windows"', "Sec-CH-UA-Platform-Version": '"15.0.0"'}
    envs = [detect_environment(ua) for ua in _user_agents()]
    envs += [detect_environment(chrome(120), hints)]
    assert len(envs) > 1000
    for policy in policies:
        for env in envs:
            assert evaluate_policy(policy, policy_view(env)) == evaluate_policy(policy, env), (
                env.user_agent
            )


# --- the command ---------------------------------------------------------------------------


def test_cli_json_has_exactly_the_documented_shape(
    runner: CommandRunner, client: FlaskClient, tmp_path: Path
) -> None:
    store_reports(client)
    result = runner.invoke("matrix", "impact", str(changed_policy(tmp_path, CHROME_120)), "--json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    # the reports' shape of issue 19, and the sampled page loads beside it (none here)
    assert list(out) == ["reports", "moves", "page_loads", "page_load_moves"]
    assert out["reports"] == 9 and (out["page_loads"], out["page_load_moves"]) == (0, [])
    for move in out["moves"]:
        assert set(move) == {"from", "to", "count", "by_browser", "by_os", "examples"}
        assert all(re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}", c) for c in move["examples"])
    assert [(m["from"], m["to"], m["count"]) for m in out["moves"]] == [
        ("supported", "unsupported", 4),
        ("limited", "unsupported", 1),
    ]


def test_cli_since_leaves_older_reports_out(
    app: Flask, runner: CommandRunner, client: FlaskClient, tmp_path: Path
) -> None:
    codes = store_reports(client)
    old = datetime.now(UTC) - timedelta(days=40)
    for code in codes[chrome(115)]:
        set_created(app, code, old)
    new = str(changed_policy(tmp_path, CHROME_120))
    recent = json.loads(runner.invoke("matrix", "impact", new, "--json").output)
    everything = json.loads(
        runner.invoke("matrix", "impact", new, "--since", "60d", "--json").output
    )
    assert recent["reports"] == 6 and everything["reports"] == 9
    assert recent["moves"][0] == {
        "from": "supported",
        "to": "unsupported",
        "count": 1,
        "by_browser": {"Chrome": 1},
        "by_os": {"Linux": 1},
        "examples": codes[chrome(115, LINUX)],
    }
    assert everything["moves"][0]["count"] == 4
    bad = runner.invoke("matrix", "impact", new, "--since", "yesterday")
    assert bad.exit_code == 2 and "--since" in bad.output


@pytest.mark.parametrize(
    "lang,words",
    [
        ("en", ["Supported → Not supported: 4", "Browsers: Chrome 4", "Windows 3, Linux 1"]),
        ("uk", ["Підтримується → Не підтримується: 4", "Браузери: Chrome 4", "Windows 3, Linux 1"]),
    ],
)
def test_cli_speaks_the_desk_words(
    runner: CommandRunner, client: FlaskClient, tmp_path: Path, lang: str, words: list[str]
) -> None:
    codes = store_reports(client)
    result = runner.invoke(
        "matrix", "impact", str(changed_policy(tmp_path, CHROME_120)), "--lang", lang
    )
    assert result.exit_code == 0, result.output
    for word in words:
        assert word in result.output
    assert codes[chrome(110, WINDOWS_7)][0] in result.output


def test_cli_numbers_are_grouped_in_ukrainian() -> None:
    from matrix.impact import Impact
    from webapp.cli.impact import format_impact

    text = format_impact(Impact(reports=1234567, moves=(), unchanged=1234567, environments=1), "uk")
    assert "1\u00a0234\u00a0567" in text and "Жоден звіт" in text


@pytest.mark.parametrize(
    "edit,line_word",
    [
        (("    min: 115          # 115 ESR", "    min: [115]  #"), "line"),
        (
            (
                "  - family: Safari\n    min: 16",
                "  - family: Safari\n    min: 16\n    status: nope",
            ),
            "line",
        ),
    ],
    ids=["wrong-type", "unknown-status"],
)
def test_cli_refuses_a_broken_policy_with_its_line(
    runner: CommandRunner, tmp_path: Path, edit: tuple[str, str], line_word: str
) -> None:
    broken = changed_policy(tmp_path, edit)
    text = broken.read_text(encoding="utf-8").splitlines()
    expected = next(i for i, line in enumerate(text, 1) if edit[1].splitlines()[-1] in line)
    result = runner.invoke("matrix", "impact", str(broken))
    assert result.exit_code == 1
    assert f"{line_word} {expected}" in result.output
    assert "The policy file has errors" in result.output
    uk = runner.invoke("matrix", "impact", str(broken), "--lang", "uk")
    assert uk.exit_code == 1 and f"рядок {expected}" in uk.output


def test_cli_refuses_a_missing_file(runner: CommandRunner, tmp_path: Path) -> None:
    result = runner.invoke("matrix", "impact", str(tmp_path / "nope.yaml"))
    assert result.exit_code == 1 and "cannot read" in result.output


# --- the desk page -------------------------------------------------------------------------

ADMIN_EMAIL = "admin@example.com"


@pytest.fixture
def admin(app: Flask, client: FlaskClient) -> FlaskClient:
    app.extensions["browsercheck.accounts"].add_user(ADMIN_EMAIL, AGENT_PASSWORD, "admin")
    assert sign_in(client, ADMIN_EMAIL).status_code == 302
    return client


def upload(client: FlaskClient, path: Path, lang: str = "en", **extra: str):  # type: ignore[no-untyped-def]
    token = csrf_token(client, f"/support/impact?lang={lang}")
    data = {"csrf_token": token, "days": "30", **extra}
    with path.open("rb") as handle:
        data["policy"] = (handle, path.name)  # type: ignore[assignment]
        return client.post(
            f"/support/impact?lang={lang}", data=data, content_type="multipart/form-data"
        )


def test_desk_page_shows_the_table_of_moves(app: Flask, admin: FlaskClient, tmp_path: Path) -> None:
    codes = store_reports(admin)
    page = admin.get("/support/impact?lang=en")
    assert page.status_code == 200 and 'type="file"' in page.get_data(as_text=True)
    assert 'href="/support/impact?lang=en"' in page.get_data(as_text=True)  # in the desk's menu
    answer = upload(admin, changed_policy(tmp_path, CHROME_120))
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert 'data-testid="impact-table"' in html
    assert "Supported" in html and "Not supported" in html and "Limited support" in html
    example = codes[chrome(110, WINDOWS_7)][0]
    assert f'href="/support/reports/{example}?lang=en"' in html
    rows = re.findall(r'<tr data-testid="impact-move">(.*?)</tr>', html, re.S)
    assert len(rows) == 2 and ">4<" in rows[0] and "Windows 3" in rows[0]
    # nothing saved: the policy in use and the stored verdicts are as they were
    assert load_policy(default_policy_path()).browser("Chrome").min == 109  # type: ignore[union-attr]
    again = admin.get("/support/impact?lang=en").get_data(as_text=True)
    assert 'data-testid="impact-table"' not in again


def test_desk_page_names_the_broken_lines(admin: FlaskClient, tmp_path: Path) -> None:
    broken = changed_policy(tmp_path, ("    min: 115          # 115 ESR", "    min: [115]  #"))
    line = next(
        i for i, text in enumerate(broken.read_text().splitlines(), 1) if "min: [115]" in text
    )
    for lang, word in (("uk", "рядок"), ("en", "line")):
        answer = upload(admin, broken, lang)
        html = answer.get_data(as_text=True)
        assert answer.status_code == 422
        assert f"{word} {line}" in html and 'data-testid="impact-problems"' in html
        assert 'data-testid="impact-table"' not in html


def test_desk_page_without_a_file_or_token(admin: FlaskClient) -> None:
    token = csrf_token(admin, "/support/impact?lang=en")
    missing = admin.post("/support/impact?lang=en", data={"csrf_token": token})
    assert missing.status_code == 422 and "Choose a policy file" in missing.get_data(as_text=True)
    forged = admin.post("/support/impact?lang=en", data={"days": "30"})
    assert forged.status_code == 400


def test_desk_page_is_for_admins_only(app: Flask, client: FlaskClient, tmp_path: Path) -> None:
    assert client.get("/support/impact").status_code == 302  # signed out: to the sign-in page
    app.extensions["browsercheck.accounts"].add_user(AGENT_EMAIL, AGENT_PASSWORD, "agent")
    assert sign_in(client).status_code == 302
    assert "/support/impact" not in client.get("/support/reports").get_data(as_text=True)
    refused = client.get("/support/impact?lang=en")
    assert refused.status_code == 403 and "admins only" in refused.get_data(as_text=True)
    token = csrf_token(client, "/support/reports")
    with changed_policy(tmp_path, CHROME_120).open("rb") as handle:
        posted = client.post(
            "/support/impact",
            data={"csrf_token": token, "policy": (handle, "p.yaml")},
            content_type="multipart/form-data",
        )
    assert posted.status_code == 403


def test_desk_page_reads_a_relative_release_table_beside_the_policy_in_use(
    admin: FlaskClient, tmp_path: Path
) -> None:
    """The shipped file as a manager edits it (``releases: releases.csv``) uploads as it is."""
    store_reports(admin)
    text = default_policy_path().read_text(encoding="utf-8").replace(*CHROME_120, 1)
    edited = tmp_path / "policy.yaml"
    edited.write_text(text, encoding="utf-8")
    answer = upload(admin, edited, "uk")
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200, html
    assert "Підтримується" in html and "Не підтримується" in html
    assert re.search(r"Звітів за період: 9; змінять висновок: 5; без змін: 4\.", html)


def test_required_features_count_in_the_impact(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    # A policy that starts requiring <dialog> moves only the report whose probe lacked it.
    lacking = post_report(client, chrome(131), features={"dialog": False})["code"]
    post_report(client, chrome(131), features={"dialog": True})
    new = load_policy(
        changed_policy(tmp_path, ("version: 1\n", "version: 1\nrequires: [dialog]\n"))
    )
    current = load_policy(default_policy_path())
    store = app.extensions["browsercheck.store"]
    impact = measure_impact(stored_environments(store, features=True), current, new).to_dict()
    assert impact["reports"] == 2
    assert impact["moves"] == [
        {
            "from": "supported",
            "to": "unsupported",
            "count": 1,
            "by_browser": {"Chrome": 1},
            "by_os": {"Windows": 1},
            "examples": [lacking],
        }
    ]
    # without the probe's answers the rule has nothing to judge: the same reports do not move
    assert measure_impact(stored_environments(store), current, new).to_dict()["moves"] == []
