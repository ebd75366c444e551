#!/usr/bin/env bash
# Reproduces the environment figures in BENCHMARKS.md: Ascent's release build and Python
# Gymnasium (installed in bench/.venv-gym on first use), measured in the same run.
# Run on a quiet machine.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${RUNS:-5}"
if [ ! -x bench/.venv-gym/bin/python ]; then
  python3 -m venv bench/.venv-gym
  bench/.venv-gym/bin/pip install -q gymnasium numpy
fi
swift build -c release >/dev/null
echo "== Ascent"
.build/release/ascent bench envs --runs "$runs" "$@"
echo "== Gymnasium $(bench/.venv-gym/bin/python -c 'import gymnasium; print(gymnasium.__version__)')"
bench/.venv-gym/bin/python bench/gymnasium_envs.py "$runs"
