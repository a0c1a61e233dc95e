"""Point → grid lookup over all grid polygons, vectorised with numpy and shapely 2.

`GridIndex.locate` answers a whole array of points without a Python loop per point:

1. A uniform bucket raster over the grids' extent lists, per cell, the polygons whose bounding box meets
   it (a CSR table), and notes the cells lying wholly inside one polygon's interior.
2. Points in such a cell are answered from the raster alone; this is most points.
3. The rest are expanded into (point, candidate) pairs and tested at once with `shapely.intersects_xy`
   on prepared polygons (GEOS, in C). A point on an edge shared by two grids hits both; the lowest region
   id wins so the answer is deterministic.

An `STRtree` over the same polygons serves single-geometry queries. The process keeps one index keyed by a
version number that every change of grid geometry bumps in the database, so each process rebuilds when —
and only when — grids changed.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Sequence

import numpy as np
import shapely
from shapely.geometry import shape

CELLS_PER_POLYGON = 4  # raster resolution: about this many cells per polygon


class GridIndex:
    def __init__(self, items: Sequence[tuple[int, dict]]):
        self.ids = np.array([region_id for region_id, _ in items], dtype=np.int64)
        self.polygons = np.array([shape(geometry) for _, geometry in items], dtype=object)
        shapely.prepare(self.polygons)
        self.tree = shapely.STRtree(self.polygons)
        if len(self.ids):
            self._build_raster()

    def __len__(self) -> int:
        return len(self.ids)

    def _build_raster(self) -> None:
        bounds = shapely.bounds(self.polygons)
        self.x0, self.y0 = bounds[:, 0].min(), bounds[:, 1].min()
        width = max(bounds[:, 2].max() - self.x0, 1e-12)
        height = max(bounds[:, 3].max() - self.y0, 1e-12)
        side = math.sqrt(width * height / (len(self.ids) * CELLS_PER_POLYGON))
        self.nx, self.ny = max(1, math.ceil(width / side)), max(1, math.ceil(height / side))
        self.dx, self.dy = width / self.nx, height / self.ny
        # Cell ranges covered by each polygon's bounding box.
        cx0, cy0 = self._cell_xy(bounds[:, 0], bounds[:, 1])
        cx1, cy1 = self._cell_xy(bounds[:, 2], bounds[:, 3])
        spans_x, spans_y = cx1 - cx0 + 1, cy1 - cy0 + 1
        counts = spans_x * spans_y
        poly = np.repeat(np.arange(len(self.ids)), counts)
        offset = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
        cell_x = np.repeat(cx0, counts) + offset % np.repeat(spans_x, counts)
        cell_y = np.repeat(cy0, counts) + offset // np.repeat(spans_x, counts)
        cell = cell_y * self.nx + cell_x
        # Keep only pairs whose polygon really meets the cell, then sort into a CSR table.
        boxes = shapely.box(
            self.x0 + cell_x * self.dx,
            self.y0 + cell_y * self.dy,
            self.x0 + (cell_x + 1) * self.dx,
            self.y0 + (cell_y + 1) * self.dy,
        )
        meets = shapely.intersects(self.polygons[poly], boxes)
        inside = shapely.contains_properly(self.polygons[poly], boxes)
        self.owner = np.full(self.nx * self.ny, -1, dtype=np.int64)
        self.owner[cell[inside]] = poly[inside]
        keep = meets & ~np.isin(cell, cell[inside])
        order = np.lexsort((self.ids[poly[keep]], cell[keep]))
        self.cand_poly = poly[keep][order]
        self.cand_start = np.searchsorted(cell[keep][order], np.arange(self.nx * self.ny + 1))

    def _cell_xy(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        cx = np.clip(((x - self.x0) / self.dx).astype(np.int64), 0, self.nx - 1)
        cy = np.clip(((y - self.y0) / self.dy).astype(np.int64), 0, self.ny - 1)
        return cx, cy

    def locate(self, lng: np.ndarray, lat: np.ndarray) -> np.ndarray:
        """Region id of the grid containing each point (edges included), or −1 outside every grid."""
        x = np.asarray(lng, dtype=float).ravel()
        y = np.asarray(lat, dtype=float).ravel()
        result = np.full(x.shape, -1, dtype=np.int64)
        if len(self.ids) == 0 or x.size == 0:
            return result
        within = (
            (x >= self.x0) & (x <= self.x0 + self.nx * self.dx) & (y >= self.y0) & (y <= self.y0 + self.ny * self.dy)
        )
        cx, cy = self._cell_xy(x, y)
        cell = np.where(within, cy * self.nx + cx, -1)
        owner = np.where(within, self.owner[np.maximum(cell, 0)], -1)
        answered = owner >= 0
        result[answered] = self.ids[owner[answered]]
        todo = np.flatnonzero(within & ~answered)
        if todo.size:
            start, stop = self.cand_start[cell[todo]], self.cand_start[cell[todo] + 1]
            counts = stop - start
            point = np.repeat(todo, counts)
            offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
            poly = self.cand_poly[np.repeat(start, counts) + offsets]
            hit = shapely.intersects_xy(self.polygons[poly], x[point], y[point])
            # Candidates are sorted by id within a cell, so the first hit per point is the lowest id.
            point, poly = point[hit], poly[hit]
            first = np.ones(point.size, dtype=bool)
            first[1:] = point[1:] != point[:-1]
            result[point[first]] = self.ids[poly[first]]
        return result.reshape(np.shape(lng))

    def locate_one(self, lng: float, lat: float) -> int | None:
        hit = int(self.locate(np.array([lng]), np.array([lat]))[0])
        return hit if hit >= 0 else None


_lock = threading.Lock()
_cache: dict[str, object] = {}  # the only module-level state: a cache of the index and its version


def get_cached_index(version: object, loader: Callable[[], Sequence[tuple[int, dict]]]) -> GridIndex:
    if _cache.get("index") is not None and _cache.get("version") == version:
        return _cache["index"]  # type: ignore[return-value]
    with _lock:
        if _cache.get("index") is None or _cache.get("version") != version:
            _cache["index"] = GridIndex(loader())
            _cache["version"] = version
        return _cache["index"]  # type: ignore[return-value]
