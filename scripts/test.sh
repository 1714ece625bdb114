#!/usr/bin/env bash
# Runs the test suite, creating .venv first when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/minsheng ]; then
  bash scripts/setup.sh
fi
exec .venv/bin/python -m pytest "$@"
