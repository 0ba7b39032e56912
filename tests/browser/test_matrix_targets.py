"""The QA matrix's targets (matrix/qa/targets.yaml) as a pytest suite, through the runner's own checks.

Each target opens /check in its real engine, dressed as the target says, and must pass
:func:`matrix.qa.runner.check_target` (one implementation with ``browsercheck matrix run``).
``make test`` runs these targets once, through ``browsercheck matrix run --require ...``, and
deselects this module; run it directly with ``pytest tests/browser/test_matrix_targets.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from matrix import load_policy
from matrix.qa.engines import ENGINES, EngineHub
from matrix.qa.results import NOT_RUN, PASSED
from matrix.qa.runner import check_a11y_page, check_target, open_target
from matrix.qa.targets import A11yPage, Target, load_targets
from tests.browser.conftest import LiveServer

pytestmark = pytest.mark.browser

DEFINITION = load_targets()


# Targets with capabilities need a WebDriver grid: tests/browser/test_matrix_remote.py runs the kind.
@pytest.mark.parametrize(
    "target", [t for t in DEFINITION.targets if not t.remote], ids=lambda t: t.id
)
def test_target(
    target: Target, engine_hub: EngineHub, live_server: LiveServer, tmp_path: Path
) -> None:
    session = open_target(engine_hub, target)  # a missing engine fails: make test installs all
    try:
        result = check_target(session, target, live_server.url, load_policy(), tmp_path)
    finally:
        session.close()
    assert result.status == PASSED, "\n".join(result.failures)
    assert result.screenshot and (tmp_path / result.screenshot).stat().st_size > 0
    assert result.ran["engine"] == target.engine and result.ran["version"]


@pytest.mark.parametrize("engine", ENGINES)
# Not named "page": pytest-playwright would parametrize it over --browser as its page fixture.
@pytest.mark.parametrize("a11y_page", DEFINITION.a11y_pages, ids=lambda p: p.id)
def test_accessibility(
    engine: str, a11y_page: A11yPage, engine_hub: EngineHub, live_server: LiveServer
) -> None:
    session = engine_hub.open(engine)
    try:
        result = check_a11y_page(session, a11y_page, live_server.url)
    finally:
        session.close()
    # An optional page (one another change is adding) is "not run" only while it answers 404.
    assert result.status == PASSED or (a11y_page.optional and result.status == NOT_RUN), (
        result.reason + "\n" + "\n".join(result.failures)
    )
