"""``conv-playground bench train``: LeNet-5 training speed and memory against PyTorch, same run.

Each row trains in a fresh subprocess (so its peak RSS is its own) on identical data, batches and
initial weights, for 1 and then 2 threads: ours (``NUMBA_NUM_THREADS``, BLAS and OpenMP thread
counts set to n) and PyTorch CPU (if importable; the same variables and ``torch.set_num_threads``),
ours and PyTorch's rows interleaved so a busy machine slows both alike. Settings: SGD momentum
0.9, lr 0.05, batch 64, no augmentation, constant learning rate. The JIT warm-up runs before the
clock starts and is reported apart. ``--profile`` instead times one training step per layer and
direction (:mod:`playground.bench.profile`), ours beside PyTorch CPU, for 1 and 2 threads.
``--compare fcnn`` also trains the FCNN the same way and prints both models' seconds per epoch,
per-epoch training loss and validation accuracy (the lecture's CNN-versus-FCNN experiment).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

SETTINGS = {"batch_size": 64, "lr": 0.05, "momentum": 0.9}
_THREAD_VARS = ("NUMBA_NUM_THREADS", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


# -- the worker (runs in a subprocess) ---------------------------------------------------------
def _split(spec: dict):
    """(train, val) Digits: MNIST's test set as validation when there is one, else 20% held out."""
    from playground.data import load_dataset

    train_set, test_set = load_dataset(spec["data"])
    if test_set is not None:
        n = spec["train_size"] or len(train_set)
        train_set, _ = train_set.split(n_train=n, val_fraction=0.0, seed=spec["seed"])
        return train_set, test_set
    return train_set.split(n_train=spec["train_size"], val_fraction=0.2, seed=spec["seed"])


def _peak_rss_mb() -> float:
    import resource

    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kb / 1024 if sys.platform != "darwin" else kb / 2**20


def _ours(spec: dict, train_set, val_set) -> dict:
    import tracemalloc

    import numpy as np

    from playground.nn import TrainConfig, build_model, run_training
    from playground.nn.training import train

    cfg = TrainConfig(epochs=spec["epochs"], batch_size=SETTINGS["batch_size"], lr=SETTINGS["lr"],
                      momentum=SETTINGS["momentum"], optimizer="sgd", augment=False,
                      schedule="constant", seed=spec["seed"], backend=spec["backend"])
    t0 = time.perf_counter()
    warm = build_model(spec["model"], seed=spec["seed"], backend=spec["backend"])
    run_training(warm, (train_set.subset(slice(0, 128)), val_set.subset(slice(0, 64))),
                 TrainConfig(epochs=1, batch_size=64, backend=spec["backend"], augment=False))
    warmup = time.perf_counter() - t0
    model = build_model(spec["model"], seed=spec["seed"], backend=spec["backend"])
    result = run_training(model, (train_set, val_set), cfg)
    # Peak traced memory of a few more steps (tracemalloc slows Python, so not while timing).
    tracemalloc.start()
    gen = train(model, (train_set.subset(slice(0, 20 * 64)), None),
                TrainConfig(epochs=1, batch_size=64, augment=False, backend=spec["backend"]))
    for _ in gen:
        pass
    traced = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    hist = result.history
    return {"seconds": [h["seconds"] for h in hist], "loss": [h["train_loss"] for h in hist],
            "val_acc": [h["val_acc"] for h in hist], "warmup_s": warmup,
            "traced_mb": traced, "backend": model.backend_name,
            "threads": _numba_threads(), "params": int(np.int64(model.n_params()))}


def _numba_threads() -> int:
    import numba

    return int(numba.config.NUMBA_NUM_THREADS)


