#!/usr/bin/env python3
"""Checks that `ascent export` writes policies other runtimes reproduce: onnxruntime runs each
exported ONNX model on the contract's sample observations and must give the actions Ascent
computed for them (to 1e-5; discrete indices exactly), and NumPy reproduces them from the
safetensors export with the loader docs/export.md shows.

Run by CI after `swift build` (needs `pip install onnxruntime numpy`):
    python3 scripts/verify_onnx.py .build/debug/ascent
"""
import json
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import onnxruntime

ascent = sys.argv[1] if len(sys.argv) > 1 else ".build/debug/ascent"
work = Path(tempfile.mkdtemp())
small = ["--set", "hiddenSizes=32,32", "--eval-episodes", "1"]
RUNS = {  # name -> training arguments: every algorithm and every kind of output
    "ppo-gaussian": ["ppo", "--env", "Pendulum-v1", "--total-steps", "4096"],
    "ppo-squashed": ["ppo", "--env", "MountainCarContinuous-v0", "--total-steps", "2048", "--squash-actions"],
    "ppo-categorical": ["ppo", "--env", "CartPole-v1", "--total-steps", "2048"],
    "a2c": ["a2c", "--env", "Acrobot-v1", "--total-steps", "2000", "--normalize-observations"],
    "sac": ["sac", "--env", "Pendulum-v1", "--total-steps", "600", "--learning-starts", "300", "--batch-size", "32"],
    "td3": ["td3", "--env", "Pendulum-v1", "--total-steps", "600", "--learning-starts", "300", "--batch-size", "32"],
    "dqn": ["dqn", "--env", "CartPole-v1", "--total-steps", "1500", "--learning-starts", "500"],
}


def numpy_policy(path):
    """The 15-line loader of docs/export.md: safetensors -> a function observation -> action."""
    raw = path.read_bytes()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    meta = header.pop("__metadata__")
    t = {k: np.frombuffer(raw[8 + n + v["data_offsets"][0]:8 + n + v["data_offsets"][1]], "<f4").reshape(v["shape"]) for k, v in header.items()}
    acts, contract = meta["activations"].split(","), json.loads(meta["contract"])
    def act(obs):
        h = np.asarray(obs, np.float32)
        if "observation_mean" in t:
            c = contract["normalization"]["clip"]
            h = np.clip((h - t["observation_mean"]) * t["observation_scale"], -c, c)
        for i, a in enumerate(acts):
            h = h @ t[f"layers.{i}.weight"].T + t.get(f"layers.{i}.bias", 0)
            h = {"tanh": np.tanh, "relu": lambda x: np.maximum(x, 0), "sigmoid": lambda x: 1 / (1 + np.exp(-x))}.get(a, lambda x: x)(h)
        out, low, high = meta["output"], contract["output"].get("low"), contract["output"].get("high")
        if out == "clip": return np.clip(h, low, high)
        if out == "scale": return np.float32(low) + (h + 1) * np.float32(0.5) * (np.float32(high) - np.float32(low))
        return np.argmax(h, axis=1)[:, None]
    return act


for name, arguments in RUNS.items():
    run = work / name
    subprocess.run([ascent, "train", *arguments, *small, "--out", str(run)], check=True, capture_output=True)
    for fmt in ["onnx", "safetensors"]:
        subprocess.run([ascent, "export", str(run), "--format", fmt, "--out", str(run / f"policy-{fmt}")], check=True, capture_output=True)
    contract = json.loads((run / "policy-onnx.json").read_text())
    observations = np.array([s["observation"] for s in contract["samples"]], np.float32)
    expected = np.array([s["action"] for s in contract["samples"]], np.float64)
    session = onnxruntime.InferenceSession(str(run / "policy-onnx.onnx"))
    onnx_actions = session.run(["action"], {"observation": observations})[0]
    numpy_actions = numpy_policy(run / "policy-safetensors.safetensors")(observations)
    for label, actions in [("onnxruntime", onnx_actions), ("numpy", numpy_actions)]:
        if contract["output"]["kind"] == "discrete":
            assert actions.dtype == np.int64 and (actions == expected).all(), f"{name} {label}: {actions.ravel()} vs {expected.ravel()}"
        else:
            error = np.abs(actions - expected).max()
            assert error <= 1e-5, f"{name} {label}: max |difference| {error}"
    print(f"{name}: {len(observations)} samples reproduced by onnxruntime and NumPy")
print("ONNX and safetensors exports OK")
