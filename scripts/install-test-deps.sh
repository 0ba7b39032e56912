#!/usr/bin/env bash
# Make sure the system programs the tests and the benchmarks need are here:
#   PostgreSQL's server programs (initdb, pg_ctl): the tests start a throwaway cluster of their own
#   wrk: the load generator of benchmarks/ingest.py (its smoke test runs in make test)
#   chromedriver and WebKitWebDriver: the W3C WebDriver endpoints standing in for a grid hub in
#     tests/browser/test_matrix_remote.py (Debian's chromium-driver, webkit2gtk-driver)
# As root, missing ones are installed from Debian with apt-get; otherwise we stop and say what to
# install.
set -euo pipefail

want=()
if ! compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null && [[ -z "${BROWSERCHECK_PG_BINDIR:-}" ]]; then
  want+=(postgresql)
fi
if ! command -v wrk >/dev/null; then
  want+=(wrk)
fi
if ! command -v chromedriver >/dev/null; then
  want+=(chromium-driver)
fi
if ! command -v WebKitWebDriver >/dev/null; then
  want+=(webkit2gtk-driver xvfb)
fi

if ((${#want[@]} == 0)); then
  echo "test deps: PostgreSQL, wrk, chromedriver and WebKitWebDriver available"
  exit 0
fi
bash "$(dirname "$0")/apt-install.sh" "test deps" "${want[@]}"
# Debian's package starts a cluster of its own; the tests use their own clusters instead.
if [[ " ${want[*]} " == *" postgresql "* ]] && command -v pg_lsclusters >/dev/null; then
  pg_lsclusters --no-header | while read -r version name _; do
    pg_ctlcluster "$version" "$name" stop 2>/dev/null || true
  done
fi
