"""Schemas of the station registry API (/api/v1/environment/stations): EnvStation… so they never clash."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema

from grassroots.environment.models import Aggregation, StationKind

KindCode = Literal[tuple(StationKind.values)]
NoiseZone = Literal["", "0", "1", "2", "3", "4a", "4b"]  # GB 3096-2008 §4
WaterTarget = Literal["", "I", "II", "III", "IV", "V"]  # GB 3838-2002 §4
SoilLandUse = Literal["", "paddy", "orchard", "other", "rotation"]  # GB 15618-2018 表1


class EnvStationNowOut(Schema):
    value: str = Field(description="当前值：AQI 85、Ⅲ类、58.2 dB(A)…；无数据为 —")
    label: str = Field(description="评价：类别、是否达标")
    colour: str = Field(description="HJ 633 附录A 或水质类别的颜色")
    exceeds: bool
    at: dt.datetime | None = Field(description="所依据的最新数据时间")
    stale: bool


class EnvStationOut(Schema):
    id: str
    code: str
    name: str
    kind: str
    region_id: int
    region_name: str
    lng: float
    lat: float
    operator_name: str
    operator_uscc: str
    noise_zone: str
    water_target: str
    soil_land_use: str
    active: bool
    is_demo: bool
    version: int
    now: EnvStationNowOut


class EnvStationStreamOut(Schema):
    property: str
    name: str
    unit: str
    aggregation: str
    interval_minutes: int
    last_time: dt.datetime | None
    last_value: float | None
    late: bool = Field(description="超过两个上报间隔没有新数据")


class EnvStationDetailOut(EnvStationOut):
    datastreams: list[EnvStationStreamOut]
    iaqi: dict[str, int] = Field(default_factory=dict, description="空气站：各污染物分指数（HJ 633 实时报）")
    primary: list[str] = Field(default_factory=list)
    open_alerts: int
    open_tasks: int


class EnvStationIn(Schema):
    code: str = Field(..., pattern=r"^[a-z0-9][a-z0-9-]{1,39}$", description="MQTT 主题中的 <station>")
    name: str = Field(..., min_length=1, max_length=120)
    kind: KindCode
    lng: float = Field(..., ge=-180, le=180, allow_inf_nan=False)
    lat: float = Field(..., ge=-90, le=90, allow_inf_nan=False)
    operator_uscc: str = Field("", max_length=18, description="运营企业的统一社会信用代码（告警时通知该企业）")
    operator_name: str = Field("", max_length=120)
    noise_zone: NoiseZone = Field("", description="仅声环境点位，且必填")
    water_target: WaterTarget = Field("", description="仅水断面和饮用水源，且必填")
    soil_land_use: SoilLandUse = Field("", description="仅土壤点位，且必填")
    active: bool = True


class EnvStationUpdateIn(Schema):
    version: int = Field(..., ge=1, description="编辑者看到的版本；已被他人修改时 409 stale_version")
    name: str = Field(..., min_length=1, max_length=120)
    kind: KindCode
    lng: float = Field(..., ge=-180, le=180, allow_inf_nan=False)
    lat: float = Field(..., ge=-90, le=90, allow_inf_nan=False)
    operator_uscc: str = Field("", max_length=18)
    operator_name: str = Field("", max_length=120)
    noise_zone: NoiseZone = ""
    water_target: WaterTarget = ""
    soil_land_use: SoilLandUse = ""
    active: bool = True


class EnvStationPointOut(Schema):
    start: dt.datetime
    mean: float
    min: float
    max: float
    count: int


class EnvStationSeriesOut(Schema):
    station: str
    property: str
    unit: str
    period: str
    start: dt.datetime
    end: dt.datetime
    points: list[EnvStationPointOut]


class EnvStationStreamIn(Schema):
    """A datastream to add: the unit is always the property's canonical one."""

    property: str = Field(..., min_length=1, max_length=20, pattern=r"^[a-z0-9_]+$")
    aggregation: Literal[tuple(Aggregation.values)] = Aggregation.HOURLY_MEAN
    interval_minutes: int = Field(60, ge=1, le=60 * 24 * 366)


class EnvStationStreamAddedOut(Schema):
    id: int
    property: str
    unit: str
    aggregation: str
    interval_minutes: int
