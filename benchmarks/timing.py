"""The one timing primitive the benchmarks share: a median over repeated calls."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def median_us(call: Callable[[], object], rounds: int) -> float:
    """Median wall time of ``call()`` over ``rounds`` calls, in microseconds."""
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1e6
