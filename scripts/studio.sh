#!/usr/bin/env bash
# Set up (see setup.sh), then start the builder studio (JupyterLab on
# notebooks/builder.ipynb, loopback only, token printed).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
VENV="${FAIBRIC_VENV:-.venv}"
"$VENV/bin/faibric" init
exec "$VENV/bin/faibric" studio "$@"
