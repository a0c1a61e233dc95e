"""Point → grid lookup against a naive shapely loop. Pure Python: runs with or without pytest-django."""

import json
import threading
import time
from pathlib import Path

import numpy as np
import pytest
import shapely
from shapely.geometry import box, mapping, shape

from grassroots.areas import locator
from grassroots.areas.locator import GridIndex, get_cached_index
from grassroots.areas.tiling import plan_territory

DISTRICT = Path(__file__).resolve().parent.parent / "data" / "dongcheng.json"


@pytest.fixture(autouse=True)
def fast_password_hashing():
    """Shadows the project-wide autouse fixture of this name, which needs pytest-django's `settings`."""


def voronoi_grid(n: int, seed: int = 1) -> list[tuple[int, dict]]:
    rng = np.random.default_rng(seed)
    points = shapely.points(rng.uniform(0, 1, n), rng.uniform(0, 1, n))
    cells = shapely.voronoi_polygons(shapely.multipoints(points), extend_to=box(-1, -1, 2, 2))
    clipped = shapely.intersection(np.array(cells.geoms), box(0, 0, 1, 1))
    ids = rng.permutation(n) * 7 + 100  # ids unrelated to input order
    return [(int(i), mapping(c)) for i, c in zip(ids, clipped, strict=True)]


