#!/usr/bin/env python3
"""Checks that Ascent's safetensors files and Python's `safetensors` package agree, both ways.

Run by hand (not at test time), after `swift build`:
    python3 -m venv .venv-st && .venv-st/bin/pip install safetensors numpy
    .venv-st/bin/python scripts/verify_safetensors.py .build/debug/ascent

1. `ascent demo` writes a checkpoint; Python loads it and checks names, shapes, dtype and metadata.
2. Python writes F32 and F16 tensors; `ascent inspect --json` must report the same shapes and sums.
"""
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from safetensors import safe_open
from safetensors.numpy import save_file

ascent = sys.argv[1] if len(sys.argv) > 1 else ".build/debug/ascent"
work = Path(tempfile.mkdtemp())

subprocess.run([ascent, "demo", "--steps", "50", "--out", str(work)], check=True, capture_output=True)
with safe_open(work / "model.safetensors", framework="numpy") as f:
    names = sorted(f.keys())
    assert names == ["layers.0.bias", "layers.0.weight", "layers.1.bias", "layers.1.weight",
                     "layers.2.bias", "layers.2.weight"], names
    assert f.get_tensor("layers.0.weight").shape == (32, 1)
    assert f.get_tensor("layers.1.weight").dtype == np.float32
    assert f.metadata()["steps"] == "50", f.metadata()
print("Python read Ascent's checkpoint:", names)

rng = np.random.default_rng(0)
tensors = {
    "a.weight": rng.standard_normal((3, 5)).astype(np.float32),
    "b.half": rng.standard_normal((4,)).astype(np.float16),
    "c.scalar": np.array(2.5, dtype=np.float32),
}
save_file(tensors, work / "python.safetensors", metadata={"source": "python"})
report = json.loads(subprocess.run([ascent, "inspect", "--json", str(work / "python.safetensors")],
                                   check=True, capture_output=True, text=True).stdout)
assert report["metadata"] == {"source": "python"}, report["metadata"]
for entry in report["tensors"]:
    expected = tensors[entry["name"]]
    assert tuple(entry["shape"]) == expected.shape, entry
    assert abs(entry["sum"] - float(expected.astype(np.float64).sum())) < 1e-4, entry
print("Ascent read Python's file:", [e["name"] for e in report["tensors"]])
print("safetensors interoperability: OK")
