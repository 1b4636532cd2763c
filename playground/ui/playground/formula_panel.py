"""Output-size formulas with the current numbers substituted, and the per-cell ``c_ij = Σ a·w + b``.

Every size comes from :mod:`playground.engine.shapes` (``output_size``, ``dropped``,
``pool_output_size``); this module only writes them out. Numbers and cell formulas are printed by
:mod:`playground.ui.common.formatting`, shared with every view that shows a cell.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from playground.engine import shapes
from playground.scene import COMPUTED, Change
from playground.ui.common.binding import observe_state
from playground.ui.common.deferred import RichTextView
from playground.ui.common.formatting import fmt
from playground.ui.common.layout import scrolling
from playground.ui.common.theme import big_font, follow_theme, scale_changed, theme
from playground.ui.playground.cell_numbers import HIDDEN


# ---- a small strip showing one axis of the padded input -----------------------------------------
class _AxisStrip(QWidget):
    """One axis of the padded input as cells: padding grey, input white, dropped cells red."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._axis = (1, 1, 0, 0, 1, 1)
        self.setMinimumHeight(22)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def sizeHint(self) -> QSize:
        return QSize(360, 26)

    def set_axis(self, n: int, f: int, before: int, after: int, s: int, d: int = 1) -> None:
        """Shows ``n`` inputs, kernel ``f``, padding ``before``/``after``, stride ``s``, dilation
        ``d`` (a window then covers every ``d``-th cell of its extent)."""
        axis = (n, f, before, after, s, d)
        if axis != self._axis:
            self._axis = axis
            self.update()

    def paintEvent(self, _event) -> None:
        n, f, before, after, s, d = self._axis
        total = n + before + after
        count = shapes.output_size(n, f, (before, after), s, d)
        drop = shapes.dropped(n, f, (before, after), s, d)
        p = QPainter(self)
        cw = max(2.0, (self.width() - 2) / max(total, 1))
        h = self.height() - 8.0
        covered = set()
        for t in range(count):
            covered.update(range(t * s, t * s + d * (f - 1) + 1, d))
        for q in range(total):
            x = 1 + q * cw
            if q >= total - drop:
                color = QColor("#f28b82")
            elif q < before or q >= before + n:
                color = QColor("#c8c8c8")
            else:
                color = QColor("#ffffff")
            if q not in covered and q < total - drop:
                color = color.darker(115)
            p.fillRect(QRectF(x, 1, cw, h), color)
            p.setPen(QPen(QColor("#888888"), 0))
            p.drawRect(QRectF(x, 1, cw, h))
        p.setPen(QPen(QColor("#1a73e8"), 2))
        for t in range(count):  # a tick at each window start
            x = 1 + t * s * cw
            p.drawLine(int(x + 1), int(h + 2), int(x + 1), int(h + 7))
        p.end()


