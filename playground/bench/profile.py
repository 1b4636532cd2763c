"""``conv-playground bench train --profile``: where a LeNet-5 training step spends its time.

Each layer's forward and backward are timed on their own (median of ``repeat`` runs, after a
warm-up) on a batch of 64 random digits, ours through :mod:`playground.nn`'s layers and, when
PyTorch is importable, PyTorch's matching ``nn`` modules on the same inputs, interleaved in the
same process (ours, torch, ours, torch; each side keeps its better median) so a busy machine
slows both alike. The optimizer step and the loss are rows of their own. The thread count is the
process's (``NUMBA_NUM_THREADS`` and ``torch.set_num_threads`` set alike by the caller).
"""

from __future__ import annotations

import time

import numpy as np

BATCH = 64


def _median_us(fn, repeat: int, warmup: int = 3) -> float:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return float(np.median(times)) * 1e6


def _ours_rows(backend: str, repeat: int, batch: int) -> dict[str, float]:
    """``{"conv1 fwd": us, "conv1 bwd": us, ..., "loss": us, "sgd step": us}`` for our layers."""
    from playground import nn
    from playground.nn.losses import cross_entropy
    from playground.nn.optim import SGD

    rng = np.random.default_rng(1)
    model = nn.build_model("lenet5", seed=0, backend=backend)
    be = model.be
    x = be.to_device(rng.random((batch, 1, 28, 28), dtype=np.float32))
    labels = rng.integers(0, 10, batch).astype(np.int64)
    inputs, h = [], x
    for layer in model.layers:  # each layer's input, from one training forward
        inputs.append(h)
        h = layer.forward(h, train=True)
    _, dz = cross_entropy(be, h, labels)
    grads = [dz]
    for layer in reversed(model.layers):
        grads.append(layer.backward(grads[-1]))
    grads = grads[::-1][1:]  # grads[i]: dL/d(output of layer i)
    rows: dict[str, float] = {}
    for i, layer in enumerate(model.layers):
        xi, gi = inputs[i], grads[i]
        rows[f"{layer.name} fwd"] = _median_us(lambda la=layer, xi=xi: la.forward(xi, True),
                                               repeat)

        def bwd(la=layer, xi=xi, gi=gi):
            la.forward(xi, True)
            la.backward(gi)

        both = _median_us(bwd, repeat)
        rows[f"{layer.name} bwd"] = max(0.0, both - rows[f"{layer.name} fwd"])
    for start, block in getattr(model, "_blocks", {}).items():  # the fused training path
        names = "+".join(la.name for la in model.layers[start:start + 3])
        xi, gi = inputs[start], grads[start + 2]
        fwd = _median_us(lambda b=block, xi=xi: b.forward(xi), repeat)

        def fused_bwd(b=block, xi=xi, gi=gi):
            b.forward(xi)
            b.backward(gi)

        rows[f"{names} fwd"] = fwd
        rows[f"{names} bwd"] = max(0.0, _median_us(fused_bwd, repeat) - fwd)
    rows["loss"] = _median_us(lambda: cross_entropy(be, h, labels), repeat)
    opt = SGD(model.parameters(), be, 0.01, 0.9)
    model.forward(x, train=True)
    model.backward(dz)
    rows["sgd step"] = _median_us(opt.step, repeat)

    def step():
        _loss, d = cross_entropy(be, model.forward(x, train=True), labels)
        model.backward(d)
        opt.step()

    rows["whole step"] = _median_us(step, repeat)
    return rows


def _torch_rows(repeat: int, batch: int) -> dict[str, float]:
    """The same rows for PyTorch's modules (autograd backward of each module on its own)."""
    import torch
    from torch import nn

    from playground import nn as pnn

    names = [la.name for la in pnn.build_model("lenet5", backend="reference").layers]
    torch.manual_seed(0)
    net = nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
                        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                        nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(),
                        nn.Linear(84, 10))
    x = torch.rand(batch, 1, 28, 28)
    y = torch.randint(0, 10, (batch,))
    rows: dict[str, float] = {}
    h = x
    for i, (name, mod) in enumerate(zip(names, net, strict=True)):
        xi = h.detach().requires_grad_(i > 0)
        with torch.no_grad():
            out = mod(xi)
        g = torch.randn_like(out)
        rows[f"{name} fwd"] = _median_us(lambda m=mod, xi=xi: m(xi), repeat)

        def bwd(m=mod, xi=xi, g=g):
            m(xi).backward(g)

        both = _median_us(bwd, repeat)
        rows[f"{name} bwd"] = max(0.0, both - rows[f"{name} fwd"])
        h = out
    logits = h.detach().requires_grad_(True)
    rows["loss"] = _median_us(
        lambda: nn.functional.cross_entropy(logits, y).backward(), repeat)
    opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
    nn.functional.cross_entropy(net(x), y).backward()
    rows["sgd step"] = _median_us(opt.step, repeat)

    def step():
        opt.zero_grad(set_to_none=True)
        nn.functional.cross_entropy(net(x), y).backward()
        opt.step()

    rows["whole step"] = _median_us(step, repeat)
    return rows


def profile(backend: str, repeat: int = 50, batch: int = BATCH, with_torch: bool = True,
            passes: int = 2) -> dict:
    """Per-layer, per-direction medians (µs) for ours and (optionally) PyTorch, interleaved."""
    ours: dict[str, float] = {}
    ref: dict[str, float] = {}
    torch_threads = None
    if with_torch:
        import numba
        import torch

        torch.set_num_threads(numba.get_num_threads())
        torch_threads = torch.get_num_threads()
    for _ in range(passes):
        for key, v in _ours_rows(backend, repeat, batch).items():
            ours[key] = min(ours.get(key, v), v)
        if with_torch:
            for key, v in _torch_rows(repeat, batch).items():
                ref[key] = min(ref.get(key, v), v)
    return {"ours": ours, "torch": ref or None, "batch": batch, "torch_threads": torch_threads}


def format_profile(result: dict, label: str) -> str:
    """A table: one row per layer and direction, ours, PyTorch CPU and their ratio; then our
    fused blocks (which replace their layers' rows in a training step) and the whole step."""
    ours, ref = result["ours"], result["torch"]
    lines = [f"LeNet-5 training step, batch {result['batch']}, {label}: median µs per call"]
    head = f"{'':24}{'ours':>10}" + (f"{'PyTorch CPU':>13}{'ratio':>8}" if ref else "")
    lines += [head, "-" * len(head)]

    def row(key: str, mine: float, theirs: float | None) -> str:
        text = f"{key:24}{mine:10.0f}"
        if ref:
            text += f"{theirs:13.0f}{mine / theirs:8.2f}" if theirs else f"{'-':>13}{'-':>8}"
        return text

    layer_keys = [k for k in ours if k != "whole step" and "+" not in k]
    fused_keys = [k for k in ours if "+" in k]
    lines += [row(k, ours[k], (ref or {}).get(k)) for k in layer_keys]
    total = sum(ours[k] for k in layer_keys)
    lines.append(row("sum of rows", total, sum(ref.get(k, 0.0) for k in layer_keys)
                     if ref else None))
    if fused_keys:
        lines.append("fused training path (ours; replaces the three layers' rows):")
        lines += [row(k, ours[k], None) for k in fused_keys]
    lines.append(row("whole step", ours["whole step"], (ref or {}).get("whole step")))
    return "\n".join(lines)
