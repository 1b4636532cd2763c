"""The network on show: which model, what it predicts for the drawing, conv1 linked to the editor.

:class:`ModelHolder` holds one :class:`~playground.nn.Model` used only on the GUI thread: the
bundled pre-trained LeNet-5 from the start, a display copy of the model being trained (its weights
refreshed from the trainer's snapshots), the finished model, or a file the student loaded. It
predicts ``state.image`` whenever the drawing changes (latest request wins: bursts of changes
within one event-loop pass give one prediction).

While conv1 is *linked* to the playground (:meth:`ModelHolder.link_conv1`), the network on show is
a copy of the model with its own name ("LeNet-5, conv1 edited"): the bundled or trained original is
never written. Every change of ``state.kernels`` of conv1's shape (typed cells, presets, undo) is
written into the copy's conv1 and the digit is predicted again at once; a change of the kernels'
shape (their number, size or channels: Matrix A, the 1-D example, an RGB image) ends the link with
a message instead. :meth:`ModelHolder.revert_conv1` puts the trained filters back and
:meth:`ModelHolder.back_to_bundled` shows the bundled model again.

Models follow the engine's selected backend: the window's
:class:`~playground.ui.common.backend_session.BackendSession` keeps the engine on the NumPy
reference until its one warm-up has compiled the network kernels too, so the window never waits
for the compiler.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal

from playground import engine, nn
from playground.nn.registry import bundled_architectures, display_name
from playground.nn.sessions import clone_model
from playground.scene import Change
from playground.ui.common.binding import observe_state
from playground.ui.playground.state import PlaygroundState

BUNDLED = "pre-trained, bundled with the app"
"""The ``source`` of a bundled pre-trained model."""


def digit_input(image: np.ndarray) -> np.ndarray:
    """The state's image as the network's (28, 28) float32 input (RGB averaged, MNIST-style)."""
    img = np.asarray(image, np.float32)
    if img.ndim == 3:
        img = img.mean(axis=0)
    if img.shape != (28, 28):
        from playground.data.images import to_mnist_style

        img = to_mnist_style(np.clip(img, 0.0, 1.0))
    return np.ascontiguousarray(np.clip(img, 0.0, 1.0), np.float32)


class ModelHolder(QObject):
    """The current model and its live prediction for ``state.image``.

    Parameters
    ----------
    state : PlaygroundState
        The playground whose drawing is predicted and whose kernels conv1 can be linked to.
    pretrained : str or None
        Bundled model to start with (``"lenet5"`` or ``"fcnn"``; an untrained one of that
        architecture, with ``notice`` saying why, if the file is missing); None: untrained LeNet-5.
    backend : str or None
        Backend for the models held here (None: the engine's selected backend).
    """

    model_changed = Signal(object)
    """A different model is on show (the model)."""
    weights_changed = Signal()
    """The same model got new weights (a training snapshot, an edited conv1, a revert)."""
    prediction = Signal(object)
    """Class probabilities (10,) float32 for the current drawing (a copy)."""
    link_changed = Signal(bool)
    """conv1 was linked to (True) or unlinked from (False) the playground's kernels."""
    message = Signal(str)
    """Something the student should read (a fallback, an unlink)."""

    def __init__(self, state: PlaygroundState, parent: QObject | None = None,
                 pretrained: str | None = "lenet5", backend: str | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.backend = backend
        self.notice = ""
        self.training = False
        self.probabilities: np.ndarray | None = None
        self._pretrained: dict[str, nn.Model] = {}
        self._linked = False
        self.edited_from: str | None = None
        """The source of the model whose copy is on show with an edited conv1 (None: no copy)."""
        self._bundled = pretrained or "lenet5"
        self._trained_conv1: dict[str, np.ndarray] | None = None
        self._writing_state = False
        self._trace: dict[str, np.ndarray] | None = None
        self._trace_key: tuple | None = None
        self._version = 0
        self._pending = QTimer(self)
        self._pending.setSingleShot(True)
        self._pending.setInterval(0)
        self._pending.timeout.connect(self.predict)
        if pretrained is not None:
            try:
                model = clone_model(self.pretrained(pretrained))
                source = BUNDLED
            except nn.ModelFileError as exc:
                model = nn.build_model(pretrained, backend=backend)
                source = "untrained"
                self.notice = (f"The bundled pre-trained {display_name(pretrained)} could not be "
                               f"loaded ({exc}); showing an untrained network: train one in the "
                               "Train tab.")
        else:
            model = nn.build_model("lenet5", backend=backend)
            source = "untrained"
        self.model: nn.Model = model
        self.source = source
        observe_state(self, state, self._on_state_changed)
        self.predict()

    # ---- the model --------------------------------------------------------------------------
    def pretrained(self, name: str) -> nn.Model:
        """The bundled pre-trained ``name`` (cached, read-only); ModelFileError if absent."""
        if name not in self._pretrained:
            self._pretrained[name] = nn.load_pretrained(name, backend=self.backend)
        return self._pretrained[name]

    def set_model(self, model: nn.Model, source: str) -> None:
        """Shows ``model`` (now owned by the GUI thread); unlinks conv1 and predicts again."""
        self.unlink()
        model.to(self.compute_backend())
        self.model = model
        self.source = source
        self.edited_from = None
        self._version += 1
        self.model_changed.emit(model)
        self.predict()

    def load(self, path: str | Path) -> nn.Model:
        """Loads a model file and shows it; ModelFileError (model unchanged) when it is bad."""
        model = nn.load_model(path, backend=self.backend)
        self.set_model(model, f"loaded from {Path(path).name}")
        return model

    def save(self, path: str | Path) -> Path:
        """Writes the current model to ``path`` (.npz)."""
        return nn.save_model(self.model, path)

    def update_weights(self, weights: dict[str, np.ndarray]) -> None:
        """New weights for the current model (a training snapshot); predicts again."""
        self.model.load_state_dict(weights)
        self._weights_changed()

    @property
    def title(self) -> str:
        """The model's name as shown: "LeNet-5", or "LeNet-5, conv1 edited" for an edited copy."""
        name = display_name(self.model.name)
        return f"{name}, conv1 edited" if self.edited_from is not None else name

    @property
    def is_bundled(self) -> bool:
        """True when the bundled pre-trained model is on show, unedited."""
        return self.source == BUNDLED and self.edited_from is None

    def back_to_bundled(self) -> bool:
        """Shows the bundled pre-trained model again (ends a link); False (message) if it can't."""
        if self.training:
            self.message.emit("Stop the training before going back to the bundled model.")
            return False
        name = self.model.name if self.model.name in bundled_architectures() else self._bundled
        try:
            model = clone_model(self.pretrained(name))
        except nn.ModelFileError as exc:
            self.message.emit(f"The bundled {display_name(name)} cannot be loaded: {exc}")
            return False
        self.set_model(model, BUNDLED)
        self.message.emit(f"Back to the bundled pre-trained {display_name(name)}.")
        return True

    def show_bundled(self, name: str) -> bool:
        """Shows the bundled pre-trained ``name`` (a lesson's templates scene wants the FCNN)
        unless it is on show already; False (message) while training runs or if it can't."""
        if self.is_bundled and self.model.name == name:
            return True
        if self.training:
            self.message.emit(f"Stop the training to see the bundled {display_name(name)}.")
            return False
        try:
            model = clone_model(self.pretrained(name))
        except nn.ModelFileError as exc:
            self.message.emit(f"The bundled {display_name(name)} cannot be loaded: {exc}")
            return False
        self.set_model(model, BUNDLED)
        return True

    @property
    def has_conv(self) -> bool:
        return bool(self.model.conv_layers)

    # ---- predicting -------------------------------------------------------------------------
    def compute_backend(self) -> str:
        """The backend to compute on now: this holder's own, else the engine's selected one."""
        return self.backend or engine.backend_name()

    def input_image(self) -> np.ndarray:
        """The drawing as the model's input: (28, 28) for grey models; for a colour model the
        grey drawing repeated into its channels, (1, C, 28, 28)."""
        img = digit_input(self.state.image)
        channels = self.model.input_shape[0]
        return img if channels == 1 else np.repeat(img[None, None], channels, axis=1)

    def class_label(self, index: int) -> str:
        """The name of output ``index``: the model's class name, else the digit."""
        names = self.model.class_names
        return names[index] if names and 0 <= index < len(names) else str(index)

    def predict(self) -> np.ndarray:
        """Predicts the current drawing now, emits ``prediction`` and returns the probabilities."""
        self._pending.stop()
        self.model.to(self.compute_backend())
        probs = np.asarray(self.model.predict_proba(self.input_image()), np.float32).reshape(-1)
        self.probabilities = probs.copy()
        self.prediction.emit(probs.copy())
        return probs

    def trace(self) -> dict[str, np.ndarray]:
        """``model.forward_trace`` of the drawing (cached until the image or weights change)."""
        img = self.input_image()
        key = (self._version, id(self.model), img.tobytes())
        if self._trace_key != key:
            self.model.to(self.compute_backend())
            self._trace = self.model.forward_trace(img)
            self._trace_key = key
        return self._trace

    def _weights_changed(self) -> None:
        self._version += 1
        self.weights_changed.emit()
        self.predict()

    def _on_state_changed(self, what: Change) -> None:
        if what & (Change.IMAGE | Change.BACKEND):
            self._pending.start()
        if self._linked and what & Change.KERNELS and not self._writing_state:
            weight = self.model.get_weights("conv1")["weight"]
            if self.state.kernels.shape == weight.shape:
                self._write_state_kernels()
            else:  # never refit: the kernels on show are no longer conv1's
                self.unlink(
                    f"The kernel editor is no longer linked to {self.title}: the kernels are now "
                    f"{_shape(self.state.kernels.shape)}, conv1 takes {_shape(weight.shape)}. "
                    "The network keeps the filters it had; Edit in kernel editor links again.")

    # ---- conv1 linked to the kernel editor ---------------------------------------------------
    @property
    def linked(self) -> bool:
        return self._linked

    def link_conv1(self, select: int = 0) -> None:
        """Puts conv1's filters into the playground and keeps them linked (edits flow back)."""
        if not self.has_conv:
            raise ValueError(f"{display_name(self.model.name)} has no convolution layer to edit")
        if self.training:
            raise ValueError("stop the training before editing its filters")
        c_in = self.model.get_weights("conv1")["weight"].shape[1]
        if self.state.channels != c_in:
            raise ValueError(f"conv1 of {display_name(self.model.name)} takes {c_in} channel(s) "
                             f"but the Playground shows a {self.state.channels}-channel image: "
                             "draw a digit or open a grey image first")
        if self.edited_from is None:  # edit a copy, never the model it came from
            twin = clone_model(self.model)
            self.edited_from, self.model = self.source, twin
            self.source = f"a copy; the original ({self.edited_from}) is unchanged"
            self._version += 1
            self.model_changed.emit(twin)
        weights = self.model.get_weights("conv1")
        if self._trained_conv1 is None:
            self._trained_conv1 = {k: v.copy() for k, v in weights.items()}
        self._writing_state = True
        try:
            self.state.set_kernels(weights["weight"], weights["bias"])
            self.state.select_kernel(min(max(select, 0), weights["weight"].shape[0] - 1))
        finally:
            self._writing_state = False
        if not self._linked:
            self._linked = True
            self.link_changed.emit(True)

    def unlink(self, message: str = "") -> None:
        """Stops writing the playground's kernels into conv1 (the edited copy stays on show);
        ``message`` tells the student why."""
        was = self._linked
        self._linked = False
        self._trained_conv1 = None
        if was:
            self.link_changed.emit(False)
            if message:
                self.message.emit(message)

    def revert_conv1(self) -> None:
        """Restores conv1's trained filters (and shows them in the playground if linked)."""
        if self._trained_conv1 is None:
            return
        trained = self._trained_conv1
        self.model.set_weights("conv1", trained["weight"], trained["bias"])
        if self._linked:
            self._writing_state = True
            try:
                self.state.set_kernels(trained["weight"], trained["bias"])
            finally:
                self._writing_state = False
        self._weights_changed()

    def conv1_edited(self) -> bool:
        """True when conv1 differs from the trained filters saved at linking."""
        if self._trained_conv1 is None:
            return False
        now = self.model.get_weights("conv1")
        return not (np.array_equal(now["weight"], self._trained_conv1["weight"])
                    and np.array_equal(now["bias"], self._trained_conv1["bias"]))

    def _write_state_kernels(self) -> None:
        self.model.set_weights("conv1", self.state.kernels, self.state.bias)
        self._weights_changed()


def _shape(shape: tuple[int, ...]) -> str:
    """(6, 1, 5, 5) -> "6 of 5x5" ("6 of 3x5x5" with 3 channels)."""
    k, c, fh, fw = shape
    return f"{k} of {c}x{fh}x{fw}" if c > 1 else f"{k} of {fh}x{fw}"
