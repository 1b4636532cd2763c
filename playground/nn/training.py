"""Training as a plain generator of frozen progress snapshots.

``train(model, data, config)`` yields a :class:`Progress` after every step (``phase="step"``) and
after each epoch's validation (``phase="epoch"``), and returns a :class:`TrainResult`. Snapshots
hold plain floats and ints, never live arrays. Stop between yields with ``generator.close()``: the
model keeps the weights of the last finished step and ``model.history`` the finished epochs.

Everything random (split, shuffling, augmentation) comes from ``config.seed``; the initial weights
from :func:`~playground.nn.model.build_model`'s seed. The same seeds give the same model.
"""

from __future__ import annotations

import math
import time
from collections.abc import Generator
from dataclasses import asdict, dataclass, field

import numpy as np

from playground.nn.augment import random_affine
from playground.nn.losses import cross_entropy
from playground.nn.model import Model, as_batch
from playground.nn.optim import make_optimizer


@dataclass(frozen=True)
class TrainConfig:
    """Training settings. The defaults take LeNet-5 past 97% on the bundled 5,000 digits.

    ``train_size`` caps the training images per epoch; ``val_fraction`` of the data is held out
    for validation. ``schedule`` is ``"cosine"`` (learning rate annealed to 0 over all steps) or
    ``"constant"``. ``backend`` None keeps the model's current backend.
    """

    epochs: int = 20
    batch_size: int = 64
    lr: float = 0.05
    optimizer: str = "sgd"
    momentum: float = 0.9
    weight_decay: float = 0.0
    val_fraction: float = 0.2
    train_size: int | None = None
    seed: int = 0
    augment: bool = True
    schedule: str = "cosine"
    backend: str | None = None

    def __post_init__(self) -> None:
        def bad(what: str, value) -> ValueError:
            return ValueError(f"{what}, got {value!r}")

        if isinstance(self.epochs, bool) or not isinstance(self.epochs, int) or self.epochs < 1:
            raise bad("epochs must be a whole number >= 1", self.epochs)
        if not isinstance(self.batch_size, int) or self.batch_size < 1:
            raise bad("batch size must be a whole number >= 1", self.batch_size)
        if not (isinstance(self.lr, (int, float)) and math.isfinite(self.lr) and self.lr > 0):
            raise bad("learning rate must be a positive number", self.lr)
        if self.optimizer not in ("sgd", "adam"):
            raise bad("optimizer must be 'sgd' or 'adam'", self.optimizer)
        if not 0 <= self.momentum < 1:
            raise bad("momentum must be in [0, 1)", self.momentum)
        if not (math.isfinite(self.weight_decay) and self.weight_decay >= 0):
            raise bad("weight decay must be >= 0", self.weight_decay)
        if not 0 <= self.val_fraction < 1:
            raise bad("validation fraction must be in [0, 1)", self.val_fraction)
        if self.train_size is not None and (not isinstance(self.train_size, int)
                                            or self.train_size < 1):
            raise bad("train size must be a whole number >= 1", self.train_size)
        if isinstance(self.seed, bool) or not isinstance(self.seed, int) or self.seed < 0:
            raise bad("seed must be a whole number >= 0", self.seed)
        if self.schedule not in ("cosine", "constant"):
            raise bad("schedule must be 'cosine' or 'constant'", self.schedule)

    def to_dict(self) -> dict:
        return asdict(self)


def default_config(model_name: str = "lenet5", **overrides) -> TrainConfig:
    """The CLI's defaults for a model, with ``overrides`` (None values ignored)."""
    return TrainConfig(**{k: v for k, v in overrides.items() if v is not None})


@dataclass(frozen=True)
class Progress:
    """One snapshot. ``loss`` is smoothed (EMA), ``train_loss``/``train_acc`` are over the epoch
    so far, ``val_acc`` is set only at ``phase="epoch"``. Times in seconds; ``images_per_s`` and
    ``epoch_seconds`` count only time spent training (not time the consumer held the generator)."""

    epoch: int
    epochs: int
    step: int
    steps_per_epoch: int
    loss: float
    batch_loss: float
    train_loss: float
    train_acc: float
    val_acc: float | None
    lr: float
    images_per_s: float
    epoch_seconds: float
    elapsed: float
    eta_s: float
    phase: str

    @property
    def fraction(self) -> float:
        """How much of the whole run is done, 0-1."""
        return ((self.epoch - 1) * self.steps_per_epoch + self.step) / (
            self.epochs * self.steps_per_epoch)


