#!/usr/bin/env bash
# Reproduces the MuJoCo environment figures in BENCHMARKS.md: Ascent's release build and
# Python Gymnasium (installed in bench/.venv-mujoco on first use, with the MuJoCo version
# Ascent is tested on), measured in the same run. Ascent uses the same venv's libmujoco.
# Run on a quiet machine. Extra arguments go to `ascent bench mujoco` (e.g. --envs Ant-v5).
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${RUNS:-5}"
if [ ! -x bench/.venv-mujoco/bin/python ]; then
  python3 -m venv bench/.venv-mujoco
  bench/.venv-mujoco/bin/pip install -q "mujoco==4.0.0" "gymnasium[mujoco]==1.4.0"
fi
site=$(bench/.venv-mujoco/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
swift build -c release >/dev/null
echo "== Ascent"
ASCENT_MUJOCO="$site" .build/release/ascent bench mujoco --runs "$runs" "$@"
echo "== Gymnasium $(bench/.venv-mujoco/bin/python -c 'import gymnasium; print(gymnasium.__version__)')"
bench/.venv-mujoco/bin/python bench/gymnasium_mujoco.py "$runs"
