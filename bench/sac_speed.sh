#!/usr/bin/env bash
# Reproduces the SAC speed comparison in BENCHMARKS.md: Ascent and Stable-Baselines3
# (installed in bench/.venv-sb3 on first use, ~5 GB with torch) with SB3's SAC defaults on
# Pendulum-v1, in the same run. Run on a quiet machine: both use every core.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/sb3_venv.sh
swift build -c release >/dev/null
echo "== Ascent"
.build/release/ascent bench sac --runs "${RUNS:-3}" "$@"
echo "== Stable-Baselines3"
bench/.venv-sb3/bin/python bench/sb3_sac.py "${SB3_RUNS:-3}"
