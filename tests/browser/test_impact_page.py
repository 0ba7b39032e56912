"""In a real browser (Chromium, Firefox, WebKit): the desk's "Impact of a policy change" page,
signed in as an admin, with a policy uploaded and its table of moves shown, fits 320 px and
passes axe-core."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from matrix.qa.engines import BrowserSession
from matrix.qa.runner import describe_violations, run_axe
from tests.browser.conftest import LiveServer
from tests.browser.test_phones_keys import _overflow, _set_width
from tests.test_matrix_impact import CHROME_120, changed_policy, chrome

pytestmark = pytest.mark.browser

ADMIN = ("impact-admin@example.com", "browser test admin passphrase 7")


@pytest.fixture(scope="module")
def desk_admin(live_server: LiveServer) -> tuple[str, str]:
    """An admin account in the live server's database, made by ``browsercheck users add``."""
    result = subprocess.run(
        [sys.executable, "-m", "webapp", "users", "add", ADMIN[0], "--password", ADMIN[1]]
        + ["--role", "admin"],
        env={**os.environ, "BROWSERCHECK_INSTANCE_PATH": str(live_server.log.parent)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0 or "exists" in result.stderr, result.stderr
    for ua in (chrome(115), chrome(110, "Windows NT 6.1; Win64; x64")):
        request = urllib.request.Request(
            f"{live_server.url}/api/v1/reports",
            data=b"{}",
            headers={"Content-Type": "application/json", "User-Agent": ua},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 201
    return ADMIN


def test_impact_page_fits_a_phone_and_passes_axe(
    session: BrowserSession, live_server: LiveServer, desk_admin: tuple[str, str], tmp_path: Path
) -> None:
    session.goto(f"{live_server.url}/support/login?lang=uk")
    session.evaluate(
        f"(function () {{ document.getElementById('email').value = {json.dumps(desk_admin[0])};"
        f" document.getElementById('password').value = {json.dumps(desk_admin[1])};"
        " document.querySelector('form.login').submit(); return true; })()"
    )
    session.wait_visible("[data-testid=agent]")
    _set_width(session, 320)
    session.goto(f"{live_server.url}/support/impact?lang=uk")
    violations = run_axe(session)["violations"]
    assert violations == [], f"form: {describe_violations(violations)}"
    policy = changed_policy(tmp_path, CHROME_120).read_text(encoding="utf-8")
    # the file chosen as a user would (a File in the input), sent by the form itself
    session.evaluate(
        "(function () { var list = new DataTransfer();"
        f" list.items.add(new File([{json.dumps(policy)}], 'new-policy.yaml'));"
        " var input = document.querySelector('[data-testid=impact-file]');"
        " input.files = list.files;"
        " document.querySelector('[data-testid=impact-form]').submit(); return true; })()"
    )
    session.wait_visible("[data-testid=impact-table]")
    assert "Підтримується" in session.text("[data-testid=impact-table]")
    assert session.attribute("[data-testid=impact-table] a.code-link", "href")
    sizes = _overflow(session)
    if sizes["viewport"] > 320 and session.engine == "webkit":
        # WebKitGTK's window is never that narrow (see test_phones_keys._assert_fits)
        session.evaluate("document.documentElement.style.width = '320px'")
        sizes = {**_overflow(session), "page": 0, "body": 0}
    assert sizes["page"] <= 320 and sizes["body"] <= 320 and sizes["widest"] <= 320, sizes
    violations = run_axe(session)["violations"]
    assert violations == [], f"table: {describe_violations(violations)}"
