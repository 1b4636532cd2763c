"""Help text for every control, reachable by keyboard: F1 explains the focused control,
Shift+F1 enters What's This mode (click any control to read about it).

:data:`HELP` names controls by their attribute path from the main window; a control not named
here uses its tooltip, and the inner parts of a composite control (a spin box's text field, a
combo box's list) use the help of the control they belong to.
"""

from __future__ import annotations

from functools import reduce

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QSlider,
    QTabBar,
    QWhatsThis,
    QWidget,
)

CONTROLS = (QAbstractButton, QAbstractSpinBox, QComboBox, QSlider, QAbstractItemView, QLineEdit,
            QTabBar)
"""The kinds of widget a user can reach with the keyboard and act on."""

HELP: dict[str, str] = {
    "canvas": "Draw a digit with the mouse or a pen (right button or the pen's eraser end "
              "erases). The layer computes its feature maps while you draw.",
    "brush": "The brush's size in canvas pixels; the canvas is scaled down to 28x28 like MNIST.",
    "input_panel.digit_class": "Which digit Random MNIST digit picks: any, or one class.",
    "input_panel.random_btn": "Shows a handwritten digit from the bundled MNIST sample.",
    "kernel_editor.count": "How many kernels (filters) the layer has: each one makes one "
                           "feature map.",
    "kernel_editor.presets": "Load a named kernel: edges, blur, sharpen or the lecture's prong "
                             "filter and its five companions.",
    "kernel_editor.fh": "Kernel height f (rows). Same padding uses p = (f-1)/2.",
    "kernel_editor.fw": "Kernel width f (columns).",
    "kernel_editor.bias": "The bias b added to every output cell of this kernel's map: "
                          "c = sum of a*w + b.",
    "kernel_editor.table": "The selected kernel's weights. Type a number or a fraction such as "
                           "1/9 into a cell; paste a whole matrix with Ctrl+Shift+V.",
    "stepper.controls.scrub_slider": "Drag to any step of the sliding window; the output fills "
                                     "in up to that cell.",
    "stepper.controls.speed_slider": "How many steps per second Play advances.",
    "stepper_1d.controls.scrub_slider": "Drag to any step of the 1-D example.",
    "stepper_1d.controls.speed_slider": "How many steps per second Play advances.",
    "stepper_1d.vector_edit": "The 1-D input: numbers separated by commas.",
    "stepper_1d.kernel_edit": "The 1-D kernel: numbers separated by commas.",
    "input_panel.type_btn": "Makes the input a matrix you type yourself (1x1 up to 16x16): a "
                            "small input keeps its values, anything else starts as A = 1 … 9.",
    "input_panel.matrix_editor.rows": "Rows of the typed input (1-16); the cells that still fit "
                                      "are kept.",
    "input_panel.matrix_editor.cols": "Columns of the typed input (1-16).",
    "input_panel.matrix_editor.presets": "The lecture's small inputs: A = 1 … 9, the 1-D example, "
                                         "the size exercises' 4x4 and 4x3, a 5x5.",
    "input_panel.matrix_editor.table": "The input a_rs: type any number (or a fraction such as "
                                       "1/3) into a cell; Ctrl+Z undoes it.",
    "input_panel.view.typed_back": "Makes your drawing the input again: it was kept while the "
                                   "input was a matrix (Ctrl+Z goes back to the matrix).",
    "input_panel.view.picture_back": "Makes your drawing the input again instead of the colour "
                                     "picture (Ctrl+Z goes back to the picture).",
    "input_panel.view.picture": "The input picture as it is, one square per pixel (a colour "
                                "image is shrunk to at most 32 px a side when opened).",
    "prediction_view": "What the trained network reads in the input: ten bars, the most likely "
                       "digit in red. A matrix, a vector or a tiny input is not a 28x28 drawing, "
                       "so it is not read.",
    "symbolic_view.row": "Which output row i the symbolic view writes out.",
    "symbolic_view.col": "Which output column j the symbolic view writes out.",
    "symbolic_view.reveal_button": "Shows the answers hidden by View ▸ Hide the answers (Ctrl+H).",
    "cost_panel.combo": "Which network's layers to count: weights and multiply-adds per layer.",
    "tabs": "Playground: one convolutional layer you edit by hand. Network: train a CNN and "
            "look inside it.",
    "lower_tabs": "The step-through, the output-size formulas, the 1-D example, colour "
                  "channels and the cost of a layer.",
    "network_tab.save_button": "Save the current model (weights and architecture) to a file.",
    "network_tab.load_button": "Load a model saved before, or by conv-playground train.",
    "network_tab.export_button": "Export the model on show for use outside the app: a "
                                 "self-contained PyTorch script (nn.Sequential plus its weights) "
                                 "or ONNX (needs the onnx package).",
    "network_tab.sub_tabs": "Inside the network, Design, Train, Your classes (draw examples "
                            "of labels you name and train on them), Shift the digit "
                            "(translation invariance) and Evaluate.",
    "network_tab.training_panel.model_combo": "The architecture to train: a fully connected "
                                              "network or a LeNet-5 CNN.",
    "network_tab.training_panel.data_combo": "Train on the bundled sample, the full MNIST, a "
                                             "folder of IDX files, or an image folder: one "
                                             "sub-folder of images per class (its name is the "
                                             "class), any size, grey or colour.",
    "network_tab.collect.name_edit": "Type the name of a label (a letter, a shape) and press "
                                     "Enter or Add label.",
    "network_tab.collect.label_list": "Your labels with their number of examples; the "
                                      "selected one gets the next example.",
    "network_tab.collect.add_button": "Add the drawing as an example of the selected label "
                                      "(at least 5 per label to train).",
    "network_tab.collect.undo_button": "Remove the example added last.",
    "network_tab.collect.train_button": "Train the Train tab's model on your examples, in the "
                                        "background; the bars follow it live.",
    "network_tab.collect.save_button": "Save the examples as a folder with one sub-folder of "
                                       "PNGs per label (the Train tab's Image folder reads it).",
    "network_tab.collect.open_button": "Open examples saved before, or any folder of class "
                                       "sub-folders of images.",
    "network_tab.training_panel.train_size": "How many training digits to use (0: all).",
    "network_tab.training_panel.epochs": "How many passes over the training digits.",
    "network_tab.training_panel.batch": "Digits per gradient step (mini-batch size).",
    "network_tab.training_panel.lr": "Learning rate: the size of each gradient step.",
    "network_tab.training_panel.optimizer": "How the weights follow the gradient: SGD with "
                                            "momentum or Adam.",
    "network_tab.training_panel.seed": "The random seed: the same seed gives the same run.",
    "network_tab.training_panel.augment": "Train on randomly shifted, rotated and scaled "
                                          "copies of the digits (data augmentation).",
    "network_tab.training_panel.backend_combo": "Where training computes: NumPy, Numba CPU "
                                                "or CUDA.",
    "network_tab.training_panel.start_button": "Start training; the curves grow as it runs.",
    "network_tab.training_panel.pause_button": "Pause or resume training.",
    "network_tab.training_panel.stop_button": "Stop training and keep the model as it is.",
    "network_tab.training_panel.race_button": "Train the FCNN and LeNet-5 on the same digits "
                                              "and compare their curves.",
    "network_tab.training_panel.csv_button": "Save every run's numbers as a CSV file.",
    "network_tab.training_panel.png_button": "Save the two plots as a PNG picture.",
    "network_tab.training_panel.clear_button": "Remove every run from the plots.",
    "network_tab.network_view.edit_button": "Copy the trained first-layer filters into the "
                                            "Playground's kernel editor.",
    "network_tab.network_view.revert_button": "Undo your edits of the filters: back to the "
                                              "trained ones.",
    "network_tab.network_view.table": "The network's layers with their output shapes, "
                                      "parameters and multiply-adds.",
    "network_tab.evaluation_view.data_combo": "Which digits to evaluate the model on.",
    "network_tab.evaluation_view.run_button": "Classify those digits: accuracy, per-class "
                                              "accuracy and the confusion matrix.",
    "network_tab.evaluation_view.matrix": "Confusion matrix: row = true digit, column = "
                                          "prediction; click a cell to see its digits.",
}


