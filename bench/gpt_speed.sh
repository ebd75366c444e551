#!/usr/bin/env bash
# Reproduces the GPT tokens/s comparison in BENCHMARKS.md: Ascent and PyTorch (in
# bench/.venv-sb3, installed on first use) on the RLHF demo's model, in the same run.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x bench/.venv-sb3/bin/python ]; then
  python3 -m venv bench/.venv-sb3
  bench/.venv-sb3/bin/pip install -q stable-baselines3 gymnasium torch
fi
swift build -c release >/dev/null
echo "== Ascent"
.build/release/ascent bench gpt --runs "${RUNS:-5}" "$@"
echo "== PyTorch, 2 threads"
bench/.venv-sb3/bin/python bench/torch_gpt.py "${TORCH_RUNS:-5}"
