"""What the Playground's pictures export from their context menus (see
:mod:`playground.ui.common.array_export`): the feature maps, the input, the kernel grid and the
kernel thumbnails.

Under the mouse first, then what contains it: a map, then its whole row of maps (``K x H x W``),
then the input; a kernel channel, then the kernel (``C x fh x fw``), then all kernels. From the
keyboard the selected kernel stands in for "under the mouse". While a lesson hides the answers
(``state.hide_answers``), the maps are not offered, only the input.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QPoint
from PySide6.QtGui import QImage

from playground.export_arrays import file_stem
from playground.ui.common.array_export import ExportTarget, install_export_menu, strip
from playground.ui.playground.kernel_grid import kernel_pixmap


def row_title(view, row: str) -> str:
    """What the row's maps are, as the grid's row labels say: conv + b, ReLU, max pool 2×2."""
    s = view.state.settings
    if row == "activated":
        return "ReLU" if s.activation == "relu" else "no activation"
    if row == "pooled":
        return f"{s.pool} pool {s.pool_size[0]}×{s.pool_size[1]}"
    return "conv + b"


def rendered(item: pg.ImageItem) -> QImage:
    """The ImageItem's picture as drawn: its data through its colour map and levels, one pixel
    per value (a copy)."""
    item.render()
    if item.qimage is None:
        return QImage()
    return item.qimage.copy()


def _row_stem(view, row: str) -> str:
    """``conv``, ``relu`` / ``activated``, ``maxpool`` / ``avgpool``: what the row's maps are."""
    s = view.state.settings
    if row == "activated":
        return "relu" if s.activation == "relu" else "activated"
    if row == "pooled":
        return f"{s.pool}pool"
    return "conv"


def _arrays(view) -> dict:
    res = view.state.result
    return {"conv": res.conv, "activated": res.activated, "pooled": res.pooled}


def map_target(view, row: str, k: int) -> ExportTarget:
    """Kernel ``k``'s map in ``row`` (conv / activated / pooled), as shown."""
    cell = view.cells[row][k]
    return ExportTarget(f"map k{k + 1}, {row_title(view, row)}", file_stem("map", k + 1,
                                                                      _row_stem(view, row)),
                        lambda: _arrays(view)[row][k].copy(), lambda: rendered(cell.image))


def row_target(view, row: str) -> ExportTarget:
    """All K maps of ``row`` side by side (values ``K x H x W``)."""
    return ExportTarget(f"all {row_title(view, row)} maps", file_stem("maps", _row_stem(view, row)),
                        lambda: _arrays(view)[row].copy(),
                        lambda: strip([rendered(c.image) for c in view.cells[row]]),
                        enlarge=False)


def input_target(view) -> ExportTarget:
    """The input image (``H x W``, or ``3 x H x W`` for colour)."""
    return ExportTarget("input", "input", lambda: view.state.image.copy(),
                        lambda: rendered(view.input_item))


def map_targets_at(view, pos: QPoint | None) -> list[ExportTarget]:
    """The feature-map view's targets at ``pos`` (viewport coordinates; None: keyboard)."""
    if view.state.result is None or not view.cells.get("conv"):
        return []
    if getattr(view.state, "hide_answers", False):  # a lesson's question: the maps are answers
        return [input_target(view)]
    rows = [r for r, cells in view.cells.items() if cells]
    if pos is None:
        k = min(view.state.selected, len(view.cells[rows[-1]]) - 1)
        return [map_target(view, rows[-1], k)] + [row_target(view, r) for r in rows] + [
            input_target(view)]
    scene_pos = view.glw.mapToScene(pos)
    for row in rows:
        for cell in view.cells[row]:
            if cell.layout.sceneBoundingRect().contains(scene_pos):
                return [map_target(view, row, cell.k), row_target(view, row), input_target(view)]
    if view.input_vb.sceneBoundingRect().contains(scene_pos):
        return [input_target(view)] + [row_target(view, r) for r in rows]
    return [row_target(view, r) for r in rows] + [input_target(view)]


def install_map_exports(view) -> None:
    """Gives the feature-map grid (:class:`~playground.ui.playground.maps_view.FeatureMapsView`)
    its export menu."""
    install_export_menu(view.glw, lambda pos: map_targets_at(view, pos))


# ---- kernels --------------------------------------------------------------------------------
def kernel_target(editor, k: int) -> ExportTarget:
    """Kernel ``k`` (``C x fh x fw``) with its thumbnail's colours."""
    def picture():
        return kernel_pixmap(editor.state.kernels[k], editor.thumbs.iconSize().width())

    return ExportTarget(f"kernel {k + 1}", file_stem("kernel", k + 1),
                        lambda: editor.state.kernels[k].copy(), picture)


def all_kernels_target(editor) -> ExportTarget:
    """Every kernel (``K x C x fh x fw``); the picture is the thumbnails as shown."""
    return ExportTarget("all kernels", "kernels", lambda: editor.state.kernels.copy(),
                        lambda: editor.thumbs.grab(), enlarge=False)


def grid_target(editor) -> ExportTarget:
    """The channel of the selected kernel on show in the grid (``fh x fw``), the grid's picture."""
    k, ch = editor.state.selected, editor.model.channel
    many = editor.state.kernels.shape[1] > 1
    title = f"kernel {k + 1}" + (f", channel {ch + 1}" if many else "")
    stem = file_stem("kernel", k + 1, f"channel{ch + 1}" if many else "")
    return ExportTarget(title, stem, lambda: editor.state.kernels[k, ch].copy(),
                        lambda: editor.table.grab(), enlarge=False)


def install_kernel_exports(editor) -> None:
    """Gives the kernel editor's grid and thumbnails
    (:class:`~playground.ui.playground.kernel_editor.KernelEditor`) their export menus."""

    def grid_targets(_pos: QPoint | None) -> list[ExportTarget]:
        targets = [grid_target(editor)]
        if editor.state.kernels.shape[1] > 1:
            targets.append(kernel_target(editor, editor.state.selected))
        return [*targets, all_kernels_target(editor)]

    def thumb_targets(pos: QPoint | None) -> list[ExportTarget]:
        item = editor.thumbs.itemAt(pos) if pos is not None else editor.thumbs.currentItem()
        row = editor.thumbs.row(item) if item is not None else -1
        if not 0 <= row < editor.state.kernels.shape[0]:
            return [all_kernels_target(editor)]
        return [kernel_target(editor, row), all_kernels_target(editor)]

    install_export_menu(editor.table, grid_targets)
    install_export_menu(editor.thumbs, thumb_targets)

