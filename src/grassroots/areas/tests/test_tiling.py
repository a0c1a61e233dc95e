import json
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import shape

from grassroots.areas.tiling import plan_territory, tile

DISTRICT = json.loads((Path(__file__).resolve().parent.parent / "data" / "dongcheng.json").read_text("utf-8"))


def assert_tiles(cells, boundary):
    area = boundary.area
    assert abs(sum(c.area for c in cells) - area) / area < 1e-9
    assert shapely.union_all(cells).symmetric_difference(boundary).area / area < 1e-9
    assert all(c.is_valid and not c.is_empty for c in cells)


def test_cells_tile_the_real_district_boundary():
    boundary = shape(DISTRICT["district"]["geometry"])
    cells = tile(boundary, 17, np.random.default_rng(1))
    assert len(cells) == 17
    assert_tiles(cells, boundary)


def test_one_cell_is_the_boundary_itself():
    boundary = shape(DISTRICT["district"]["geometry"])
    assert tile(boundary, 1, np.random.default_rng(1)) == [boundary]


def test_the_plan_nests_and_is_deterministic():
    spec = [[3, 2], [4]]
    plan = plan_territory(DISTRICT["district"]["geometry"], spec, seed=5)
    assert plan == plan_territory(DISTRICT["district"]["geometry"], spec, seed=5)
    streets = [shape(s) for s, _ in plan]
    assert_tiles(streets, shape(DISTRICT["district"]["geometry"]))
    for street, (_, communities) in zip(streets, plan, strict=True):
        assert_tiles([shape(c) for c, _ in communities], street)
        for community, grids in communities:
            assert_tiles([shape(g) for g in grids], shape(community))
    assert [[len(g) for _, g in comms] for _, comms in plan] == spec


def test_the_real_district_extract_is_plausible():
    geom = shape(DISTRICT["district"]["geometry"])
    km2 = geom.area * (111.32 * np.cos(np.radians(geom.centroid.y))) * 110.57
    assert abs(km2 - 41.8) / 41.8 < 0.1  # 东城区 is about 41.8 km²
    assert abs(geom.centroid.x - 116.41) < 0.05 and abs(geom.centroid.y - 39.93) < 0.05
    assert len(DISTRICT["streets"]) == 17
    for street in DISTRICT["streets"]:
        assert street["code"].startswith("110101") and len(street["code"]) == 9 and street["name"].endswith("街道")
        assert all(c["code"].startswith(street["code"]) and len(c["code"]) == 12 for c in street["communities"])
