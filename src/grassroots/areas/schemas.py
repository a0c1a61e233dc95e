from typing import Literal

from ninja import Field, Schema

# What areas.services.locate_points enforces, said in the schema: finite WGS84/GCJ-02 degrees, a known datum.
# Strict: a number must be sent as a JSON number, not a string that happens to parse.
Lng = Field(..., ge=-180, le=180, allow_inf_nan=False, strict=True, description="经度")
Lat = Field(..., ge=-90, le=90, allow_inf_nan=False, strict=True, description="纬度")
Crs = Literal["wgs84", "gcj02"]


class RegionOut(Schema):
    id: int
    parent_id: int | None
    level: int
    code: str
    name: str
    path: str
    population: int
    households: int
    center_lng: float | None
    center_lat: float | None
    is_demo: bool
    grid_worker: str | None = None


class PointIn(Schema):
    lng: float = Lng
    lat: float = Lat


class PointQuery(Schema):
    """GET /regions/locate: one point in the query string (parsed from text, so not strict)."""

    lng: float = Field(..., ge=-180, le=180, allow_inf_nan=False, description="经度")
    lat: float = Field(..., ge=-90, le=90, allow_inf_nan=False, description="纬度")
    crs: Crs = "wgs84"


class LocateIn(Schema):
    points: list[PointIn] = Field(..., max_length=10000)
    crs: Crs = Field("wgs84", description="wgs84 或 gcj02")


class LocatedOut(Schema):
    lng: float
    lat: float
    inside: bool
    grid: RegionOut | None = None
    community: RegionOut | None = None
    street: RegionOut | None = None


# POST /regions/import reads its body itself (all-or-nothing, errors per feature), so the schema is declared here.
FEATURE_COLLECTION_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["type", "features"],
                    "properties": {"type": {"const": "FeatureCollection"}, "features": {"type": "array"}},
                }
            }
        },
    }
}
