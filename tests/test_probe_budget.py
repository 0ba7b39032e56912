"""The size budget: the served probe (and the embed script that carries it) at most 8 KB gzipped.

Size is deterministic, so it is asserted here; the timing budgets are measured by
benchmarks/probe_budget.py, which prints them (timed assertions do not belong in tests).
"""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient

BUDGET_GZIP_BYTES = 8 * 1024


@pytest.mark.parametrize("url", ["/probe.js", "/embed.js"], ids=["probe", "embed"])
@pytest.mark.parametrize("level", [6, 9], ids=["gzip-6", "gzip-9"])
def test_served_script_within_gzip_budget(client: FlaskClient, url: str, level: int) -> None:
    body = client.get(url).data
    size = len(gzip.compress(body, compresslevel=level))
    assert size <= BUDGET_GZIP_BYTES, f"{url}: {size} bytes gzipped (budget {BUDGET_GZIP_BYTES})"


def test_collect_waits_for_every_late_task() -> None:
    # collect() finishes when its countdown reaches 0: one per task() and one for the groups. Two
    # branches that each added a task once left it one short, and the last answer was lost.
    source = (Path(__file__).resolve().parents[1] / "probes/probe.js").read_text(encoding="utf-8")
    body = source[source.index("  function collect(") : source.index("  function drop(")]
    pending = int(re.search(r"pending = (\d+)", body).group(1))  # type: ignore[union-attr]
    assert pending == body.count("    task(") + 1
