"""Layers, training steps and model files on the CUDA backend (Numba's simulator when no GPU).

Parameters and activations must stay device arrays: only backend ops touch them.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

pytestmark = [pytest.mark.cuda, pytest.mark.slow]

SCRIPT = r"""
import numpy as np
from playground.engine import config
config.CUDA_THREADS_1D, config.CUDA_THREADS_2D = 16, (4, 4)  # small blocks: a fast simulator
from playground.nn import (AvgPool2d, Conv2d, Flatten, Linear, MaxPool2d, Model, ReLU,
                           TrainConfig, load_model, run_training)
from playground.nn.init import initialize

def on_device(a):
    return not isinstance(a, np.ndarray)

def tiny(backend):
    layers = [Conv2d(1, 2, 3, padding=1), ReLU(), MaxPool2d(2), Conv2d(2, 3, 3), ReLU(),
              AvgPool2d(2), Flatten(), Linear(3, 4), ReLU(), Linear(4, 10)]
    m = Model(layers, "tiny", backend=backend, input_shape=(1, 8, 8))
    initialize(m.layers, 0)
    return m

rng = np.random.default_rng(0)
x = (rng.random((8, 8, 8)) * 255).astype(np.uint8)
y = rng.integers(0, 10, 8)

class Data:  # not Digits: 8x8 images, split by split_indices
    images, labels, source = x, y, "random 8x8"

def fake_batch(images):
    a = np.asarray(images, np.float32)
    a = a / 255 if np.asarray(images).dtype == np.uint8 else a
    a = a[None] if a.ndim == 2 else a
    return np.ascontiguousarray(a[:, None] if a.ndim == 3 else a)  # (N, 1, 8, 8) as it is

import playground.nn.model as model_mod
import playground.nn.training as training_mod
model_mod.as_batch = training_mod.as_batch = fake_batch

cfg = TrainConfig(epochs=1, batch_size=3, lr=0.05, val_fraction=0.25, augment=False)
ref, dev = tiny("reference"), tiny("cuda")
for p in dev.parameters():
    assert on_device(p.data), type(p.data)
r1 = run_training(ref, Data(), cfg)
r2 = run_training(dev, Data(), cfg)
for p in dev.parameters():
    assert on_device(p.data) and on_device(p.grad)
a, b = ref.state_dict(), dev.state_dict()
for k in a:
    np.testing.assert_allclose(b[k], a[k], rtol=1e-3, atol=1e-4)
np.testing.assert_allclose([h["train_loss"] for h in r2.history],
                           [h["train_loss"] for h in r1.history], rtol=1e-4)
np.testing.assert_allclose(dev.predict_proba(x[:3]), ref.predict_proba(x[:3]), atol=1e-4)
dev.save(OUT)
again = load_model(OUT, backend="cuda", input_shape=None)
np.testing.assert_allclose(again.predict_proba(x[:3]), dev.predict_proba(x[:3]), atol=1e-6)
print("ok")
"""


def test_tiny_training_on_cuda_matches_reference(tmp_path):
    env = dict(os.environ)
    from playground.engine.dispatch import real_gpu_present

    if not real_gpu_present():
        env["NUMBA_ENABLE_CUDASIM"] = "1"
    code = f"OUT = {str(tmp_path / 'tiny.npz')!r}\n" + SCRIPT
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    if "numba.cuda" in out.stderr and "ModuleNotFoundError" in out.stderr:
        pytest.skip("numba-cuda is not installed")
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.strip().endswith("ok")
