"""The policy file format: every mistake is named with file, line and what is wrong; the
evergreen, limited-range and device rules; the release table."""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from diagnostics.models import Device
from diagnostics.useragent import detect_environment
from matrix import PolicyError, default_policy_path, evaluate_policy, load_policy
from matrix.loader import read_policy_text
from matrix.releases import ReleaseTable, ReleaseTableError, parse_releases, read_releases
from matrix.rules import explain_policy
from matrix.versions import at_least, compare_to_bound, parse_version

DEFAULT = default_policy_path().read_text(encoding="utf-8")
BASE = default_policy_path().parent


def chrome(major: int) -> str:
    return (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        f"Chrome/{major}.0.0.0 Safari/537.36"
    )


def firefox(major: int) -> str:
    return (
        f"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:{major}.0) Gecko/20100101 Firefox/{major}.0"
    )


def edited(old: str, new: str) -> str:
    assert DEFAULT.count(old) == 1, f"the default policy no longer has exactly one {old!r}"
    return DEFAULT.replace(old, new)


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


CHROME_MIN = "    min: 109          # the last Chrome for Windows 7 and 8.1\n"
# (id, old text, new text, text on the expected line, what the message says)
BROKEN = [
    (
        "unknown-key-with-suggestion",
        CHROME_MIN,
        "    mn: 109\n",
        "mn: 109",
        "unknown key 'mn'; did you mean 'min'?",
    ),
    (
        "text-where-a-number-goes",
        "    min: 115 ",
        "    min: latest ",
        "min: latest",
        "'latest' should be a whole number",
    ),
    (
        "decimal-version-needs-quotes",
        '    min: "11"\n',
        "    min: 10.10\n",
        "min: 10.10",
        "is read as a decimal number; write versions in quotes",
    ),
    (
        "version-not-dotted",
        '    min: "16"\n',
        '    min: "16.x"\n',
        'min: "16.x"',
        "is not a version like",
    ),
    (
        "bad-status",
        "    status: unsupported\n    reason:\n      uk: Internet",
        "    status: broken\n    reason:\n      uk: Internet",
        "status: broken",
        "'broken' is not one of: supported, limited, unsupported, unknown",
    ),
    (
        "misspelt-required-key",
        "  - family: Edge\n",
        "  - famly: Edge\n",
        "famly: Edge",
        "missing 'family'",
    ),
    (
        "duplicate-key",
        CHROME_MIN,
        CHROME_MIN + "    min: 110\n",
        "min: 110",
        "'min' is given twice (first on line",
    ),
    (
        "tab-is-not-yaml",
        "  otherwise: limited\n",
        "\totherwise: limited\n",
        "\totherwise",
        "not valid YAML",
    ),
    (
        "status-with-min",
        "    status: unsupported\n    reason:\n      uk: Internet",
        "    status: unsupported\n    min: 11\n    reason:\n      uk: Internet",
        "    min: 11\n",
        "fixes the verdict for every version, so 'min' is never used",
    ),
    (
        "unknown-placeholder",
        'en: "{browser} {version} is outdated',
        'en: "{brower} {version} is outdated',
        "{brower}",
        "unknown placeholder {brower}; this text may use: {browser}, {min}, {version}",
    ),
    (
        "broken-placeholder",
        'en: "Update the app: {store}"',
        'en: "Update the app: {store"',
        '{store"',
        "broken {placeholder}",
    ),
    (
        "missing-download",
        "    engine_min: 109\n    download: https://www.opera.com/download\n",
        "    engine_min: 109\n",
        "  - family: Opera\n",
        "needs 'download'",
    ),
    (
        "http-link",
        "https://www.mozilla.org/firefox/new/",
        "http://www.mozilla.org/firefox/new/",
        "http://www.mozilla.org",
        "is not an https:// link",
    ),
    (
        "unknown-device-class",
        "allowed: [desktop, mobile, tablet]",
        "allowed: [desktop, phone, tablet]",
        "allowed: [desktop, phone",
        "'phone' is not one of",
    ),
    (
        "evergreen-without-releases",
        "    min: 109\n    download: https://www.chromium.org",
        "    evergreen: 3\n    download: https://www.chromium.org",
        "evergreen: 3",
        "the release table has none",
    ),
    (
        "missing-release-table",
        "releases: releases.csv",
        "releases: nowhere.csv",
        "releases: nowhere.csv",
        "cannot read",
    ),
    (
        "recommended-without-rule",
        "  default: [Chrome, Firefox, Edge]",
        "  default: [Chrome, Netscape]",
        "default: [Chrome, Netscape]",
        "'Netscape' is recommended",
    ),
    (
        "limited-range-upside-down",
        '      versions: ["7", "8", "8.1"]\n',
        '      from: "8.1"\n      to: "7"\n',
        'to: "7"',
        "'to' (7) is below 'from' (8.1)",
    ),
    (
        "text-without-ukrainian",
        "  supported:\n    uk: Ваш браузер підтримується. Особистий кабінет має працювати повністю.\n",
        "  supported:\n",
        "  supported:\n",
        "missing 'uk'",
    ),
    ("format-version", "\nversion: 1\n", "\nversion: 2\n", "version: 2", "must be 1, not 2"),
]


