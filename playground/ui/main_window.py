"""The main window: canvas and inputs | feature maps and step-through | kernels, settings, formulas.

Widgets are thin views over one :class:`~playground.ui.playground.state.PlaygroundState`; every user
change goes through one :class:`~playground.ui.common.undo.UndoableState` (one undo stack, Ctrl+Z /
Ctrl+Shift+Z). Later tabs (the network) are added with ``window.tabs.addTab``.
"""

from __future__ import annotations

import contextlib
import logging
import platform
import time

import numpy as np
from PySide6.QtCore import QSignalBlocker, QSize, Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QCheckBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSlider,
    QSplitter,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from playground import __version__, engine
from playground.scene import Change
from playground.ui import help as help_texts
from playground.ui.common import persistence
from playground.ui.common import theme as th
from playground.ui.common.backend_session import BackendSession
from playground.ui.common.binding import observe_state
from playground.ui.common.compile_progress import WarmupIndicator
from playground.ui.common.reflow import CurrentPageTabs, ReflowPage
from playground.ui.common.steady_label import SteadyLabel
from playground.ui.common.undo import UndoableState
from playground.ui.common.undo_routing import UndoRouter
from playground.ui.lesson.controller import LessonController
from playground.ui.menus import build_menus
from playground.ui.network.model_holder import ModelHolder
from playground.ui.playground.canvas import DEFAULT_BRUSH, DrawingCanvas
from playground.ui.playground.channels_view import ChannelsView
from playground.ui.playground.conv1d_stepper import Conv1DStepper
from playground.ui.playground.cost_panel import CostPanel
from playground.ui.playground.formula_panel import FormulaPanel
from playground.ui.playground.input_panel import InputPanel
from playground.ui.playground.kernel_editor import KernelEditor
from playground.ui.playground.link_banner import LinkBanner
from playground.ui.playground.maps_view import FeatureMapsView
from playground.ui.playground.prediction_view import PredictionView
from playground.ui.playground.settings_panel import SettingsPanel
from playground.ui.playground.state import PlaygroundState
from playground.ui.playground.stepper import StepThroughWidget
from playground.ui.playground.symbolic_view import SymbolicView
from playground.ui.window_session import WindowSession

log = logging.getLogger(__name__)

MNIST_CREDIT = (
    "The handwritten digits are from the MNIST database by Yann LeCun, Corinna Cortes and "
    "Christopher J.C. Burges, used under the Creative Commons Attribution-Share Alike 3.0 licence "
    "(CC BY-SA 3.0)."
)


NETWORK_HEADER_MIN = 620
"""The Network tab shows its file buttons and prediction on windows at least this tall (px at
100 %, times the UI scale)."""


def _group(title: str, widget: QWidget, tip: str = "") -> QGroupBox:
    box = QGroupBox(title)
    box.setToolTip(tip)
    lay = QVBoxLayout(box)
    lay.setContentsMargins(6, 6, 6, 6)
    lay.addWidget(widget)
    return box


