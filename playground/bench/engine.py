"""``conv-playground bench engine``: the live-preview step, LeNet-5 steps and compile times.

Each thread setting runs in its own subprocess (Numba fixes its thread count at import), with
``NUMBA_NUM_THREADS``, the BLAS and OpenMP thread counts and ``torch.set_num_threads`` all set to
the same value. PyTorch (optional) runs in the same process and both sides are timed alike: two
interleaved passes each (ours, torch, ours, torch), each side's better median reported, so a busy
machine slows both sides alike and the ratios stay meaningful. Like is compared with like: the
preview is our public ``feature_maps`` against ``torch.nn.functional`` conv -> relu -> max pool;
the LeNet-5 step is our :mod:`playground.nn` model (forward, loss, backward through its layers)
against PyTorch's ``nn.Sequential`` (forward, loss, ``backward()``). Each side's device is named:
ours runs on the chosen backend, PyTorch on CUDA when it sees a GPU and our backend is cuda, else
on the CPU; the thread columns count CPU threads.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

THREADS = (1, 2)
BATCH = 64


def _median_us(fn, repeat: int, warmup: int) -> float:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return float(np.median(times)) * 1e6


# ---------------------------------------------------------------- workloads


def _preview_inputs():
    rng = np.random.default_rng(0)
    img = rng.random((28, 28), dtype=np.float32)
    w = rng.standard_normal((6, 1, 5, 5), dtype=np.float32)
    b = rng.standard_normal(6, dtype=np.float32)
    return img, w, b


def _lenet_step(backend: str):
    """One training step's forward + loss + backward of our LeNet-5 (``playground.nn``) on a batch.

    No optimiser step, as on the PyTorch side; the first layer skips its input gradient, as
    PyTorch's autograd does for an input that needs none.
    """
    from playground import nn
    from playground.nn.losses import cross_entropy

    rng = np.random.default_rng(1)
    model = nn.build_model("lenet5", seed=0, backend=backend)
    be = model.be
    x = be.to_device(rng.random((BATCH, 1, 28, 28), dtype=np.float32))
    y = rng.integers(0, 10, BATCH).astype(np.int64)
    first = model.layers[0]

    def step():
        loss, dz = cross_entropy(be, model.forward(x, train=True), y)
        model.backward(dz)
        be.to_host(first.weight.grad)  # waits for an asynchronous device
        return loss

    return step


def _torch_lenet_step(torch, device: str):
    nn, F = torch.nn, torch.nn.functional
    torch.manual_seed(0)
    model = nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
        nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10),
    )
    model = model.to(device)
    x = torch.rand(BATCH, 1, 28, 28, device=device)
    y = torch.randint(0, 10, (BATCH,), device=device)

    def step():
        model.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        if device == "cuda":
            torch.cuda.synchronize()  # as ours waits for its device
        return loss

    return step


# ---------------------------------------------------------------- subprocess workers


def _torch_device(torch, backend: str) -> str:
    """Where PyTorch runs: CUDA when our side does and torch sees a GPU, else the CPU."""
    return "cuda" if backend == "cuda" and torch.cuda.is_available() else "cpu"


def _worker_steady(backend: str, repeat: int | None) -> dict:
    from playground import engine

    out: dict = {"threads": _numba_threads(), "ours_device": backend}
    img, w, b = _preview_inputs()

    def ours_preview():
        engine.feature_maps(img, w, b, padding="same", activation="relu", pool="max",
                            backend=backend)

    n_prev = repeat or 3000
    n_net = max(5, (repeat or 300) // 10)
    ours_lenet = _lenet_step(backend)
    try:
        import torch
    except ImportError:
        out["preview_us"] = _median_us(ours_preview, n_prev, 300)
        out["lenet_us"] = _median_us(ours_lenet, n_net, 5)
        return out
    torch.set_num_threads(out["threads"])
    device = _torch_device(torch, backend)
    out["torch_device"] = device
    xt, wt, bt = (torch.from_numpy(a).to(device) for a in (img[None, None], w, b))
    F = torch.nn.functional

    def torch_preview():
        with torch.no_grad():
            F.max_pool2d(F.relu(F.conv2d(xt, wt, bt, padding=2)), 2)
        if device == "cuda":
            torch.cuda.synchronize()

    def preview_with(flag: bool):
        def run():
            torch.backends.mkldnn.enabled = flag
            return _median_us(torch_preview, n_prev, 300)
        return run

    torch_lenet = _torch_lenet_step(torch, device)
    mkldnn = torch.backends.mkldnn.enabled
    timings = {
        "preview_us": lambda: _median_us(ours_preview, n_prev, 300),
        "torch_preview_off_us": preview_with(False),
        "torch_preview_on_us": preview_with(True),
        "lenet_us": lambda: _median_us(ours_lenet, n_net, 5),
        "torch_lenet_us": lambda: _median_us(torch_lenet, n_net, 5),
    }
    for _ in range(2):  # interleaved passes; every row keeps its better median, ours and torch's
        for key, measure in timings.items():
            value = measure()
            out[key] = min(out.get(key, value), value)
    torch.backends.mkldnn.enabled = mkldnn
    return out


def _worker_compile(backend: str) -> dict:
    t0 = time.perf_counter()
    from playground import engine
    from playground.engine.dispatch import get_backend

    get_backend(backend)
    t1 = time.perf_counter()
    img, w, b = _preview_inputs()
    engine.feature_maps(img, w, b, padding="same", activation="relu", pool="max", backend=backend)
    t2 = time.perf_counter()
    _lenet_step(backend)()
    t3 = time.perf_counter()
    return {"import_s": t1 - t0, "preview_first_s": t2 - t1, "lenet_first_s": t3 - t2,
            "total_s": t3 - t0}


def _numba_threads() -> int:
    import numba

    return int(numba.get_num_threads())


def _spawn(mode: str, backend: str, threads: int, repeat: int | None, cache_dir: str | None):
    env = dict(os.environ)
    for var in ("NUMBA_NUM_THREADS", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env[var] = str(threads)
    if cache_dir is not None:
        env["NUMBA_CACHE_DIR"] = cache_dir
    from playground.bench.child import child_command

    cmd = child_command("playground.bench.engine", mode, backend, str(repeat or 0))
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    if proc.returncode != 0:
        raise RuntimeError(f"bench worker failed ({' '.join(cmd[3:])}):\n{proc.stderr.strip()}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------- report


def _fmt_us(v: float | None) -> str:
    if v is None:
        return "-"
    return f"{v / 1000:.2f} ms" if v >= 1000 else f"{v:.1f} us"


def _ratio(ours: float | None, theirs: float | None) -> str:
    return "-" if ours is None or theirs is None else f"{ours / theirs:.2f}x"


def _per_s(us: float | None) -> str:
    return "-" if us is None else f"{BATCH / us * 1e6:,.0f}"


def _secs(entry: dict | None, key: str) -> str:
    return "-" if entry is None else f"{entry[key]:.2f} s"


_DEVICE = {"cpu": "CPU", "cuda": "CUDA GPU", "reference": "NumPy reference, CPU"}


def _sides(results: dict) -> tuple[str, str]:
    """``("ours (cpu: CPU)", "PyTorch CPU")``-style labels naming where each side ran."""
    backend = results["backend"]
    ours = f"ours ({backend}: {_DEVICE.get(backend, backend)})"
    devices = {c.get("torch_device") for c in results["steady"].values()} - {None}
    torch = "PyTorch " + ("/".join(_DEVICE[d].split()[0] for d in sorted(devices))
                          if devices else "(not installed)")
    return ours, torch


def _rows(results: dict) -> list[tuple[str, ...]]:
    cols = [results["steady"].get(t, {}) for t in THREADS]
    comp = [results["compile"].get(t, {}) for t in THREADS]
    ours, torch = _sides(results)

    def row(label, fn):
        return (label, *(fn(c) for c in cols))

    lenet = f"LeNet-5 fwd+loss+bwd, batch {BATCH}"
    rows = [
        row(f"preview step: {ours}, public feature_maps", lambda c: _fmt_us(c.get("preview_us"))),
        row(f"preview: {torch}, F.conv2d/relu/max_pool2d, mkldnn off",
            lambda c: _fmt_us(c.get("torch_preview_off_us"))),
        row(f"preview: {torch}, same, mkldnn on",
            lambda c: _fmt_us(c.get("torch_preview_on_us"))),
        row("preview ratio ours/PyTorch (mkldnn off)",
            lambda c: _ratio(c.get("preview_us"), c.get("torch_preview_off_us"))),
        row("preview ratio ours/PyTorch (mkldnn on)",
            lambda c: _ratio(c.get("preview_us"), c.get("torch_preview_on_us"))),
        row(f"{lenet}: {ours}, playground.nn model", lambda c: _fmt_us(c.get("lenet_us"))),
        row(f"{lenet}: {torch}, nn.Sequential", lambda c: _fmt_us(c.get("torch_lenet_us"))),
        row("LeNet-5 ratio ours/PyTorch",
            lambda c: _ratio(c.get("lenet_us"), c.get("torch_lenet_us"))),
        row("LeNet-5 images/s: ours", lambda c: _per_s(c.get("lenet_us"))),
        row("LeNet-5 images/s: PyTorch", lambda c: _per_s(c.get("torch_lenet_us"))),
    ]
    for key, label in (("cold", "cold start, empty cache (compile)"),
                       ("warm", "warm start, cached")):
        rows.append((label, *(_secs(c.get(key), "total_s") for c in comp)))
        rows.append(("  of which import", *(_secs(c.get(key), "import_s") for c in comp)))
    return rows


def _print_table(results: dict) -> None:
    rows = _rows(results)
    head = ("engine bench, backend " + results["backend"],
            *(f"{t} CPU thread{'s' * (t > 1)}" for t in THREADS))
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    line = "  ".join("-" * w for w in widths)

    def fmt(cells):
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                         for i, (c, w) in enumerate(zip(cells, widths, strict=True)))

    print(fmt(head))
    print(line)
    for r in rows:
        print(fmt(r))
    print(f"(each side's better of two interleaved medians; preview {results['repeat_preview']} "
          f"runs, LeNet {results['repeat_lenet']} runs, after warm-up; thread columns set the CPU "
          "threads of both sides (a GPU side runs its kernels on the GPU either way); compile "
          "times from a fresh NUMBA_CACHE_DIR in a subprocess)")


def run(args) -> int:
    """Runs every measurement and prints a table (or JSON with ``--json``)."""
    from playground.engine.dispatch import get_backend, resolve

    backend = resolve(getattr(args, "backend", None) or "cpu")
    get_backend(backend)  # BackendUnavailable (exit code 2) before any subprocess starts
    repeat = getattr(args, "repeat", None)
    results: dict = {"backend": backend, "steady": {}, "compile": {},
                     "repeat_preview": repeat or 3000,
                     "repeat_lenet": max(5, (repeat or 300) // 10)}
    for t in THREADS:
        with tempfile.TemporaryDirectory(prefix="numba-bench-") as cache:
            cold = _spawn("compile", backend, t, None, cache)
            warm = _spawn("compile", backend, t, None, cache)
            results["compile"][t] = {"cold": cold, "warm": warm}
            results["steady"][t] = _spawn("steady", backend, t, repeat, cache)
    if getattr(args, "json", False):
        print(json.dumps(results, indent=2))
    else:
        _print_table(results)
    return 0


def _main(argv: list[str]) -> None:
    mode, backend, repeat = argv[0], argv[1], int(argv[2]) or None
    result = _worker_compile(backend) if mode == "compile" else _worker_steady(backend, repeat)
    print(json.dumps(result))


if __name__ == "__main__":
    _main(sys.argv[1:])
