#!/usr/bin/env python3
"""Gymnasium's environment speed, for comparison with `ascent bench envs` (bench/envs.sh runs both).

Prints JSON records like Ascent's: unwrapped single-environment steps/s with pre-drawn
actions (median of several runs), and Gymnasium's own vectorised Pendulum for reference.
"""
import json
import statistics
import sys
import time

import gymnasium as gym
import numpy as np

runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
records = []


def single(env_id, steps=200_000):
    env = gym.make(env_id).unwrapped
    env.reset(seed=0)
    space = env.action_space
    space.seed(1)
    actions = [space.sample() for _ in range(4096)]
    start = time.perf_counter()
    for t in range(steps):
        _, _, terminated, _, _ = env.step(actions[t & 4095])
        if terminated:
            env.reset()
    return steps / (time.perf_counter() - start)


def vector(env_id, count=64, steps=2_000):
    envs = gym.make_vec(env_id, num_envs=count, vectorization_mode="sync")
    envs.reset(seed=0)
    actions = [envs.action_space.sample() for _ in range(64)]
    start = time.perf_counter()
    for t in range(steps):
        envs.step(actions[t & 63])
    return steps * count / (time.perf_counter() - start)


for env_id in ["Pendulum-v1", "CartPole-v1"]:
    records.append({"name": f"gymnasium {env_id} single env (unwrapped)", "value": statistics.median(single(env_id) for _ in range(runs)), "unit": "steps/s"})
records.append({"name": "gymnasium Pendulum-v1 sync vector N=64", "value": statistics.median(vector("Pendulum-v1") for _ in range(runs)), "unit": "steps/s"})
print(json.dumps(records, indent=1))
