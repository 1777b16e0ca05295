#!/usr/bin/env bash
# Set up (see setup.sh), lint, and run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
VENV="${FAIBRIC_VENV:-.venv}"
"$VENV/bin/ruff" check .
"$VENV/bin/python" -m pytest "$@"
