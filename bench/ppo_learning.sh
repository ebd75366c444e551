#!/usr/bin/env bash
# Reproduces the PPO learning table in BENCHMARKS.md: each preset, 5 seeds, 20
# deterministic evaluation episodes at the end; prints every seed and the median.
#   bench/ppo_learning.sh [ENV ...]     (default: all four presets)
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release >/dev/null
envs=("$@")
[ ${#envs[@]} -gt 0 ] || envs=(Pendulum-v1 CartPole-v1 Acrobot-v1 MountainCarContinuous-v0)
work=$(mktemp -d)
for env in "${envs[@]}"; do
  results=()
  for seed in 1 2 3 4 5; do
    out="$work/$env-$seed"
    line=$(.build/release/ascent train ppo --env "$env" --seed "$seed" --out "$out" 2>/dev/null | grep '^evaluation')
    value=$(echo "$line" | awk '{print $4}')
    seconds=$(tail -1 "$out/metrics.jsonl" | sed -E 's/.*"wall_seconds":([0-9.eE+-]+).*/\1/')
    echo "$env seed $seed: eval $value (training ${seconds}s)"
    results+=("$value")
  done
  median=$(printf '%s\n' "${results[@]}" | sort -g | sed -n 3p)
  echo "$env median over 5 seeds: $median"
done
rm -rf "$work"
