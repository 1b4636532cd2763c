"""``conv-playground bench engine``: the live-preview step, LeNet-5 steps and compile times.

Each thread setting runs in its own subprocess (Numba fixes its thread count at import), with
``NUMBA_NUM_THREADS``, the BLAS and OpenMP thread counts and ``torch.set_num_threads`` all set to
the same value. Rows are medians after warm-up; PyTorch (optional) runs in the same process, so a
busy machine slows both sides alike and the ratios stay meaningful.
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


def _lenet_params(rng):
    def param(*shape, fan):
        return (rng.standard_normal(shape) * np.sqrt(2.0 / fan)).astype(np.float32)

    return [
        param(6, 1, 5, 5, fan=25), np.zeros(6, np.float32),
        param(16, 6, 5, 5, fan=150), np.zeros(16, np.float32),
        param(120, 400, fan=400), np.zeros(120, np.float32),
        param(84, 120, fan=120), np.zeros(84, np.float32),
        param(10, 84, fan=84), np.zeros(10, np.float32),
    ]


def _lenet_step(be):
    """One forward + backward pass of LeNet-5 on a batch, composed from backend ``be``'s ops."""
    rng = np.random.default_rng(1)
    host = _lenet_params(rng)
    w1, b1, w2, b2, w3, b3, w4, b4, w5, b5 = (be.to_device(p) for p in host)
    x = be.to_device(rng.random((BATCH, 1, 28, 28), dtype=np.float32))
    y = rng.integers(0, 10, BATCH).astype(np.int64)
    one, pool, same, valid = (1, 1), (2, 2), (2, 2, 2, 2), (0, 0, 0, 0)

    def step():
        c1 = be.conv2d(x, w1, b1, one, same)
        a1 = be.relu(c1)
        p1 = be.max_pool2d(a1, pool, pool)
        c2 = be.conv2d(p1, w2, b2, one, valid)
        a2 = be.relu(c2)
        p2 = be.max_pool2d(a2, pool, pool)
        f = p2.reshape(BATCH, 400)
        h1 = be.linear(f, w3, b3)
        r1 = be.relu(h1)
        h2 = be.linear(r1, w4, b4)
        r2 = be.relu(h2)
        z = be.linear(r2, w5, b5)
        loss, dz = be.softmax_cross_entropy(z, y)
        dr2, _, _ = be.linear_backward(r2, w5, dz)
        dr1, _, _ = be.linear_backward(r1, w4, be.relu_backward(h2, dr2))
        df, _, _ = be.linear_backward(f, w3, be.relu_backward(h1, dr1))
        dc2 = be.relu_backward(c2, be.max_pool2d_backward(a2, df.reshape(p2.shape), pool, pool))
        dp1, _, _ = be.conv2d_backward(p1, w2, dc2, one, valid)
        dc1 = be.relu_backward(c1, be.max_pool2d_backward(a1, dp1, pool, pool))
        _, dw1, _ = be.conv2d_backward(x, w1, dc1, one, same, need_dx=False)  # as torch
        be.to_host(dw1)  # waits for an asynchronous device
        return loss

    return step


def _torch_lenet_step(torch):
    nn, F = torch.nn, torch.nn.functional
    torch.manual_seed(0)
    model = nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
        nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10),
    )
    x = torch.rand(BATCH, 1, 28, 28)
    y = torch.randint(0, 10, (BATCH,))

    def step():
        model.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        return loss

    return step


# ---------------------------------------------------------------- subprocess workers


