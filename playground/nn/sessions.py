"""Training jobs and runs as plain generators, and the model helpers the windows share (no Qt).

A :class:`TrainingJob` trains one or more models one after another with
:func:`playground.nn.train` and yields a :class:`TrainingUpdate` per step; now and then (every epoch
and every ``snapshot_s``) the update carries a ``state_dict()`` copy made between two steps, so a
GUI can show the weights without touching the models being trained. The UI's
``GeneratorWorker`` drives :meth:`TrainingJob.generator` off the GUI thread; a test or a script
can simply iterate it.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np

from playground.engine.channels import match_channels
from playground.nn.arch import Arch, build_from_arch
from playground.nn.model import Model, build_model, model_from_specs
from playground.nn.registry import display_name
from playground.nn.training import (
    Progress,
    TrainConfig,
    TrainResult,
    class_names_of,
    classes_in,
    image_shape_of,
    train,
)


@dataclass(frozen=True)
class RunSpec:
    """One model to train: architecture, its label on the curves, settings, initial-weight seed.

    ``design`` is the :class:`~playground.nn.arch.Arch` of a designed network (``arch`` is then
    :data:`~playground.nn.arch.DESIGNED`); None for the built-in ones.
    """

    arch: str
    label: str
    config: TrainConfig
    init_seed: int = 0
    design: Arch | None = None

    def build(self, backend=None, n_classes: int = 10,
              input_shape: tuple[int, int, int] = (1, 28, 28),
              class_names: tuple[str, ...] | None = None) -> Model:
        """A fresh model of this run with ``n_classes`` outputs for images of ``input_shape``
        (the same weights for the same seed): a built-in one gets as many input channels as the
        images; ValueError saying what to write when a designed network does not fit them."""
        shape = tuple(int(d) for d in input_shape)
        if self.design is not None:
            check_design_fits(self.design, n_classes, shape)
            model = build_from_arch(self.design, seed=self.init_seed, backend=backend)
        else:
            if shape[1:] != (28, 28):
                raise ValueError(f"the built-in networks take 28x28 images, the data is "
                                 f"{shape[1]}x{shape[2]}")
            model = build_model(self.arch, seed=self.init_seed, backend=backend,
                                n_classes=n_classes, in_channels=shape[0])
        model.class_names = class_names
        return model


def check_design_fits(design: Arch, n_classes: int, input_shape: tuple[int, int, int]) -> None:
    """ValueError saying which line to write when a designed network's input or number of
    scores differs from the data's."""
    shape = tuple(input_shape)
    if tuple(design.input_shape) != shape:
        have = "x".join(map(str, design.input_shape))
        need = "x".join(map(str, shape))
        raise ValueError(f"the designed network takes {have} inputs but the images are {need}: "
                         f"write 'input {need}' as its first line")
    if design.n_classes != n_classes:
        raise ValueError(f"the designed network ends in {design.n_classes} scores but the data "
                         f"has {n_classes} classes: end it in 'dense {n_classes}' (and write "
                         f"'classes {n_classes}')")


@dataclass(frozen=True)
class TrainingUpdate:
    """What the job yields: a run starting (``progress`` None) or one step/epoch of it."""

    run: int
    label: str
    arch: str
    params: int
    progress: Progress | None = None
    weights: dict | None = field(default=None, repr=False)


class TrainingJob:
    """Trains ``specs`` in order on ``data``; :meth:`generator` runs in the worker thread."""

    def __init__(self, specs: list[RunSpec], data, snapshot_s: float = 0.5) -> None:
        self.specs = list(specs)
        self.data = data
        self.snapshot_s = snapshot_s
        self.n_classes = classes_in(data)
        """Outputs of the models: from the data's class names or labels (26 letters train a
        26-class net)."""
        self.input_shape = image_shape_of(_images(data))
        """(C, H, W) of the images: 3 channels give the models a colour first layer."""
        self.class_names = class_names_of(data)
        self.models = [self.build(i) for i in range(len(self.specs))]
        self.results: list[TrainResult] = []
        self.done = False
        """True once the generator has ended: the models are then the GUI's to use."""

    def build(self, run: int, backend=None) -> Model:
        """A fresh (untrained) model of run ``run`` for this job's data."""
        return self.specs[run].build(backend, self.n_classes, self.input_shape, self.class_names)

    def generator(self):
        try:
            for i, (spec, model) in enumerate(zip(self.specs, self.models, strict=False)):
                params = model.n_params()
                yield TrainingUpdate(i, spec.label, spec.arch, params)
                gen = train(model, self.data, spec.config)
                last = time.perf_counter()
                try:
                    while True:
                        try:
                            p = next(gen)
                        except StopIteration as stop:
                            self.results.append(stop.value)
                            break
                        weights = None
                        now = time.perf_counter()
                        if p.phase == "epoch" or now - last >= self.snapshot_s:
                            weights, last = model.state_dict(), now
                        yield TrainingUpdate(i, spec.label, spec.arch, params, p, weights)
                finally:
                    gen.close()
            return tuple(self.results)
        finally:
            self.done = True


