#!/usr/bin/env python3
"""Writes the MuJoCo trajectories that Ascent's MuJoCo parity tests replay.

Run by hand (never at test time), from the repository root, with the MuJoCo version the
tests name (the fixtures are bit-exact only on the same libmujoco):
    pip install mujoco==4.0.0 gymnasium==1.4.0
    python3 scripts/gymnasium_mujoco_fixtures.py

For each Gymnasium v5 MuJoCo environment it takes start states from Gymnasium's own
reset, injects them with `set_state`, applies fixed float32-representable actions (passed
as float64 arrays, some beyond the action bounds so MuJoCo's control clamping and the
unclipped control cost are exercised) and records every observation, reward, termination
flag and the qpos/qvel after each step, with floats printed so they parse back exactly.
"""
import json
from pathlib import Path

import gymnasium as gym
import mujoco
import numpy as np

OUT = Path(__file__).resolve().parent.parent / "Tests" / "AscentMuJoCoTests" / "Fixtures"

# (id, cases, steps per case): fewer for the large observations, to keep the files small.
ENVIRONMENTS = [
    ("HalfCheetah-v5", 3, 40), ("Hopper-v5", 3, 60), ("Walker2d-v5", 3, 60), ("Ant-v5", 3, 30),
    ("Humanoid-v5", 2, 20), ("Swimmer-v5", 3, 40), ("InvertedPendulum-v5", 3, 60),
    ("InvertedDoublePendulum-v5", 3, 40), ("Reacher-v5", 3, 50), ("Pusher-v5", 2, 40),
]


# Domain randomisation as Ascent's parameters apply it (value = nominal × scale × factor),
# followed by mj_setConst; tests set the same parameters by name and replay.
RANDOMIZED = {
    "body_mass_scale": 1.3, "body_mass:torso": 1.5, "geom_friction_scale": 0.7, "dof_damping_scale": 2.0,
    "dof_armature_scale": 1.5, "gravity": 12.0, "actuator_gear_scale": 0.8,
}


def randomize(env):
    m = env.model
    torso = mujoco.mj_name2id(m, mujoco.mjtObj.mjOBJ_BODY, "torso")
    mass, inertia = m.body_mass.copy(), m.body_inertia.copy()
    factor = np.ones(m.nbody)
    factor[torso] = RANDOMIZED["body_mass:torso"] / 1.0
    m.body_mass[:] = mass * RANDOMIZED["body_mass_scale"] * factor
    m.body_inertia[:] = inertia * RANDOMIZED["body_mass_scale"] * factor[:, None]
    m.geom_friction[:] = m.geom_friction * RANDOMIZED["geom_friction_scale"] * 1.0
    m.dof_damping[:] = m.dof_damping * RANDOMIZED["dof_damping_scale"] * 1.0
    m.dof_armature[:] = m.dof_armature * RANDOMIZED["dof_armature_scale"] * 1.0
    m.actuator_gear[:] = m.actuator_gear * RANDOMIZED["actuator_gear_scale"] * 1.0
    m.opt.gravity[2] = -RANDOMIZED["gravity"]
    mujoco.mj_setConst(m, env.data)


def record(env_id, cases, steps, rng, randomized=False):
    env = gym.make(env_id).unwrapped
    if randomized:
        randomize(env)
    low, high = env.action_space.low.astype(np.float64), env.action_space.high.astype(np.float64)
    recorded = []
    for case in range(cases):
        env.reset(seed=100 + case)
        qpos, qvel = env.data.qpos.copy(), env.data.qvel.copy()
        env.set_state(qpos, qvel)
        first = env._get_obs()
        span = 1.2 if case == 1 else 1.0  # case 1 drives past the bounds
        actions, trajectory = [], []
        for _ in range(steps):
            action = rng.uniform(low * span, high * span).astype(np.float32).astype(np.float64)
            obs, reward, terminated, _, _ = env.step(action)
            actions.append(action.tolist())
            trajectory.append({
                "observation": [float(x) for x in obs],
                "reward": float(reward),
                "terminated": bool(terminated),
                "qpos": env.data.qpos.tolist(),
                "qvel": env.data.qvel.tolist(),
            })
            if terminated:
                break
        recorded.append({"qpos": qpos.tolist(), "qvel": qvel.tolist(), "observation": [float(x) for x in first],
                         "actions": actions, "steps": trajectory})
    return {"environment": env_id, "mujoco": mujoco.__version__, "gymnasium": gym.__version__, "cases": recorded,
            "parameters": RANDOMIZED if randomized else {}}


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(2026)
    for env_id, cases, steps in ENVIRONMENTS:
        fixture = record(env_id, cases, steps, rng)
        path = OUT / f"{env_id}.json"
        path.write_text(json.dumps(fixture, separators=(",", ":")) + "\n")
        total = sum(len(c["steps"]) for c in fixture["cases"])
        print(f"{env_id}: {total} steps, {path.stat().st_size // 1024} KiB")
    for env_id in ["HalfCheetah-v5", "Ant-v5"]:
        fixture = record(env_id, 2, 30, rng, randomized=True)
        path = OUT / f"{env_id}-randomized.json"
        path.write_text(json.dumps(fixture, separators=(",", ":")) + "\n")
        print(f"{env_id} randomized: {path.stat().st_size // 1024} KiB")


if __name__ == "__main__":
    main()
