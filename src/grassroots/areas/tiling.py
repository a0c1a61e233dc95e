"""Synthetic subdivision of a real boundary into cells that tile it (no gaps, no overlaps).

Used by the demo district: street, community and grid boundaries are not public, so streets tile the real
district, communities tile their street and grids tile their community. Each level is a Voronoi diagram of
seed points sampled inside the parent, relaxed by a few Lloyd steps so cells are of similar size, and
clipped to the parent. Voronoi cells share their edges exactly, so the clipped cells tile the parent to
floating-point precision (relative area error ~1e-13).

`plan_territory` then writes coordinates with 7 decimals (≈ 1 cm, a third less JSON). Rounding each
polygon on its own would open slivers wherever a grid corner sits on a neighbour's straight edge (every
street and community border is full of such T-junctions): relative errors of 1e-5, tens of m² of points
that fall in no grid. Instead all grid edges are snap-rounded together (GEOS snap-rounding noding puts a
node into any edge that passes within half a unit of a rounded vertex), polygonised into faces, and every
level is rebuilt as a union of faces. Shared edges then have identical vertices on both sides, so grids
tile their community, communities their street, exactly; the union of the streets is the district moved
by at most 5e-8° (5 mm) where a street border meets it.
"""

from __future__ import annotations

import numpy as np
import shapely
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

LLOYD_STEPS = 6  # each step evens out cell areas (area CV within a community 0.39 → 0.22 at 6 steps)
DECIMALS = 7  # ≈ 1 cm on the ground

# Nested plan: [(street geometry, [(community geometry, [grid geometry, …]), …]), …], all GeoJSON dicts.
Plan = list[tuple[dict, list[tuple[dict, list[dict]]]]]


def _sample_inside(boundary: BaseGeometry, n: int, rng: np.random.Generator) -> np.ndarray:
    """n distinct random points strictly inside `boundary` (rejection sampling in its bounding box)."""
    shapely.prepare(boundary)
    min_x, min_y, max_x, max_y = boundary.bounds
    found = np.empty((0, 2))
    while len(found) < n:
        xy = rng.uniform((min_x, min_y), (max_x, max_y), size=(max(4 * n, 64), 2))
        found = np.unique(np.vstack([found, xy[shapely.contains_xy(boundary, xy[:, 0], xy[:, 1])]]), axis=0)
    # np.unique sorted the points; shuffle (deterministically) so the cut is not biased to the west.
    return found[rng.permutation(len(found))[:n]]


def _voronoi_cells(boundary: BaseGeometry, seeds: np.ndarray) -> np.ndarray:
    """Voronoi cell of each seed, in seed order, extending well past `boundary`."""
    min_x, min_y, max_x, max_y = boundary.bounds
    margin = max(max_x - min_x, max_y - min_y)
    frame = shapely.box(min_x - margin, min_y - margin, max_x + margin, max_y + margin)
    diagram = shapely.voronoi_polygons(shapely.multipoints(seeds), extend_to=frame, ordered=True)
    return np.asarray(shapely.get_parts(diagram))


def tile(boundary: BaseGeometry, n: int, rng: np.random.Generator) -> list[BaseGeometry]:
    """n valid, non-empty polygonal cells whose union is `boundary` and whose overlaps have no area.

    `boundary` is a valid shapely Polygon or MultiPolygon (lng/lat). Cells are Polygons, or MultiPolygons
    where a convex Voronoi cell crosses a concave stretch of the boundary and is cut in two.
    """
    if n <= 1:
        return [boundary]
    seeds = _sample_inside(boundary, n, rng)
    for _ in range(LLOYD_STEPS):
        cells = shapely.intersection(_voronoi_cells(boundary, seeds), boundary)
        centroids = shapely.get_coordinates(shapely.centroid(cells))
        # A centroid can fall outside a concave cell, even outside the boundary; then use a point that
        # is on the cell. Either way the seeds stay distinct: they lie in disjoint cells' interiors.
        fallback = shapely.get_coordinates(shapely.point_on_surface(cells))
        inside = shapely.contains_xy(cells, centroids[:, 0], centroids[:, 1])
        seeds = np.where(inside[:, None], centroids, fallback)
    cells = shapely.intersection(_voronoi_cells(boundary, seeds), boundary)
    return [_polygonal(cell) for cell in cells]


def _polygonal(geom: BaseGeometry) -> BaseGeometry:
    """The areal part of an overlay result, made valid (a clipped cell can carry stray lines or points)."""
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
    if geom.geom_type == "GeometryCollection":
        geom = shapely.union_all([g for g in geom.geoms if g.geom_type in ("Polygon", "MultiPolygon")])
    return geom