def _images(data) -> np.ndarray:
    if isinstance(data, (tuple, list)) and len(data) == 2 and hasattr(data[0], "images"):
        data = data[0]
    return np.asarray(data.images if hasattr(data, "images") else data[0])


def race_runs(chosen: str) -> list[tuple[str, str]]:
    """The FCNN-vs-CNN race's ``(arch, label)`` runs: the FCNN first, then ``chosen`` (LeNet-5
    when the FCNN itself is chosen)."""
    cnn = "lenet5" if chosen == "fcnn" else chosen
    return [("fcnn", display_name("fcnn")), (cnn, display_name(cnn))]


def duration(seconds: float) -> str:
    """``m:ss`` for a progress bar; ``?`` when unknown (infinite or NaN)."""
    if not math.isfinite(seconds):
        return "?"
    s = round(max(0.0, seconds))
    return f"{s // 60}:{s % 60:02d}"


def progress_line(label: str, p: Progress) -> str:
    """One line for a progress bar: run label, epoch, step and the estimated time left."""
    return (f"{label}  epoch {p.epoch}/{p.epochs}  step {p.step}/{p.steps_per_epoch}  "
            f"ETA {duration(p.eta_s)}")


def race_conclusion(runs) -> str:
    """The lecture's conclusion for an FCNN-vs-CNN race, with the measured numbers.

    ``runs`` are two finished runs, FCNN first, each with ``label``, ``params``, ``epochs``,
    ``val_acc`` (one per epoch) and ``seconds_per_epoch()`` (the training panel's curve runs).
    """
    fc, cnn = runs
    if not fc.val_acc or not cnn.val_acc:
        return "The race was stopped before both networks finished an epoch."
    name = cnn.label
    fv, cv = fc.val_acc[-1], cnn.val_acc[-1]
    f1, c1 = fc.val_acc[0], cnn.val_acc[0]
    ratio = fc.params / max(cnn.params, 1)
    epochs = min(len(fc.epochs), len(cnn.epochs))
    text = (f"After {epochs} epoch{'s' if epochs > 1 else ''} on the same digits, {name} reached "
            f"{cv:.1%} validation accuracy against the FCNN's {fv:.1%}, with {cnn.params:,} "
            f"parameters instead of {fc.params:,} ({ratio:.1f}x fewer). After the first epoch it "
            f"stood at {c1:.1%} against {f1:.1%}. One epoch took {cnn.seconds_per_epoch():.1f} s "
            f"for {name} and {fc.seconds_per_epoch():.1f} s for the FCNN.")
    if cv > fv and c1 >= f1 and cnn.params < fc.params:
        text += (" As the lecture says: sliding a few shared 5x5 templates over the image "
                 "converges faster and generalises better, with fewer parameters.")
    else:
        text += (" This run does not fully show the lecture's point yet; train longer or on more "
                 "digits and compare again.")
    return text


def clone_model(model: Model) -> Model:
    """An independent copy (same layers, weights, history) on the same backend."""
    twin = model_from_specs(model.layer_specs(), model.name, model.be, model.input_shape)
    twin.load_state_dict(model.state_dict())
    twin.history = [dict(h) for h in model.history]
    twin.training = dict(model.training)
    twin.data = dict(model.data)
    twin.header = model.header
    twin.arch = model.arch
    twin.class_names = model.class_names
    return twin


def fit_conv1(kernels: np.ndarray, bias: np.ndarray, weight: np.ndarray, old_bias: np.ndarray
              ) -> tuple[np.ndarray, np.ndarray, bool]:
    """The playground's kernels shaped like conv1 ``weight``: channels matched as in
    :func:`~playground.engine.channels.match_channels`, each filter centre-cropped or zero-padded,
    missing filters kept from ``weight``. Returns (w, b, exact)."""
    k_out, c_out, fh, fw = weight.shape
    k = np.asarray(kernels, np.float32)
    exact = k.shape == weight.shape
    k = match_channels(k, c_out)
    n = min(k.shape[0], k_out)
    w = weight.copy()
    b = old_bias.copy()
    sh, sw = min(k.shape[2], fh), min(k.shape[3], fw)
    si, sj = (k.shape[2] - sh) // 2, (k.shape[3] - sw) // 2
    di, dj = (fh - sh) // 2, (fw - sw) // 2
    w[:n] = 0.0
    w[:n, :, di:di + sh, dj:dj + sw] = k[:n, :, si:si + sh, sj:sj + sw]
    b[:n] = np.asarray(bias, np.float32)[:n]
    return w, b, exact
