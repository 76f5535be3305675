#!/usr/bin/env bash
# Set up Portero Graph (in the active virtual environment, else in .venv) and run its whole test suite,
# including the tests against a real local Neo4j (started by the tests themselves with Java 17 and Maven)
# and the headless-browser tests (Debian's chromium). Where Java or chromium is missing, those tests skip
# and say why.
#   bash scripts/test.sh --fast      only the tests that need no Neo4j, no browser and are not slow
#   bash scripts/test.sh ARGS...     other arguments go to pytest
set -euo pipefail
cd "$(dirname "$0")/.."
fast=()
if [[ "${1:-}" == "--fast" ]]; then
  shift
  fast=(-m "not neo4j and not browser and not slow")
fi
PORTERO_EXTRAS=test
source scripts/env.sh
portero_env
"$PY" -m ruff check .
exec "$PY" -m pytest -p no:cacheprovider "${fast[@]}" "$@"
