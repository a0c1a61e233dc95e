"""Bodies and answers of the standards calculators (POST /api/v1/environment/aqi, /water-class, /noise, /soil).

Numbers are strict (a JSON string "75" is refused) and finite; unknown keys are refused, so a misspelt
pollutant is a 422 instead of a silently missing one. The rules themselves live in environment/standards.
"""

from __future__ import annotations

from typing import Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from grassroots.environment.standards import aqi, noise, soil, water

Standard = Literal[aqi.STANDARDS]
Kind = Literal[aqi.KINDS]
WaterBody = Literal[water.WATER_BODIES]
WaterClass = Literal[water.CLASSES]
ZoneClass = Literal[noise.ZONE_CLASSES]
Period = Literal[noise.PERIODS]
LandUse = Literal[soil.LAND_USES]
SoilRisk = Literal[soil.RISKS]


def _amount(description: str, **bounds) -> object:
    return Field(None, ge=0, allow_inf_nan=False, strict=True, description=description, **bounds)


class _Strict(Schema):
    model_config = ConfigDict(extra="forbid")


# AQI (HJ 633)
class AqiConcentrationsIn(_Strict):
    pm25: float | None = _amount("PM2.5 µg/m³：日报为24小时平均，实时报为24小时滑动平均")
    pm10: float | None = _amount("PM10 µg/m³：日报为24小时平均，实时报为24小时滑动平均")
    so2: float | None = _amount("SO2 µg/m³：日报为24小时平均，实时报为1小时平均")
    no2: float | None = _amount("NO2 µg/m³：日报为24小时平均，实时报为1小时平均")
    co: float | None = _amount("CO mg/m³：日报为24小时平均，实时报为1小时平均")
    o3: float | None = _amount("O3 µg/m³ 1小时平均（日报为日最大1小时平均）")
    o3_8h: float | None = _amount("O3 µg/m³ 8小时滑动平均（日报为日最大8小时滑动平均）")
    so2_24h: float | None = _amount("SO2 µg/m³ 24小时平均；仅 HJ633-2012 实时报 SO2 1小时浓度高于800时使用（表1 注2）")


class AqiCalcIn(_Strict):
    standard: Standard = Field(..., description="HJ 633 版本")
    kind: Kind = Field(..., description="daily 日报 · hourly 实时报")
    concentrations: AqiConcentrationsIn


class AqiColourOut(Schema):
    name: str
    hex: str
    rgb: list[int]


class AqiCalcOut(Schema):
    standard: Standard
    kind: Kind
    aqi: int
    iaqi: dict[str, int] = Field(..., description="污染物 → 空气质量分指数（向上取整）")
    primary: list[str] = Field(..., description="首要污染物（AQI 大于50时）")
    exceeding: list[str] = Field(..., description="超标污染物（IAQI 大于100）")
    level: int = Field(..., ge=1, le=6, description="指数级别 1–6")
    level_name: str = Field(..., description="一级 … 六级")
    category: str = Field(..., description="优 … 严重污染")
    colour: AqiColourOut
    missing: list[str] = Field(..., description="未提供的污染物；AQI 仅按已提供的计算")
    beyond_table: list[str] = Field(..., description="浓度高于表1 最高限值的污染物，分指数按500报告")
    substituted: dict[str, str] = Field(..., description="按表1 注2、注3 改用的浓度：项目 → 所用输入")


# Water class (GB 3838-2002)
class WaterClassParametersIn(_Strict):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    ph: float | None = _amount("pH（无量纲）", le=14)
    do: float | None = _amount("溶解氧 mg/L")
    codmn: float | None = _amount("高锰酸盐指数 mg/L")
    cod: float | None = _amount("化学需氧量 mg/L")
    bod5: float | None = _amount("五日生化需氧量 mg/L")
    nh3n: float | None = _amount("氨氮 mg/L")
    tp: float | None = _amount("总磷 mg/L")
    tn: float | None = _amount("总氮 mg/L（仅湖、库）")
    cu: float | None = _amount("铜 mg/L")
    zn: float | None = _amount("锌 mg/L")
    f: float | None = _amount("氟化物 mg/L")
    se: float | None = _amount("硒 mg/L")
    arsenic: float | None = Field(None, alias="as", ge=0, allow_inf_nan=False, strict=True, description="砷 mg/L")
    hg: float | None = _amount("汞 mg/L")
    cd: float | None = _amount("镉 mg/L")
    cr6: float | None = _amount("铬（六价） mg/L")
    pb: float | None = _amount("铅 mg/L")
    cn: float | None = _amount("氰化物 mg/L")
    phenol: float | None = _amount("挥发酚 mg/L")
    petroleum: float | None = _amount("石油类 mg/L")
    las: float | None = _amount("阴离子表面活性剂 mg/L")
    sulfide: float | None = _amount("硫化物 mg/L")
    fecal_coliform: float | None = _amount("粪大肠菌群 个/L")


class WaterClassCalcIn(_Strict):
    water_body: WaterBody = Field(..., description="river 河流 · lake 湖泊、水库")
    parameters: WaterClassParametersIn


class WaterClassParameterOut(Schema):
    value: float
    water_class: WaterClass
    limit: str = Field(..., description="达到的类别的标准值（劣V 时为 V 类标准值）")


class WaterClassCalcOut(Schema):
    water_body: WaterBody
    water_class: WaterClass
    class_name: str
    rank: int = Field(..., ge=1, le=6)
    deciding: list[str] = Field(..., description="决定水质类别的指标")
    parameters: dict[str, WaterClassParameterOut]
    not_assessed: list[str]


# Noise (GB 3096-2008)
class NoiseCalcIn(_Strict):
    zone_class: ZoneClass = Field(..., description="声环境功能区类别")
    period: Period = Field(..., description="day 昼间 06–22 · night 夜间 22–06")
    leq: float = Field(..., ge=0, le=200, allow_inf_nan=False, strict=True, description="等效声级 Leq dB(A)")
    lmax: float | None = Field(
        None, ge=0, le=200, allow_inf_nan=False, strict=True, description="夜间突发噪声最大声级 dB(A)"
    )


class NoiseCalcOut(Schema):
    zone_class: ZoneClass
    period: Period
    leq: float
    limit: int
    exceedance: float = Field(..., description="超过限值的分贝数，未超标为0")
    compliant: bool
    lmax: float | None
    lmax_limit: int | None
    lmax_exceedance: float | None


# Soil (GB 15618-2018)
class SoilMetalsIn(_Strict):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    cd: float | None = _amount("镉 mg/kg")
    hg: float | None = _amount("汞 mg/kg")
    arsenic: float | None = Field(None, alias="as", ge=0, allow_inf_nan=False, strict=True, description="砷 mg/kg")
    pb: float | None = _amount("铅 mg/kg")
    cr: float | None = _amount("铬 mg/kg")
    cu: float | None = _amount("铜 mg/kg")
    ni: float | None = _amount("镍 mg/kg")
    zn: float | None = _amount("锌 mg/kg")


class SoilCalcIn(_Strict):
    ph: float = Field(..., ge=0, le=14, allow_inf_nan=False, strict=True, description="土壤 pH")
    land_use: LandUse = Field(..., description="paddy 水田 · orchard 果园 · other 其他 · rotation 水旱轮作")
    metals: SoilMetalsIn


class SoilMetalOut(Schema):
    value: float
    screening: float
    intervention: float | None
    risk: SoilRisk


class SoilCalcOut(Schema):
    ph: float
    ph_band: str
    land_use: LandUse
    risk: SoilRisk
    risk_name: str
    deciding: list[str]
    metals: dict[str, SoilMetalOut]
