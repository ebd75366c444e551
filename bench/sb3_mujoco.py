#!/usr/bin/env python3
"""Stable-Baselines3's PPO and SAC with their default configurations on a MuJoCo task, for
comparison with `ascent bench ppo --env` and `ascent bench sac --env` (bench/mujoco_training.sh
runs both). torch limited to 2 threads.

PPO: `PPO("MlpPolicy", env)` (1 env x 2048 steps, batch 64, 10 epochs, 64-64), `ppo_steps`
steps from scratch. SAC: `SAC("MlpPolicy", env)` (256-256, batch 256, one gradient step per
step), `sac_steps` steps timed after a warm-up past learning_starts. Median over runs.
"""
import json
import statistics
import sys
import time

import gymnasium as gym
import torch
from stable_baselines3 import PPO, SAC

torch.set_num_threads(2)
env_id = sys.argv[1] if len(sys.argv) > 1 else "HalfCheetah-v5"
runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
ppo_steps = int(sys.argv[3]) if len(sys.argv) > 3 else 20_480
sac_steps = int(sys.argv[4]) if len(sys.argv) > 4 else 500

ppo_rates, sac_rates = [], []
for seed in range(1, runs + 1):
    start = time.perf_counter()
    PPO("MlpPolicy", gym.make(env_id), seed=seed, device="cpu", verbose=0).learn(total_timesteps=ppo_steps)
    ppo_rates.append(ppo_steps / (time.perf_counter() - start))
    model = SAC("MlpPolicy", gym.make(env_id), seed=seed, device="cpu", verbose=0)
    model.learn(total_timesteps=300)
    start = time.perf_counter()
    model.learn(total_timesteps=sac_steps, reset_num_timesteps=False)
    sac_rates.append(sac_steps / (time.perf_counter() - start))

print(json.dumps([
    {"name": f"sb3 ppo {env_id} defaults, {ppo_steps} steps", "value": statistics.median(ppo_rates), "unit": "steps/s"},
    {"name": f"sb3 sac {env_id} defaults 256-256 batch 256", "value": statistics.median(sac_rates), "unit": "steps/s"},
], indent=1))