def _worker_steady(backend: str, repeat: int | None) -> dict:
    from playground import engine
    from playground.engine.dispatch import get_backend

    be = get_backend(backend)
    out: dict = {"threads": _numba_threads()}
    img, w, b = _preview_inputs()

    def ours_preview():
        engine.feature_maps(img, w, b, padding="same", activation="relu", pool="max",
                            backend=backend)

    n_prev = repeat or 3000
    n_net = max(5, (repeat or 300) // 10)
    out["preview_us"] = _median_us(ours_preview, n_prev, 300)
    out["lenet_us"] = _median_us(_lenet_step(be), n_net, 5)
    try:
        import torch
    except ImportError:
        return out
    torch.set_num_threads(out["threads"])
    xt, wt, bt = (torch.from_numpy(a) for a in (img[None, None], w, b))
    F = torch.nn.functional

    def torch_preview():
        with torch.no_grad():
            F.max_pool2d(F.relu(F.conv2d(xt, wt, bt, padding=2)), 2)

    mkldnn = torch.backends.mkldnn.enabled
    for flag, key in ((False, "torch_preview_off_us"), (True, "torch_preview_on_us")):
        torch.backends.mkldnn.enabled = flag
        out[key] = _median_us(torch_preview, n_prev, 300)
    torch.backends.mkldnn.enabled = mkldnn
    out["torch_lenet_us"] = _median_us(_torch_lenet_step(torch), n_net, 5)
    # a second pass of ours after torch, so both sides see the same machine load
    out["preview_us"] = min(out["preview_us"], _median_us(ours_preview, n_prev, 50))
    return out


def _worker_compile(backend: str) -> dict:
    t0 = time.perf_counter()
    from playground import engine
    from playground.engine.dispatch import get_backend

    be = get_backend(backend)
    t1 = time.perf_counter()
    img, w, b = _preview_inputs()
    engine.feature_maps(img, w, b, padding="same", activation="relu", pool="max", backend=backend)
    t2 = time.perf_counter()
    _lenet_step(be)()
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


def _rows(results: dict) -> list[tuple[str, ...]]:
    cols = [results["steady"].get(t, {}) for t in THREADS]
    comp = [results["compile"].get(t, {}) for t in THREADS]

    def row(label, fn):
        return (label, *(fn(c) for c in cols))

    rows = [
        row("preview step: ours (public feature_maps)", lambda c: _fmt_us(c.get("preview_us"))),
        row("preview: torch, mkldnn off", lambda c: _fmt_us(c.get("torch_preview_off_us"))),
        row("preview: torch, mkldnn on", lambda c: _fmt_us(c.get("torch_preview_on_us"))),
        row("preview ratio ours/torch (mkldnn off)",
            lambda c: _ratio(c.get("preview_us"), c.get("torch_preview_off_us"))),
        row("preview ratio ours/torch (mkldnn on)",
            lambda c: _ratio(c.get("preview_us"), c.get("torch_preview_on_us"))),
        row(f"LeNet-5 fwd+bwd batch {BATCH}: ours", lambda c: _fmt_us(c.get("lenet_us"))),
        row(f"LeNet-5 fwd+bwd batch {BATCH}: torch", lambda c: _fmt_us(c.get("torch_lenet_us"))),
        row("LeNet-5 ratio ours/torch",
            lambda c: _ratio(c.get("lenet_us"), c.get("torch_lenet_us"))),
        row("LeNet-5 images/s: ours", lambda c: _per_s(c.get("lenet_us"))),
        row("LeNet-5 images/s: torch", lambda c: _per_s(c.get("torch_lenet_us"))),
    ]
    for key, label in (("cold", "cold start, empty cache (compile)"),
                       ("warm", "warm start, cached")):
        rows.append((label, *(_secs(c.get(key), "total_s") for c in comp)))
        rows.append(("  of which import", *(_secs(c.get(key), "import_s") for c in comp)))
    return rows


def _print_table(results: dict) -> None:
    rows = _rows(results)
    head = ("engine bench, backend " + results["backend"], *(f"{t} thread{'s' * (t > 1)}"
                                                             for t in THREADS))
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    line = "  ".join("-" * w for w in widths)
    def fmt(cells):
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                         for i, (c, w) in enumerate(zip(cells, widths, strict=True)))

    print(fmt(head))
    print(line)
    for r in rows:
        print(fmt(r))
    print(f"(medians; preview {results['repeat_preview']} runs, LeNet {results['repeat_lenet']} "
          "runs, after warm-up; compile times from a fresh NUMBA_CACHE_DIR in a subprocess)")


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
