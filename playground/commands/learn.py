"""The ``train``, ``eval`` and ``predict`` subcommands: thin wrappers over :mod:`playground.nn`.

User mistakes (a missing or corrupt model or image, ``--epochs 0``, ``--lr -1``) raise
``UserError`` or ``ValueError`` with a one-line message; ``cli.main`` prints it and exits 2.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

from playground.cli import PROG, UserError


def _bar(fraction: float, width: int = 24) -> str:
    full = round(fraction * width)
    return "#" * full + "-" * (width - full)


def _duration(seconds: float) -> str:
    seconds = max(0.0, seconds)
    return f"{seconds:.0f}s" if seconds < 90 else f"{seconds // 60:.0f}m{seconds % 60:02.0f}s"


class ProgressPrinter:
    """A one-line progress bar with ETA on a terminal; one line per epoch otherwise."""

    def __init__(self, stream=None, interval: float = 0.1) -> None:
        self.stream = stream or sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.interval = interval
        self._last = 0.0

    def __call__(self, p) -> None:
        line = (f"epoch {p.epoch}/{p.epochs} [{_bar(p.fraction)}] {100 * p.fraction:3.0f}%  "
                f"loss {p.loss:.4f}  acc {100 * p.train_acc:5.1f}%  "
                f"{p.images_per_s:,.0f} img/s  ETA {_duration(p.eta_s)}")
        if p.phase == "epoch":
            val = "n/a" if p.val_acc is None else f"{100 * p.val_acc:.2f}%"
            done = (f"epoch {p.epoch}/{p.epochs}  loss {p.train_loss:.4f}  "
                    f"train acc {100 * p.train_acc:.2f}%  val acc {val}  "
                    f"{p.epoch_seconds:.1f}s  {p.images_per_s:,.0f} img/s")
            print(("\r\x1b[K" if self.tty else "") + done, file=self.stream, flush=True)
            return
        now = time.perf_counter()
        if self.tty and now - self._last >= self.interval:
            self._last = now
            print("\r\x1b[K" + line, end="", file=self.stream, flush=True)


def _load_data(spec: str):
    from playground.data import load_dataset

    return load_dataset(spec)


def _load_model(path: str, backend: str | None):
    from playground.nn import load_model

    return load_model(path, backend=backend)


def _check_save_target(text: str) -> Path:
    """The ``--save`` path, refused before training unless it can be written."""
    from playground.paths import ensure_writable_dir

    save = Path(text)
    if save.suffix != ".npz":
        raise UserError(f"--save must name a .npz file, got {text!r}")
    folder = save.parent if str(save.parent) else Path(".")
    if folder.exists() and not folder.is_dir():
        raise UserError(f"--save: {str(folder)!r} is a file, not a folder")
    if not folder.is_dir():
        raise UserError(f"--save: folder {str(folder)!r} does not exist")
    if save.is_dir():
        raise UserError(f"--save: {text!r} is a folder; name a .npz file")
    ensure_writable_dir(folder, "--save")
    return save


def run_train(args: argparse.Namespace) -> int:
    """Trains ``args.model`` and saves it to ``args.save`` with its settings and history.

    The number of classes comes from the data (``max label + 1``); augmentation defaults to on for
    digit data only (:func:`playground.data.digits.augment_by_default`). A run that diverges
    stops, saves the weights of its last finished epoch (if any) and exits with code 2.
    """
    from playground.data.digits import augment_by_default
    from playground.nn import build_model, default_config, train
    from playground.nn.training import n_classes_of

    save = _check_save_target(args.save)
    train_set, test_set = _load_data(args.data)
    n_classes = n_classes_of(train_set.labels, None if test_set is None else test_set.labels)
    if args.augment is None:
        augment, why = augment_by_default(args.data)
    else:
        augment, why = args.augment, "as asked" if args.augment else "--no-augment"
    config = default_config(args.model, epochs=args.epochs, batch_size=args.batch_size,
                            lr=args.lr, optimizer=args.optimizer, seed=args.seed,
                            train_size=args.train_size, augment=augment)
    model = build_model(args.model, seed=config.seed, backend=args.backend, n_classes=n_classes)
    gen = train(model, train_set, config)
    show = ProgressPrinter()
    print(f"training {args.model} on {train_set.source} ({n_classes} classes) with the "
          f"{model.backend_name} backend: {config.epochs} epochs, batch {config.batch_size}, "
          f"{config.optimizer} lr {config.lr:g}; augmentation {'on' if augment else 'off'} "
          f"({why})", file=sys.stderr)
    start = time.perf_counter()
    try:
        while True:
            try:
                p = next(gen)
            except StopIteration as stop:
                result = stop.value
                break
            show(p)
            if p.phase == "epoch" and args.json:
                print(json.dumps({"epoch": p.epoch, "train_loss": round(p.train_loss, 6),
                                  "train_acc": round(p.train_acc, 6),
                                  "val_acc": None if p.val_acc is None else round(p.val_acc, 6),
                                  "seconds": round(p.epoch_seconds, 4),
                                  "images_per_s": round(p.images_per_s, 1)}), flush=True)
    finally:
        gen.close()
    wall = time.perf_counter() - start
    model.training["wall_seconds"] = wall
    if result.diverged:
        if result.epochs_completed:
            model.save(save)
            print(f"{PROG}: error: {result.diverged}; saved those to {save}", file=sys.stderr)
        else:
            print(f"{PROG}: error: {result.diverged}; nothing was saved", file=sys.stderr)
        return 2
    model.save(save)
    val = "n/a" if result.val_acc is None else f"{100 * result.val_acc:.2f}%"
    print(f"saved {save}: validation accuracy {val} after {result.epochs_completed} epochs, "
          f"{result.train_seconds:.1f}s training ({wall:.1f}s with validation)", file=sys.stderr)
    return 0


def _eval_set(model, train_set, test_set):
    """What to evaluate on: the test set, else the model's own held-out split, else everything."""
    if test_set is not None:
        return test_set, f"test set ({len(test_set):,} images)"
    split = (model.data or {}).get("split") or {}
    same = model.data.get("source") == train_set.source and split.get("n_total") == len(train_set)
    if same and split.get("method") == "Digits.split" and split.get("val_fraction"):
        _, val = train_set.split(n_train=split.get("train_size"),
                                 val_fraction=split["val_fraction"], seed=split.get("seed", 0))
        return val, f"held-out validation split ({len(val):,} images not trained on)"
    return train_set, f"all {len(train_set):,} images (may include training images)"