@dataclass(frozen=True)
class TrainResult:
    """What a finished run returns: per-epoch history (dicts) and the final figures.

    ``diverged`` is None for a run that finished, else the one-line reason it stopped early (the
    loss or the weights became NaN or infinite); the model then holds the weights of the last
    finished epoch (``epochs_completed``), or, when none finished, its weights before training.
    """

    history: tuple[dict, ...]
    epochs_completed: int
    val_acc: float | None
    train_acc: float
    train_seconds: float
    images_per_s: float
    config: TrainConfig = field(default_factory=TrainConfig)
    diverged: str | None = None


def _images_labels(part) -> tuple[np.ndarray, np.ndarray]:
    if part is None:
        return np.zeros((0, 28, 28), np.uint8), np.zeros(0, np.int64)
    if hasattr(part, "images"):
        images, labels = part.images, part.labels
    else:
        images, labels = part
    images, labels = np.asarray(images), np.asarray(labels).astype(np.int64)
    if images.ndim not in (3, 4) or len(images) != len(labels):
        raise ValueError(f"need images (N, 28, 28) or (N, C, H, W) and N labels, got "
                         f"{images.shape} and {labels.shape}")
    return images, labels


def image_shape_of(images: np.ndarray) -> tuple[int, int, int]:
    """(C, H, W) of one image of a batch (N, H, W) or (N, C, H, W)."""
    shape = tuple(int(d) for d in np.shape(images))
    return (1, *shape[1:]) if len(shape) == 3 else shape[1:]


def class_names_of(data) -> tuple[str, ...] | None:
    """The class names a dataset (or the training part of a (train, val) pair) carries."""
    part = data[0] if isinstance(data, (tuple, list)) and len(data) == 2 else data
    names = getattr(part, "class_names", None)
    return tuple(names) if names else None


def classes_in(data) -> int:
    """How many outputs a model of ``data`` needs: its class names, else ``max label + 1``."""
    names = class_names_of(data)
    if names:
        return len(names)
    labels = data.labels if hasattr(data, "labels") else data[1]
    if isinstance(data, (tuple, list)) and len(data) == 2 and hasattr(data[0], "labels"):
        labels = data[0].labels
    return n_classes_of(np.asarray(labels))


def check_inputs(model: Model, images: np.ndarray) -> None:
    """ValueError saying what to change when images of this shape do not fit the model."""
    got = image_shape_of(images)
    want = tuple(model.input_shape)
    if got == want:
        return
    kinds = {1: "grey", 3: "colour"}
    if got[0] != want[0]:
        raise ValueError(f"the images have {got[0]} channel{'s' if got[0] > 1 else ''} "
                         f"({kinds.get(got[0], '?')}) but the model {model.name!r} takes "
                         f"{want[0]}: build it for {got[0]} input channels (a designed "
                         f"network: write 'input {'x'.join(map(str, (got[0], *want[1:])))}')")
    raise ValueError(f"the images are {got[1]}x{got[2]} but the model {model.name!r} takes "
                     f"{want[1]}x{want[2]}")


