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
args=()
for arg in "$@"; do
  if [[ "$arg" == "--fast" ]]; then
    fast=(-m "not neo4j and not browser and not slow")
  else
    args+=("$arg")
  fi
done
PORTERO_EXTRAS=test
source scripts/env.sh
portero_env
"$PY" -m ruff check .
jars="${PORTERO_TEST_HOME:-${PORTERO_HOME:-.portero}}/neo4j-lib"
if [[ ${#fast[@]} == 0 && ! -f "$jars/build.stamp" ]] && command -v mvn >/dev/null 2>&1; then
  echo "The first Neo4j test builds Neo4j 5.26 with Maven into $jars (once; a few minutes to fetch its" \
    "jars, under one when ~/.m2 has them)"
fi
exec "$PY" -m pytest -p no:cacheprovider "${fast[@]}" "${args[@]}"
