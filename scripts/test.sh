#!/usr/bin/env bash
# Set up (see setup.sh), lint, and run the whole test suite; then the state-heavy tests again with the
# state in PostgreSQL (FAIBRIC_TEST_STATE=postgres: a fresh database per test, PostgreSQL started by the tests).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
VENV="${FAIBRIC_VENV:-.venv}"
"$VENV/bin/ruff" check .
"$VENV/bin/python" -m pytest "$@"
FAIBRIC_TEST_STATE=postgres "$VENV/bin/python" -m pytest "$@" \
    tests/test_onboarding.py tests/test_api.py tests/test_api_trust.py tests/test_build.py tests/test_modify.py \
    tests/test_email.py tests/test_live_sites.py tests/test_live_sites_api.py tests/test_deploy_local.py \
    tests/test_budgets.py tests/test_variants.py tests/test_monitor.py tests/test_analytics_alerts.py \
    tests/test_report.py tests/test_demo.py
