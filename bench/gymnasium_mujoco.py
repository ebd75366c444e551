#!/usr/bin/env python3
"""Gymnasium's MuJoCo environment speed, for comparison with `ascent bench mujoco` (bench/mujoco.sh runs both).

Prints JSON records like Ascent's: unwrapped single-environment steps/s with pre-drawn
random actions, resetting at episode ends (median of several runs).
"""
import json
import statistics
import sys
import time

import gymnasium as gym

runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
ids = sys.argv[2].split(",") if len(sys.argv) > 2 else [
    "HalfCheetah-v5", "Hopper-v5", "Walker2d-v5", "Ant-v5", "Humanoid-v5", "Swimmer-v5",
    "InvertedPendulum-v5", "InvertedDoublePendulum-v5", "Reacher-v5", "Pusher-v5"]


def single(env_id, steps=5_000):
    env = gym.make(env_id).unwrapped
    env.reset(seed=0)
    space = env.action_space
    space.seed(1)
    actions = [space.sample() for _ in range(1024)]
    start = time.perf_counter()
    for t in range(steps):
        _, _, terminated, _, _ = env.step(actions[t & 1023])
        if terminated:
            env.reset()
    return steps / (time.perf_counter() - start)


records = [{"name": f"gymnasium {env_id} env step (unwrapped)", "value": statistics.median(single(env_id) for _ in range(runs)),
            "unit": "steps/s"} for env_id in ids]
print(json.dumps(records, indent=1))
