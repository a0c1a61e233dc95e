"""Point → grid lookups per second over the large demo district's grids.

    python bench/locate.py [--grids 2000|10000] [--points 1000000]

Plans the large territory on the real 东城区 boundary (10 streets × 8 communities × 25 grids = 2,000 grids;
`--grids 10000` makes 10 × 20 × 50), then measures in the same run:
- the vectorised `GridIndex.locate` (best of 3) over random points in the district's bounding box;
- a naive shapely loop (bbox check + Polygon.contains per polygon) on a small sample, as the baseline;
and checks both give the same answers on that sample. Goal: ≥ 1,000,000 points/s vectorised.
No database is needed.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
from shapely.geometry import Point, shape

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from grassroots.areas.locator import GridIndex  # noqa: E402
from grassroots.areas.tiling import plan_territory  # noqa: E402

GOAL = 1_000_000
DISTRICT = Path(__file__).resolve().parent.parent / "src/grassroots/areas/data/dongcheng.json"
SHAPES = {2000: (10, 8, 25), 10000: (10, 20, 50)}


def naive_locate(polygons, bounds, x: np.ndarray, y: np.ndarray, ids: np.ndarray) -> np.ndarray:
    out = np.full(x.shape, -1, dtype=np.int64)
    for i, (px, py) in enumerate(zip(x, y, strict=True)):
        point = Point(px, py)
        for poly, (x0, y0, x1, y1), region_id in zip(polygons, bounds, ids, strict=True):
            if x0 <= px <= x1 and y0 <= py <= y1 and poly.intersects(point):
                out[i] = region_id
                break
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--grids", type=int, choices=sorted(SHAPES), default=2000)
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=2_000)
    args = parser.parse_args()
    streets, communities, grids = SHAPES[args.grids]
    district = json.loads(DISTRICT.read_text(encoding="utf-8"))["district"]["geometry"]
    started = time.perf_counter()
    plan = plan_territory(district, [[grids] * communities] * streets, seed=20261123)  # the demo loader's default seed
    cells = [g for _, comms in plan for _, gs in comms for g in gs]
    planned = time.perf_counter() - started
    items = [(1000 + i, g) for i, g in enumerate(cells)]
    started = time.perf_counter()
    index = GridIndex(items)
    built = time.perf_counter() - started
    print(f"territory: {len(cells):,} grids planned in {planned:.2f}s, index built in {built:.2f}s")

    rng = np.random.default_rng(11)
    x0, y0, x1, y1 = shape(district).bounds
    x, y = rng.uniform(x0, x1, args.points), rng.uniform(y0, y1, args.points)
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        found = index.locate(x, y)
        best = min(best, time.perf_counter() - started)
    rate = args.points / best
    inside = float((found >= 0).mean())

    polygons = [shape(g) for g in cells]
    bounds = [p.bounds for p in polygons]
    sx, sy = x[: args.sample], y[: args.sample]
    started = time.perf_counter()
    naive = naive_locate(polygons, bounds, sx, sy, index.ids)
    naive_rate = args.sample / (time.perf_counter() - started)
    same = bool((naive == found[: args.sample]).all())

    verdict = "PASS" if rate >= GOAL else "BELOW GOAL"
    print(
        f"locate vectorised: {rate:>13,.0f} points/s   goal ≥ {GOAL:,} points/s   [{verdict}]"
        f"   ({args.points:,} points, {inside:.0%} inside a grid)"
    )
    print(
        f"locate naive loop: {naive_rate:>13,.0f} points/s   (baseline, same run)   speed-up ×{rate / naive_rate:,.0f}"
    )
    print(f"answers agree on the {args.sample:,}-point sample: {same}")
    if not same:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
