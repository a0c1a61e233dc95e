"""Synthetic subdivision of a real boundary into cells that tile it exactly (no gaps, no overlaps).

Used by the demo district: street and community boundaries are not public, so streets tile the real
district, communities tile their street and grids tile their community. Each level is a Voronoi diagram of
seed points sampled inside the parent, relaxed by a few Lloyd steps so the cells are of similar size, and
clipped to the parent. Voronoi cells share their edges exactly, so the clipped cells tile the parent.
"""

from __future__ import annotations

import numpy as np
import shapely
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

LLOYD_STEPS = 2


def _sample_inside(boundary: BaseGeometry, n: int, rng: np.random.Generator) -> np.ndarray:
    shapely.prepare(boundary)
    min_x, min_y, max_x, max_y = boundary.bounds
    found = np.empty((0, 2))
    while len(found) < n:
        xy = rng.uniform((min_x, min_y), (max_x, max_y), size=(max(4 * n, 64), 2))
        found = np.vstack([found, xy[shapely.contains_xy(boundary, xy[:, 0], xy[:, 1])]])
    return found[:n]


def _voronoi_cells(boundary: BaseGeometry, seeds: np.ndarray) -> np.ndarray:
    min_x, min_y, max_x, max_y = boundary.bounds
    margin = max(max_x - min_x, max_y - min_y)
    frame = shapely.box(min_x - margin, min_y - margin, max_x + margin, max_y + margin)
    diagram = shapely.voronoi_polygons(shapely.multipoints(seeds), extend_to=frame)
    cells = np.array(diagram.geoms, dtype=object)
    # voronoi_polygons does not keep the input order: match each cell back to the seed inside it.
    owner = shapely.STRtree(cells).query(shapely.points(seeds), predicate="within")
    ordered = np.empty(len(seeds), dtype=object)
    ordered[owner[0]] = cells[owner[1]]
    return ordered


def tile(boundary: BaseGeometry, n: int, rng: np.random.Generator) -> list[BaseGeometry]:
    """n polygonal cells whose union is `boundary` and whose pairwise overlaps have no area."""
    if n <= 1:
        return [boundary]
    seeds = _sample_inside(boundary, n, rng)
    for _ in range(LLOYD_STEPS):
        cells = shapely.intersection(_voronoi_cells(boundary, seeds), boundary)
        centres = shapely.get_coordinates(shapely.point_on_surface(cells))
        centroids = shapely.get_coordinates(shapely.centroid(cells))
        # A centroid can fall outside a concave cell; fall back to a point on its surface.
        inside = shapely.contains_xy(boundary, centroids[:, 0], centroids[:, 1])
        seeds = np.where(inside[:, None], centroids, centres)
    cells = shapely.intersection(_voronoi_cells(boundary, seeds), boundary)
    return [_polygonal(cell) for cell in cells]


def _polygonal(geom: BaseGeometry) -> BaseGeometry:
    if geom.geom_type == "GeometryCollection":
        geom = shapely.union_all([g for g in geom.geoms if g.geom_type in ("Polygon", "MultiPolygon")])
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
    return geom


def plan_territory(district_geometry: dict, shape_spec: list[list[int]], seed: int) -> list:
    """Streets → communities → grids as GeoJSON geometry dicts.

    `shape_spec[s][c]` is the number of grids of community c in street s. Returns
    ``[(street_geometry, [(community_geometry, [grid_geometry, …]), …]), …]``. Deterministic for a seed.
    """
    rng = np.random.default_rng(seed)
    district = shape(district_geometry)
    plan = []
    for street, communities in zip(tile(district, len(shape_spec), rng), shape_spec, strict=True):
        street_plan = []
        for community, grids in zip(tile(street, len(communities), rng), communities, strict=True):
            street_plan.append((mapping(community), [mapping(g) for g in tile(community, grids, rng)]))
        plan.append((mapping(street), street_plan))
    return plan