def plan_territory(
    district_geometry: dict, shape_spec: list[list[int]], seed: int, *, decimals: int | None = DECIMALS
) -> Plan:
    """Streets → communities → grids covering `district_geometry` (GeoJSON, lng/lat). Deterministic per seed.

    `shape_spec[s][c]` is the number of grids of community c in street s; the result has the same nesting:
    ``[(street_geometry, [(community_geometry, [grid_geometry, …]), …]), …]`` as GeoJSON geometry dicts
    (coordinates as nested lists). With `decimals` (default 7) coordinates are snap-rounded so that every
    level still tiles its parent exactly (see the module docstring); `decimals=None` keeps full precision,
    and then the streets tile the district itself to ~1e-13.
    """
    rng = np.random.default_rng(seed)
    district = shape(district_geometry)
    streets = tile(district, len(shape_spec), rng)
    tree: list[tuple[BaseGeometry, list[tuple[BaseGeometry, list[BaseGeometry]]]]] = []
    for street, communities in zip(streets, shape_spec, strict=True):
        cells = tile(street, len(communities), rng)
        tree.append((street, [(c, tile(c, k, rng)) for c, k in zip(cells, communities, strict=True)]))
    if decimals is not None:
        snapped = _snap_round(tree, decimals)
        # Never seen to fail; if it ever does, full precision beats per-polygon rounding's slivers.
        tree, decimals = (snapped, decimals) if snapped is not None else (tree, None)
    out: Plan = []
    for street, comms in tree:
        rows = [(_geojson(c, decimals), [_geojson(g, decimals) for g in grids]) for c, grids in comms]
        out.append((_geojson(street, decimals), rows))
    return out


def _snap_round(tree: list, decimals: int) -> list | None:
    """The same tree rebuilt from snap-rounded grid faces, or None if snapping would lose a grid."""
    flat = [(g, si, ci) for si, ci, gs in _numbered(tree) for g in gs]
    grids = np.array([g for g, _, _ in flat], dtype=object)
    street_of, community_of = np.array([si for _, si, _ in flat]), np.array([ci for _, _, ci in flat])
    # Union of all edges on a fixed grid = snap-rounded, fully noded linework; its faces form a coverage.
    linework = shapely.union_all(shapely.boundary(grids), grid_size=10.0**-decimals)
    faces = np.asarray(shapely.get_parts(shapely.polygonize(shapely.get_parts(linework))))
    owner = _face_owners(faces, grids)
    if owner is None:
        return None

    def union(mask: np.ndarray) -> BaseGeometry:
        # Faces share edges vertex for vertex, so the cheap coverage union is exact here.
        return shapely.coverage_union_all(faces[mask])

    new_grids = [union(owner == gi) for gi in range(len(grids))]
    face_community = np.where(owner >= 0, community_of[owner], -1)
    face_street = np.where(owner >= 0, street_of[owner], -1)
    rebuilt, gi, ci = [], 0, 0
    for si, (_, comms) in enumerate(tree):
        street_comms = []
        for _, gs in comms:
            street_comms.append((union(face_community == ci), new_grids[gi : gi + len(gs)]))
            gi, ci = gi + len(gs), ci + 1
        rebuilt.append((union(face_street == si), street_comms))
    everything = [g for _, comms in rebuilt for c, gs in comms for g in [c, *gs]]
    return rebuilt if all(g.is_valid and not g.is_empty for g in everything) else None


def _numbered(tree: list) -> list[tuple[int, int, list]]:
    """(street number, community number counted across streets, grids) for every community."""
    rows = [(si, gs) for si, (_, comms) in enumerate(tree) for _, gs in comms]
    return [(si, ci, gs) for ci, (si, gs) in enumerate(rows)]


def _face_owners(faces: np.ndarray, grids: np.ndarray) -> np.ndarray | None:
    """Grid index of each face (−1 for holes in the district), by largest overlap; None if a grid has none."""
    candidates = shapely.STRtree(grids).query(faces, predicate="intersects")
    overlap = shapely.area(shapely.intersection(faces[candidates[0]], grids[candidates[1]]))
    order = np.lexsort((-overlap, candidates[0]))  # per face, the largest overlap first
    face, grid, overlap = candidates[0][order], candidates[1][order], overlap[order]
    first = np.ones(face.size, dtype=bool)
    first[1:] = face[1:] != face[:-1]
    owner = np.full(len(faces), -1, dtype=np.int64)
    # A face owns nothing if its best overlap is a sliver: it is a hole of the district, not a grid piece.
    keep = first & (overlap > 0.5 * shapely.area(faces[face]))
    owner[face[keep]] = grid[keep]
    return owner if np.isin(np.arange(len(grids)), owner).all() else None


def _geojson(geom: BaseGeometry, decimals: int | None) -> dict:
    """GeoJSON dict with list coordinates; rounding maps equal floats to equal floats, so shared vertices
    stay shared and the decimal text stays short."""
    if decimals is not None:
        geom = shapely.transform(geom, lambda xy: np.round(xy, decimals))

    def lists(value):
        return [lists(v) for v in value] if isinstance(value, (list, tuple)) else value

    data = mapping(geom)
    return {"type": data["type"], "coordinates": lists(data["coordinates"])}
