"""The one limit a single reading is compared with, taken from the standards' own tables (environment/standards).

The calculators there assess a set of readings (AQI over six pollutants, a water class over many items); a
warning rule looks at one reading of one datastream at a time, so it needs only the limit that reading must stay
within. Each function answers a Limit when the reading is above it, else None (also when the standard sets no
limit for that property, station or time). The tables are exact strings there; they are compared as floats here,
which is exact for every value they hold.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from grassroots.environment.standards import aqi as hj633
from grassroots.environment.standards import noise as gb3096
from grassroots.environment.standards import soil as gb15618
from grassroots.environment.standards import water as gb3838

STANDARDS = hj633.STANDARDS
IAQI_100 = hj633.IAQI_STEPS.index(100)  # the level-2 breakpoint (GB 3095-2012 level-2 limit)
CLASSES = gb3838.CLASSES
# The 表1 items our observed properties measure in mg/L (0002_observed_properties). The metal codes (cd, hg …)
# are soil contents in mg/kg there, so they are never judged against the water table.
WATER_ITEMS = frozenset({"ph", "do", "codmn", "cod", "bod5", "nh3n", "tp"})


@dataclass(frozen=True)
class Limit:
    value: float  # the limit the reading was compared with
    basis: str  # the standard and clause, shown in the alert's evidence
    detail: str = ""  # e.g. the class found, the period, the pH band


def air_standard() -> str:
    edition = getattr(settings, "ENVIRONMENT_AQI_STANDARD", "HJ633-2012")
    return edition if edition in STANDARDS else "HJ633-2012"


def air_table(code: str, aggregation: str, edition: str) -> tuple[str, tuple[int, ...]] | None:
    """HJ 633 表1 column for a stream: real-time (hourly) values use the 1 h columns for SO2, NO2, CO and O3 and
    the 24 h columns for PM10 and PM2.5; daily means the 24 h columns and, for O3, the maximum 8 h mean."""
    daily = aggregation in ("daily_mean", "moving_8h")
    if code in ("pm25", "pm10"):
        return f"{code}_24h", hj633.PM_TABLES[edition][f"{code}_24h"]
    if code == "o3":
        name = "o3_8h" if daily else "o3_1h"
    elif code in ("so2", "no2", "co"):
        name = f"{code}_24h" if daily else f"{code}_1h"
    else:
        return None
    return name, hj633.TABLES[name]


def air(code: str, aggregation: str, value: float, standard: str | None = None) -> Limit | None:
    """Exceeding (超标污染物, HJ 633 §3.4): IAQI above 100, i.e. the concentration above the IAQI-100 breakpoint."""
    edition = standard if standard in STANDARDS else air_standard()
    found = air_table(code, aggregation, edition)
    if found is None:
        return None
    name, table = found
    limit = float(table[IAQI_100])
    if value <= limit:
        return None
    return Limit(limit, f"{edition} 表1 IAQI=100（{name}）")


def water_class(code: str, value: float) -> int | None:
    """1 … 5 for I … V, 6 for 劣V (GB 3838-2002 表1, single factor); None for an item not classed here."""
    if code not in WATER_ITEMS:  # TN, left out too, is a lake and reservoir item only (表1 第9项)
        return None
    if code == "ph":
        low, high = gb3838.PH_RANGE
        return 1 if low <= Fraction(value) <= high else 6
    limits = gb3838.LIMITS[code]
    if code in gb3838.AT_LEAST:
        return next((i + 1 for i, limit in enumerate(limits) if value >= float(limit)), 6)
    return next((i + 1 for i, limit in enumerate(limits) if value <= float(limit)), 6)


def water(code: str, value: float, target: str) -> Limit | None:
    """Worse than the station's target class: the limit of the target class (river values for TP)."""
    if target not in CLASSES[:5]:
        return None
    found, wanted = water_class(code, value), CLASSES.index(target) + 1
    if found is None or found <= wanted:
        return None
    if code == "ph":
        low, high = gb3838.PH_RANGE
        limit = float(low if value < low else high)
    else:
        limit = float(gb3838.LIMITS[code][wanted - 1])
    detail = _("%(found)s类，目标 %(target)s 类") % {"found": CLASSES[found - 1], "target": target}
    return Limit(limit, "GB 3838-2002 表1", detail)


def noise_limit(code: str, value: float, zone: str, at: dt.datetime) -> Limit | None:
    """Leq above the zone's day or night limit (GB 3096-2008 §5.1 表1; the periods of §3, local time); Lmax
    at night above the limit + 15 dB(A) (§5.4)."""
    if zone not in gb3096.LIMITS or code not in ("leq", "lmax"):
        return None
    period = gb3096.period_of(timezone.localtime(at).hour)
    limit = gb3096.LIMITS[zone][0 if period == "day" else 1]
    if code == "lmax":
        if period == "day":
            return None
        limit += gb3096.SUDDEN_MARGIN
    if value <= limit:
        return None
    basis = "GB 3096-2008 表1" + ("、§5.4" if code == "lmax" else "")
    detail = (_("%(zone)s 类区昼间") if period == "day" else _("%(zone)s 类区夜间")) % {"zone": zone}
    return Limit(float(limit), basis, detail)


def soil_row(code: str, land_use: str, level: str) -> tuple[float, ...] | None:
    """GB 15618-2018 表1 (screening, by land use; rotation takes the stricter, 注②) or 表3 (intervention)."""
    if level == "intervention":
        row = gb15618.INTERVENTION.get(code)
        return None if row is None else tuple(float(v) for v in row)
    if code not in gb15618.SCREENING:
        return None
    use = land_use if land_use in gb15618.LAND_USES else "other"
    return tuple(float(gb15618.screening_value(code, use, band)) for band in range(len(gb15618.PH_BANDS)))


def soil_limit(code: str, value: float, land_use: str, ph: float | None, level: str = "screening") -> Limit | None:
    """Above the screening (or intervention) value for the site's pH band. Without a pH reading the strictest
    band's value is used, and the evidence says so."""
    row = soil_row(code, land_use, level)
    if row is None:
        return None
    limit = row[gb15618.ph_band(Fraction(ph))] if ph is not None else min(row)
    if value <= limit:
        return None
    basis = "GB 15618-2018 " + ("表3 管制值" if level == "intervention" else "表1 筛选值")
    return Limit(limit, basis, f"pH {ph:g}" if ph is not None else _("pH 未知，按最严值"))