# ---- the panel ----------------------------------------------------------------------------------
class FormulaPanel(RichTextView, QWidget):
    """Output shape of the current layer with the formulas written out for both axes.

    Shows ``(n_h + 2p − f_h)/s + 1`` with the numbers substituted (``p_before + p_after`` when the
    padding is uneven; with dilation ``d > 1`` the general ``(n + 2p − d(f − 1) − 1)/s + 1``),
    the floor and which rows/columns are dropped when the stride does not divide, the pooling
    formula ``(H − K)/s + 1`` and the output volume ``K × H' × W'``.
    """

    def __init__(self, state, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.label = QLabel()
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setWordWrap(True)
        self.label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.label.setFont(big_font())
        self.rows_caption = QLabel()
        self.rows_strip = _AxisStrip()
        self.cols_caption = QLabel()
        self.cols_strip = _AxisStrip()
        self.legend = legend = QLabel(
            "<span style='background:#c8c8c8'>&nbsp;zero padding&nbsp;</span> "
            "<span style='background:#ffffff;border:1px solid #888'>&nbsp;input&nbsp;</span> "
            "<span style='background:#f28b82'>&nbsp;dropped: no window reaches it&nbsp;</span> "
            "<span style='color:#1a73e8'>▎window starts</span>")
        body = QWidget()
        inner = QVBoxLayout(body)
        inner.addWidget(self.label)
        for w in (self.rows_caption, self.rows_strip, self.cols_caption, self.cols_strip, legend):
            inner.addWidget(w)
        inner.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scrolling(body))
        self._html = ""
        self._hidden = False
        self._dirty = True
        observe_state(self, state, self._on_state_changed)
        follow_theme(self._on_theme_changed)
        self.refresh()

    def _on_theme_changed(self, _percent: int) -> None:
        if not scale_changed(self):
            return
        self.label.setFont(big_font())

    def _needs_refresh(self, what: Change) -> bool:
        return bool(what & COMPUTED) or self._hidden != self.state.hide_answers

    def refresh(self) -> None:
        """Rewrites the formulas from the state."""
        self._dirty = False
        st = self.state
        hidden = self._hidden = st.hide_answers
        c = st.channels
        n_h, n_w = st.input_hw
        k, _, f_h, f_w = st.kernels.shape
        pt, pb, pl, pr = st.pads()
        s_h, s_w = st.settings.stride
        s = st.settings
        d = s.dilation
        h_out = shapes.output_size(n_h, f_h, (pt, pb), s_h, d)
        w_out = shapes.output_size(n_w, f_w, (pl, pr), s_w, d)
        e_h, e_w = d * (f_h - 1) + 1, d * (f_w - 1) + 1
        parts = [
            "<table cellspacing='4'>",
            _row("input", f"{c} × {n_h} × {n_w}"
                 + ("&nbsp;&nbsp;(RGB)" if c == 3 else "&nbsp;&nbsp;(grayscale)")),
            _row("filters", f"<i>K</i> = {k} filters of {c} × {f_h} × {f_w}"),
            _row("padding", f"{s.padding_mode}: top {pt}, bottom {pb}, left {pl}, right {pr}"
                 + (_same_note(f_h, f_w, d) if s.padding_mode == "same" else "")),
            _row("stride", f"<i>s</i> = {s_h} (rows), {s_w} (columns)"),
            _row("dilation", "<i>d</i> = 1: adjacent taps" if d == 1 else
                 f"<i>d</i> = {d}: the {f_h} × {f_w} kernel's taps sit {d} apart and span "
                 f"{e_h} × {e_w} = <i>d</i>(<i>f</i> − 1) + 1"),
            "</table>",
            _conv_head(d),
            _axis_html("H'", "n<sub>h</sub>", n_h, f_h, pt, pb, s_h, "row", d, hidden),
            _axis_html("W'", "n<sub>w</sub>", n_w, f_w, pl, pr, s_w, "column", d, hidden),
        ]
        ok = h_out >= 1 and w_out >= 1
        vol = f"{c}&nbsp;×&nbsp;{n_h}&nbsp;×&nbsp;{n_w} &nbsp;→&nbsp; conv "
        if hidden:
            vol += f"<b>{k}&nbsp;×&nbsp;{HIDDEN}&nbsp;×&nbsp;{HIDDEN}</b>"
        else:
            vol += (f"<b>{k}&nbsp;×&nbsp;{h_out}&nbsp;×&nbsp;{w_out}</b>" if ok
                    else "<span style='color:#c5221f'>none</span>")
        if s.pool != "none" and ok:
            (kh, kw), (ph_s, pw_s) = s.pool_size, s.pool_stride
            parts.append(
                f"<p><b>{s.pool.capitalize()} pooling</b> {kh} × {kw}, stride {ph_s}, {pw_s}"
                "&nbsp; <i>H<sub>p</sub></i> = ⌊(<i>H</i> − <i>K</i>) / <i>s</i>⌋ + 1"
                f"<br><span style='color:{theme().colours.muted};font-size:small'>"
                "(the lecture slide prints "
                "(H − K)/(s + 1); the right formula divides by s and then adds 1)</span></p>")
            if hidden:
                parts.append(f"<p><i>H<sub>p</sub></i> = <b>{HIDDEN}</b>, <i>W<sub>p</sub></i> = "
                             f"<b>{HIDDEN}</b></p>")
                vol += f" &nbsp;→&nbsp; pooled <b>{k}&nbsp;×&nbsp;{HIDDEN}&nbsp;×&nbsp;{HIDDEN}</b>"
            elif kh > h_out or kw > w_out:
                parts.append(f"<p style='color:#c5221f'>the {kh} × {kw} pooling window is larger "
                             f"than the {h_out} × {w_out} feature map: no pooled output</p>")
            else:
                parts.append(_pool_html("H<sub>p</sub>", h_out, kh, ph_s, "row"))
                parts.append(_pool_html("W<sub>p</sub>", w_out, kw, pw_s, "column"))
                hp, wp = shapes.pool_output_size(h_out, kh, ph_s), shapes.pool_output_size(
                    w_out, kw, pw_s)
                vol += f" &nbsp;→&nbsp; pooled <b>{k}&nbsp;×&nbsp;{hp}&nbsp;×&nbsp;{wp}</b>"
        parts.append(f"<p><b>Volume</b>&nbsp; {vol}</p>")
        if hidden:
            parts.append(f"<p style='color:{theme().colours.muted}'>The answers are hidden "
                         "(View ▸ Hide the answers, Ctrl+H): work the sizes out, then reveal."
                         "</p>")
        elif st.error:
            parts.append(f"<p style='color:#c5221f'><b>No output:</b> {html.escape(st.error)}</p>")
        text = "".join(parts)
        if text != self._html:
            self._html = text
            self.label.setText(text)
        dil_h = "" if d == 1 else f", dilation {d} (spans {e_h})"
        dil_w = "" if d == 1 else f", dilation {d} (spans {e_w})"
        self.rows_caption.setText(f"rows of the padded input ({pt} + {n_h} + {pb}), kernel {f_h}, "
                                  f"stride {s_h}{dil_h}")
        self.rows_strip.set_axis(n_h, f_h, pt, pb, s_h, d)
        self.cols_caption.setText(f"columns of the padded input ({pl} + {n_w} + {pr}), kernel "
                                  f"{f_w}, stride {s_w}{dil_w}")
        self.cols_strip.set_axis(n_w, f_w, pl, pr, s_w, d)
        for w in (self.rows_caption, self.rows_strip, self.cols_caption, self.cols_strip,
                  self.legend):
            w.setVisible(not hidden)  # the strips' window ticks would count the answer


