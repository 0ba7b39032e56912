"""Schemathesis against /api/openapi.json of a real server: no server error, no answer that
breaks the document.

The CLI runs every phase (coverage, fuzzing, stateful) with every check (``--checks all``:
status codes, content types, headers, response schemas, negative data rejected, positive data
accepted, unsupported methods answered 405 with Allow, ...) against ``browsercheck serve`` on a
free port. The budget is small and deterministic so ``make test`` stays fast and repeatable.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.conftest import LiveServer

#: Examples per operation and phase; the coverage phase adds its own boundary cases.
FUZZ_EXAMPLES = 20


@pytest.fixture(scope="module")
def fuzz_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    # Rate limits off: the fuzzer is one address sending a thousand requests on purpose.
    server = LiveServer(
        tmp_path_factory.mktemp("fuzz") / "instance", env={"BROWSERCHECK_RATELIMIT": "off"}
    )
    yield server
    server.stop()


#: schemathesis.toml in the run's folder. The fuzzer sends one generated Idempotency-Key with
#: several bodies; the key's second body is 422 by the IETF draft (webapp/idempotency.py), a
#: state conflict and no rejected schema-valid request.
SCHEMATHESIS_CONFIG = """
[[operations]]
include-name = "POST /api/v1/reports"
checks.positive_data_acceptance.expected-statuses = [
    "2xx", "3xx", "401", "403", "404", "409", "422", "429", "5xx",
]
"""


def test_schemathesis_finds_no_failure(fuzz_server: LiveServer, tmp_path: Path) -> None:
    (tmp_path / "schemathesis.toml").write_text(SCHEMATHESIS_CONFIG, encoding="utf-8")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "schemathesis.cli",
            "run",
            f"{fuzz_server.url}/api/openapi.json",
            "--checks",
            "all",
            "--max-examples",
            str(FUZZ_EXAMPLES),
            "--generation-deterministic",
            "--workers",
            "1",
            "--no-color",
            "--max-failures",
            "20",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output + "\n--- server log ---\n" + fuzz_server.log.read_text()
    selected = re.search(r"Selected: (\d+)/(\d+)", output)
    tested = re.search(r"Tested: (\d+)", output)
    assert selected and tested, output
    assert selected.group(1) == selected.group(2) == tested.group(1)  # every operation fuzzed
    assert int(re.search(r"(\d+) generated", output).group(1)) > 500  # type: ignore[union-attr]
    assert "Traceback" not in fuzz_server.log.read_text()