def naive(items: list[tuple[int, dict]], x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The obvious answer by brute force: every polygon × every point, edges included, lowest id wins."""
    ids = np.array([rid for rid, _ in items], dtype=np.int64)
    polygons = np.array([shape(g) for _, g in items], dtype=object)
    hit = shapely.intersects(polygons[:, None], shapely.points(x, y)[None, :])
    return np.where(hit.any(axis=0), np.where(hit, ids[:, None], np.iinfo(np.int64).max).min(axis=0), -1)


def boundary_points(items: list[tuple[int, dict]], rng: np.random.Generator, k: int) -> np.ndarray:
    """Vertices (exactly on two or three grids) and points along edges (on or a hair off them)."""
    coords = shapely.get_coordinates(np.array([shape(g) for _, g in items]))
    vertices = coords[rng.choice(len(coords), k)]
    i = rng.choice(len(coords) - 1, k)
    t = rng.uniform(0, 1, (k, 1))
    return np.vstack([vertices, coords[i] + t * (coords[i + 1] - coords[i])])


@pytest.mark.parametrize("cells_per_grid", [1, 16, 256, 2048])
def test_it_agrees_with_a_naive_loop_inside_outside_and_on_edges(cells_per_grid):
    items = voronoi_grid(200)
    index = GridIndex(items, cells_per_grid=cells_per_grid)
    rng = np.random.default_rng(2)
    xy = np.vstack([rng.uniform(-0.2, 1.2, (1500, 2)), boundary_points(items, rng, 300)])
    expected = naive(items, xy[:, 0], xy[:, 1])
    assert (index.locate(xy[:, 0], xy[:, 1]) == expected).all()
    one_by_one = [index.locate_one(x, y) for x, y in xy.tolist()]
    assert [-1 if hit is None else hit for hit in one_by_one] == expected.tolist()


def test_it_agrees_on_the_planned_demo_district():
    district = json.loads(DISTRICT.read_text("utf-8"))["district"]["geometry"]
    plan = plan_territory(district, [[5, 4, 3], [6, 2]], seed=3)
    items = [(500 - i, g) for i, g in enumerate(g for _, comms in plan for _, gs in comms for g in gs)]
    index = GridIndex(items)
    rng = np.random.default_rng(4)
    x0, y0, x1, y1 = shape(district).bounds
    xy = np.vstack([np.column_stack([rng.uniform(x0, x1, 1500), rng.uniform(y0, y1, 1500)])])
    xy = np.vstack([xy, boundary_points(items, rng, 300)])
    found = index.locate(xy[:, 0], xy[:, 1])
    assert (found == naive(items, xy[:, 0], xy[:, 1])).all()
    assert (found >= 0).mean() > 0.4  # the sample really hits grids


def test_shared_edges_and_corners_go_to_the_lowest_id():
    squares = [(7, mapping(box(0, 0, 1, 1))), (3, mapping(box(1, 0, 2, 1))), (5, mapping(box(0, 1, 1, 2)))]
    index = GridIndex(squares)
    x = np.array([1.0, 0.5, 1.0, 0.5, 2.5, 0.0, 2.0])
    y = np.array([0.5, 1.0, 1.0, 0.5, 0.5, 0.0, 1.0])
    assert index.locate(x, y).tolist() == [3, 5, 3, 7, -1, 7, 3]
    assert index.locate_one(0.5, 0.5) == 7 and index.locate_one(9, 9) is None


def test_overlapping_grids_give_the_lowest_id_in_the_overlap():
    # Imported boundaries may overlap; the answer must not depend on which polygon the raster saw first.
    items = [(5, mapping(box(0, 0, 10, 10))), (3, mapping(box(4, 4, 6, 6))), (9, mapping(box(5, 5, 12, 12)))]
    index = GridIndex(items, cells_per_grid=64)
    x = np.array([5.0, 1.0, 8.0, 11.0, 5.5])
    y = np.array([5.0, 1.0, 8.0, 11.0, 5.5])
    assert index.locate(x, y).tolist() == [3, 5, 5, 9, 3]
    rng = np.random.default_rng(5)
    px, py = rng.uniform(-1, 13, 3000), rng.uniform(-1, 13, 3000)
    assert (index.locate(px, py) == naive(items, px, py)).all()


def test_holes_and_multipolygons():
    ring = shapely.Polygon(box(0, 0, 4, 4).exterior.coords, [box(1, 1, 3, 3).exterior.coords])
    islands = shapely.MultiPolygon([box(1, 1, 3, 3), box(5, 0, 6, 1)])
    items = [(2, mapping(ring)), (1, mapping(islands))]
    index = GridIndex(items)
    x, y = np.array([0.5, 2.0, 5.5, 4.5, 1.0]), np.array([0.5, 2.0, 0.5, 0.5, 2.0])
    assert index.locate(x, y).tolist() == [2, 1, 1, -1, 1]  # the last is on the hole's edge: in both
    rng = np.random.default_rng(6)
    px, py = rng.uniform(-1, 7, 3000), rng.uniform(-1, 5, 3000)
    assert (index.locate(px, py) == naive(items, px, py)).all()


def test_odd_inputs():
    assert GridIndex([]).locate(np.array([1.0]), np.array([1.0])).tolist() == [-1]
    assert GridIndex([]).locate_one(1.0, 1.0) is None
    index = GridIndex([(1, mapping(box(0, 0, 1, 1)))])
    odd = index.locate(np.array([np.nan, np.inf, 0.5]), np.array([0.5, 0.5, np.nan]))
    assert odd.tolist() == [-1, -1, -1]
    assert index.locate_one(float("nan"), 0.5) is None and index.locate_one(1.0, 1.0) == 1
    assert index.locate(np.full((2, 3), 0.5), np.full((2, 3), 0.5)).shape == (2, 3)
    assert index.locate(np.array([]), np.array([])).shape == (0,)
    assert len(index) == 1


def test_the_cache_rebuilds_only_when_the_version_changes(monkeypatch):
    monkeypatch.setattr(locator, "_cached", None)
    calls = []

    def loader():
        calls.append(1)
        return [(1, mapping(box(0, 0, 1, 1)))]

    first = get_cached_index("v-test-1", loader)
    assert get_cached_index("v-test-1", loader) is first and len(calls) == 1
    second = get_cached_index("v-test-2", loader)
    assert second is not first and len(calls) == 2
    assert get_cached_index("v-test-2", loader) is second and len(calls) == 2


def test_concurrent_requests_after_a_bump_build_once(monkeypatch):
    monkeypatch.setattr(locator, "_cached", None)
    calls = []

    def slow_loader():
        calls.append(1)
        time.sleep(0.05)  # let the other threads pile up on the lock
        return [(1, mapping(box(0, 0, 1, 1)))]

    got = []

    def request():
        got.append(get_cached_index("v", slow_loader))

    threads = [threading.Thread(target=request) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) == 1 and len({id(index) for index in got}) == 1
