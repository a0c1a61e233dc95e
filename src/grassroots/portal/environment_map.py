"""The district map of the residents' environment page, drawn on the server as inline SVG from our own GeoJSON.

No tiles, no map library and no script: the page stays light (residents' pages load under 300 KB) and works
offline and with scripts off. The projection is equirectangular with the longitude scaled by cos(latitude) at
the map's centre, which at a district's size is indistinguishable from a proper conformal one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

WIDTH = 800.0  # the viewBox width; the SVG scales to the screen
PAD = 12.0


@dataclass(frozen=True)
class Area:
    name: str
    path: str  # SVG path data
    label_x: float
    label_y: float


@dataclass(frozen=True)
class Marker:
    x: float
    y: float


@dataclass(frozen=True)
class Drawing:
    width: float
    height: float
    areas: list[Area]
    markers: list[Marker]  # in the order of the points given

    @property
    def unit(self) -> float:
        """Text size and marker radius in map units, so they read the same whatever the district's shape."""
        return round(max(self.width, self.height) / 45, 1)


def _rings(geometry: dict) -> list[list[list[float]]]:
    if not geometry:
        return []
    if geometry.get("type") == "Polygon":
        return list(geometry["coordinates"])
    if geometry.get("type") == "MultiPolygon":
        return [ring for polygon in geometry["coordinates"] for ring in polygon]
    return []


def draw(regions: list[tuple[str, dict]], points: list[tuple[float, float]]) -> Drawing | None:
    """Outlines of the named regions and the positions of the points (lng, lat), in one frame; None when no region
    has a geometry to draw."""
    shapes = [(name, _rings(geometry)) for name, geometry in regions]
    coords = [pt for _name, rings in shapes for ring in rings for pt in ring]
    if not coords:
        return None
    lngs = [c[0] for c in coords] + [p[0] for p in points]
    lats = [c[1] for c in coords] + [p[1] for p in points]
    west, east, south, north = min(lngs), max(lngs), min(lats), max(lats)
    squeeze = math.cos(math.radians((south + north) / 2))
    span_x = max((east - west) * squeeze, 1e-9)
    scale = (WIDTH - 2 * PAD) / span_x
    height = (north - south) * scale + 2 * PAD

    def project(lng: float, lat: float) -> tuple[float, float]:
        return round(PAD + (lng - west) * squeeze * scale, 1), round(PAD + (north - lat) * scale, 1)

    areas = []
    for name, rings in shapes:
        if not rings:
            continue
        parts = []
        for ring in rings:
            xy = [project(lng, lat) for lng, lat, *_z in ring]
            parts.append("M" + " L".join(f"{x:g},{y:g}" for x, y in xy) + " Z")
        outer = [project(lng, lat) for lng, lat, *_z in rings[0]]
        cx = sum(x for x, _y in outer) / len(outer)
        cy = sum(y for _x, y in outer) / len(outer)
        areas.append(Area(name, " ".join(parts), round(cx, 1), round(cy, 1)))
    markers = [Marker(*project(lng, lat)) for lng, lat in points]
    return Drawing(WIDTH, round(height, 1), areas, markers)
