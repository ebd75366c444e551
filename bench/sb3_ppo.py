#!/usr/bin/env python3
"""Stable-Baselines3's PPO in the configuration `ascent bench ppo` uses, for comparison.

Pendulum-v1, 4 envs x 1024 steps, batch 64, 10 epochs, lr 1e-3, gamma 0.9, no gSDE,
102,400 steps, torch limited to 2 threads. Prints JSON records: median training time,
`predict` latency for one observation, and peak resident memory of this process.
"""
import json
import resource
import statistics
import sys
import time

import numpy as np
import torch
from stable_baselines3 import PPO
from stable_baselines3.common.env_util import make_vec_env

torch.set_num_threads(2)
runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
times = []
for seed in range(1, runs + 1):
    env = make_vec_env("Pendulum-v1", n_envs=4, seed=seed)
    start = time.perf_counter()
    model = PPO("MlpPolicy", env, n_steps=1024, batch_size=64, n_epochs=10, learning_rate=1e-3, gamma=0.9,
                seed=seed, device="cpu", verbose=0)
    model.learn(total_timesteps=102_400)
    times.append(time.perf_counter() - start)

obs = np.array([0.3, -0.9, 0.5], dtype=np.float32)
for _ in range(100):
    model.predict(obs, deterministic=True)
n = 2000
start = time.perf_counter()
for _ in range(n):
    model.predict(obs, deterministic=True)
latency = (time.perf_counter() - start) / n

print(json.dumps([
    {"name": "sb3 ppo Pendulum-v1 4x1024 batch 64 10 epochs 102400 steps", "value": statistics.median(times), "unit": "s"},
    {"name": "sb3 predict, one observation", "value": latency * 1e6, "unit": "µs"},
    {"name": "sb3 peak resident memory", "value": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "unit": "MiB"},
], indent=1))
