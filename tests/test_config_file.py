"""Settings from a TOML file (BROWSERCHECK_CONFIG) under the environment variables."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from webapp.config import SETTINGS, ConfigError, settings_from_env, settings_from_file

README = Path(__file__).resolve().parent.parent / "README.md"


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "browsercheck.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_file_sets_values_and_environment_overrides_it(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        'workers = 4\nDATABASE_URL = "sqlite:///x.db"\nmax_in_flight = 3\n'
        'migrate_on_start = false\nsqlite_synchronous = "normal"\n',
    )
    settings = settings_from_env({"BROWSERCHECK_CONFIG": path, "BROWSERCHECK_MAX_IN_FLIGHT": "7"})
    assert settings["WORKERS"] == 4
    assert settings["DATABASE_URL"] == "sqlite:///x.db"
    assert settings["MAX_IN_FLIGHT"] == 7  # the environment wins over the file
    assert settings["MIGRATE_ON_START"] is False
    assert settings["SQLITE_SYNCHRONOUS"] == "NORMAL"
    assert settings["THREADS"] == 32  # untouched: the default


def test_file_sets_origin_lists_as_text_or_array(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        'cors_origins = "https://portal.example, https://b.example"\n'
        'sidebar_frame_ancestors = ["https://desk.example"]\n',
    )
    settings = settings_from_file(path)
    assert settings["CORS_ORIGINS"] == ("https://portal.example", "https://b.example")
    assert settings["SIDEBAR_FRAME_ANCESTORS"] == ("https://desk.example",)
    with pytest.raises(ConfigError, match="cors_origins: 'portal.example' is not an origin"):
        settings_from_file(write(tmp_path, 'cors_origins = ["portal.example"]\n'))


@pytest.mark.parametrize(
    "text,message",
    [
        ("wrokers = 4\n", "unknown setting 'wrokers'"),
        ('workers = "four"\n', "workers: invalid literal"),
        ("workers = true\n", "workers must be a int"),
        ("workers = 2.5\n", "workers must be a int"),
        ('sqlite_synchronous = "sometimes"\n', "expected OFF, NORMAL, FULL or EXTRA"),
        ('migrate_on_start = "perhaps"\n', "expected on/off"),
        ('config = "other.toml"\n', "unknown setting 'config'"),
        ("workers = \n", "cannot read the settings file"),
    ],
    ids=[
        "unknown-key",
        "not-a-number",
        "bool-for-int",
        "float-for-int",
        "bad-choice",
        "bad-bool",
        "nested-config",
        "not-toml",
    ],
)
def test_bad_file_is_refused_naming_the_key(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)):
        settings_from_file(write(tmp_path, text))


def test_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read the settings file"):
        settings_from_env({"BROWSERCHECK_CONFIG": str(tmp_path / "absent.toml")})


def test_bad_environment_value_names_the_variable() -> None:
    with pytest.raises(ConfigError, match="BROWSERCHECK_WORKERS"):
        settings_from_env({"BROWSERCHECK_WORKERS": "many"})


@pytest.mark.parametrize("setting", SETTINGS, ids=[s.name for s in SETTINGS])
def test_every_setting_is_in_the_readme(setting: object) -> None:
    assert f"`{setting.env_var}`" in README.read_text(encoding="utf-8")  # type: ignore[attr-defined]
