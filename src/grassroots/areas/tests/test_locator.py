import numpy as np
import shapely
from shapely.geometry import Point, box, mapping

from grassroots.areas.locator import GridIndex, get_cached_index


def voronoi_grid(n: int, seed: int = 1):
    rng = np.random.default_rng(seed)
    points = shapely.points(rng.uniform(0, 1, n), rng.uniform(0, 1, n))
    cells = shapely.voronoi_polygons(shapely.multipoints(points), extend_to=box(-1, -1, 2, 2))
    clipped = shapely.intersection(np.array(cells.geoms), box(0, 0, 1, 1))
    return [(100 + i, mapping(c)) for i, c in enumerate(clipped)]


def naive(items, x, y):
    polygons = [(rid, shapely.geometry.shape(g)) for rid, g in items]
    out = []
    for px, py in zip(x, y, strict=True):
        hits = [rid for rid, poly in polygons if poly.intersects(Point(px, py))]
        out.append(min(hits) if hits else -1)
    return np.array(out)


def test_it_agrees_with_a_naive_loop_inside_and_outside():
    items = voronoi_grid(300)
    index = GridIndex(items)
    rng = np.random.default_rng(2)
    x, y = rng.uniform(-0.2, 1.2, 3000), rng.uniform(-0.2, 1.2, 3000)
    assert (index.locate(x, y) == naive(items, x, y)).all()


def test_shared_edges_and_corners_go_to_the_lowest_id():
    squares = [(7, mapping(box(0, 0, 1, 1))), (3, mapping(box(1, 0, 2, 1))), (5, mapping(box(0, 1, 1, 2)))]
    index = GridIndex(squares)
    x = np.array([1.0, 0.5, 1.0, 0.5, 2.5])
    y = np.array([0.5, 1.0, 1.0, 0.5, 0.5])
    assert index.locate(x, y).tolist() == [3, 5, 3, 7, -1]
    assert index.locate_one(0.5, 0.5) == 7 and index.locate_one(9, 9) is None


def test_an_empty_index_finds_nothing():
    assert GridIndex([]).locate(np.array([1.0]), np.array([1.0])).tolist() == [-1]


def test_the_cache_rebuilds_only_when_the_version_changes():
    calls = []

    def loader():
        calls.append(1)
        return [(1, mapping(box(0, 0, 1, 1)))]

    first = get_cached_index("v-test-1", loader)
    assert get_cached_index("v-test-1", loader) is first and len(calls) == 1
    assert get_cached_index("v-test-2", loader) is not first and len(calls) == 2
