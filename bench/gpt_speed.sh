#!/usr/bin/env bash
# Reproduces the GPT tokens/s comparison in BENCHMARKS.md: Ascent and PyTorch (in
# bench/.venv-sb3, installed on first use) on the RLHF demo's model, in the same run.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/sb3_venv.sh
swift build -c release >/dev/null
echo "== Ascent"
.build/release/ascent bench gpt --runs "${RUNS:-5}" "$@"
echo "== PyTorch, 2 threads"
bench/.venv-sb3/bin/python bench/torch_gpt.py "${TORCH_RUNS:-5}"
