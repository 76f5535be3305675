#!/usr/bin/env bash
# Set up Portero Graph (in the active virtual environment, else in .venv), load the sample articles and
# open the explorer: http://127.0.0.1:${PORT:-8501}
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
portero_env
portero load sample_data/articles --to embedded
exec portero serve --port "${PORT:-8501}"
