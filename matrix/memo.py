"""Remembered verdicts, held by whoever owns the process (the web app's services).

The detector hands out one cached :class:`~diagnostics.models.Environment` object per distinct
client, so a collector meets the same (frozen) policy and environment objects again and again;
:class:`VerdictMemo` evaluates each pair once. Kept out of :mod:`matrix.rules`, which stays
free of state (ua-parser's ``caching.py`` is the model: the cache wraps the pure function).
"""

from __future__ import annotations

import threading

from diagnostics.models import Environment

from .policy import Policy, Verdict
from .rules import evaluate_policy


class VerdictMemo:
    """``memo(policy, env)`` is ``evaluate_policy(policy, env)``, remembered by the identity of
    both objects. The objects are kept with their verdict, so an id is never reused while its
    entry lives. Bounded: emptied when ``size`` entries are held. Thread-safe."""

    def __init__(self, size: int = 8192) -> None:
        if size < 1:
            raise ValueError(f"size must be positive, got {size}")
        self.size = size
        self._seen: dict[tuple[int, int], tuple[Policy, Environment, Verdict]] = {}
        self._lock = threading.Lock()

    def __call__(self, policy: Policy, env: Environment) -> Verdict:
        key = (id(policy), id(env))
        seen = self._seen.get(key)
        if seen is not None and seen[0] is policy and seen[1] is env:
            return seen[2]
        verdict = evaluate_policy(policy, env)
        with self._lock:
            if len(self._seen) >= self.size:
                self._seen.clear()
            self._seen[key] = (policy, env, verdict)
        return verdict

    def __len__(self) -> int:
        return len(self._seen)

    def clear(self) -> None:
        with self._lock:
            self._seen.clear()
