#!/usr/bin/env bash
# Set up Portero Graph and open the explorer on the sample articles: http://127.0.0.1:8501
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install -q -e .
portero load sample_data/articles --to embedded
exec portero serve --port "${PORT:-8501}"