def _same_note(f_h: int, f_w: int, d: int = 1) -> str:
    """Same padding's rule, ``p = (f-1)/2`` (``d(f-1)/2`` dilated), with this kernel's numbers
    (an even extent: split unevenly)."""
    def one(f: int) -> str:
        if d == 1:
            return f"(<i>f</i>−1)/2 = ({f}−1)/2 = {(f - 1) / 2:g}"
        return f"<i>d</i>(<i>f</i>−1)/2 = {d}·({f}−1)/2 = {d * (f - 1) / 2:g}"
    text = one(f_h) if f_h == f_w else f"{one(f_h)} (rows), {one(f_w)} (columns)"
    odd = d * (f_h - 1) % 2 or d * (f_w - 1) % 2  # an even extent d(f-1)+1
    even = "; an even <i>f</i> pads one more at the bottom / right" if odd else ""
    return f"<br>same padding: <i>p</i> = {text}{even}"


def _row(name: str, value: str) -> str:
    return f"<tr><td style='color:#555'>{name}</td><td>{value}</td></tr>"


def _conv_head(d: int) -> str:
    """The output-size formula: the lecture's for ``d = 1``, the general dilated one otherwise."""
    if d == 1:
        return ("<p><b>Convolution output</b>&nbsp; <i>n'</i> = ⌊(<i>n</i> + 2<i>p</i> − <i>f</i>)"
                " / <i>s</i>⌋ + 1</p>")
    return ("<p><b>Convolution output</b>&nbsp; <i>n'</i> = ⌊(<i>n</i> + 2<i>p</i> − "
            "<i>d</i>(<i>f</i> − 1) − 1) / <i>s</i>⌋ + 1<br><span style='color:#666;"
            "font-size:small'>(with <i>d</i> = 1 this is the lecture's (n + 2p − f)/s + 1)"
            "</span></p>")


