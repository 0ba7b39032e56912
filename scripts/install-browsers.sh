#!/usr/bin/env bash
# Make sure every browser engine the tests need can run here (see matrix/qa/engines.py).
# Playwright's own browsers are used where installed; otherwise, as root, Debian's packages are
# installed with apt-get; otherwise we stop and say what to install.
set -euo pipefail
PY=${1:-.venv/bin/python}

want=$("$PY" - <<'PYEOF'
from playwright.sync_api import sync_playwright
from matrix.qa.engines import DEBIAN_PACKAGES, ENGINES, EngineMissing, resolve_engine
with sync_playwright() as p:
    missing = [e for e in ENGINES if isinstance(resolve_engine(p, e), EngineMissing)]
print(" ".join(pkg for e in missing for pkg in DEBIAN_PACKAGES[e]))
PYEOF
)

if [[ -z "$want" ]]; then
  echo "browsers: chromium, firefox and webkit available"
  exit 0
fi
if [[ $(id -u) -ne 0 ]]; then
  echo "browsers: missing engines. Install Playwright's browsers (.venv/bin/playwright install --with-deps)" >&2
fi
# shellcheck disable=SC2086
bash "$(dirname "$0")/apt-install.sh" browsers $want
