#!/usr/bin/env bash
# Set up Faibric from a fresh clone: a virtualenv with the package and its test
# tools, the pinned npm packages (esbuild, react, react-dom, axe-core), and, when
# run as root on Debian, the chromium used by browser tests, redis-server and
# postgresql (the lake tests). Safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
VENV="${FAIBRIC_VENV:-.venv}"

# chromium for browser tests and screenshots; redis-server for the test of rate limits shared through Redis;
# postgresql for the event lake's tests (its catalog; the tests start their own server in a temporary folder)
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
if [ "${#missing[@]}" -gt 0 ] && [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "[setup] installing Debian's ${missing[*]}" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [ ! -x "$VENV/bin/python" ]; then
    echo "[setup] creating $VENV" >&2
    "$PYTHON" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install -q --upgrade pip >/dev/null
echo "[setup] installing faibric and its test tools into $VENV" >&2
"$VENV/bin/python" -m pip install -q -e '.[test]'
echo "[setup] installing the pinned npm packages (once, shared by all sites)" >&2
"$VENV/bin/faibric" setup
