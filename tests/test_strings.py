"""One table of user-visible strings: every key a template or view asks for exists in both
languages, and two tables never give one key different words."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from diagnostics.models import LANGUAGES, Text
from webapp.i18n import STRINGS, _joined

ROOT = Path(__file__).resolve().parent.parent
#: t("key") and t('key') calls with a literal key, in templates and in Python.
CALL = re.compile(r"""(?<![\w.])t\(\s*["']([a-z0-9_]+)["']\s*[),]""")


def _sources() -> list[Path]:
    return sorted(
        [*ROOT.glob("webapp/templates/**/*.html"), *ROOT.glob("webapp/**/*.py")],
    )


@pytest.mark.parametrize("path", _sources(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_key_asked_for_exists(path: Path) -> None:
    missing = sorted(set(CALL.findall(path.read_text(encoding="utf-8"))) - set(STRINGS))
    assert not missing


def test_the_pages_ask_for_many_keys() -> None:
    # The pattern above must keep finding calls, or the test before it proves nothing.
    asked = {key for path in _sources() for key in CALL.findall(path.read_text(encoding="utf-8"))}
    assert len(asked) > 100 and {"report_code", "login_title", "browsers"} <= asked


def test_every_string_has_every_language() -> None:
    assert LANGUAGES == ("uk", "en")
    empty = [key for key, text in STRINGS.items() if not all(text.get(lang) for lang in LANGUAGES)]
    assert not empty


def test_two_words_for_one_key_fail_loudly() -> None:
    same = _joined({"a": Text("а", "a")}, {"a": Text("а", "a")})
    assert same == {"a": Text("а", "a")}
    with pytest.raises(RuntimeError, match="'a' has two different texts"):
        _joined({"a": Text("а", "a")}, {"a": Text("б", "b")})


def test_the_default_language_is_a_setting(app, client) -> None:  # type: ignore[no-untyped-def]
    app.config["DEFAULT_LANG"] = "en"
    page = client.get("/check", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert 'lang="en"' in page and "Check my browser" in page
    app.config["DEFAULT_LANG"] = "uk"
    page = client.get("/check", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert "Перевірити браузер" in page
