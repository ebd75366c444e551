"""Runs a policy exported with `ascent export` in Gymnasium itself, from Gymnasium's own start
states, and reports the mean return and how many episodes ended before the time limit.

    python bench/gymnasium_onnx_eval.py policy.onnx InvertedDoublePendulum-v5 [episodes]

Needs gymnasium[mujoco], onnxruntime and imageio (the CI venv plus `pip install gymnasium
mujoco==4.0.0 imageio`). Episode i starts from reset(seed=i).
"""
import sys

import gymnasium as gym
import numpy as np
import onnxruntime as ort

path, env_id = sys.argv[1], sys.argv[2]
episodes = int(sys.argv[3]) if len(sys.argv) > 3 else 200
session = ort.InferenceSession(path)
env = gym.make(env_id)
limit = env.spec.max_episode_steps
returns, short = [], 0
for seed in range(episodes):
    observation, _ = env.reset(seed=seed)
    total, steps, done = 0.0, 0, False
    while not done:
        action = session.run(None, {"observation": observation[None].astype(np.float32)})[0][0]
        observation, reward, terminated, truncated, _ = env.step(action)
        total, steps, done = total + reward, steps + 1, terminated or truncated
    returns.append(total)
    short += steps < limit
print(f"{env_id}: mean return {np.mean(returns):.1f} over {episodes} episodes; {short} ended before {limit} steps")
