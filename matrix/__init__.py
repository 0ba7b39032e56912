"""The supported-environment policy and its evaluation.

- :func:`load_policy` -- the default policy shipped with the package, or a YAML file
- :func:`evaluate_policy` -- Environment -> :class:`Verdict` ``{status, rule, reasons, remedies}``

Pure: no Flask, no database.
"""

from __future__ import annotations

from .loader import PolicyError, default_policy_path, load_policy
from .rules import STATUSES, Policy, Verdict, evaluate_policy

__all__ = [
    "STATUSES",
    "Policy",
    "PolicyError",
    "Verdict",
    "default_policy_path",
    "evaluate_policy",
    "load_policy",
]
