#!/usr/bin/env bash
# Reproduces the MuJoCo training-speed comparison in BENCHMARKS.md: PPO and SAC in
# Stable-Baselines3's default configurations, Ascent and SB3 (bench/.venv-sb3, with MuJoCo
# 4.0.0 and Gymnasium 1.4.0 added) on the same task in the same run. Ascent uses that venv's
# libmujoco. Run on a quiet machine.   bench/mujoco_training.sh [ENV_ID]
set -euo pipefail
cd "$(dirname "$0")/.."
env_id="${1:-HalfCheetah-v5}"
. bench/sb3_venv.sh
bench/.venv-sb3/bin/python -c 'import mujoco' 2>/dev/null || bench/.venv-sb3/bin/pip install -q "mujoco==4.0.0" "gymnasium[mujoco]==1.4.0"
site=$(bench/.venv-sb3/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
swift build -c release >/dev/null
echo "== Ascent"
ASCENT_MUJOCO="$site" .build/release/ascent bench ppo --env "$env_id" --runs "${RUNS:-3}" --steps 102400
ASCENT_MUJOCO="$site" .build/release/ascent bench sac --env "$env_id" --runs "${RUNS:-3}" --steps 1000
echo "== Stable-Baselines3"
bench/.venv-sb3/bin/python bench/sb3_mujoco.py "$env_id" "${SB3_RUNS:-3}" 20480 500
