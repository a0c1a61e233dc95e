"""The limits the exceedance rules compare a single reading with, per national standard (exact values, cited).

The calculators of environment/standards assess a whole set of readings (AQI over six pollutants, a water
class over many items); a warning rule looks at one reading of one datastream at a time, so it needs only the
one limit that reading must stay within. Each function answers (limit, how it is exceeded) or None when the
standard sets no limit for that property, that station or that time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

# HJ 633-2012 / HJ 633-2026 Table 1: a pollutant "exceeds" (超标污染物) when its IAQI is above 100, i.e. its
# concentration is above the breakpoint at IAQI 100 (the level-2 limit of GB 3095-2012). Real-time (hourly)
# values use the 1 h columns for SO2, NO2, CO and O3 and the 24 h columns for PM10 and PM2.5; daily values the
# 24 h columns and, for O3, the maximum 8 h mean (O3 8 h at IAQI 100: 160 µg/m³). CO in mg/m³, others µg/m³.
AIR_HOURLY = {"so2": 500.0, "no2": 200.0, "co": 10.0, "o3": 200.0}
AIR_DAILY = {"so2": 150.0, "no2": 80.0, "co": 4.0, "o3": 160.0}
AIR_PM = {  # 24 h columns at IAQI 100: the 2026 edition lowers only these two
    "HJ633-2012": {"pm10": 150.0, "pm25": 75.0},
    "HJ633-2026": {"pm10": 120.0, "pm25": 60.0},
}
STANDARDS = tuple(AIR_PM)

# GB 3838-2002 Table 1 (basic items), class I … V, mg/L (pH dimensionless). "max": the value must not exceed
# the limit; DO is a minimum (≥). TP: the river limits (lakes and reservoirs are stricter, not modelled per
# station yet). TN applies to lakes and reservoirs only, so it is left out here. Beyond V is 劣V (class 6).
WATER_MAX = {
    "codmn": (2.0, 4.0, 6.0, 10.0, 15.0),
    "cod": (15.0, 15.0, 20.0, 30.0, 40.0),
    "bod5": (3.0, 3.0, 4.0, 6.0, 10.0),
    "nh3n": (0.15, 0.5, 1.0, 1.5, 2.0),
    "tp": (0.02, 0.1, 0.2, 0.3, 0.4),
}
WATER_MIN = {"do": (7.5, 6.0, 5.0, 3.0, 2.0)}
WATER_PH = (6.0, 9.0)  # every class I–V: 6–9
CLASSES = ("I", "II", "III", "IV", "V", "劣V")

# GB 3096-2008 §5.1 Table 1, Leq dB(A) per functional-zone class (§4): (day 06–22, night 22–06, §3).
NOISE = {"0": (50, 40), "1": (55, 45), "2": (60, 50), "3": (65, 55), "4a": (70, 55), "4b": (70, 60)}
NIGHT_SUDDEN_MARGIN = 15  # §5.4: at night Lmax may exceed the Leq limit by at most 15 dB(A)

# GB 15618-2018, mg/kg, per pH band (≤5.5, 5.5–6.5, 6.5–7.5, >7.5). Table 1 screening values as
# (paddy 水田, other 其他); Cu's rows are orchard/other and paddy counts as other; Ni and Zn have one row.
SOIL_SCREENING = {
    "cd": ((0.3, 0.4, 0.6, 0.8), (0.3, 0.3, 0.3, 0.6)),
    "hg": ((0.5, 0.5, 0.6, 1.0), (1.3, 1.8, 2.4, 3.4)),
    "as": ((30.0, 30.0, 25.0, 20.0), (40.0, 40.0, 30.0, 25.0)),
    "pb": ((80.0, 100.0, 140.0, 240.0), (70.0, 90.0, 120.0, 170.0)),
    "cr": ((250.0, 250.0, 300.0, 350.0), (150.0, 150.0, 200.0, 250.0)),
    "cu": ((50.0, 50.0, 100.0, 100.0), (50.0, 50.0, 100.0, 100.0)),
    "ni": ((60.0, 70.0, 100.0, 190.0),) * 2,
    "zn": ((200.0, 200.0, 250.0, 300.0),) * 2,
}
SOIL_CU_ORCHARD = (150.0, 150.0, 200.0, 200.0)
# Table 3 intervention values (管制值), the same for every land use; Cu, Ni and Zn have none.
SOIL_INTERVENTION = {
    "cd": (1.5, 2.0, 3.0, 4.0),
    "hg": (2.0, 2.5, 4.0, 6.0),
    "as": (200.0, 150.0, 120.0, 100.0),
    "pb": (400.0, 500.0, 700.0, 1000.0),
    "cr": (800.0, 850.0, 1000.0, 1300.0),
}


@dataclass(frozen=True)
class Limit:
    value: float  # the limit the reading was compared with
    basis: str  # the standard and clause, shown in the alert's evidence
    detail: str = ""  # e.g. the class found, the period, the pH band


def air_standard() -> str:
    edition = getattr(settings, "ENVIRONMENT_AQI_STANDARD", "HJ633-2012")
    return edition if edition in STANDARDS else "HJ633-2012"


def air(code: str, aggregation: str, value: float, standard: str | None = None) -> Limit | None:
    edition = standard if standard in STANDARDS else air_standard()
    daily = aggregation in ("daily_mean", "moving_8h")
    limit = AIR_PM[edition].get(code) or (AIR_DAILY if daily else AIR_HOURLY).get(code)
    if limit is None or value <= limit:
        return None
    column = "24h" if code in AIR_PM[edition] or daily else "1h"
    if code == "o3" and daily:
        column = "8h"
    return Limit(limit, f"{edition} 表1 IAQI=100（{column}）")


def water_class(code: str, value: float) -> int | None:
    """1 … 5 for I … V, 6 for 劣V; None for a property GB 3838 Table 1 does not class here."""
    if code == "ph":
        return 1 if WATER_PH[0] <= value <= WATER_PH[1] else 6
    if code in WATER_MAX:
        return next((i + 1 for i, limit in enumerate(WATER_MAX[code]) if value <= limit), 6)
    if code in WATER_MIN:
        return next((i + 1 for i, limit in enumerate(WATER_MIN[code]) if value >= limit), 6)
    return None


def water(code: str, value: float, target: str) -> Limit | None:
    """Worse than the station's target class (GB 3838-2002 §4, Table 1): the limit of the target class."""
    if target not in CLASSES[:5]:
        return None
    found, wanted = water_class(code, value), CLASSES.index(target) + 1
    if found is None or found <= wanted:
        return None
    if code == "ph":
        limit = WATER_PH[0] if value < WATER_PH[0] else WATER_PH[1]
    else:
        limit = (WATER_MAX.get(code) or WATER_MIN[code])[wanted - 1]
    return Limit(limit, "GB 3838-2002 表1", f"{CLASSES[found - 1]}类，目标 {target} 类")


