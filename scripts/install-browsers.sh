#!/usr/bin/env bash
# Make sure every browser engine the tests need can run here.
# Playwright's own browsers are used where installed; otherwise, as root, Debian's packages are
# installed with apt-get; otherwise we stop and say what to install.
set -euo pipefail
PY=${1:-.venv/bin/python}

missing=$("$PY" - <<'PYEOF'
from playwright.sync_api import sync_playwright
from matrix.engines import EngineMissing, resolve_engine
with sync_playwright() as p:
    print(" ".join(e for e in ("chromium", "firefox") if isinstance(resolve_engine(p, e), EngineMissing)))
PYEOF
)

# Debian packages each engine needs when Playwright's own is not installed.
declare -A PACKAGES=(
  [chromium]="chromium"
  [firefox]="firefox-esr"
)
want=()
for engine in $missing; do want+=(${PACKAGES[$engine]}); done

if ((${#want[@]} == 0)); then
  echo "browsers: all engines available"
  exit 0
fi
if [[ $(id -u) -ne 0 ]]; then
  echo "browsers: missing ${missing}. Install Playwright's browsers (.venv/bin/playwright install --with-deps)" >&2
fi
bash "$(dirname "$0")/apt-install.sh" browsers "${want[@]}"
