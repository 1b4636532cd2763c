"""How big the feature-map grid asks to be, and the map cells it reuses.

Mixed into :class:`~playground.ui.playground.maps_view.FeatureMapsView`: every map asks for a least
side that grows with the UI scale (:data:`MAP_MIN`), the graphics view asks Qt for what the grid
then needs (pyqtgraph's layout would squeeze the maps and clip the last row), the page may lower it
when it has no more room (:meth:`MapGridSizing.set_room`), and it predicts the maps' side in a view
of a given size (:meth:`MapGridSizing.map_side_for`, what the page picks its arrangement by). The
cells are made once and reused by later rebuilds.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt

from playground.ui.common import theme as th
from playground.ui.playground.map_items import ROWS, MapCell

MAP_MIN = 40
"""A feature map's side never falls below this many pixels at 100 %, times the UI scale: the grid
asks the layout for that room (a page that cannot give it rearranges, see ``ui/common/reflow``)."""
INPUT_MIN = 84
"""The same for the padded input beside the maps."""
MAP_FLOOR = 24
"""The least map side (px at 100 %, scaled) even when the page has no more room."""
MAX_BANDS = 3
"""The most bands (rows of maps one below the other) the kernels' maps wrap into."""
HINT_MIN_HEIGHT = 440
"""The "hover a map cell" hint and the colour-scale switch beside it show when the view is at
least this tall (px at 100 %, scaled)."""


