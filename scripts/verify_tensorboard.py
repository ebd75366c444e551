#!/usr/bin/env python3
"""Checks that Python's `tensorboard` reads Ascent's event files back: every metrics row and
every evaluation, with SB3's tag names, the right steps and the values (as float32).

Run by CI after `swift build` (needs `pip install tensorboard`):
    python3 scripts/verify_tensorboard.py .build/debug/ascent
It trains PPO (with --eval-every) and SAC for a few thousand steps into temporary run
directories, then compares each directory's events with its metrics.jsonl and evaluations.csv.
"""
import csv
import json
import math
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

ascent = sys.argv[1] if len(sys.argv) > 1 else ".build/debug/ascent"
work = Path(tempfile.mkdtemp())

RUNS = {
    "ppo": ["train", "ppo", "--env", "CartPole-v1", "--total-steps", "4096", "--eval-every", "1024", "--eval-episodes", "2"],
    "sac": ["train", "sac", "--env", "Pendulum-v1", "--total-steps", "1400", "--set", "learningStarts=400",
            "--set", "logInterval=200", "--set", "hiddenSizes=32,32", "--set", "batchSize=32", "--eval-episodes", "1"],
}
# Ascent column -> SB3 tag, for the columns each algorithm must show under SB3's name.
REQUIRED = {
    "ppo": {"episode_return": "rollout/ep_rew_mean", "episode_length": "rollout/ep_len_mean", "approx_kl": "train/approx_kl",
            "clip_fraction": "train/clip_fraction", "explained_variance": "train/explained_variance",
            "learning_rate": "train/learning_rate", "loss": "train/loss", "policy_loss": "train/policy_gradient_loss",
            "value_loss": "train/value_loss", "steps_per_second": "time/fps"},
    "sac": {"critic_loss": "train/critic_loss", "actor_loss": "train/actor_loss", "entropy_coefficient": "train/ent_coef",
            "gradient_steps": "train/n_updates", "learning_rate": "train/learning_rate", "steps_per_second": "time/fps"},
}

for name, arguments in RUNS.items():
    run = work / name
    subprocess.run([ascent, *arguments, "--out", str(run)], check=True, capture_output=True)
    events = EventAccumulator(str(run), size_guidance={"scalars": 0})
    events.Reload()
    tags = set(events.Tags()["scalars"])
    rows = [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines()]
    for column, tag in REQUIRED[name].items():
        assert tag in tags, f"{name}: {tag} missing from {sorted(tags)}"
        expected = [(int(row["global_step"]), row[column]) for row in rows if row[column] is not None]
        logged = [(event.step, event.value) for event in events.Scalars(tag)]
        assert [s for s, _ in logged] == [s for s, _ in expected], f"{name} {tag}: steps {logged[:3]} vs {expected[:3]}"
        for (step, value), (_, want) in zip(logged, expected):
            assert value == float(np.float32(want)), f"{name} {tag} at {step}: {value} != {want}"
    if name == "ppo":
        entropy = [(e.step, e.value) for e in events.Scalars("train/entropy_loss")]
        assert all(math.isclose(v, -float(np.float32(row["entropy"])), rel_tol=1e-7) for (_, v), row in zip(entropy, rows))
        evaluations = list(csv.DictReader(open(run / "evaluations.csv")))
        logged = [(e.step, e.value) for e in events.Scalars("eval/mean_reward")]
        assert [s for s, _ in logged] == [1024, 2048, 3072, 4096], logged
        assert all(v == float(np.float32(float(r["mean_return"]))) for (_, v), r in zip(logged, evaluations)), (logged, evaluations)
        assert (run / "checkpoints" / "best.safetensors").exists()
    print(f"{name}: {len(rows)} rows, {len(tags)} tags read back by tensorboard")
print("TensorBoard round trip OK")
