"""Training curves: smoothed loss per step and accuracy per epoch, one colour per run, kept.

Runs are added with :meth:`TrainingCurves.begin_run` and fed with :meth:`~TrainingCurves.add_step`
and :meth:`~TrainingCurves.add_epoch`; these only store numbers, and a 10 Hz timer redraws what
changed, so a fast trainer never floods the event loop with repaints. Earlier runs stay on the
plots (with a legend) until :meth:`~TrainingCurves.clear`; the loss axis is in epochs so runs with
different batch sizes line up. CSV and PNG export (pyqtgraph's ``ImageExporter``).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QApplication, QVBoxLayout, QWidget

from playground.fileio import atomic_write
from playground.ui.common.screenshot import save_png
from playground.ui.common.theme import CURVE_COLORS, CURVE_SYMBOLS, fg, plot_bg, theme

MAX_RUNS = 8
COLORS = CURVE_COLORS
"""Okabe-Ito: colours that stay apart for colour-blind viewers; each run also has its marker."""
LINE_STYLES = (Qt.PenStyle.SolidLine, Qt.PenStyle.DashDotLine, Qt.PenStyle.DotLine,
               Qt.PenStyle.DashDotDotLine)
"""Loss-curve styles by run: a second cue besides the colour."""
REFRESH_MS = 100


@dataclass
class Run:
    """One training run's numbers (plain lists of floats)."""

    label: str
    color: str
    params: int = 0
    step_x: list[float] = field(default_factory=list)
    loss: list[float] = field(default_factory=list)
    epochs: list[int] = field(default_factory=list)
    train_acc: list[float] = field(default_factory=list)
    val_acc: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    items: dict = field(default_factory=dict, repr=False)

    def seconds_per_epoch(self) -> float:
        return sum(self.seconds) / len(self.seconds) if self.seconds else float("nan")


