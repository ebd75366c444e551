#!/usr/bin/env bash
# Reproduces the MuJoCo learning table in BENCHMARKS.md with bench/learning.sh: PPO's presets
# at 1M steps over 5 seeds, SAC and TD3 at 300k over 3, 10 deterministic evaluation episodes
# each. Hours of CPU: pass a subset, e.g. bench/mujoco_learning.sh ppo:Hopper-v5
set -euo pipefail
cd "$(dirname "$0")/.."
export EVAL_EPISODES=10
if [ $# -gt 0 ]; then exec bench/learning.sh "$@"; fi
SEEDS=5 bench/learning.sh ppo:HalfCheetah-v5 ppo:Hopper-v5 ppo:Walker2d-v5 ppo:Ant-v5 ppo:Humanoid-v5 \
  ppo:InvertedPendulum-v5:1000000 ppo:InvertedDoublePendulum-v5
SEEDS=3 bench/learning.sh sac:HalfCheetah-v5:300000 sac:Hopper-v5:300000 td3:HalfCheetah-v5:300000
