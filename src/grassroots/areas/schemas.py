from ninja import Field, Schema


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
    lng: float = Field(..., description="经度")
    lat: float = Field(..., description="纬度")


class LocateIn(Schema):
    points: list[PointIn] = Field(..., max_length=10000)
    crs: str = Field("wgs84", description="wgs84 或 gcj02")


class LocatedOut(Schema):
    lng: float
    lat: float
    inside: bool
    grid: RegionOut | None = None
    community: RegionOut | None = None
    street: RegionOut | None = None
