"""Point → grid lookups per second over the large demo district's grids. No Django, no database.

    .venv/bin/python bench/locate.py [--grids 2000|10000] [--points 1000000] [--sample 2000] [--compare]

Plans the large territory on the real 东城区 boundary with `tiling.plan_territory` (10 streets × 8
communities × 25 grids = 2,000 grids; `--grids 10000` makes 10 × 20 × 50), builds a `GridIndex`, and
measures in the same run, over seeded random points in the district's bounding box (about half fall in
no grid, as real stray GPS fixes do):

- the vectorised `GridIndex.locate`, best of 3 — goal ≥ 1,000,000 points/s;
- a naive shapely loop on a small sample (per point: every polygon in id order, bounding-box check, then
  `polygon.contains(Point)`), as the baseline, and that both give the same answers on that sample;
- with `--compare`, the alternatives the index was chosen over: one `STRtree.query(points,
  predicate="intersects")`, and a loop over polygons with `contains_xy` on bbox-prefiltered points.

Random points practically never land exactly on an edge, so `contains` (edges excluded) and `locate`
(edges included, lowest id) agree on them; edge cases are covered by the unit tests.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import Point, shape

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from grassroots.areas.locator import GridIndex  # noqa: E402
from grassroots.areas.tiling import plan_territory  # noqa: E402

GOAL = 1_000_000
DISTRICT = Path(__file__).resolve().parent.parent / "src/grassroots/areas/data/dongcheng.json"
SHAPES = {2000: (10, 8, 25), 10000: (10, 20, 50)}  # streets, communities per street, grids per community
SEED = 20261123  # the demo loader's default seed


def best_of(runs: int, work: Callable[[], np.ndarray]) -> tuple[float, np.ndarray]:
    best, result = float("inf"), np.empty(0)
    for _ in range(runs):
        started = time.perf_counter()
        result = work()
        best = min(best, time.perf_counter() - started)
    return best, result


def naive_locate(index: GridIndex, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    polygons = list(index.polygons)  # sorted by id, so the first hit is the lowest id
    bounds = [p.bounds for p in polygons]
    out = np.full(x.shape, -1, dtype=np.int64)
    for i, (px, py) in enumerate(zip(x.tolist(), y.tolist(), strict=True)):
        point = Point(px, py)
        for poly, (x0, y0, x1, y1), region_id in zip(polygons, bounds, index.ids.tolist(), strict=True):
            if x0 <= px <= x1 and y0 <= py <= y1 and poly.contains(point):
                out[i] = region_id
                break
    return out


def strtree_locate(index: GridIndex, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    point, poly = shapely.STRtree(index.polygons).query(shapely.points(x, y), predicate="intersects")
    out = np.full(x.size, np.iinfo(np.int64).max)
    np.minimum.at(out, point, index.ids[poly])
    return np.where(out == np.iinfo(np.int64).max, -1, out)


def per_polygon_locate(index: GridIndex, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    order = np.argsort(x)
    xs, ys = x[order], y[order]
    out = np.full(x.size, -1, dtype=np.int64)
    boxes = shapely.bounds(index.polygons)
    for poly, (x0, y0, x1, y1), region_id in zip(index.polygons, boxes, index.ids, strict=True):
        lo, hi = np.searchsorted(xs, (x0, x1), side="left")[0], np.searchsorted(xs, x1, side="right")
        near = lo + np.flatnonzero((ys[lo:hi] >= y0) & (ys[lo:hi] <= y1))
        near = near[out[order[near]] < 0]  # polygons go in id order: keep the first (lowest) hit
        out[order[near[shapely.contains_xy(poly, xs[near], ys[near])]]] = region_id
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--grids", type=int, choices=sorted(SHAPES), default=2000)
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=2_000, help="points for the naive loop")
    parser.add_argument("--compare", action="store_true", help="also time the rejected approaches")
    args = parser.parse_args()

    streets, communities, grids = SHAPES[args.grids]
    district = json.loads(DISTRICT.read_text(encoding="utf-8"))["district"]["geometry"]
    started = time.perf_counter()
    plan = plan_territory(district, [[grids] * communities] * streets, seed=SEED)
    planned = time.perf_counter() - started
    cells = [g for _, comms in plan for _, gs in comms for g in gs]
    items = [(1000 + i, g) for i, g in enumerate(cells)]
    started = time.perf_counter()
    index = GridIndex(items)
    built = time.perf_counter() - started
    print(
        f"territory: {len(cells):,} grids ({streets} × {communities} × {grids}) planned in {planned:.2f}s, "
        f"index built in {built:.2f}s ({index.nx}×{index.ny} cells)"
    )

    rng = np.random.default_rng(11)
    x0, y0, x1, y1 = shape(district).bounds
    x, y = rng.uniform(x0, x1, args.points), rng.uniform(y0, y1, args.points)
    seconds, found = best_of(3, lambda: index.locate(x, y))
    rate = args.points / seconds
    verdict = "PASS" if rate >= GOAL else "BELOW GOAL"
    print(
        f"locate vectorised: {rate:>12,.0f} points/s   goal ≥ {GOAL:,} points/s   [{verdict}]"
        f"   ({args.points:,} points, {(found >= 0).mean():.0%} inside a grid)"
    )

    sx, sy = x[: args.sample], y[: args.sample]
    seconds, naive = best_of(1, lambda: naive_locate(index, sx, sy))
    naive_rate = args.sample / seconds
    print(
        f"locate naive loop: {naive_rate:>12,.0f} points/s   (baseline, same run)   speed-up ×{rate / naive_rate:,.0f}"
    )
    same = bool((naive == found[: args.sample]).all())
    print(f"answers agree on the {args.sample:,}-point sample: {'yes' if same else 'NO'}")

    if args.compare:
        m = min(args.points, 200_000)
        for name, fn in (("STRtree.query", strtree_locate), ("per-polygon", per_polygon_locate)):
            seconds, other = best_of(1, lambda fn=fn: fn(index, x[:m], y[:m]))
            agree = "agree" if (other == found[:m]).all() else "DISAGREE"
            print(f"  {name:<15} {m / seconds:>12,.0f} points/s   ({m:,} points; answers {agree})")
    if not same:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