def _axis_html(out: str, n_name: str, n: int, f: int, before: int, after: int, s: int,
               unit: str, d: int = 1, hidden: bool = False) -> str:
    """One axis of the conv formula with numbers, the floor and the dropped rows/columns."""
    size = shapes.output_size(n, f, (before, after), s, d)
    drop = shapes.dropped(n, f, (before, after), s, d)
    pad = f"2·{before}" if before == after else f"({before} + {after})"
    extent = d * (f - 1) + 1
    span = n + before + after - extent  # the numerator as written above, for display only
    kernel = f"{f}" if d == 1 else f"{d}·({f} − 1) − 1"
    if span < 0 and not hidden:
        what = f"kernel ({f})" if d == 1 else f"dilated kernel ({extent})"
        return (f"<p><i>{out}</i> = ({n} + {pad} − {kernel}) / {s} + 1: <span style='color:"
                f"#c5221f'>the {what} is larger than the padded input ({n + before + after}), "
                "no output</span></p>")
    head = f"<i>{out}</i> = ({n} + {pad} − {kernel}) / {s} + 1"
    if hidden:  # the numbers substituted, the result left to the class
        return f"<p>{head} = <b>{HIDDEN}</b></p>"
    if drop == 0:
        return f"<p>{head} = {span} / {s} + 1 = <b>{size}</b></p>"
    unit_s = unit if drop == 1 else unit + "s"
    return (f"<p>{head} = ⌊{span} / {s}⌋ + 1 = ⌊{fmt(span / s)}⌋ + 1 = <b>{size}</b>"
            f"<br><span style='color:#c5221f'>{s} does not divide {span}: "
            f"the last {drop} {unit_s} of the padded input "
            f"({_dropped_names(n, before, after, drop, unit)}) {'is' if drop == 1 else 'are'} "
            "never reached by a window and dropped</span></p>")


def _dropped_names(n: int, before: int, after: int, drop: int, unit: str) -> str:
    """Names the dropped trailing cells, 1-based: input rows or padding rows."""
    total = n + before + after
    names = []
    for q in range(total - drop, total):
        if q < before:
            names.append(f"padded {unit} {q + 1}, zero padding")
        elif q < before + n:
            names.append(f"input {unit} {q - before + 1}")
        else:
            names.append(f"padded {unit} {q + 1}, zero padding")
    return "; ".join(names)


def _pool_html(out: str, h: int, k: int, s: int, unit: str) -> str:
    size = shapes.pool_output_size(h, k, s)
    drop = shapes.dropped(h, k, 0, s)
    head = f"<i>{out}</i> = ({h} − {k}) / {s} + 1"
    if drop == 0:
        return f"<p>{head} = {h - k} / {s} + 1 = <b>{size}</b></p>"
    unit_s = unit if drop == 1 else unit + "s"
    last = ", ".join(str(q + 1) for q in range(h - drop, h))
    return (f"<p>{head} = ⌊{h - k} / {s}⌋ + 1 = <b>{size}</b><br>"
            f"<span style='color:#c5221f'>the last {drop} {unit_s} of the feature map "
            f"({unit} {last}) {'is' if drop == 1 else 'are'} not pooled</span></p>")


