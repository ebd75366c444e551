#!/usr/bin/env python3
"""Writes the golden trajectories that Ascent's environment tests replay.

Run by hand (never at test time), from the repository root:
    python3 -m venv .venv-gym && .venv-gym/bin/pip install gymnasium numpy
    .venv-gym/bin/python scripts/gymnasium_fixtures.py

For each classic-control environment it injects start states into Gymnasium's own
implementation, applies fixed action sequences (including out-of-range actions, wall
contacts, angle wrap-around and episode ends) and records every observation, reward,
termination flag and internal state, with floats printed so they parse back exactly.
"""
import json
from pathlib import Path

import gymnasium as gym
import numpy as np

OUT = Path(__file__).resolve().parent.parent / "Tests" / "AscentEnvironmentsTests" / "Fixtures"
rng = np.random.default_rng(2026)


def run(env_id, start_states, action_lists, set_state, get_state):
    env = gym.make(env_id).unwrapped
    env.reset(seed=0)
    cases = []
    for state, actions in zip(start_states, action_lists):
        set_state(env, state)
        steps = []
        for action in actions:
            obs, reward, terminated, truncated, _ = env.step(action)
            steps.append({
                "observation": [float(x) for x in np.asarray(obs, dtype=np.float32)],
                "reward": float(reward),
                "terminated": bool(terminated),
                "state": [float(x) for x in get_state(env)],
            })
            if terminated:
                break
        as_list = [np.atleast_1d(np.asarray(a)).tolist() for a in actions[: len(steps)]]
        cases.append({"start": [float(x) for x in state], "actions": as_list, "steps": steps})
    meta = {"gymnasium": gym.__version__, "numpy": np.__version__}
    (OUT / f"{env_id}.json").write_text(json.dumps({"environment": env_id, "generated_with": meta, "cases": cases}))
    print(env_id, len(cases), "cases,", sum(len(c["steps"]) for c in cases), "steps")


def box_actions(n, scale):
    return [np.array([x], dtype=np.float32) for x in rng.uniform(-scale, scale, size=n)]


OUT.mkdir(parents=True, exist_ok=True)

# Pendulum: angles far outside [-pi, pi) (floor-mod wrap), torques beyond ±2 (clipped, and
# penalised after clipping), speeds at the ±8 clip.
pendulum_states = [[np.pi, 0.0], [7.0, -1.0], [-10.5, 3.0], [0.1, 7.9], [-3.14159, -7.95], [2.0, 0.5]]
run("Pendulum-v1", pendulum_states,
    [box_actions(60, 4.0) for _ in pendulum_states],
    lambda env, s: setattr(env, "state", np.array(s, dtype=np.float64)),
    lambda env: env.state)

# CartPole: random starts and a few near the limits so episodes terminate.
cartpole_states = [rng.uniform(-0.05, 0.05, 4).tolist() for _ in range(3)] + [[2.3, 1.0, 0.0, 0.0], [0.0, 0.0, 0.2, 0.5], [-2.39, -0.5, -0.1, -1.0]]
run("CartPole-v1", cartpole_states,
    [[int(a) for a in rng.integers(0, 2, size=120)] for _ in cartpole_states],
    lambda env, s: (setattr(env, "state", np.array(s, dtype=np.float64)), setattr(env, "steps_beyond_terminated", None)),
    lambda env: env.state)

# MountainCarContinuous: the left wall with negative velocity, the goal, and actions up to ±1.7
# (the reward penalises the unclipped action).
mcc_states = [[-0.5, 0.0], [-1.19, -0.05], [0.44, 0.06], [-0.3, 0.02]]
run("MountainCarContinuous-v0", mcc_states,
    [[np.array([1.7], dtype=np.float32)] * 30, box_actions(40, 1.7), [np.array([1.0], dtype=np.float32)] * 10, box_actions(80, 1.2)],
    lambda env, s: setattr(env, "state", np.array(s, dtype=np.float64)),
    lambda env: env.state)

mc_states = [[-0.5, 0.0], [-1.19, -0.05], [0.49, 0.06], [-0.9, -0.03]]
run("MountainCar-v0", mc_states,
    [[0] * 30, [int(a) for a in rng.integers(0, 3, 60)], [2] * 10, [int(a) for a in rng.integers(0, 3, 100)]],
    lambda env, s: setattr(env, "state", np.array(s, dtype=np.float64)),
    lambda env: env.state)

# Acrobot: RK4 from rest and from fast spins (velocity clips, angle wraps), and a start
# near the top so the episode terminates.
acrobot_states = [[0.05, -0.03, 0.02, 0.01], [3.0, 2.5, 12.0, 28.0], [-3.1, 3.1, -12.5, -28.2], [2.9, 0.3, 0.5, -0.5], [1.0, -2.0, 0.0, 0.0]]
run("Acrobot-v1", acrobot_states,
    [[int(a) for a in rng.integers(0, 3, 80)] for _ in acrobot_states],
    lambda env, s: setattr(env, "state", np.array(s, dtype=np.float64)),
    lambda env: env.state)
