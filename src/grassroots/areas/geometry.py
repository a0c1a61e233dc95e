"""Validation and repair of GeoJSON region geometry (RFC 7946 Polygon / MultiPolygon in WGS84 lng/lat)."""

from __future__ import annotations

import math

import shapely
from django.utils.translation import gettext as _
from shapely.geometry import mapping, shape

POLYGONAL = ("Polygon", "MultiPolygon")


class GeometryProblem(ValueError):
    pass


def _check_positions(coords) -> None:
    if isinstance(coords, (list, tuple)) and coords and isinstance(coords[0], (int, float)):
        if len(coords) < 2:
            raise GeometryProblem(_("坐标点至少需要经度和纬度"))
        lng, lat = coords[0], coords[1]
        if not (math.isfinite(lng) and math.isfinite(lat)) or not (-180 <= lng <= 180 and -90 <= lat <= 90):
            raise GeometryProblem(_("坐标超出范围：[%(lng)s, %(lat)s]") % {"lng": lng, "lat": lat})
        return
    if not isinstance(coords, (list, tuple)):
        raise GeometryProblem(_("坐标格式错误"))
    for item in coords:
        _check_positions(item)


def clean_geometry(geometry: dict) -> tuple[dict, bool]:
    """Return (valid polygonal GeoJSON, repaired?) or raise GeometryProblem with the reason."""
    if not isinstance(geometry, dict) or geometry.get("type") not in POLYGONAL:
        raise GeometryProblem(_("几何类型必须是 Polygon 或 MultiPolygon"))
    _check_positions(geometry.get("coordinates"))
    try:
        geom = shape(geometry)
    except (ValueError, TypeError, AttributeError, IndexError) as exc:
        raise GeometryProblem(_("几何无法解析：%(reason)s") % {"reason": exc}) from None
    repaired = False
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
        # make_valid can return a GeometryCollection with stray lines; keep only the areas.
        if geom.geom_type == "GeometryCollection":
            geom = shapely.union_all([g for g in geom.geoms if g.geom_type in POLYGONAL])
        repaired = True
    if geom.is_empty or geom.geom_type not in POLYGONAL or geom.area == 0:
        raise GeometryProblem(_("几何为空或面积为零"))
    return mapping(geom), repaired


def summary(geometry: dict) -> dict[str, float]:
    """Bounding box and a representative point (always inside, unlike a centroid of a crescent)."""
    geom = shape(geometry)
    min_lng, min_lat, max_lng, max_lat = geom.bounds
    point = geom.representative_point()
    return {
        "min_lng": min_lng,
        "min_lat": min_lat,
        "max_lng": max_lng,
        "max_lat": max_lat,
        "center_lng": point.x,
        "center_lat": point.y,
    }


def to_jsonable(geometry: dict) -> dict:
    """shapely's mapping() yields tuples; JSONField round-trips lists, so compare and store lists."""

    def conv(value):
        return [conv(v) for v in value] if isinstance(value, (list, tuple)) else value

    return {"type": geometry["type"], "coordinates": conv(geometry["coordinates"])}