@pytest.mark.parametrize(
    "old,new,needle,message", [c[1:] for c in BROKEN], ids=[c[0] for c in BROKEN]
)
def test_broken_policy_names_file_line_and_problem(
    old: str, new: str, needle: str, message: str
) -> None:
    text = edited(old, new)
    reading = read_policy_text(text, "policy.yaml", BASE, date(2026, 1, 1))
    assert reading.policy is None
    expected_line = line_of(text, needle)
    shown = [str(p) for p in reading.problems]
    assert any(p.line == expected_line and message in p.message for p in reading.problems), shown
    assert all(s.startswith("policy.yaml:") for s in shown)


def test_a_list_is_not_a_policy() -> None:
    reading = read_policy_text("- just\n- a list\n", "p.yaml")
    assert [str(p) for p in reading.problems] == [
        "p.yaml:1: the policy must be a mapping of keys (version:, browsers:, systems:, ...)"
    ]


def test_load_policy_raises_with_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "policy.yaml"
    path.write_text(edited(CHROME_MIN, "    mn: 109\n"), encoding="utf-8")
    (tmp_path / "releases.csv").write_bytes((BASE / "releases.csv").read_bytes())
    with pytest.raises(PolicyError) as info:
        load_policy(path)
    line = line_of(path.read_text(encoding="utf-8"), "mn: 109")
    assert str(info.value).startswith(f"{path}:{line}: browsers[0] (Chrome).mn: unknown key 'mn'")


def test_load_policy_of_a_missing_file() -> None:
    with pytest.raises(PolicyError, match="cannot read"):
        load_policy("/nonexistent/policy.yaml")


def test_the_default_policy_is_valid() -> None:
    reading = read_policy_text(DEFAULT, "policy.yaml", BASE)
    assert reading.problems == ()


# --- evergreen, limited ranges, device classes ---------------------------------------------------

EVERGREEN = edited(CHROME_MIN, "    evergreen: 3\n")


@pytest.mark.parametrize(
    "as_of,major,status",
    [
        ("2023-03-01", 107, "unsupported"),  # the last 3 then: 108, 109, 110
        ("2023-03-01", 108, "supported"),
        ("2023-03-01", 110, "supported"),
        ("2023-06-01", 111, "unsupported"),  # 112, 113, 114
        ("2023-06-01", 112, "supported"),
        ("2023-06-01", 113, "supported"),
    ],
    ids=lambda v: str(v),
)
def test_evergreen_counts_the_last_majors_from_the_release_table(
    as_of: str, major: int, status: str
) -> None:
    policy = read_policy_text(EVERGREEN, "p.yaml", BASE, date.fromisoformat(as_of)).policy
    assert policy is not None
    verdict = evaluate_policy(policy, detect_environment(chrome(major)))
    assert verdict.status == status
    if status == "unsupported":
        checks = explain_policy(policy, detect_environment(chrome(major))).checks
        assert "the last 3 majors" in checks[0].why.en


def test_evergreen_and_min_must_both_hold() -> None:
    text = edited(CHROME_MIN, "    min: 109\n    evergreen: 3\n")
    policy = read_policy_text(text, "p.yaml", BASE, date(2023, 3, 1)).policy
    assert policy is not None
    assert policy.browser_min(policy.browser("Chrome")) == 109  # type: ignore[arg-type]
    assert evaluate_policy(policy, detect_environment(chrome(108))).status == "unsupported"


LIMITED_FIREFOX = edited(
    "    min: 115          # 115 ESR",
    "    limited:\n      from: 102\n      to: 114\n      reason: {uk: Стара версія., en: Old.}\n"
    "    min: 115          # 115 ESR",
)


@pytest.mark.parametrize(
    "major,status",
    [
        (101, "unsupported"),
        (102, "limited"),
        (114, "limited"),
        (115, "supported"),
    ],
    ids=lambda v: str(v),
)
def test_browser_limited_range(major: int, status: str) -> None:
    policy = read_policy_text(LIMITED_FIREFOX, "p.yaml", BASE).policy
    assert policy is not None
    verdict = evaluate_policy(policy, detect_environment(firefox(major)))
    assert verdict.status == status
    if status == "limited":
        assert verdict.reasons[0].en == "Old."


