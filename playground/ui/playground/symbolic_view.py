"""The symbolic view: one output cell written as the lecture writes it, with symbols and then with
the numbers, ``c_11 = a_11·w_11 + … = 1·1 + 2·1 + 4·1 + 5·1 = 12``.

A thin view over :func:`playground.lessons.symbolic.cell_formula`: it picks the cell (its own row
and column boxes, or the step-through's position when it follows one), writes the two lines and,
with the answers hidden, a ``?`` instead of every result (with a Reveal button).
"""

from __future__ import annotations

import html

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from playground.lessons.symbolic import CellFormula, cell_formula, compact
from playground.scene import Change
from playground.ui.common.binding import observe_state
from playground.ui.common.deferred import RichTextView
from playground.ui.common.layout import scrolling
from playground.ui.common.theme import big_font, follow_theme, scale_changed, theme
from playground.ui.playground.cell_numbers import HIDDEN


class SymbolicView(RichTextView, QWidget):
    """``c_ij`` of the selected kernel in symbols and in numbers, for one output cell.

    ``follow(controls)`` ties the cell to a step-through's
    :class:`~playground.ui.playground.play_controls.PlayControls` (row-major steps, both ways).
    """

    def __init__(self, state, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self._step = 0
        self._outside: tuple[int, int] | None = None  # a cell past the output (answers hidden)
        self._controls = None
        self.formula: CellFormula | None = None
        self.row = QSpinBox(minimum=1, maximum=1)
        self.col = QSpinBox(minimum=1, maximum=1)
        self.row.setToolTip("i: the output row whose sum is written out")
        self.col.setToolTip("j: the output column")
        self.back_button = QToolButton(text="◀")
        self.next_button = QToolButton(text="▶")
        self.back_button.setToolTip("The previous output cell (row by row)")
        self.next_button.setToolTip("The next output cell (row by row)")
        self.reveal_button = QPushButton("Reveal")
        self.reveal_button.setToolTip("Show the hidden answers (View ▸ Hide the answers)")
        self.heading = QLabel()
        self.label = QLabel()
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setWordWrap(True)
        self.label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.label.setFont(big_font())
        top = QHBoxLayout()
        top.addWidget(self.heading)
        for w in (QLabel("row i"), self.row, QLabel("column j"), self.col, self.back_button,
                  self.next_button):
            top.addWidget(w)
        top.addStretch(1)
        top.addWidget(self.reveal_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(scrolling(self.label), 1)
        self.row.valueChanged.connect(self._on_spin_changed)
        self.col.valueChanged.connect(self._on_spin_changed)
        self.back_button.clicked.connect(lambda: self.set_step(self._step - 1))
        self.next_button.clicked.connect(lambda: self.set_step(self._step + 1))
        self.reveal_button.clicked.connect(lambda: self.state.set_view(hide_answers=False))
        observe_state(self, state, self._on_state_changed)
        follow_theme(self._on_theme_changed)
        self.refresh()

    # ---- the cell ------------------------------------------------------------------------------
    def follow(self, controls) -> None:
        """Shows the cell of ``controls``' step, and moves it when this view's cell changes."""
        self._controls = controls
        controls.step_changed.connect(self._on_controls_step_changed)
        self._on_controls_step_changed(controls.step())

    def cell(self) -> tuple[int, int]:
        """The output cell (i, j), 0-based, on show."""
        return (0, 0) if self.formula is None else (self.formula.i, self.formula.j)

    def text(self) -> str:
        """The two lines on show, plain (empty when there is no output)."""
        if self._dirty:
            self.refresh()
        return "" if self.formula is None else self.formula.text(self.state.hide_answers)

    def set_step(self, step: int) -> None:
        """Shows the ``step``-th output cell (row by row, clamped); the followed step-through
        goes there too."""
        ho, wo = self._out_hw()
        self._outside = None
        self._step = max(0, min(int(step), ho * wo - 1))
        if self._controls is not None and self._controls.step() != self._step:
            if self._controls.count() != ho * wo:
                self._controls.set_count(ho * wo)  # the step-through recounts when next shown
            self._controls.set_step(self._step)
        self._dirty = True
        if self.isVisible():
            self.refresh()

    def _out_hw(self) -> tuple[int, int]:
        res = self.state.result
        if res is None or self.state.error or not res.conv.size:
            return 0, 0
        return res.conv.shape[1], res.conv.shape[2]

    # ---- drawing -------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Rewrites the cell's formula from the state."""
        self._dirty = False
        st = self.state
        hidden = st.hide_answers
        self.reveal_button.setVisible(hidden)
        ho, wo = self._out_hw()
        if ho * wo == 0:
            self.formula = None
            self._set_html("<p style='color:#c5221f'><b>No output for these settings:</b> "
                           f"{html.escape(st.error or 'nothing to write')}</p>")
            return
        self._step = min(self._step, ho * wo - 1)
        i, j = divmod(self._step, wo)
        if not hidden:
            self._outside = None
        elif self._outside is not None:
            i, j = self._outside
        pt, pb, pl, pr = st.pads()
        h, w = st.image.shape[-2:]
        with QSignalBlocker(self.row), QSignalBlocker(self.col):
            # the boxes' maxima are the output size: while it is hidden, the padded input's
            self.row.setMaximum(max(ho, h + pt + pb) if hidden else ho)
            self.col.setMaximum(max(wo, w + pl + pr) if hidden else wo)
            self.row.setValue(i + 1)
            self.col.setValue(j + 1)
        if self._outside is not None:
            self.formula = None
            self._set_html(f"<p><i>c</i><sub>{i + 1},{j + 1}</sub>: the kernel's window does "
                           "not fit in the (padded) input there, so there is no such output "
                           "cell.</p>")
            return
        k = st.selected
        s = st.settings
        value = float(st.result.conv[k, i, j])
        f = cell_formula(st.image, st.kernels, st.bias, k, i, j, st.pads(), s.stride,
                         st.dilation, value)
        self.formula = f
        self.heading.setText(f"<b>kernel k{k + 1}</b>")
        self._set_html(_formula_html(f, st, hidden))

    def _set_html(self, text: str) -> None:
        if text != self._html:
            self._html = text
            self.label.setText(text)

    # ---- events --------------------------------------------------------------------------------
    def _needs_refresh(self, what: Change) -> bool:
        return bool(what & ~Change.VIEW) or bool(what & Change.VIEW and self._shown_hidden())

    def _shown_hidden(self) -> bool:
        """Whether the text on show disagrees with the hide-the-answers switch."""
        return self.reveal_button.isVisibleTo(self) != self.state.hide_answers

    def _on_spin_changed(self, _value: int) -> None:
        ho, wo = self._out_hw()
        i, j = self.row.value() - 1, self.col.value() - 1
        if i >= ho or j >= wo:  # only while the answers are hidden (the boxes go further)
            self._outside = (i, j)
            self._dirty = True
            if self.isVisible():
                self.refresh()
            return
        self.set_step(i * wo + j)

    def _on_controls_step_changed(self, step: int) -> None:
        if step != self._step:
            self.set_step(step)

    def _on_theme_changed(self, _percent: int) -> None:
        if scale_changed(self):
            self.label.setFont(big_font())


def _formula_html(f: CellFormula, st, hidden: bool) -> str:
    """The window, the two lines and what follows the sum (activation), as rich text."""
    r0, c0, eh, ew = f.window
    s = st.settings
    pt, pb, pl, pr = st.pads()
    muted = theme().colours.muted
    where = (f"window rows {r0}–{r0 + eh - 1}, columns {c0}–{c0 + ew - 1} of the input "
             f"(stride {s.stride[0]}, {s.stride[1]}; padding {pt}, {pb}, {pl}, {pr}"
             + (f"; dilation {s.dilation}" if s.dilation > 1 else "") + ")")
    padded = sum(t.padded for t in f.terms)
    if padded:
        where += f" · {padded} of the {len(f.terms)} taps lie on the zero padding: written 0"
    parts = [f"<p style='color:{muted}'>{html.escape(where)}</p>",
             _matrices_html(f, st.image.shape[-2:], st.pads(), st.kernels.shape[2:]),
             f"<p>{f.symbols(rich=True)}</p>",
             f"<p>{f.numbers(rich=True, hidden=hidden)}</p>"]
    if s.activation == "relu":
        out = HIDDEN if hidden else compact(max(0.0, f.value))
        inner = HIDDEN if hidden else compact(f.value)
        parts.append(f"<p>ReLU: max(0, {inner}) = <b>{out}</b></p>")
    return "".join(parts)


MAX_DRAWN = 10
"""Padded inputs up to 10x10 (one channel) are drawn as the lecture's matrices of symbols."""
WINDOW_BG = "#f8c9c4"
"""The background of the window's cells (the lecture boxes them)."""


def _matrices_html(f: CellFormula, hw: tuple[int, int], pads: tuple[int, int, int, int],
                   kernel_hw: tuple[int, int]) -> str:
    """``A ⊛ W`` as two tables of symbols, the window's cells shaded, padding written 0 (the
    lecture's picture); empty for a bigger or colour input."""
    (h, w), (pt, pb, pl, pr) = hw, pads
    if f.channels > 1 or h + pt + pb > MAX_DRAWN or w + pl + pr > MAX_DRAWN:
        return ""
    taps = {(t.row, t.col) for t in f.terms}

    def cell(text: str, shaded: bool) -> str:
        if shaded:  # dark text on the light shade in every theme
            return (f"<td align='center' bgcolor='{WINDOW_BG}'><span style='color:#000'>"
                    f"&nbsp;{text}&nbsp;</span></td>")
        return f"<td align='center'>&nbsp;{text}&nbsp;</td>"

    rows = []
    for r in range(1 - pt, h + pb + 1):
        cells = [cell("0" if not (1 <= r <= h and 1 <= c <= w) else
                      f"<i>a</i><sub>{_ix(r, c)}</sub>", (r, c) in taps)
                 for c in range(1 - pl, w + pr + 1)]
        rows.append("<tr>" + "".join(cells) + "</tr>")
    kh, kw = kernel_hw
    kernel = ["<tr>" + "".join(cell(f"<i>w</i><sub>{_ix(u, v)}</sub>", False)
                               for v in range(1, kw + 1)) + "</tr>" for u in range(1, kh + 1)]
    table = "<table border='1' cellspacing='0' cellpadding='2'>{}</table>"
    return ("<table cellspacing='6'><tr><td valign='middle'>" + table.format("".join(rows))
            + "</td><td valign='middle'>&nbsp;⊛&nbsp;</td><td valign='middle'>"
            + table.format("".join(kernel)) + "</td><td valign='middle'>&nbsp;= <b>C</b></td>"
            "</tr></table>")


def _ix(r: int, c: int) -> str:
    return f"{r},{c}" if r > 9 or c > 9 else f"{r}{c}"
