#!/usr/bin/env bash
# Run the test suite: .venv with requirements-dev.txt, Debian's chromium for the browser tests
# (installed when missing and we are root), then `pytest -n auto` with any extra arguments.
#   ./scripts/test.sh                      # everything, on SQLite
#   ./scripts/test.sh tests/e2e -n 0       # one directory, no parallelism
#   DATABASE_URL=postgres://postgres@localhost/test ./scripts/test.sh   # on PostgreSQL
# The exit code is pytest's (5 means no tests were collected).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/venv.sh

ensure_venv requirements-dev.txt

CHROMIUM=/usr/bin/chromium
if [ ! -x "$CHROMIUM" ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "==> Installing Debian's chromium for the browser tests"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq && apt-get install -y -qq chromium >/dev/null ||
            echo "warning: could not install chromium; the browser tests will skip (and fail when CI is set)" >&2
    else
        echo "note: $CHROMIUM is missing and we are not root; the browser tests will be skipped" \
            "(install it with: sudo apt-get install chromium)" >&2
    fi
fi

# loadgroup: tests marked xdist_group share one worker (the run-command tests start run.sh once).
exec .venv/bin/pytest -n auto --dist loadgroup "$@"
