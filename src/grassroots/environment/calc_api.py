"""The standards calculators as JSON operations (mounted under /api/v1/environment/ by environment/api.py).

Open to any signed-in user (the API's default token or session auth): they read no record and change nothing.
Input the schema cannot refuse but the standard cannot judge (SO2 1 h above 800 without its 24 h mean, a river
with only total nitrogen, Lmax by day …) is 400 `invalid_input` with the standard's message and the field in
`details`; the schema's own refusals (a string, a negative, an unknown key) are 422.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict

from django.http import HttpRequest
from ninja import Router

from grassroots.core.errors import DomainError, ErrorCode
from grassroots.environment.calc_schemas import (
    AqiCalcIn,
    AqiCalcOut,
    NoiseCalcIn,
    NoiseCalcOut,
    SoilCalcIn,
    SoilCalcOut,
    WaterClassCalcIn,
    WaterClassCalcOut,
)
from grassroots.environment.standards import StandardInputError, aqi, noise, soil, water

router = Router(tags=["environment"])


@contextmanager
def _judged() -> Iterator[None]:
    """A StandardInputError is the caller's mistake: 400 with the standard's message, nothing else happens."""
    try:
        yield
    except StandardInputError as exc:
        raise DomainError(ErrorCode.INVALID_INPUT, exc.message, details={"field": exc.field}) from exc


def _run(calculate: Callable, *args, out: Callable[[object], dict]) -> dict:
    with _judged():
        return out(calculate(*args))


def _aqi_out(r: aqi.AqiResult) -> dict:
    colour = {"name": str(r.colour.name), "hex": r.colour.hex, "rgb": list(r.colour.rgb)}
    return {
        "standard": r.standard, "kind": r.kind, "aqi": r.aqi, "iaqi": dict(r.iaqi), "primary": list(r.primary),
        "exceeding": list(r.exceeding), "level": r.level, "level_name": str(r.level_name),
        "category": str(r.category), "colour": colour, "missing": list(r.missing),
        "beyond_table": list(r.beyond_table), "substituted": dict(r.substituted),
    }  # fmt: skip


def _water_out(r: water.WaterResult) -> dict:
    return {
        "water_body": r.water_body, "water_class": r.water_class, "class_name": str(r.class_name), "rank": r.rank,
        "deciding": list(r.deciding), "parameters": {k: asdict(v) for k, v in r.parameters.items()},
        "not_assessed": list(r.not_assessed),
    }  # fmt: skip


def _soil_out(r: soil.SoilResult) -> dict:
    metals = {
        m: {"value": v.value, "screening": float(v.screening), "risk": v.risk,
            "intervention": float(v.intervention) if v.intervention is not None else None}
        for m, v in r.metals.items()
    }  # fmt: skip
    return {
        "ph": r.ph, "ph_band": r.ph_band, "land_use": r.land_use, "risk": r.risk, "risk_name": str(r.risk_name),
        "deciding": list(r.deciding), "metals": metals,
    }  # fmt: skip


@router.post("/aqi", response=AqiCalcOut, summary="空气质量指数（HJ 633-2012 / HJ 633-2026）")
def calculate_aqi(request: HttpRequest, payload: AqiCalcIn):
    """IAQI per pollutant, AQI, primary and exceeding pollutants, level, category and colour of one report."""
    concentrations = payload.concentrations.model_dump(exclude_none=True)
    return _run(aqi.calculate, payload.standard, payload.kind, concentrations, out=_aqi_out)


@router.post("/water-class", response=WaterClassCalcOut, summary="地表水水质类别（GB 3838-2002）")
def classify_water(request: HttpRequest, payload: WaterClassCalcIn):
    """Single-factor class Ⅰ–Ⅴ or 劣Ⅴ of one sample and the parameters that decide it."""
    parameters = payload.parameters.model_dump(exclude_none=True, by_alias=True)
    return _run(water.classify, payload.water_body, parameters, out=_water_out)


@router.post("/noise", response=NoiseCalcOut, summary="声环境噪声限值与超标量（GB 3096-2008）")
def assess_noise(request: HttpRequest, payload: NoiseCalcIn):
    """Leq (and at night the Lmax of a sudden noise) against the limit of the functional-zone class."""
    return _run(noise.assess, payload.zone_class, payload.period, payload.leq, payload.lmax, out=asdict)


@router.post("/soil", response=SoilCalcOut, summary="农用地土壤污染风险（GB 15618-2018）")
def assess_soil(request: HttpRequest, payload: SoilCalcIn):
    """Each metal against the screening and intervention values of its pH band and land use; the worst decides."""
    metals = payload.metals.model_dump(exclude_none=True, by_alias=True)
    return _run(soil.assess, payload.ph, payload.land_use, metals, out=_soil_out)
