"""Station registry API: list (scoped), one station with its standing and health, a datastream's series, and
creating and editing stations (MANAGE_ENVIRONMENT)."""

import datetime as dt
from typing import Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from grassroots.accounts.roles import Perm
from grassroots.accounts.scope import require_perm
from grassroots.core.pagination import BoundedLimitOffset, LazyRows
from grassroots.core.schemas import errors
from grassroots.environment import current, station_queries, stations
from grassroots.environment.models import Station
from grassroots.environment.station_schemas import (
    EnvStationDetailOut,
    EnvStationIn,
    EnvStationOut,
    EnvStationSeriesOut,
    EnvStationStreamAddedOut,
    EnvStationStreamIn,
    EnvStationUpdateIn,
    KindCode,
)
from grassroots.environment.stations import StationFields

router = Router(tags=["environment"])


class EnvStationFilter(Schema):
    kind: KindCode | None = None
    region: int | None = Field(None, description="只列出该区域（编号，须在管辖范围内）下的站点")


class EnvStationSeriesQuery(Schema):
    property: str = Field(..., min_length=1, max_length=20, description="监测指标代码，如 pm25")
    period: Literal["hour", "day"] = "hour"
    start: dt.datetime | None = Field(None, description="带时区；缺省为结束前 7 日（小时）或 90 日（日）")
    end: dt.datetime | None = Field(None, description="带时区；缺省为现在")


def station_out(station: Station, now: current.Now) -> dict:
    names = ("code", "name", "kind", "region_id", "lng", "lat", "operator_name", "noise_zone", "water_target",
             "soil_land_use", "active", "is_demo", "version")  # fmt: skip
    standing = {"value": now.value, "label": now.label, "colour": now.colour, "exceeds": now.exceeds,
                "at": now.at, "stale": now.stale}  # fmt: skip
    operator = station.operator.uscc if station.operator_id else ""
    return {"id": str(station.pk), **{n: getattr(station, n) for n in names}, "region_name": station.region.name,
            "operator_uscc": operator, "now": standing}  # fmt: skip


def _page(rows: list[Station]) -> list[dict]:
    standing = current.assess(rows)
    return [station_out(s, standing[s.pk]) for s in rows]


@router.get("/stations", response=list[EnvStationOut])
@paginate(BoundedLimitOffset)
def list_stations(request: HttpRequest, filters: Query[EnvStationFilter]):
    require_perm(request.auth, Perm.VIEW_ENVIRONMENT)
    region = station_queries.home_region(request.auth, filters.region)
    return LazyRows(station_queries.filtered(request.auth, region, kind=filters.kind or ""), _page)


@router.post("/stations", response={201: EnvStationOut})
def create_station(request: HttpRequest, payload: EnvStationIn):
    fields = StationFields(**payload.dict(exclude={"code"}))
    station = stations.create_station(request.auth, code=payload.code, fields=fields)
    return Status(201, station_out(station, current.assess([station])[station.pk]))


@router.get("/stations/{station_id}", response=EnvStationDetailOut)
def get_station(request: HttpRequest, station_id: int):
    station = stations.get_station_for(request.auth, station_id)
    now = current.assess([station])[station.pk]
    return station_queries.detail(station, station_out(station, now), now)


@router.put("/stations/{station_id}", response=EnvStationOut)
def update_station(request: HttpRequest, station_id: int, payload: EnvStationUpdateIn):
    station = stations.get_station_for(request.auth, station_id, Perm.MANAGE_ENVIRONMENT)
    fields = StationFields(**payload.dict(exclude={"version"}))
    station = stations.update_station(request.auth, station, version=payload.version, fields=fields)
    return station_out(station, current.assess([station])[station.pk])


@router.get("/stations/{station_id}/series", response={200: EnvStationSeriesOut, **errors(400)})
def station_series(request: HttpRequest, station_id: int, query: Query[EnvStationSeriesQuery]):
    station = stations.get_station_for(request.auth, station_id)
    stream = station_queries.stream_of(station, query.property)
    found = station_queries.series(stream, query.period, query.start, query.end)
    points = [{"start": p.time, "mean": p.mean, "min": p.minimum, "max": p.maximum, "count": p.count}
              for p in found.points]  # fmt: skip
    return {"station": station.code, "property": query.property, "unit": stream.unit, "period": query.period,
            "start": found.start, "end": found.end, "points": points}  # fmt: skip


@router.post("/stations/{station_id}/datastreams", response={201: EnvStationStreamAddedOut})
def add_datastream(request: HttpRequest, station_id: int, payload: EnvStationStreamIn):
    station = stations.get_station_for(request.auth, station_id, Perm.MANAGE_ENVIRONMENT)
    stream = stations.add_datastream(
        request.auth, station, property_code=payload.property, aggregation=payload.aggregation,
        interval_minutes=payload.interval_minutes,
    )  # fmt: skip
    return Status(201, {"id": stream.pk, "property": stream.property.code, "unit": stream.unit,
                        "aggregation": stream.aggregation, "interval_minutes": stream.interval_minutes})  # fmt: skip