def noise(code: str, value: float, zone: str, at: dt.datetime) -> Limit | None:
    """Leq above the zone's day or night limit; Lmax at night above the limit + 15 dB(A) (GB 3096-2008 §5.4)."""
    if zone not in NOISE or code not in ("leq", "lmax"):
        return None
    hour = timezone.localtime(at).hour
    night = not 6 <= hour < 22
    limit = NOISE[zone][1 if night else 0]
    period = "夜间" if night else "昼间"
    if code == "lmax":
        if not night:
            return None
        limit += NIGHT_SUDDEN_MARGIN
    if value <= limit:
        return None
    return Limit(float(limit), "GB 3096-2008 表1" + ("、§5.4" if code == "lmax" else ""), f"{zone} 类区{period}")


def ph_band(ph: float) -> int:
    return 0 if ph <= 5.5 else 1 if ph <= 6.5 else 2 if ph <= 7.5 else 3


def _screening_row(code: str, land_use: str) -> tuple[float, ...] | None:
    pair = SOIL_SCREENING.get(code)
    if pair is None:
        return None
    if code == "cu" and land_use == "orchard":
        return SOIL_CU_ORCHARD
    if land_use == "rotation":  # 水旱轮作: the stricter of paddy and other (表1 注②)
        return tuple(min(a, b) for a, b in zip(*pair, strict=True))
    return pair[0] if land_use == "paddy" else pair[1]


def soil(code: str, value: float, land_use: str, ph: float | None, level: str = "screening") -> Limit | None:
    """Above the screening (or intervention) value of GB 15618-2018 for the site's pH band and land use.
    Without a pH reading the strictest band's value is used, and the evidence says so."""
    if level == "intervention":
        row = SOIL_INTERVENTION.get(code)
        basis = "GB 15618-2018 表3 管制值"
    else:
        row = _screening_row(code, land_use)
        basis = "GB 15618-2018 表1 筛选值"
    if row is None:
        return None
    limit = row[ph_band(ph)] if ph is not None else min(row)
    if value <= limit:
        return None
    band = f"pH {ph:g}" if ph is not None else "pH 未知，按最严值"
    return Limit(limit, basis, band)