def test_browser_device_classes() -> None:
    text = edited(
        "    engine_min: 109\n    download: https://play.google.com",
        "    engine_min: 109\n    devices: [mobile, tablet]\n    download: https://play.google.com",
    )
    policy = read_policy_text(text, "p.yaml", BASE).policy
    assert policy is not None
    phone = detect_environment(
        "Mozilla/5.0 (Linux; Android 13; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) "
        "SamsungBrowser/23.0 Chrome/115.0.0.0 Mobile Safari/537.36"
    )
    assert evaluate_policy(policy, phone).status == "supported"
    dex = replace(phone, device=Device("desktop"))
    verdict = evaluate_policy(policy, dex)
    assert (verdict.status, verdict.rule) == ("limited", "device:Samsung Internet")
    assert "desktop" in verdict.reasons[0].en and "комп'ютер" in verdict.reasons[0].uk


# --- versions and the release table --------------------------------------------------------------


@pytest.mark.parametrize(
    "version,bound,expected",
    [
        ("8.1.7600", "8", 0),
        ("8.1", "8.1", 0),
        ("7.9", "8", -1),
        ("10", "8.1", 1),
        ("10.15.7", "11", -1),
        ("16", "16.0", 0),
        ("16.0.1", "16", 0),
        ("15.8", "16", -1),
    ],
    ids=lambda v: str(v),
)
def test_versions_compare_as_prefixes(version: str, bound: str, expected: int) -> None:
    parsed, limit = parse_version(version), parse_version(bound)
    assert parsed and limit
    assert compare_to_bound(parsed, limit) == expected
    assert at_least(parsed, limit) is (expected >= 0)


def test_parse_version_reads_leading_numbers() -> None:
    assert parse_version("16_6") == (16, 6)
    assert parse_version(109) == (109,)
    assert parse_version("XP") is None and parse_version(None) is None


@pytest.mark.parametrize(
    "text,message",
    [
        ("browser,version\nChrome,1\n", "releases.csv:1: missing column(s) release_date"),
        (
            "browser,version,release_date\nChrome,109,2023-13-01\n",
            "releases.csv:2: release_date '2023-13-01' is not YYYY-MM-DD",
        ),
        (
            "browser,version,release_date\nChrome,109,2023-01-10\nChrome,v110,2023-02-07\n",
            "releases.csv:3: version 'v110' is not like 109 or 16.4",
        ),
        (
            "browser,version,release_date\nChrome,109,2023-01-10\nChrome,109,2023-01-11\n",
            "releases.csv:3: Chrome 109 is listed twice",
        ),
        ("browser,version,release_date\n,109,2023-01-10\n", "releases.csv:2: empty browser"),
    ],
    ids=["missing-column", "bad-date", "bad-version", "duplicate", "empty-browser"],
)
def test_release_table_errors_name_the_line(text: str, message: str) -> None:
    with pytest.raises(ReleaseTableError) as info:
        parse_releases(text, "releases.csv")
    assert str(info.value).startswith(message)


def test_shipped_release_table() -> None:
    table = read_releases()
    assert table.first_major_on_engine("Opera", 109) == 95
    assert table.first_major_on_engine("Samsung Internet", 109) == 21
    assert table.evergreen_min("Chrome", 3, date(2023, 3, 1)) == 108
    assert table.evergreen_min("Nothing", 3, date(2023, 3, 1)) is None


def test_merging_release_tables_counts_added_and_changed() -> None:
    old = parse_releases(
        "browser,version,release_date\nChrome,109,2023-01-10\nChrome,110,2023-02-07\n"
    )
    new = parse_releases(
        "browser,version,release_date\nChrome,110,2023-02-08\nChrome,111,2023-03-07\n"
    )
    table, added, changed = old.merged(new)
    assert (added, changed) == (1, 1)
    assert [r.version for r in table.releases] == ["109", "110", "111"]
    assert ReleaseTable().merged(new)[1:] == (2, 0)


def test_refreshing_the_release_table_reloads_the_policy(tmp_path: Path) -> None:
    path = tmp_path / "policy.yaml"
    path.write_text(EVERGREEN.replace("releases: releases.csv", "releases: data/table.csv"))
    (tmp_path / "data").mkdir()
    table = tmp_path / "data" / "table.csv"
    table.write_text("browser,version,release_date\nChrome,120,2024-01-01\nChrome,121,2024-02-01\n")
    as_of = date(2025, 1, 1)
    assert load_policy(path, as_of).browser_min(load_policy(path, as_of).browsers[0]) == 120
    table.write_text(table.read_text() + "Chrome,122,2024-03-01\nChrome,123,2024-04-01\n")
    os.utime(table, ns=(10**18, 10**18))  # a different modification time, whatever the clock
    policy = load_policy(path, as_of)
    assert policy.browser_min(policy.browsers[0]) == 121  # the last 3: 121, 122, 123
