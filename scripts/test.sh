#!/usr/bin/env bash
# Set up Portero Graph and run its whole test suite, including the tests against a real local Neo4j
# (started by the tests themselves with Java 17 and Maven) and the headless-browser tests
# (Debian's chromium). Where Java or chromium is missing, those tests skip and say why.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install -q -e ".[test]"
python3 -m ruff check .
python3 -m pytest -p no:cacheprovider "$@"
