"""What the Network tab's pictures export from their context menus (see
:mod:`playground.ui.common.array_export`): conv1's filters, any conv layer's C x K x K filter
stacks, and the drawing's maps at every layer.

Values are the model's own numbers with their true shapes (a filter stack's tiles are drawn
clipped to one scale, its values are not); pictures are the tiles as drawn. A tile right-clicked
or clicked last is what the keyboard's menu (Menu key, Shift+F10) offers first.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint

from playground.export_arrays import file_stem
from playground.ui.common.array_export import ExportTarget, install_export_menu, strip


def _tile(grid, pos: QPoint | None) -> int:
    """The tile at ``pos``, or (keyboard) the one clicked last / selected, else the first."""
    if pos is not None:
        return grid.tile_at(pos.x(), pos.y())
    last = getattr(grid, "_export_last", -1)
    i = grid.selected if grid.selectable and grid.selected >= 0 else last
    return i if 0 <= i < len(grid.images) else (0 if grid.images else -1)


def _remember_clicks(grid) -> None:
    grid._export_last = -1
    grid.tile_clicked.connect(lambda i: setattr(grid, "_export_last", i))


def _weights(view, name: str):
    return view.holder.model.get_weights(name)["weight"]


# ---- conv1's filters --------------------------------------------------------------------------
def conv1_targets(view, pos: QPoint | None) -> list[ExportTarget]:
    """conv1's filter under ``pos`` (``C x fh x fw``), then all of them (``K x C x fh x fw``)."""
    grid = view.filters
    if not view.holder.model.conv_layers or not grid.images:
        return []
    name = view.holder.model.conv_layers[0].name
    every = ExportTarget(f"{name}: all filters", file_stem(name, "filters"),
                         lambda: _weights(view, name).copy(), grid.grab, enlarge=False)
    i = _tile(grid, pos)
    if i < 0:
        return [every]
    one = ExportTarget(f"{name} filter {i + 1}", file_stem(name, f"filter{i + 1}"),
                       lambda: _weights(view, name)[i].copy(), lambda: grid.images[i])
    return [one, every]


# ---- a layer's filter stacks --------------------------------------------------------------------
def stack_targets(stacks, pos: QPoint | None) -> list[ExportTarget]:
    """The slice under ``pos`` (``fh x fw``), its filter (``C x fh x fw``), the layer's filters."""
    name = stacks.layer_combo.currentData()
    grid = stacks.grid
    if stacks.model is None or name is None or not grid.images:
        return []

    def weights():
        return stacks.model.get_weights(name)["weight"]

    every = ExportTarget(f"{name}: all filters", file_stem(name, "filters"),
                         lambda: weights().copy(), grid.grab, enlarge=False)
    t = _tile(grid, pos)
    if t < 0:
        return [every]
    c = weights().shape[1]
    k, j = divmod(t, c)
    tiles = grid.images[k * c:(k + 1) * c]
    one = ExportTarget(f"{name} filter {k + 1}", file_stem(name, f"filter{k + 1}"),
                       lambda: weights()[k].copy(), lambda: strip(tiles), enlarge=False)
    if c == 1:
        return [one, every]
    piece = ExportTarget(f"{name} filter {k + 1}, slice {j + 1}",
                         file_stem(name, f"filter{k + 1}", f"slice{j + 1}"),
                         lambda: weights()[k, j].copy(), lambda: grid.images[t])
    return [piece, one, every]


# ---- the drawing's maps ------------------------------------------------------------------------
def maps_targets(view, name: str, grid, pos: QPoint | None) -> list[ExportTarget]:
    """Layer ``name``'s map under ``pos`` (``H x W``), then all its maps (``C x H x W``; a dense
    layer: its ``n`` numbers)."""
    if not grid.images:
        return []

    def values():
        return view.holder.trace()[name]

    every = ExportTarget(f"{name}: all maps", file_stem(name, "maps"),
                         lambda: values().copy(), grid.grab, enlarge=False)
    i = _tile(grid, pos)
    if i < 0 or values().ndim == 1 or len(grid.images) == 1:
        return [every]
    one = ExportTarget(f"{name} map {i + 1}", file_stem(name, f"map{i + 1}"),
                       lambda: values()[i].copy(), lambda: grid.images[i])
    return [one, every]


def input_targets(view, _pos: QPoint | None) -> list[ExportTarget]:
    """The drawing as the network reads it (``C x H x W``)."""
    if not view.input_tile.images:
        return []
    return [ExportTarget("network input", "network-input",
                         lambda: view.holder.trace()["input"].copy(),
                         lambda: view.input_tile.images[0])]


def _install_map_grids(view) -> None:
    for name, grid in view.map_grids.items():
        if getattr(grid, "_export_hook", None) is None:
            _remember_clicks(grid)
            install_export_menu(grid, lambda pos, n=name, g=grid: maps_targets(view, n, g, pos))


def install_network_exports(view) -> None:
    """Gives :class:`~playground.ui.network.network_view.NetworkView`'s filters, filter stacks,
    input and per-layer maps their export menus (new layers' grids too, as models change)."""
    install_export_menu(view.filters, lambda pos: conv1_targets(view, pos))
    _remember_clicks(view.stacks.grid)
    install_export_menu(view.stacks.grid, lambda pos: stack_targets(view.stacks, pos))
    install_export_menu(view.input_tile, lambda pos: input_targets(view, pos))
    _install_map_grids(view)
    view.holder.model_changed.connect(lambda _m: _install_map_grids(view))
