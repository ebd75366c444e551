#!/usr/bin/env bash
# Reproduces the learning tables in BENCHMARKS.md: each algorithm on each environment with
# its preset, 5 seeds (SEEDS=n), 20 deterministic evaluation episodes at the end
# (EVAL_EPISODES=n); prints every seed with its wall time, and the median.
#   bench/learning.sh [ALGO:ENV[:STEPS] ...]   (default: every classic-control preset in BENCHMARKS.md)
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release >/dev/null
runs=("$@")
[ ${#runs[@]} -gt 0 ] || runs=(ppo:Pendulum-v1 ppo:CartPole-v1 ppo:Acrobot-v1 ppo:MountainCarContinuous-v0
                               sac:Pendulum-v1 td3:Pendulum-v1 sac:MountainCarContinuous-v0 dqn:CartPole-v1
                               a2c:CartPole-v1 reinforce:CartPole-v1)
work=$(mktemp -d)
for run in "${runs[@]}"; do
  IFS=: read -r algo env steps <<<"$run"
  results=()
  for seed in $(seq 1 "${SEEDS:-5}"); do
    out="$work/$algo-$env-$seed"
    line=$(.build/release/ascent train "$algo" --env "$env" --seed "$seed" --out "$out" --eval-episodes "${EVAL_EPISODES:-20}" \
             ${steps:+--total-steps "$steps"} 2>/dev/null | grep '^evaluation')
    value=$(echo "$line" | awk '{print $4}')
    last=$(tail -1 "$out/metrics.jsonl")
    seconds=$(echo "$last" | sed -E 's/.*"wall_seconds":([0-9.eE+-]+).*/\1/')
    total=$(echo "$last" | sed -E 's/.*"global_step":([0-9]+).*/\1/')
    echo "$algo $env seed $seed: eval $value after $total steps (training ${seconds}s)"
    results+=("$value")
  done
  median=$(printf '%s\n' "${results[@]}" | sort -g | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}')
  echo "$algo $env median over ${#results[@]} seeds: $median"
done
rm -rf "$work"
