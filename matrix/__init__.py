"""The supported-environment policy and its evaluation.

- :func:`load_policy` -- the policy shipped with the package (``policy.yaml``), or a YAML file;
  raises :class:`PolicyError` naming the file and line of what is wrong
- :func:`read_policy` -- the same without raising: the policy or every problem found
- :func:`evaluate_policy` -- Environment -> :class:`Verdict` ``{status, rule, reasons, remedies}``
- :func:`explain_policy` -- the verdict with every check behind it (``matrix explain``)
- :func:`policy_summary` -- the compact JSON of ``GET /api/v1/matrix``

Pure: no Flask, no database. ``policy.schema.json`` is the file format, ``releases.csv`` the
release table evergreen rules count from.
"""

from __future__ import annotations

from .loader import PolicyError, PolicyProblem, default_policy_path, load_policy, read_policy
from .policy import STATUSES, Explanation, Policy, Verdict
from .rules import evaluate_policy, explain_policy
from .summary import policy_summary

__all__ = [
    "STATUSES",
    "Explanation",
    "Policy",
    "PolicyError",
    "PolicyProblem",
    "Verdict",
    "default_policy_path",
    "evaluate_policy",
    "explain_policy",
    "load_policy",
    "policy_summary",
    "read_policy",
]