def split_indices(n: int, val_fraction: float, train_size: int | None,
                  seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Seeded ``(train, val)`` index arrays: ``round(n*val_fraction)`` held out, train capped."""
    perm = np.random.default_rng(seed).permutation(n)
    n_val = round(n * val_fraction)
    val, train = perm[:n_val], perm[n_val:]
    if train_size is not None:
        if train_size > len(train):
            raise ValueError(f"train size {train_size} is more than the {len(train)} images "
                             "left after holding out validation")
        train = train[:train_size]
    return train, val


def prepare_data(data, config: TrainConfig):
    """``((x_train, y_train), (x_val, y_val), provenance)`` from a dataset or a (train, val) pair.

    A :class:`playground.data.Digits` is split by its stratified ``split``; anything else with
    ``images`` and ``labels`` (or an ``(images, labels)`` pair) by :func:`split_indices`.
    """
    if isinstance(data, (tuple, list)) and len(data) == 2 and not isinstance(data[0], np.ndarray):
        (xt, yt), (xv, yv) = _images_labels(data[0]), _images_labels(data[1])
        source = getattr(data[0], "source", "arrays")
        split = "given"
    else:
        n_total = len(data.images) if hasattr(data, "images") else len(data[0])
        split = {"n_total": n_total, "val_fraction": config.val_fraction,
                 "train_size": config.train_size, "seed": config.seed}
        if hasattr(data, "split"):  # playground.data.Digits: a stratified split
            train_part, val_part = data.split(n_train=config.train_size,
                                              val_fraction=config.val_fraction, seed=config.seed)
            (xt, yt), (xv, yv) = _images_labels(train_part), _images_labels(val_part)
            split["method"] = "Digits.split"
        else:
            x, y = _images_labels(data)
            tr, va = split_indices(len(x), config.val_fraction, config.train_size, config.seed)
            xt, yt, xv, yv = x[tr], y[tr], x[va], y[va]
            split["method"] = "split_indices"
        source = getattr(data, "source", "arrays")
    if len(xt) == 0:
        raise ValueError("no training images")
    prov = {"source": str(source), "n_train": len(xt), "n_val": len(xv), "split": split}
    names = class_names_of(data)
    if names:
        prov["class_names"] = list(names)
    return (xt, yt), (xv, yv), prov



def n_classes_of(*label_sets) -> int:
    """How many classes labelled data has: ``max label + 1`` over all sets (at least 2)."""
    top = max((int(np.max(y)) for y in label_sets if y is not None and len(y)), default=1)
    return max(2, top + 1)


def check_labels(model: Model, *label_sets) -> None:
    """ValueError naming the counts when labels fall outside the model's ``n_classes`` outputs."""
    for y in label_sets:
        if len(y) == 0:
            continue
        lo, hi = int(np.min(y)), int(np.max(y))
        if lo < 0:
            raise ValueError(f"labels must be >= 0, got {lo}")
        if hi >= model.n_classes:
            raise ValueError(f"the data has labels up to {hi} ({hi + 1} classes) but the model "
                             f"{model.name!r} has {model.n_classes} outputs: build it with "
                             f"n_classes={hi + 1}")


def validation_accuracy(model: Model, images: np.ndarray, labels: np.ndarray,
                        batch_size: int = 1000) -> float | None:
    """Accuracy on held-out images (None when there are none)."""
    if len(labels) == 0:
        return None
    pred = model.predict(nchw(images), batch_size)
    return float((pred == labels).mean())


def nchw(images: np.ndarray) -> np.ndarray:
    """Grey images (N, H, W) of a size other than 28x28 as (N, 1, H, W) (a view); others as
    they are (:func:`~playground.nn.model.as_batch` reads (N, 28, 28) and (N, C, H, W))."""
    return images[:, None] if images.ndim == 3 and images.shape[1:] != (28, 28) else images


def train(model: Model, data, config: TrainConfig | None = None,
          ) -> Generator[Progress, None, TrainResult]:
    """Trains ``model`` in place; yields :class:`Progress`, returns :class:`TrainResult`.

    Bad data or settings raise ``ValueError`` here, at the call, before anything is trained.
    """
    cfg = config or TrainConfig()
    (xt, yt), (xv, yv), prov = prepare_data(data, cfg)
    check_labels(model, yt, yv)
    check_inputs(model, xt)
    names = class_names_of(data)
    if names is not None and len(names) != model.n_classes:
        raise ValueError(f"the data has {len(names)} classes ({', '.join(names)}) but the "
                         f"model {model.name!r} has {model.n_classes} outputs")
    model.class_names = names
    if cfg.backend is not None:
        model.to(cfg.backend)
    opt = make_optimizer(cfg.optimizer, model.parameters(), model.be, cfg.lr, cfg.momentum,
                         cfg.weight_decay)
    return _loop(model, opt, cfg, xt, yt, xv, yv, prov)


def _loop(model: Model, opt, cfg: TrainConfig, xt, yt, xv, yv, prov,
          ) -> Generator[Progress, None, TrainResult]:
    be = model.be
    rng = np.random.default_rng([cfg.seed, 1])
    n, bs = len(xt), cfg.batch_size
    steps = math.ceil(n / bs)
    total_steps = cfg.epochs * steps
    model.history = []
    model.training = {**cfg.to_dict(), "architecture": model.name, "backend": be.name,
                      "optimizer_repr": repr(opt)}
    model.data = prov

    start = time.perf_counter()
    busy = 0.0  # seconds spent inside this generator
    ema, ema_k, done = 0.0, 0, 0
    train_acc = 0.0
    good = model.state_dict()  # the weights to keep if the run diverges
    for epoch in range(1, cfg.epochs + 1):
        t_epoch = 0.0
        loss_sum, correct, seen = 0.0, 0, 0
        order = rng.permutation(n)
        for step in range(1, steps + 1):
            t0 = time.perf_counter()
            if cfg.schedule == "cosine":
                opt.lr = 0.5 * cfg.lr * (1 + math.cos(math.pi * done / total_steps))
            idx = order[(step - 1) * bs: step * bs]
            xb = xt[idx]
            if cfg.augment:
                xb = random_affine(xb, rng)
            logits = model.forward(be.to_device(as_batch(nchw(xb))), train=True)
            batch_loss, dlogits = cross_entropy(be, logits, yt[idx])
            if not math.isfinite(batch_loss):
                return _diverged(model, good, cfg, f"loss {batch_loss}", epoch, step, train_acc)
            model.backward(dlogits)
            opt.step()
            correct += int((np.argmax(be.to_host(logits), axis=1) == yt[idx]).sum())
            seen += len(idx)
            loss_sum += batch_loss * len(idx)
            done += 1
            ema_k += 1
            ema = 0.9 * ema + 0.1 * batch_loss
            dt = time.perf_counter() - t0
            t_epoch += dt
            busy += dt
            train_acc = correct / seen
            yield Progress(epoch, cfg.epochs, step, steps, ema / (1 - 0.9**ema_k), batch_loss,
                           loss_sum / seen, train_acc, None, opt.lr, seen / t_epoch, t_epoch,
                           time.perf_counter() - start, busy / done * (total_steps - done), "step")
        state = model.state_dict()
        if not all(np.isfinite(a).all() for a in state.values()):
            return _diverged(model, good, cfg, "weights not finite", epoch, steps, train_acc)
        good = state
        t0 = time.perf_counter()
        val_acc = validation_accuracy(model, xv, yv)
        busy += time.perf_counter() - t0
        record = {"epoch": epoch, "train_loss": loss_sum / seen, "train_acc": train_acc,
                  "val_acc": val_acc, "seconds": t_epoch, "images_per_s": seen / t_epoch,
                  "lr": opt.lr}
        model.history.append(record)
        yield Progress(epoch, cfg.epochs, steps, steps, ema / (1 - 0.9**ema_k), batch_loss,
                       loss_sum / seen, train_acc, val_acc, opt.lr, seen / t_epoch, t_epoch,
                       time.perf_counter() - start, busy / done * (total_steps - done), "epoch")
    train_s = sum(h["seconds"] for h in model.history)
    return TrainResult(tuple(dict(h) for h in model.history), cfg.epochs,
                       model.history[-1]["val_acc"], train_acc, train_s,
                       n * cfg.epochs / train_s if train_s else 0.0, cfg)


def _diverged(model: Model, good: dict, cfg: TrainConfig, what: str, epoch: int, step: int,
              train_acc: float) -> TrainResult:
    """Stops a run whose loss or weights blew up: restores the last good weights, says so."""
    model.clear_cache()
    model.load_state_dict(good)
    done = len(model.history)
    kept = (f"the model keeps the weights of epoch {done}" if done
            else "no epoch finished, so the model keeps its untrained weights")
    message = (f"training diverged ({what}) at epoch {epoch} step {step}: lower the learning "
               f"rate (it was {cfg.lr:g}); {kept}")
    model.training["diverged"] = message
    train_s = sum(h["seconds"] for h in model.history)
    n_seen = sum(h["images_per_s"] * h["seconds"] for h in model.history)
    return TrainResult(tuple(dict(h) for h in model.history), done,
                       model.history[-1]["val_acc"] if done else None, train_acc, train_s,
                       n_seen / train_s if train_s else 0.0, cfg, message)


def run_training(model: Model, data, config: TrainConfig | None = None,
                 callback=None) -> TrainResult:
    """Drives :func:`train` to the end, calling ``callback(progress)`` on every snapshot."""
    gen = train(model, data, config)
    while True:
        try:
            progress = next(gen)
        except StopIteration as stop:
            return stop.value
        if callback is not None:
            callback(progress)