class MapGridSizing:
    """The sizing half of the feature-map view (it has ``glw``, ``cells``, ``input_vb``, a
    ``grid_fitted`` signal and ``_shared``)."""

    _room: int | None = None
    _applied_min = 0
    _bands = 1
    _fixed: int | None = None  # the grid's least width without its maps (last measured)

    def _apply_min(self) -> None:
        """Gives the maps their least side (:meth:`_map_min`) and fits the view to the grid;
        again while what the rest of the grid takes (titles, the input column), measured, moves
        that side (a longer title leaves the maps less of the room)."""
        for _ in range(3):
            m = self._map_min()
            if m != self._applied_min:
                self._applied_min = m
                for cells in self.cells.values():
                    for cell in cells:
                        cell.vb.setMinimumSize(m, m)
                self.input_vb.setMinimumSize(th.theme().px(INPUT_MIN), th.theme().px(INPUT_MIN))
            self._fit_grid()
            fixed = self.minimumSizeHint().width() - self.grid_shape()[0] * m
            if fixed == self._fixed:
                return
            self._fixed = fixed

    def set_room(self, width: int | None) -> None:
        """The width the page can give this view (None: no limit). When the maps of their least
        size do not fit in it (a 1024-pixel projector at 200 % beside the lesson text), they
        ask for less, down to :data:`MAP_FLOOR`, rather than being clipped."""
        if width != self._room:
            self._room = width
            if not self.cells["conv"]:
                return
            if self._structure is not None and self._bands_for(self._structure[0]) != self._bands:
                self._build(*self._structure)  # the kernels wrapped into more or fewer bands
                self.refresh()  # the new input and row titles get their pictures and text
            else:
                self._apply_min()

    def _bands_of(self, n_kernels: int) -> tuple[int, int]:
        """(bands, maps per band) of the grid for ``n_kernels`` maps: the bands that the room
        the page gives asks for (:meth:`_bands_for`), then as few as give that many maps."""
        self._bands = self._bands_for(n_kernels)
        per = -(-max(1, n_kernels) // self._bands)
        return -(-max(1, n_kernels) // per), per

    def _bands_for(self, n_kernels: int) -> int:
        """How many bands (rows of maps, one below the other) the ``n_kernels`` maps wrap into:
        one while a row of them fits the room at :data:`MAP_FLOOR`; else the fewest (up to
        :data:`MAX_BANDS`) in which they do, as a narrow screen at a large scale (1024x768 at
        200 %, beside the lesson text) needs."""
        if self._room is None or self._fixed is None or n_kernels <= 1:
            return 1
        for bands in range(1, MAX_BANDS + 1):
            per = -(-n_kernels // bands)
            if self._fixed + per * th.theme().px(MAP_FLOOR) <= self._room:
                return bands
        return MAX_BANDS

    def _pooled_cell(self, row: str, k: int, per_map_bar: bool) -> MapCell:
        """The map cell for ``row`` and kernel ``k``, made once and reused by later rebuilds (a
        lesson changes the kernel count or the pooling at many scenes: making the cells anew
        was most of a scene change's time)."""
        key = (row, k, per_map_bar)
        cell = self._cell_pool.get(key)
        if cell is None:
            cell = self._cell_pool[key] = MapCell(row, k, per_map_bar=per_map_bar)
        else:  # as a new one: no picture, no highlight, the selection frame redrawn
            cell.shape = None
            cell.hover.hide()
            cell.window.hide()
            cell.__dict__.pop("_chosen", None)
        return cell

    def prepare_cells(self, n_kernels: int) -> None:
        """Makes the cells of up to ``n_kernels`` maps in every row ahead of need (a lesson
        starts: its scenes then rebuild the grid from cells already made)."""
        for row in ROWS:
            for k in range(min(int(n_kernels), 64)):
                key = (row, k, not self._shared)
                if key not in self._cell_pool:
                    self._cell_pool[key] = MapCell(row, k, per_map_bar=not self._shared)

    # ---- sizing ----------------------------------------------------------------------------------
    def _fit_grid(self) -> None:
        """The graphics view asks for what its grid needs (maps of :data:`MAP_MIN`, their titles
        and bars): pyqtgraph's layout would otherwise squeeze the maps and clip the last row."""
        self.glw.ci.layout.invalidate()  # (it caches the size hints of the items' old minimums)
        hint = self.glw.ci.effectiveSizeHint(Qt.SizeHint.MinimumSize)
        size = (int(np.ceil(hint.width())) + 4, int(np.ceil(hint.height())) + 4)
        if size != (self.glw.minimumWidth(), self.glw.minimumHeight()):
            self.glw.setMinimumSize(*size)
            # a view not on show (a lesson tab in front) does not pass the change up by itself:
            # its group box would go on asking for the old size
            self.updateGeometry()
            self.grid_fitted.emit()

    def _map_min(self) -> int:
        """:data:`MAP_MIN` scaled, and shared out over more than six maps (a row of ten maps
        then takes the room of six); a wrapped grid asks for :data:`MAP_FLOOR` (its bands take
        height: the maps grow into whatever room the view has)."""
        k = self.grid_shape()[0] or 1
        m = th.theme().px(MAP_MIN * min(1.0, 6 / k) if self._bands == 1 else MAP_FLOOR)
        if self._applied_min and self._room is not None and self._fixed is not None:
            m = min(m, max(th.theme().px(MAP_FLOOR), (self._room - self._fixed) // k))
        return m

    def grid_shape(self) -> tuple[int, int]:
        """(columns, rows) of maps in the grid (a wrapped grid: the maps of one band, and the
        rows of every band)."""
        k = len(self.cells["conv"])
        rows = sum(1 for cells in self.cells.values() if cells)
        bands = min(self._bands, max(k, 1))
        per = -(-k // bands) if k else 0
        return per, rows * (-(-k // per) if per else 1)

    def map_side_for(self, width: float, height: float) -> float:
        """The side (px) the maps would get if this view were ``width`` x ``height``: what the
        titles, bars and the input column leave, shared out as the layout does (the input column
        takes one share of any extra width, as each map does); below the minimum when the view
        is too small."""
        cols, rows = self.grid_shape()
        need = self.minimumSizeHint()
        m = self._applied_min or self._map_min()
        extra_w = (width - need.width()) / (max(cols, 1) + 1)
        extra_h = (height - need.height()) / max(rows, 1)
        return m + min(extra_w, extra_h)
