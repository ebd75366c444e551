#!/usr/bin/env bash
# Reproduces the tensor-engine figures in BENCHMARKS.md: Ascent's kernels, and the
# system OpenBLAS measured in the same run (needs libopenblas-dev; installed if missing).
#
#   bench/tensor.sh            # table
#   bench/tensor.sh --json     # JSON records
#
# Run on a quiet machine. OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE are unset for this run only:
# the shell's OPENBLAS_CORETYPE=Haswell halves OpenBLAS's speed on this CPU.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! pkg-config --exists openblas 2>/dev/null; then
  apt-get update -qq && apt-get install -y -qq libopenblas-dev >/dev/null
fi
swift build -c release --traits OpenBLAS --scratch-path .build-openblas >/dev/null
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=1 \
  .build-openblas/release/ascent bench tensor --runs "${RUNS:-7}" "$@"
