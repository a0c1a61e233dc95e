"""Tiling the real district boundary into streets, communities and grids. Pure Python, no database."""

import json
import time
from pathlib import Path

import numpy as np
import pytest
import shapely
from shapely.geometry import MultiPolygon, box, mapping, shape

from grassroots.areas.tiling import plan_territory, tile

DISTRICT = json.loads((Path(__file__).resolve().parent.parent / "data" / "dongcheng.json").read_text("utf-8"))
BOUNDARY = shape(DISTRICT["district"]["geometry"])
TOLERANCE = 1e-9  # relative area


@pytest.fixture(autouse=True)
def fast_password_hashing():
    """Shadows the project-wide autouse fixture of this name, which needs pytest-django's `settings`."""


def assert_tiles(cells, boundary, tolerance=TOLERANCE):
    cells = np.asarray(cells, dtype=object)
    area = boundary.area
    assert all(c.is_valid and not c.is_empty and c.geom_type in ("Polygon", "MultiPolygon") for c in cells)
    assert abs(shapely.area(cells).sum() - area) / area < tolerance
    assert shapely.union_all(cells).symmetric_difference(boundary).area / area < tolerance
    # Pairwise overlaps: only neighbours can overlap, so ask the tree which cells meet.
    i, j = shapely.STRtree(cells).query(cells, predicate="intersects")
    pairs = i < j
    overlap = shapely.area(shapely.intersection(cells[i[pairs]], cells[j[pairs]])).sum()
    assert overlap / area < tolerance


def flatten(plan):
    return [shape(g) for _, comms in plan for _, grids in comms for g in grids]


@pytest.mark.parametrize("n", [2, 17, 60])
def test_cells_tile_the_real_district_boundary(n):
    cells = tile(BOUNDARY, n, np.random.default_rng(n))
    assert len(cells) == n
    assert_tiles(cells, BOUNDARY)


def test_one_cell_is_the_boundary_itself():
    assert tile(BOUNDARY, 1, np.random.default_rng(1)) == [BOUNDARY]


def test_a_multipolygon_boundary_with_a_hole_is_tiled_too():
    ring = shapely.Polygon(box(0, 0, 4, 4).exterior.coords, [box(1, 1, 2, 2).exterior.coords])
    boundary = MultiPolygon([ring, box(5, 0, 6, 3)])
    cells = tile(boundary, 12, np.random.default_rng(2))
    assert len(cells) == 12
    assert_tiles(cells, boundary)


def test_a_plan_on_a_multipolygon_with_a_hole_leaves_the_hole_out():
    square, hole = box(0, 0, 0.04, 0.04), box(0.01, 0.01, 0.02, 0.02)
    ring = shapely.Polygon(square.exterior.coords, [hole.exterior.coords])
    boundary = MultiPolygon([ring, box(0.05, 0, 0.06, 0.03)])
    plan = plan_territory(mapping(boundary), [[4, 3], [5]], seed=9)
    grids = flatten(plan)
    assert_tiles(grids, shapely.union_all(grids))
    assert shapely.union_all(grids).symmetric_difference(boundary).area / boundary.area < 1e-5


def test_cells_are_of_similar_size():
    areas = shapely.area(np.array(tile(BOUNDARY, 40, np.random.default_rng(3)), dtype=object))
    assert areas.std() / areas.mean() < 0.4  # Lloyd relaxation; raw random Voronoi cells scatter ~0.5+


def test_the_plan_nests_tiles_and_is_deterministic():
    spec = [[3, 2, 4], [4, 1]]
    plan = plan_territory(DISTRICT["district"]["geometry"], spec, seed=5)
    assert plan == plan_territory(DISTRICT["district"]["geometry"], spec, seed=5)
    assert plan != plan_territory(DISTRICT["district"]["geometry"], spec, seed=6)
    assert [[len(grids) for _, grids in comms] for _, comms in plan] == spec
    streets = [shape(s) for s, _ in plan]
    for street, (_, communities) in zip(streets, plan, strict=True):
        assert_tiles([shape(c) for c, _ in communities], street)
        for community, grids in communities:
            assert_tiles([shape(g) for g in grids], shape(community))
    # Across community and street borders too: grid corners on a neighbour's straight edge must not
    # open slivers once coordinates are rounded.
    union = shapely.union_all(streets)
    assert_tiles(flatten(plan), union)
    # The streets cover the district up to the 7-decimal snapping of vertices on its edge (≤ 5e-8°).
    assert union.symmetric_difference(BOUNDARY).area / BOUNDARY.area < 1e-5
    assert union.hausdorff_distance(BOUNDARY) < 1e-7


def test_the_plan_has_7_decimals_as_json_lists():
    plan = plan_territory(DISTRICT["district"]["geometry"], [[3, 3], [2]], seed=7)
    geometries = [g for s, comms in plan for c, grids in comms for g in [s, c, *grids]]
    # JSONField hands back lists; equal after a round trip means nothing changes when stored.
    assert all(json.loads(json.dumps(g)) == g for g in geometries)
    coords = np.concatenate([shapely.get_coordinates(g) for g in flatten(plan)])
    assert np.array_equal(coords, np.round(coords, 7))


def test_full_precision_streets_tile_the_district_itself():
    plan = plan_territory(DISTRICT["district"]["geometry"], [[2, 2], [3], [1, 1]], seed=8, decimals=None)
    assert_tiles([shape(s) for s, _ in plan], BOUNDARY)
    assert_tiles(flatten(plan), BOUNDARY)


def test_the_large_demo_territory_plans_quickly():
    started = time.perf_counter()
    plan = plan_territory(DISTRICT["district"]["geometry"], [[25] * 8] * 10, seed=20261123)
    assert time.perf_counter() - started < 30  # about 1.5 s on the 2-core dev machine
    grids = flatten(plan)
    assert len(grids) == 2000
    assert_tiles(grids, shapely.union_all([shape(s) for s, _ in plan]))


def test_the_real_district_extract_is_plausible():
    km2 = BOUNDARY.area * (111.32 * np.cos(np.radians(BOUNDARY.centroid.y))) * 110.57
    assert abs(km2 - 41.8) / 41.8 < 0.1  # 东城区 is about 41.8 km²
    assert abs(BOUNDARY.centroid.x - 116.41) < 0.05 and abs(BOUNDARY.centroid.y - 39.93) < 0.05
    assert len(DISTRICT["streets"]) == 17
    for street in DISTRICT["streets"]:
        assert street["code"].startswith("110101") and len(street["code"]) == 9
        assert street["name"].endswith("街道")
        for community in street["communities"]:
            assert community["code"].startswith(street["code"]) and len(community["code"]) == 12