def run_eval(args: argparse.Namespace) -> int:
    """Accuracy, per-class accuracy and confusion matrix of a saved model."""
    from playground.nn import evaluate

    model = _load_model(args.model, args.backend)
    train_set, test_set = _load_data(args.data)
    data, what = _eval_set(model, train_set, test_set)
    result = evaluate(model, data.images, data.labels)
    if args.json:
        out = {"model": str(args.model), "architecture": model.name, "data": args.data,
               "evaluated_on": what, **result.to_dict()}
        print(json.dumps(out))
        return 0
    print(f"{model.name} from {args.model} on {data.source}, {what}")
    print(f"accuracy: {100 * result.accuracy:.2f}%")
    print("per-class accuracy:")
    for label, acc in enumerate(result.per_class):
        shown = "  n/a" if np.isnan(acc) else f"{100 * acc:6.2f}%"
        print(f"  {label:>2}: {shown}")
    print("confusion matrix (rows: true class, columns: predicted):")
    print("       " + "".join(f"{c:>6}" for c in range(len(result.confusion))))
    for label, row in enumerate(result.confusion):
        print(f"  {label:>2}:  " + "".join(f"{v:>6}" for v in row))
    wrong = result.most_confident_wrong(5)
    if len(wrong):
        items = ", ".join(f"#{i} ({result.labels[i]}→{result.predictions[i]}, "
                          f"p={result.probabilities[i, result.predictions[i]]:.2f})" for i in wrong)
        print(f"most confidently wrong: {items}")
    return 0


def run_predict(args: argparse.Namespace) -> int:
    """Classifies one image file and prints the class and the ten probabilities."""
    from playground.data.images import image_to_digit_input

    model = _load_model(args.model, args.backend)
    if Path(args.image).is_dir():
        raise UserError(f"image {args.image!r} is a folder; give an image file")
    if not Path(args.image).is_file():
        raise UserError(f"image {args.image!r} does not exist")
    digit = image_to_digit_input(args.image)
    probs = model.predict_proba(digit)
    label = int(np.argmax(probs))
    if args.json:
        print(json.dumps({"model": str(args.model), "image": str(args.image), "class": label,
                          "probabilities": [round(float(p), 6) for p in probs]}))
        return 0
    print(f"predicted digit: {label} (probability {probs[label]:.3f})")
    for digit_class, p in enumerate(probs):
        print(f"  {digit_class}: {p:6.3f} {'█' * round(30 * float(p))}")
    return 0
