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


def _load_data(spec: str, input_shape: tuple[int, int, int] | None = None,
               match_channels: bool = False):
    """``(train, test or None)`` for ``--data``: bundled, mnist, an IDX folder or a folder of
    class sub-folders (images scaled to ``input_shape``'s size; with ``match_channels`` also to
    its channels). An image folder's summary and warnings go to stderr."""
    from playground.data.folder import open_dataset

    size = (28, 28) if input_shape is None else tuple(input_shape[1:])
    channels = input_shape[0] if match_channels and input_shape is not None else None
    train, test, report = open_dataset(spec, size, channels)
    if report is not None:
        print(f"{spec}: read {report.n_images:,} images in {report.seconds:.1f}s\n"
              f"{report.summary()}", file=sys.stderr)
    return train, test


def _load_model(path: str, backend: str | None):
    from playground.nn import load_model

    return load_model(path, backend=backend)


def _read_arch(path: str):
    """The architecture in a text file, or a one-line UserError naming the file and the line."""
    from playground.nn.arch import analyse
    from playground.nn.archtext import parse_arch

    p = Path(path)
    try:
        if p.stat().st_size > 100_000:
            raise UserError(f"--arch {path}: larger than 100 KB, not an architecture text")
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"--arch {path}: cannot read it ({exc})") from None
    try:
        arch = parse_arch(text)
    except ValueError as exc:
        raise UserError(f"--arch {path}: {exc}") from None
    result = analyse(arch)
    if not result.ok:
        raise UserError(f"--arch {path}: {result.reason}")
    return arch


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
    arch = _read_arch(args.arch) if getattr(args, "arch", None) else None
    train_set, test_set = _load_data(args.data, None if arch is None else arch.input_shape)
    n_classes = (train_set.n_classes if train_set.class_names else
                 n_classes_of(train_set.labels, None if test_set is None else test_set.labels))
    if args.augment is None:
        augment, why = augment_by_default(args.data)
    else:
        augment, why = args.augment, "as asked" if args.augment else "--no-augment"
    config = default_config(args.model, epochs=args.epochs, batch_size=args.batch_size,
                            lr=args.lr, optimizer=args.optimizer, seed=args.seed,
                            train_size=args.train_size, augment=augment)
    if arch is None:
        model = build_model(args.model, seed=config.seed, backend=args.backend,
                            n_classes=n_classes, in_channels=train_set.channels)
        what = args.model if train_set.channels == 1 else f"{args.model} (3 input channels)"
    else:
        from playground.nn.arch import build_from_arch
        from playground.nn.sessions import check_design_fits

        try:
            check_design_fits(arch, n_classes, train_set.image_shape)
        except ValueError as exc:
            raise UserError(f"--arch {args.arch}: {exc}") from None
        model = build_from_arch(arch, seed=config.seed, backend=args.backend)
        what = f"the network in {args.arch} ({model.n_params():,} parameters)"
    gen = train(model, train_set, config)
    show = ProgressPrinter()
    print(f"training {what} on {train_set.source} ({n_classes} classes) with the "
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
    from playground.nn.training import check_inputs, nchw

    model = _load_model(args.model, args.backend)
    train_set, test_set = _load_data(args.data, model.input_shape, match_channels=True)
    _check_classes(model, train_set, args.data)
    data, what = _eval_set(model, train_set, test_set)
    try:
        check_inputs(model, data.images)
    except ValueError as exc:
        raise UserError(f"--data {args.data}: {exc}") from None
    result = evaluate(model, nchw(data.images), data.labels)
    names = [data.class_name(c) for c in range(len(result.confusion))]
    if model.class_names:
        names = list(model.class_names)
    if args.json:
        out = {"model": str(args.model), "architecture": model.name, "data": args.data,
               "evaluated_on": what, **result.to_dict()}
        print(json.dumps(out))
        return 0
    print(f"{model.name} from {args.model} on {data.source}, {what}")
    print(f"accuracy: {100 * result.accuracy:.2f}%")
    print("per-class accuracy:")
    width = max(2, *(len(n) for n in names))
    for label, acc in enumerate(result.per_class):
        shown = "  n/a" if np.isnan(acc) else f"{100 * acc:6.2f}%"
        print(f"  {names[label]:>{width}}: {shown}")
    print("confusion matrix (rows: true class, columns: predicted):")
    col = max(6, min(width, 10) + 1)
    print(" " * (width + 5) + "".join(f"{n[:col - 1]:>{col}}" for n in names))
    for label, row in enumerate(result.confusion):
        print(f"  {names[label]:>{width}}:  " + "".join(f"{v:>{col}}" for v in row))
    wrong = result.most_confident_wrong(5)
    if len(wrong):
        items = ", ".join(f"#{i} ({names[result.labels[i]]}→{names[result.predictions[i]]}, "
                          f"p={result.probabilities[i, result.predictions[i]]:.2f})" for i in wrong)
        print(f"most confidently wrong: {items}")
    return 0


def _check_classes(model, data, spec: str) -> None:
    """UserError unless a named dataset's classes are the model's (same names, same order)."""
    if data.class_names is None:
        return
    mine = model.class_names
    if mine is not None and tuple(mine) != tuple(data.class_names):
        raise UserError(f"--data {spec}: its classes ({', '.join(data.class_names)}) are not "
                        f"the model's ({', '.join(mine)})")
    if mine is None and data.n_classes != model.n_classes:
        raise UserError(f"--data {spec}: {data.n_classes} classes, the model has "
                        f"{model.n_classes} outputs")


def _image_input(model, path: str) -> np.ndarray:
    """The image file as the model's input: MNIST-style digit preparation for digit models,
    else the image folders' rule (scaled, padded, grey or colour as the model takes it)."""
    from playground.data.image_fit import read_image, to_grey
    from playground.data.images import image_to_digit_input

    if model.class_names is None and tuple(model.input_shape) == (1, 28, 28):
        return image_to_digit_input(path)
    c, h, w = model.input_shape
    rgb = read_image(path, (h, w))
    return (to_grey(rgb)[None] if c == 1 else rgb)[None]


def run_predict(args: argparse.Namespace) -> int:
    """Classifies one image file and prints the class (its name for named classes) and the
    probability of each."""
    model = _load_model(args.model, args.backend)
    if Path(args.image).is_dir():
        raise UserError(f"image {args.image!r} is a folder; give an image file")
    if not Path(args.image).is_file():
        raise UserError(f"image {args.image!r} does not exist")
    probs = np.asarray(model.predict_proba(_image_input(model, args.image))).reshape(-1)
    label = int(np.argmax(probs))
    names = list(model.class_names or (str(c) for c in range(len(probs))))
    if args.json:
        out = {"model": str(args.model), "image": str(args.image), "class": label,
               "probabilities": [round(float(p), 6) for p in probs]}
        if model.class_names:
            out["class_name"] = names[label]
            out["class_names"] = names
        print(json.dumps(out))
        return 0
    what = "class" if model.class_names else "digit"
    print(f"predicted {what}: {names[label]} (probability {probs[label]:.3f})")
    width = max(len(n) for n in names)
    for name, p in zip(names, probs, strict=True):
        print(f"  {name:>{width}}: {p:6.3f} {'█' * round(30 * float(p))}")
    return 0