def _torch(spec: dict, train_set, val_set) -> dict:
    import numpy as np
    import torch
    from torch import nn

    from playground.nn import build_model

    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "1")))
    ours = build_model(spec["model"], seed=spec["seed"], backend="reference")
    if spec["model"] == "lenet5":
        net = nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
                            nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                            nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(),
                            nn.Linear(84, 10))
    else:
        net = nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
    learnable = [m for m in net if isinstance(m, (nn.Conv2d, nn.Linear))]
    with torch.no_grad():
        for mod, layer in zip(learnable, [la for la in ours.layers if la.params()], strict=True):
            w = layer.get_weights()
            mod.weight.copy_(torch.from_numpy(w["weight"]))
            mod.bias.copy_(torch.from_numpy(w["bias"]))
    opt = torch.optim.SGD(net.parameters(), lr=SETTINGS["lr"], momentum=SETTINGS["momentum"])
    x = torch.from_numpy(train_set.images.astype(np.float32)[:, None] / 255)
    y = torch.from_numpy(train_set.labels.astype(np.int64))
    xv = torch.from_numpy(val_set.images.astype(np.float32)[:, None] / 255)
    yv = val_set.labels.astype(np.int64)
    rng = np.random.default_rng([spec["seed"], 1])  # the same batches as ours
    bs, n = SETTINGS["batch_size"], len(y)
    t0 = time.perf_counter()
    net(x[:64]).sum().backward()
    warmup = time.perf_counter() - t0
    seconds, losses, accs = [], [], []
    for _ in range(spec["epochs"]):
        order = torch.from_numpy(rng.permutation(n))
        total = 0.0
        t0 = time.perf_counter()
        for i in range(0, n, bs):
            idx = order[i:i + bs]
            opt.zero_grad()
            loss = nn.functional.cross_entropy(net(x[idx]), y[idx])
            loss.backward()
            opt.step()
            total += float(loss) * len(idx)
        seconds.append(time.perf_counter() - t0)
        losses.append(total / n)
        with torch.no_grad():
            accs.append(float((net(xv).argmax(1).numpy() == yv).mean()))
    return {"seconds": seconds, "loss": losses, "val_acc": accs, "warmup_s": warmup,
            "traced_mb": None, "backend": f"PyTorch {torch.__version__}",
            "threads": torch.get_num_threads()}


def _worker(spec: dict) -> dict:
    if spec["framework"] == "profile":
        from playground.bench.profile import profile

        out = profile(spec["backend"], repeat=spec["repeat"], with_torch=spec["with_torch"])
        return {**out, "threads": _numba_threads()}
    train_set, val_set = _split(spec)
    out = (_torch if spec["framework"] == "torch" else _ours)(spec, train_set, val_set)
    out.update(n_train=len(train_set), n_val=len(val_set), source=train_set.source,
               peak_rss_mb=_peak_rss_mb())
    return out