class MainWindow(WindowSession, QMainWindow):
    """Top-level window of the playground."""

    def __init__(self, state: PlaygroundState | None = None, restore: bool = True,
                 backend: str | None = None) -> None:
        """``backend``: the one asked for on the command line (over the saved choice); the fast
        kernels are warmed only once ``backend_session.start()`` is called (after the first paint).
        """
        super().__init__()
        self.backend_session = BackendSession(parent=self)
        self.setWindowTitle(f"Convolution Playground {__version__}")
        self.state = state if state is not None else PlaygroundState()
        self.save_on_close = restore
        self.render_ms = 0.0
        self._t_changed = 0.0
        observe_state(self, self.state, self._on_state_changed_first)
        observe_state(self, self.state, self._follow_backend_choice)
        self.undo_stack = QUndoStack(self)
        self.undo_stack.setUndoLimit(200)
        self.undo = UndoableState(self.state, self.undo_stack, self)
        self.tabs = CurrentPageTabs()  # sized by the page on show, which scrolls if it must
        self.tabs.setDocumentMode(True)
        self.setCentralWidget(self.tabs.in_scroll_area())
        self.holder = ModelHolder(self.state, self)
        self.network_tab = None
        self.tabs.addTab(self._build_playground(), "Playground")
        self._network_page = QWidget()  # replaced by the Network tab the first time it is shown
        self.tabs.addTab(self._network_page, "Network")
        self.tabs.currentChanged.connect(self._on_tab_changed)
        self._build_status_bar()
        self.lessons = LessonController(self)
        self.undo_router = UndoRouter(self.undo_stack, self)  # Edit ▸ Undo: the focused part's
        self._build_menus()
        self.lessons.install_menus()
        observe_state(self, self.state, self._on_state_changed_last)
        observe_state(self, self.state, self._on_state_view_changed)
        self.lower_tabs.currentChanged.connect(self._on_lower_tab_changed)
        self.holder.message.connect(lambda m: self.statusBar().showMessage(m, 10000))
        self.undo.rejected.connect(lambda m: self.statusBar().showMessage(f"Refused: {m}", 6000))
        self._update_status()
        self._default_size()
        if restore:
            problems = persistence.load(self)
            if problems:
                self.statusBar().showMessage("Some saved settings could not be restored and were "
                                             "reset: " + "; ".join(problems), 10000)
        if backend is not None:
            self.state.set_backend(backend)
        self._follow_backend_choice(Change.BACKEND)
        th.theme().changed.connect(self._on_scale_changed)
        self._watch_backend_session(self.backend_session)
        help_texts.apply_help(self)

    # ---- layout ------------------------------------------------------------------------------
    def _build_playground(self) -> QWidget:
        st = self.state
        self.canvas = DrawingCanvas(st)
        self.undo.canvas = self.canvas
        self.canvas.stroke_started.connect(self.undo.begin)
        self.canvas.stroke_finished.connect(lambda: self.undo.end("Draw stroke"))
        self.brush = QSlider(Qt.Orientation.Horizontal, minimum=6, maximum=50)
        self.brush.setValue(int(DEFAULT_BRUSH))
        self.brush.setToolTip("Brush size")
        self.brush.valueChanged.connect(lambda v: setattr(self.canvas, "brush_size", float(v)))
        self.eraser = QCheckBox("Eraser")
        self.eraser.setToolTip("Draw with black (or use the right mouse button / pen eraser)")
        self.eraser.toggled.connect(lambda on: setattr(self.canvas, "eraser", on))
        clear = QToolButton(text="Clear")
        clear.setToolTip("Erase the drawing (Ctrl+Backspace)")
        clear.clicked.connect(self.clear_canvas)
        tools = QHBoxLayout()
        tools.addWidget(QLabel("Brush"))
        tools.addWidget(self.brush, 1)
        tools.addWidget(self.eraser)
        tools.addWidget(clear)
        draw = QWidget()
        dl = QVBoxLayout(draw)
        dl.setContentsMargins(0, 0, 0, 0)
        dl.addWidget(self.canvas, 1)
        dl.addLayout(tools)
        self.input_panel = InputPanel(st, self.canvas, undo=self.undo, draw=draw)
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        input_box = _group(self.input_panel.view.title, self.input_panel.view)  # what the input is
        self.input_panel.view.title_changed.connect(input_box.setTitle)
        ll.addWidget(input_box)
        ll.addWidget(_group("Or choose an input", self.input_panel))
        self.prediction_view = PredictionView(self.holder)
        ll.addWidget(_group("What the network sees", self.prediction_view,
                            "The trained network's probabilities for the digit on the canvas"))
        ll.addStretch(1)

        self.maps_view = FeatureMapsView(st)
        self.maps_view.shared_check.toggled.connect(self.set_shared_scale)
        self.stepper = StepThroughWidget(st)
        self.stepper_1d = Conv1DStepper(state=st)
        self.channels_view = ChannelsView(st)
        self.lower_tabs = QTabWidget()
        self.lower_tabs.addTab(self.stepper, "Step through (2-D)")
        self.lower_tabs.addTab(self.stepper_1d, "1-D example")
        self.lower_tabs.addTab(self.channels_view, "Colour channels")
        centre = QSplitter(Qt.Orientation.Vertical)
        maps_box = _group("Input and feature maps", self.maps_view)
        maps_box.setProperty("fold_title", "Feature maps")  # its tab's name on short screens
        centre.addWidget(maps_box)
        centre.addWidget(self.lower_tabs)
        centre.setStretchFactor(0, 3)
        centre.setStretchFactor(1, 2)
        self.input_panel.example_1d_requested.connect(self.show_1d_example)
        self.input_panel.rgb_loaded.connect(
            lambda: self.lower_tabs.setCurrentWidget(self.channels_view))

        self.kernel_editor = KernelEditor(st, undo=self.undo)
        self.settings_panel = SettingsPanel(st, undo=self.undo)
        self.settings_panel.shared_scale_changed.connect(self.set_shared_scale)
        self.formula_panel = FormulaPanel(st)
        self.cost_panel = CostPanel(st)
        self.lower_tabs.insertTab(1, self.formula_panel, "Output size")
        self.symbolic_view = SymbolicView(st)  # c_ij = a·w + …, following the step-through
        self.symbolic_view.follow(self.stepper.controls)
        self.lower_tabs.insertTab(2, self.symbolic_view, "Symbolic")
        self.lower_tabs.addTab(self.cost_panel, "Parameters and cost")
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        self.link_banner = LinkBanner(self.holder)
        rl.addWidget(self.link_banner)
        rl.addWidget(_group("Kernels (templates)", self.kernel_editor,
                            "Each kernel W_k is a template: the feature map is high where the "
                            "image patch looks like it."))
        rl.addWidget(_group("Layer", self.settings_panel))
        rl.addStretch(1)
        self.page = ReflowPage(left, centre, right, ("Input", "Kernels and layer"),
                               picture_side=self._maps_side_in)
        self.maps_view.grid_fitted.connect(self.page.schedule_reflow)
        self.page.centre_room = lambda w: self.maps_view.set_room(
            None if w is None else w - 24)  # the group box's frame and the scroll area's
        self.right_scroll = self.page.right_scroll
        self.splitter = self.page.splitter
        return self.page

    def _maps_side_in(self, width: int, height: int) -> float:
        """The feature maps' side (px) in a centre column of ``width`` x ``height`` (the page
        picks its arrangement by it): the maps' group box takes its frame and title."""
        return self.maps_view.map_side_for(width - 16, height - th.theme().px(24))

    def _build_status_bar(self) -> None:
        self.warmup_indicator = WarmupIndicator()
        self.statusBar().addPermanentWidget(self.warmup_indicator)
        self.backend_label = QLabel()
        self.timing_label = SteadyLabel("compute 0000.0 ms · views 0000.0 ms")  # no relayout
        self.backend_label.setToolTip("Where the convolutions run (Layer ▸ Backend)")
        self.timing_label.setToolTip("Time to compute the layer and to redraw the views")
        self.statusBar().addPermanentWidget(self.timing_label)
        self.statusBar().addPermanentWidget(self.backend_label)

    def _build_menus(self) -> None:
        self.menu_actions = build_menus(self)
        self.eraser.toggled.connect(self.eraser_action.setChecked)
        self.shared_action.setChecked(True)

    def minimumSizeHint(self) -> QSize:
        """What the window needs to show the page on show without scrolling: the screenshot
        check (:mod:`~playground.ui.common.screenshot`) and the layout tests read it. (Qt sizes
        the window by the scroll area instead, so a page too big for the screen scrolls.)"""
        hint = super().minimumSizeHint()
        scroll = self.tabs.scroll
        if scroll is None or not self.isVisible():
            return hint
        chrome = self.size() - scroll.size()  # menus, status bar and docks around the tabs
        return hint.expandedTo(self.tabs.minimumSizeHint() + chrome)

    def overflow(self) -> list[str]:
        """What does not fit the window as it is now (empty when nothing is clipped or scrolls
        sideways): the page on show against the window, and the Playground's columns or the
        Network tab's scroll areas."""
        out = [self.tabs.overflow()] if self.tabs.overflow() else []
        if self.tabs.currentWidget() is self.page:
            out += self.page.overflow()
        elif self.network_tab is not None and self.tabs.currentWidget() is self.network_tab:
            out += self.network_tab.overflow()
        return out

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit_network_header()

    def _fit_network_header(self) -> None:
        """On a short window (720 px at 150 %) the Network tab leaves its file buttons and its
        prediction out, so its pages fit under the header."""
        if self.network_tab is not None:
            self.network_tab.set_tall_enough(self.height() >= th.theme().px(NETWORK_HEADER_MIN))

    def _default_size(self) -> None:
        w, h = 1600, 1000
        screen = self.screen()
        if screen is not None:
            avail = screen.availableGeometry()
            w, h = min(w, int(avail.width() * 0.95)), min(h, int(avail.height() * 0.9))
        self.resize(w, h)

    # ---- commands ----------------------------------------------------------------------------
    @property
    def ui_scale(self) -> int:
        """The UI scale in percent."""
        return th.theme().scale

    def set_ui_scale(self, percent: int) -> None:
        """Scales fonts and cells (100/125/150/200 %) for projectors."""
        th.theme().set_scale(percent)

    @property
    def theme_name(self) -> str:
        """The colour theme: light, dark or high-contrast."""
        return th.theme().name

    def set_theme(self, name: str) -> None:
        """Light, dark or high-contrast colours for the whole window (ValueError if unknown)."""
        th.theme().set_theme(name)
        if name in getattr(self, "theme_actions", {}):
            self.theme_actions[name].setChecked(True)

    def zoom(self, step: int) -> None:
        """One UI scale step up (+1) or down (-1)."""
        i = th.SCALES.index(self.ui_scale) + step
        self.set_ui_scale(th.SCALES[max(0, min(i, len(th.SCALES) - 1))])

    def _on_scale_changed(self, percent: int) -> None:
        self._fit_network_header()
        if percent in self.scale_actions:
            self.scale_actions[percent].setChecked(True)
        self.canvas.setMinimumSize(th.theme().px(140), th.theme().px(140))

    def show_1d_example(self) -> None:
        """Shows the lecture's 1-D example in the 1-D step-through."""
        from playground.lessons import lecture

        self.stepper_1d.set_inputs(", ".join(f"{v:g}" for v in lecture.VECTOR),
                                   ", ".join(f"{v:g}" for v in lecture.KERNEL_1D))
        self.lower_tabs.setCurrentWidget(self.stepper_1d)

    def clear_canvas(self) -> None:
        """Erases the drawing (undoable)."""
        self.undo.run("Clear canvas", self.canvas.clear)

    def next_kernel(self, step: int = 1) -> None:
        """Selects the next (or previous) kernel, wrapping around."""
        k = self.state.kernels.shape[0]
        self.state.select_kernel((self.state.selected + step) % k)

    def _set(self, text: str, **changes) -> None:
        self.undo.run(text, lambda: self.state.set_settings(**changes))

    def toggle_padding(self) -> None:
        """same <-> valid."""
        mode = "valid" if self.state.settings.padding_mode == "same" else "same"
        self._set(f"Padding: {mode}", padding_mode=mode)

    def toggle_pooling(self) -> None:
        """max <-> none."""
        pool = "none" if self.state.settings.pool != "none" else "max"
        self._set(f"Pooling: {pool}", pool=pool)

    def toggle_relu(self) -> None:
        """ReLU <-> none."""
        act = "none" if self.state.settings.activation == "relu" else "relu"
        self._set(f"Activation: {act}", activation=act)

    def load_demo(self, label: int | None = None, index: int | None = None) -> None:
        """Screenshot scene (:data:`playground.lessons.lecture.DEMO`): a bundled 3, the prong + 5
        lecture kernels, same padding, ReLU, max pooling; ``label``/``index`` pick another digit."""
        from playground.lessons.lecture import DEMO, lecture_kernels

        self.state.set_settings(**DEMO.settings)
        self.state.set_kernels(lecture_kernels(DEMO.kernels))
        self.state.select_kernel(0)
        self.input_panel.random_digit(DEMO.label if label is None else label,
                                      DEMO.index if index is None else index)
        self.undo_stack.clear()
        controls = getattr(self.stepper, "controls", None)
        if controls is not None:  # a window position on the digit's stroke, mid-animation
            controls.set_step(min(controls.count() - 1, DEMO.stepper_step))

    def step_control(self, what: str) -> bool:
        """Play/pause ("play"), "forward" or "back" on the step-through on screen (2-D or 1-D);
        False when neither is showing."""
        for controls in (self.stepper.controls, self.stepper_1d.controls):
            if controls.isVisible():
                {"play": controls.play_button.click, "forward": controls.step_forward,
                 "back": controls.step_back}[what]()
                return True
        return False

    def help_on_focus(self) -> str:
        """F1: the focused control's help, shown next to it."""
        return help_texts.show_help_for_focus(self)

    def enter_whats_this(self) -> None:
        """Shift+F1: click a control to read its help."""
        help_texts.enter_whats_this()

    def show_about(self) -> None:
        """Versions and credits."""
        QMessageBox.about(self, "About Convolution Playground", self.about_text())

    def about_text(self) -> str:
        """The About box's text (HTML)."""
        import numba
        import pyqtgraph
        import PySide6
        from PySide6.QtCore import qVersion

        return (
            f"<h3>Convolution Playground {__version__}</h3>"
            "<p>Draw a digit, edit kernels and watch a convolutional layer see it.</p>"
            f"<p>{MNIST_CREDIT}</p>"
            f"<p>Python {platform.python_version()} · PySide6 {PySide6.__version__} (Qt "
            f"{qVersion()}) · pyqtgraph {pyqtgraph.__version__} · NumPy {np.__version__} · "
            f"Numba {numba.__version__}</p>"
        )

    # ---- backend session ---------------------------------------------------------------------
    @property
    def warming(self) -> bool:
        """True while the fast kernels are being prepared (the reference backend computes)."""
        return self.backend_session.warming

    def _watch_backend_session(self, session: BackendSession) -> None:
        session.warmup_started.connect(self.warmup_indicator.attach)
        session.message.connect(self.statusBar().showMessage)
        session.changed.connect(self._on_backend_switched)

    def _follow_backend_choice(self, what: Change) -> None:
        if not what & Change.BACKEND or self.state.backend == self.backend_session.asked:
            return
        try:
            self.backend_session.request(self.state.backend)
        except (ValueError, engine.BackendUnavailable) as exc:  # e.g. a session saved on a GPU
            self.statusBar().showMessage(f"Backend {self.state.backend} cannot run here ({exc}); "
                                         "using auto", 10000)
            self.state.set_backend("auto")

    def _on_backend_switched(self, _name: str) -> None:
        self.state.recompute()
        self.state.changed.emit(Change.BACKEND)

    # ---- network tab ---------------------------------------------------------------------------
    def ensure_network_tab(self):
        """The Network tab, built on first use so that the window opens quickly."""
        if self.network_tab is None:
            from playground.ui.network.network_tab import NetworkTab

            tab = NetworkTab(self.state, self, holder=self.holder)
            tab.request_kernel_editor.connect(lambda: self.tabs.setCurrentIndex(0))
            tab.invariance_view.undo = self.undo
            self.undo_router.add(tab.designer, tab.designer.undo_stack)
            index = self.tabs.indexOf(self._network_page)
            with QSignalBlocker(self.tabs):
                self.tabs.removeTab(index)
                self.tabs.insertTab(index, tab, "Network")
            self._network_page.deleteLater()
            self.network_tab = tab
            self._fit_network_header()
            help_texts.apply_help(self)
        return self.network_tab

    def network_action(self, which: str) -> None:
        """File ▸ Save / Load / Back to the bundled model: the Network tab's header buttons, also
        there when a small or scaled-up window leaves those buttons out."""
        tab = self.ensure_network_tab()
        self.tabs.setCurrentWidget(tab)
        {"save": tab.save_button, "load": tab.load_button,
         "bundled": tab.bundled_button}[which].click()

    def export_model_dialog(self, fmt: str) -> None:
        """File ▸ Export model: shows the Network tab and asks where to export its model."""
        tab = self.ensure_network_tab()
        self.tabs.setCurrentWidget(tab)
        tab.export_dialog(fmt)

    def _on_tab_changed(self, index: int) -> None:
        if self.tabs.widget(index) is self._network_page:
            try:
                self.tabs.setCurrentWidget(self.ensure_network_tab())
            except OSError as exc:  # a folder it needs cannot be read or written
                log.exception("the Network tab could not be opened")
                self.statusBar().showMessage(f"The Network tab could not be opened: {exc}", 15000)

    # ---- status ------------------------------------------------------------------------------
    def _on_state_changed_first(self, _what: Change) -> None:
        self._t_changed = time.perf_counter()

    def _on_state_changed_last(self, _what: Change) -> None:
        self.render_ms = (time.perf_counter() - self._t_changed) * 1000.0
        self._update_status()

    def _update_status(self) -> None:
        b = self.state.backend
        with contextlib.suppress(engine.BackendUnavailable):
            on = self.state.preview_backend()
            if on != b:
                b = f"{b} ({on})" if not self.warming else f"{b} (on {on} while warming)"
        self.backend_label.setText(f"Backend: {b}")
        self.timing_label.setText(f"compute {self.state.compute_ms:.1f} ms · "
                                  f"views {self.render_ms:.1f} ms")

    def closeEvent(self, event) -> None:
        self.lessons.shutdown()
        if self.network_tab is not None:
            self.network_tab.shutdown()
        self.backend_session.wait()
        if self.save_on_close:
            persistence.save(self)
        super().closeEvent(event)
