# Sourced by the comparison scripts: Stable-Baselines3, Gymnasium and torch in
# bench/.venv-sb3 (about 5 GB), installed on first use.
if [ ! -x bench/.venv-sb3/bin/python ]; then
  python3 -m venv bench/.venv-sb3
  bench/.venv-sb3/bin/pip install -q stable-baselines3 gymnasium torch
fi