# -- the driver --------------------------------------------------------------------------------
def _spawn(spec: dict, threads: int | None) -> dict:
    env = dict(os.environ)
    if threads is not None:
        env.update({var: str(threads) for var in _THREAD_VARS})
    from playground.bench.child import child_command

    proc = subprocess.run(child_command("playground.bench.train", json.dumps(spec)),
                          capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        tail = proc.stderr.strip().splitlines()[-1:] or ["no output"]
        raise RuntimeError(f"bench worker ({spec['framework']} {spec['model']}) failed: {tail[0]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def torch_available() -> bool:
    from importlib.util import find_spec

    return find_spec("torch") is not None


def _summary(label: str, r: dict) -> dict:
    med = statistics.median(r["seconds"])
    return {"label": label, "s_per_epoch": med, "images_per_s": r["n_train"] / med,
            "warmup_s": r["warmup_s"], "traced_mb": r["traced_mb"],
            "peak_rss_mb": r["peak_rss_mb"], "final_loss": r["loss"][-1],
            "val_acc": r["val_acc"][-1], "best_val_acc": max(r["val_acc"]), "epochs": r}


THREADS = (1, 2)


def _run_profile(args: argparse.Namespace, backend: str) -> int:
    from playground.bench.profile import format_profile

    has_torch = torch_available()
    results = {}
    for n in THREADS:
        print(f"profile with {n} thread(s)...", file=sys.stderr, flush=True)
        spec = {"framework": "profile", "backend": backend, "repeat": args.repeat or 50,
                "with_torch": has_torch}
        results[n] = _spawn(spec, n)
    if args.json:
        print(json.dumps({"profile": {str(n): r for n, r in results.items()}}))
        return 0
    for n, r in results.items():
        print(format_profile(r, f"{n} thread{'s' if n > 1 else ''}, ours on {backend}") + "\n")
    if not has_torch:
        print("PyTorch is not installed: no same-run reference")
    return 0


def run(args: argparse.Namespace) -> int:
    """Runs the benchmark and prints a table (or JSON with ``--json``)."""
    from playground.engine.dispatch import resolve

    backend = resolve(args.backend or os.environ.get("PLAYGROUND_BACKEND", "auto"))
    if getattr(args, "profile", False):
        return _run_profile(args, backend)
    epochs = args.epochs or (6 if args.compare else 3)
    if epochs < 1:
        raise ValueError(f"--epochs must be >= 1, got {epochs}")
    if args.train_size is not None and args.train_size < 1:
        raise ValueError(f"--train-size must be >= 1, got {args.train_size}")
    base = {"framework": "ours", "model": "lenet5", "epochs": epochs, "data": args.data,
            "train_size": args.train_size, "seed": 0, "backend": backend}
    log = sys.stderr
    where = {"cuda": "GPU"}.get(backend, "CPU")  # each row names the device it trained on
    has_torch = torch_available()
    rows, ratios = [], {}
    print(f"bench train: {epochs} epochs each", file=log, flush=True)
    for n in THREADS:  # ours and PyTorch interleaved, per thread count
        label = f"{n} thread{'s' if n > 1 else ''}"
        print(f"ours with {label}...", file=log, flush=True)
        ours = _summary(f"ours ({backend} {where}), {label}", _spawn(base, n))
        rows.append(ours)
        if has_torch:
            print(f"PyTorch CPU with {label}...", file=log, flush=True)
            ref = _summary(f"PyTorch CPU, {label}", _spawn({**base, "framework": "torch"}, n))
            rows.append(ref)
            ratios[n] = ours["s_per_epoch"] / ref["s_per_epoch"]
    fcnn = None
    if args.compare == "fcnn":
        print("FCNN (ours, 2 threads)...", file=log, flush=True)
        fcnn = _summary(f"FCNN ours ({backend})", _spawn({**base, "model": "fcnn"}, THREADS[-1]))
    info = rows[0]["epochs"]
    if args.json:
        print(json.dumps({"settings": {**SETTINGS, "epochs": epochs, "n_train": info["n_train"],
                                       "n_val": info["n_val"], "data": info["source"]},
                          "rows": rows, "ratio_ours_over_torch": ratios,
                          "ratio_ours_1t_over_torch_1t": ratios.get(1),
                          "compare_fcnn": fcnn}))
        return 0
    print(f"LeNet-5 training, SGD momentum {SETTINGS['momentum']}, lr {SETTINGS['lr']}, batch "
          f"{SETTINGS['batch_size']}, {info['n_train']:,} training / {info['n_val']:,} validation "
          f"images ({info['source']}); median over {epochs} epochs, JIT warm-up excluded")
    head = (f"{'':30}{'s/epoch':>9}{'images/s':>10}{'warm-up':>9}{'traced':>9}{'peak RSS':>10}"
            f"{'loss':>8}{'val acc':>9}{'best val':>9}")
    print(head)
    print("-" * len(head))
    for r in rows:
        traced = "-" if r["traced_mb"] is None else f"{r['traced_mb']:.0f} MB"
        print(f"{r['label']:30}{r['s_per_epoch']:9.3f}{r['images_per_s']:10,.0f}"
              f"{r['warmup_s']:8.1f}s{traced:>9}{r['peak_rss_mb']:7.0f} MB"
              f"{r['final_loss']:8.4f}{100 * r['val_acc']:8.2f}%{100 * r['best_val_acc']:8.2f}%")
    for n, ratio in ratios.items():
        verdict = "faster" if ratio <= 1 else "slower"
        print(f"epoch time ours ({backend} {where}) / PyTorch CPU, {n} thread(s) each: "
              f"{ratio:.2f}x ({verdict})")
    if not has_torch:
        print("PyTorch is not installed: no same-run reference")
    if fcnn is not None:
        _print_compare(rows[-2] if has_torch else rows[-1], fcnn)
    return 0


def _print_compare(lenet: dict, fcnn: dict) -> None:
    a, b = lenet["epochs"], fcnn["epochs"]
    print("\nLeNet-5 versus FCNN (ours, 2 threads, the same batches):")
    print(f"{'epoch':>5}  {'LeNet-5 loss':>12}  {'LeNet-5 val':>11}  {'FCNN loss':>9}  "
          f"{'FCNN val':>8}")
    for i in range(len(a["loss"])):
        print(f"{i + 1:5d}  {a['loss'][i]:12.4f}  {100 * a['val_acc'][i]:10.2f}%  "
              f"{b['loss'][i]:9.4f}  {100 * b['val_acc'][i]:7.2f}%")
    print(f"{'s/epoch':>5}  {lenet['s_per_epoch']:12.3f}  {'':11}  {fcnn['s_per_epoch']:9.3f}")
    print(f"parameters: LeNet-5 {a['params']:,}, FCNN {b['params']:,}")


if __name__ == "__main__":
    print(json.dumps(_worker(json.loads(sys.argv[1]))))
