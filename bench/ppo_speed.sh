#!/usr/bin/env bash
# Reproduces the PPO speed comparison in BENCHMARKS.md: Ascent and Stable-Baselines3
# (installed in bench/.venv-sb3 on first use, ~5 GB with torch) on the same configuration,
# in the same run. Run on a quiet machine.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/sb3_venv.sh
swift build -c release >/dev/null
echo "== Ascent"
.build/release/ascent bench ppo --runs "${RUNS:-5}" "$@"
echo "== Stable-Baselines3"
bench/.venv-sb3/bin/python bench/sb3_ppo.py "${SB3_RUNS:-3}"
