#!/usr/bin/env python3
"""Stable-Baselines3's SAC with its defaults on Pendulum-v1, for comparison with `ascent bench sac`.

256-256 networks, batch 256, one gradient step per environment step, learning_starts 100,
torch limited to 2 threads. Times `steps` environment steps after a warm-up of 300 steps
and prints JSON records: the median steps per second over `runs` runs.
"""
import json
import statistics
import sys
import time

import torch
from stable_baselines3 import SAC

torch.set_num_threads(2)
runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
steps = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
rates = []
for seed in range(1, runs + 1):
    model = SAC("MlpPolicy", "Pendulum-v1", seed=seed, device="cpu", verbose=0)
    model.learn(total_timesteps=300)
    start = time.perf_counter()
    model.learn(total_timesteps=steps, reset_num_timesteps=False)
    rates.append(steps / (time.perf_counter() - start))

print(json.dumps([
    {"name": "sb3 sac Pendulum-v1 256-256 batch 256, torch 2 threads", "value": statistics.median(rates), "unit": "steps/s"},
], indent=1))
