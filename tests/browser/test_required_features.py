"""Required features in real Chromium, Firefox and WebKit: the probe tests exactly the features
the policy names (read from GET /api/v1/matrix), each check answers what web-features' support
data says for the engine that runs, and a feature taken away before the probe runs gives the
verdict the policy sets for it, naming the feature."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

from diagnostics.useragent import detect_environment
from diagnostics.validate import validate_payload
from matrix.features import CHECKED_FEATURES
from matrix.loader import default_policy_path
from matrix.qa.engines import BrowserSession
from matrix.versions import compare_to_bound, parse_version
from tests.browser.conftest import LiveServer
from tests.browser.test_probe import collect_payload, run_check

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
#: Which web-features support key a detected browser family's version is compared with.
SUPPORT_KEY = {"Chromium": "chrome", "Chrome": "chrome", "Firefox": "firefox", "Safari": "safari"}


@cache
def support_data() -> dict[str, dict[str, str]]:
    """web-features' ``status.support`` (browser -> first version) of every checked feature."""
    code = (
        "import('web-features').then(({features}) => console.log(JSON.stringify("
        f"Object.fromEntries({json.dumps(list(CHECKED_FEATURES))}.map(id => "
        "[id, features[id].status.support])))))"
    )
    done = subprocess.run(
        ["node", "-e", code], capture_output=True, text=True, cwd=ROOT, check=True, timeout=60
    )
    data: dict[str, dict[str, str]] = json.loads(done.stdout)
    return data


def policy_requiring(block: str) -> str:
    text = default_policy_path().read_text(encoding="utf-8")
    releases = default_policy_path().parent / "releases.csv"
    text = re.sub(r"^releases: .*$", f"releases: {releases}", text, count=1, flags=re.MULTILINE)
    return text.replace("version: 1\n", f"version: 1\n{block}", 1)


@pytest.fixture(scope="module")
def feature_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server whose policy requires every feature the probe checks; <dialog> only "limited"."""
    folder = tmp_path_factory.mktemp("features")
    items = [f"{{feature: {f}, status: limited}}" if f == "dialog" else f for f in CHECKED_FEATURES]
    policy = folder / "policy.yaml"
    policy.write_text(policy_requiring(f"requires: [{', '.join(items)}]\n"), encoding="utf-8")
    server = LiveServer(folder / "instance", {"BROWSERCHECK_POLICY_FILE": str(policy)})
    yield server
    server.stop()


#: WebKitGTK's MiniBrowser says "Version/60.5" whatever its WebKit: the Safari release cut from
#: the same WebKit branch stands in (WebKitGTK's and Safari's yearly branches: webkitgtk.org
#: release notes and WebKit's Safari release notes, September and March).
WEBKITGTK_AS_SAFARI = {"2.46": "18.0", "2.48": "18.4", "2.50": "26.0", "2.52": "26.4"}


def engine_version(session: BrowserSession, ua: str) -> tuple[str, str]:
    """The web-features support key and the version to compare for the browser that ran."""
    described = session.describe()["version"]
    if described.startswith("WebKitGTK "):
        branch = ".".join(described.split()[1].split(".")[:2])
        assert branch in WEBKITGTK_AS_SAFARI, f"add {described} to WEBKITGTK_AS_SAFARI"
        return "safari", WEBKITGTK_AS_SAFARI[branch]
    env = detect_environment(ua)
    return SUPPORT_KEY[env.browser.family], env.browser.version or ""


def expected(key: str, version: str, feature: str) -> bool:
    first = support_data()[feature].get(key)
    have, bound = parse_version(version), parse_version(first) if first else None
    return bool(have and bound and compare_to_bound(have, bound) >= 0)


def test_the_probe_checks_the_policys_features_as_the_data_says(
    session: BrowserSession, feature_server: LiveServer
) -> None:
    session.goto(f"{feature_server.url}/check?lang=en")
    session.wait_visible("[data-testid=result]")
    payload = collect_payload(session)
    validate_payload(payload)
    assert set(payload["features"]) == set(CHECKED_FEATURES)  # exactly what the policy names
    key, version = engine_version(session, payload["userAgent"])
    wrong = {
        feature: found
        for feature, found in payload["features"].items()
        if found is not expected(key, version, feature)
    }
    assert wrong == {}, f"{key} {version}: checks that disagree with web-features' support data"
    assert payload["features"]["dialog"] is True  # every engine here has <dialog>
    # Chromium alone has the File System Access API: an honest "false" in Firefox and WebKit,
    # which the check page names to the user first
    assert payload["features"]["file-system-access"] is (session.engine == "chromium")
    if session.engine != "chromium":
        blocking = session.text("[data-testid=blocking]")
        assert "Your browser cannot open and save files on the device (File system access)." in (
            blocking
        )


def test_a_feature_removed_before_the_probe_is_named_in_the_verdict(
    session: BrowserSession, feature_server: LiveServer
) -> None:
    session.goto(f"{feature_server.url}/check?lang=en")
    session.wait_visible("[data-testid=result]")
    # What an engine without <dialog> looks like to the probe: the interface is gone.
    session.evaluate("(function () { delete window.HTMLDialogElement; return 1; })()")
    answer = run_check(session)
    assert answer["report"]["probe"]["features"]["dialog"] is False
    verdict = answer["report"]["verdict"]
    reasons = [r["en"] for r in verdict["reasons"]]
    assert "Your browser cannot show dialog windows (<dialog>)." in reasons
    uk = [r["uk"] for r in verdict["reasons"]]
    assert "Ваш браузер не вміє показувати діалогові вікна (<dialog>)." in uk
    if session.engine == "chromium":  # nothing else missing: the policy's "limited" decides
        assert (verdict["status"], verdict["rule"]) == ("limited", "feature:dialog")
    else:  # the File System Access API is missing too, and it is required as "unsupported"
        assert verdict["status"] == "unsupported"
        assert "Your browser cannot open and save files on the device (File system access)." in (
            reasons
        )