class TrainingCurves(QWidget):
    """Two plots (loss per step, accuracy per epoch) of any number of runs, newest on top."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runs: list[Run] = []
        self._started = 0  # runs begun since the last clear: "Run 2: …" stays unique
        self._dirty = False
        self.view = pg.GraphicsLayoutWidget()
        self.view.setBackground(plot_bg())
        self.loss_plot = self.view.addPlot(row=0, col=0)
        self.acc_plot = self.view.addPlot(row=0, col=1)
        self._style(self.loss_plot, "Training loss (smoothed)", "epoch", "cross-entropy")
        self._style(self.acc_plot, "Accuracy per epoch", "epoch", "accuracy (%)")
        self.acc_plot.setYRange(0, 100, padding=0.02)
        self.loss_legend = self.loss_plot.addLegend(offset=(-10, 10))
        self.acc_legend = self.acc_plot.addLegend(offset=(-10, -10))
        for legend in (self.loss_legend, self.acc_legend):
            legend.setBrush(pg.mkBrush(*theme().colours.legend_bg))
            legend.setLabelTextSize(f"{max(9, QApplication.font().pointSize())}pt")
            legend.setLabelTextColor(fg())
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.view)
        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        self._timer.start()
        self.setMinimumHeight(220)
        theme().changed.connect(self._on_theme_changed)

    def _on_theme_changed(self, _percent: int) -> None:
        """Titles, axes and legends at the new UI scale (down as well as up)."""
        self._style(self.loss_plot, "Training loss (smoothed)", "epoch", "cross-entropy")
        self._style(self.acc_plot, "Accuracy per epoch", "epoch", "accuracy (%)")
        for legend in (self.loss_legend, self.acc_legend):
            legend.setLabelTextSize(f"{max(9, QApplication.font().pointSize())}pt")

    def _style(self, plot: pg.PlotItem, title: str, x: str, y: str) -> None:
        pt = max(9, QApplication.font().pointSize())
        plot.setTitle(title, color=fg(), size=f"{pt + 2}pt")
        font = QFont(QApplication.font())
        font.setPointSize(pt)
        for name, text in (("bottom", x), ("left", y)):
            axis = plot.getAxis(name)
            axis.setLabel(text, color=fg(), **{"font-size": f"{pt}pt"})
            axis.setTickFont(font)
            axis.setPen(fg())
            axis.setTextPen(fg())
            # major ticks and grid lines only: the minor grid more than doubled every repaint
            # (18 -> 8 ms), and the curves repaint ten times a second while a model trains
            axis.setStyle(maxTickLevel=0)
        plot.showGrid(x=True, y=True, alpha=0.25)
        plot.setMenuEnabled(False)

    # ---- feeding ------------------------------------------------------------------------------
    def begin_run(self, label: str, params: int = 0) -> Run:
        """A new run drawn in the next colour (the oldest run is dropped beyond ``MAX_RUNS``)."""
        if len(self.runs) >= MAX_RUNS:
            self._remove(self.runs[0])
        used = {r.color for r in self.runs}
        index = next((i for i, c in enumerate(COLORS) if c not in used),
                     len(self.runs) % len(COLORS))
        color, symbol = COLORS[index], CURVE_SYMBOLS[index % len(CURVE_SYMBOLS)]
        self._started += 1
        label = f"Run {self._started}: {label}"
        run = Run(label, color, params)
        style = LINE_STYLES[index % len(LINE_STYLES)]
        run.items["loss"] = self.loss_plot.plot([], [], pen=pg.mkPen(color, width=2, style=style),
                                                name=label)
        run.items["val"] = self.acc_plot.plot(
            [], [], pen=pg.mkPen(color, width=2), symbol=symbol, symbolSize=8, symbolBrush=color,
            symbolPen=color, name=f"{label} validation")
        run.items["train"] = self.acc_plot.plot(
            [], [], pen=pg.mkPen(color, width=2, style=Qt.PenStyle.DashLine), symbol=symbol,
            symbolSize=6, symbolBrush=None, symbolPen=color, name=f"{label} training")
        self.runs.append(run)
        return run

    def add_step(self, run: Run, x: float, loss: float) -> None:
        """One training step's smoothed loss at ``x`` epochs."""
        run.step_x.append(float(x))
        run.loss.append(float(loss))
        self._dirty = True

    def add_epoch(self, run: Run, epoch: int, train_acc: float, val_acc: float | None,
                  seconds: float) -> None:
        """One finished epoch (accuracies 0-1; ``val_acc`` None when nothing was held out)."""
        run.epochs.append(int(epoch))
        run.train_acc.append(float(train_acc))
        run.val_acc.append(float("nan") if val_acc is None else float(val_acc))
        run.seconds.append(float(seconds))
        self._dirty = True

    def clear(self) -> None:
        """Forgets every run."""
        for run in list(self.runs):
            self._remove(run)
        self._started = 0

    def _remove(self, run: Run) -> None:
        for key, item in run.items.items():
            plot = self.loss_plot if key == "loss" else self.acc_plot
            plot.removeItem(item)
        self.runs.remove(run)

    def refresh(self) -> None:
        """Redraws the plots if anything arrived since the last redraw."""
        if not self._dirty:
            return
        self._dirty = False
        for run in self.runs:
            run.items["loss"].setData(run.step_x, run.loss)
            pct_val = [100 * v for v in run.val_acc]
            pct_train = [100 * v for v in run.train_acc]
            run.items["val"].setData(run.epochs, pct_val)
            run.items["train"].setData(run.epochs, pct_train)

    # ---- export -------------------------------------------------------------------------------
    def export_csv(self, path: str | Path) -> Path:
        """Every run's numbers in one tidy CSV: one row per step and one per epoch (written
        atomically: a failure leaves an older file as it was)."""

        def write(tmp: Path) -> None:
            with tmp.open("w", newline="", encoding="utf-8") as fh:
                self._write_csv(csv.writer(fh))

        return atomic_write(path, write)

    def _write_csv(self, out) -> None:
        out.writerow(["run", "kind", "epoch", "loss_smoothed", "train_acc", "val_acc",
                      "epoch_seconds", "params"])
        for run in self.runs:
            for x, loss in zip(run.step_x, run.loss, strict=False):
                out.writerow([run.label, "step", f"{x:.5f}", f"{loss:.6f}", "", "", "",
                              run.params])
            for e, tr, va, s in zip(run.epochs, run.train_acc, run.val_acc, run.seconds,
                                    strict=False):
                out.writerow([run.label, "epoch", e, "", f"{tr:.5f}",
                              "" if va != va else f"{va:.5f}", f"{s:.3f}", run.params])

    def export_png(self, path: str | Path, width: int = 1600) -> Path:
        """Both plots as one PNG ``width`` pixels wide (pyqtgraph's ImageExporter), written
        atomically; OSError (:class:`~playground.fileio.SaveError`) if it cannot be."""
        from pyqtgraph.exporters import ImageExporter

        self._dirty = True
        self.refresh()
        exporter = ImageExporter(self.view.ci)
        exporter.parameters()["width"] = int(width)
        exporter.parameters()["background"] = QColor("white")
        return atomic_write(path, lambda tmp: save_png(exporter.export(toBytes=True), tmp))
