#!/usr/bin/env bash
# Installs what Ascent's MuJoCo environments need: the MuJoCo C library (PyPI's mujoco-core
# wheel: libmujoco.so.<version>, no Python needed to use it) and Gymnasium's MJCF models
# (the gymnasium wheel's envs/mujoco/assets), unpacked into one folder. Nothing else of
# either package is used, and Ascent runs no Python.
#
#   scripts/install-mujoco.sh [DIR]      # default: ~/.local/share/ascent/mujoco
#
# Ascent finds the default folder by itself; for another DIR, export the line printed at
# the end. Needs pip (python3 -m pip); 36 MB unpacked.
set -euo pipefail

MUJOCO_VERSION=4.0.0
GYMNASIUM_VERSION=1.4.0
DIR="${1:-$HOME/.local/share/ascent/mujoco}"

if ! python3 -m pip --version >/dev/null 2>&1; then
  echo "install-mujoco: pip is needed to fetch the wheels (apt-get install python3-pip)" >&2
  exit 1
fi
mkdir -p "$DIR"
python3 -m pip install --quiet --disable-pip-version-check --no-deps --upgrade --target "$DIR" \
  "mujoco-core==$MUJOCO_VERSION" "gymnasium==$GYMNASIUM_VERSION"

LIB=$(ls "$DIR"/mujoco/libmujoco.so.* "$DIR"/mujoco/libmujoco.*.dylib 2>/dev/null | head -n 1 || true)
if [ -z "$LIB" ] || [ ! -f "$DIR/gymnasium/envs/mujoco/assets/half_cheetah.xml" ]; then
  echo "install-mujoco: the wheels did not provide libmujoco and Gymnasium's assets under $DIR" >&2
  exit 1
fi
echo "MuJoCo $MUJOCO_VERSION: $LIB"
echo "Gymnasium $GYMNASIUM_VERSION models: $DIR/gymnasium/envs/mujoco/assets"
if [ "$DIR" != "$HOME/.local/share/ascent/mujoco" ]; then
  echo "Ascent finds it with:"
  echo "  export ASCENT_MUJOCO=\"$DIR\""
fi