def _resolve(window: QWidget, path: str) -> QWidget | None:
    try:
        return reduce(getattr, path.split("."), window)
    except AttributeError:
        return None


def help_of(widget: QWidget) -> str:
    """The help of ``widget``: its own What's This or tooltip, else its parent control's."""
    w = widget
    while w is not None:
        text = w.whatsThis() or w.toolTip()
        if text:
            return text
        w = w.parentWidget()
    return ""


def apply_help(window: QWidget) -> None:
    """Sets What's This on every control under ``window`` (call again after adding a tab)."""
    for path, text in HELP.items():
        w = _resolve(window, path)
        if isinstance(w, QWidget):
            w.setWhatsThis(text)
    for w in window.findChildren(QWidget):
        if isinstance(w, CONTROLS) and not w.whatsThis():
            text = help_of(w)
            if text:
                w.setWhatsThis(text)


def controls_without_help(window: QWidget) -> list[str]:
    """The keyboard-reachable controls under ``window`` that have no help (should be none)."""
    from PySide6.QtCore import Qt

    missing = []
    for w in window.findChildren(QWidget):
        if (isinstance(w, CONTROLS) and w.focusPolicy() != Qt.FocusPolicy.NoFocus
                and not w.whatsThis()):
            text = w.text() if hasattr(w, "text") and callable(w.text) else ""
            missing.append(f"{type(w).__name__} {text!r} in {type(w.parentWidget()).__name__}")
    return missing


def show_help_for_focus(window: QWidget) -> str:
    """Shows the focused control's help next to it (F1); returns the text shown."""
    from PySide6.QtWidgets import QApplication

    w = QApplication.focusWidget() or window
    text = help_of(w) or ("Press Shift+F1, then click any control to read what it does.")
    QWhatsThis.showText(w.mapToGlobal(QPoint(0, w.height())), text, w)
    return text


def enter_whats_this() -> None:
    """Shift+F1: the next click on a control shows its help instead of acting."""
    QWhatsThis.enterWhatsThisMode()
