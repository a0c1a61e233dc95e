"""Air quality index (AQI) per HJ 633-2012 and HJ 633-2026 (环境空气质量指数技术规定).

Table numbers and notes below are those of HJ 633-2012. HJ 633-2026 (in force 2026-03-01) keeps the method and
the tables except the PM2.5 and PM10 24-hour breakpoints at IAQI 100 (75 → 60 and 150 → 120 µg/m³), and it words
the SO2 1 h note differently (see SO2_1H_ABOVE_800_2026).

Inputs (µg/m³, CO in mg/m³), by report kind (HJ 633 §5, 日报 / 实时报):

| key     | daily (日报)                         | hourly (实时报)                                  |
|---------|--------------------------------------|--------------------------------------------------|
| pm25    | 24 h mean, PM2.5 24 h table          | 24 h moving mean, PM2.5 24 h table               |
| pm10    | 24 h mean, PM10 24 h table           | 24 h moving mean, PM10 24 h table                |
| so2     | 24 h mean, SO2 24 h table            | 1 h mean, SO2 1 h table (note 2 above 800)       |
| no2     | 24 h mean, NO2 24 h table            | 1 h mean, NO2 1 h table                          |
| co      | 24 h mean, CO 24 h table             | 1 h mean, CO 1 h table                           |
| o3      | daily maximum 1 h mean, O3 1 h table | 1 h mean, O3 1 h table                           |
| o3_8h   | daily maximum 8 h mean, O3 8 h table | 8 h moving mean, O3 8 h table (note 3 above 800) |
| so2_24h | —                                    | 24 h mean, only for note 2 (2012)                |

The 1 h tables of SO2, NO2 and CO serve the real-time report only; the daily report uses the 24 h tables
(表1 注1). AQI is the largest IAQI of the pollutants given (§4, 式2); a pollutant not given is listed in
`missing` and does not count.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from types import MappingProxyType
from typing import Literal

from django.utils.translation import gettext_lazy

from grassroots.core.i18n import gettext as _
from grassroots.environment.standards import StandardInputError, choice, exact

Standard = Literal["HJ633-2012", "HJ633-2026"]
Kind = Literal["daily", "hourly"]
STANDARDS: tuple[str, ...] = ("HJ633-2012", "HJ633-2026")
KINDS: tuple[str, ...] = ("daily", "hourly")
POLLUTANTS: tuple[str, ...] = ("pm25", "pm10", "so2", "no2", "co", "o3", "o3_8h")  # the order of every answer
INPUTS = {"daily": POLLUTANTS, "hourly": (*POLLUTANTS, "so2_24h")}
# The six pollutants of the index (§3.1); ozone is the 8 h daily maximum in the daily report, the 1 h value in
# the real-time one. The other ozone figure is optional; each one given counts as a sub-index of its own (§5).
EXPECTED = {
    "daily": ("pm25", "pm10", "so2", "no2", "co", "o3_8h"),
    "hourly": ("pm25", "pm10", "so2", "no2", "co", "o3"),
}

# 表1: the IAQI steps and, per item, the concentration at each step. A table that stops early (SO2 1 h at
# IAQI 200, O3 8 h at IAQI 300) has a note saying what to do above its last breakpoint.
IAQI_STEPS = (0, 50, 100, 150, 200, 300, 400, 500)
TABLES: dict[str, tuple[int, ...]] = {
    "so2_24h": (0, 50, 150, 475, 800, 1600, 2100, 2620),
    "so2_1h": (0, 150, 500, 650, 800),
    "no2_24h": (0, 40, 80, 180, 280, 565, 750, 940),
    "no2_1h": (0, 100, 200, 700, 1200, 2340, 3090, 3840),
    "co_24h": (0, 2, 4, 14, 24, 36, 48, 60),
    "co_1h": (0, 5, 10, 35, 60, 90, 120, 150),
    "o3_1h": (0, 160, 200, 300, 400, 800, 1000, 1200),
    "o3_8h": (0, 100, 160, 215, 265, 800),
}
PM_TABLES: dict[str, dict[str, tuple[int, ...]]] = {
    "HJ633-2012": {"pm10_24h": (0, 50, 150, 250, 350, 420, 500, 600), "pm25_24h": (0, 35, 75, 115, 150, 250, 350, 500)},
    # HJ 633-2026 changes only the IAQI 100 breakpoint of both particle tables.
    "HJ633-2026": {"pm10_24h": (0, 50, 120, 250, 350, 420, 500, 600), "pm25_24h": (0, 35, 60, 115, 150, 250, 350, 500)},
}
ITEM = {
    "daily": {"pm25": "pm25_24h", "pm10": "pm10_24h", "so2": "so2_24h", "no2": "no2_24h", "co": "co_24h",
              "o3": "o3_1h", "o3_8h": "o3_8h"},
    "hourly": {"pm25": "pm25_24h", "pm10": "pm10_24h", "so2": "so2_1h", "no2": "no2_1h", "co": "co_1h",
               "o3": "o3_1h", "o3_8h": "o3_8h", "so2_24h": "so2_24h"},
}  # fmt: skip
CLAUSE_LIMIT = 800  # 表1 注2 (SO2 1 h) and 注3 (O3 8 h): above 800 µg/m³ the table is not used
# The reference asks to check how HJ 633-2026 words the SO2 note: published readings of its text (表3 注b) give
# "SO2 1小时平均浓度高于800 µg/m³ 的，IAQI 按 200 计" (no fall-back on the 24 h mean). The O3 note keeps the 1 h value.
SO2_1H_ABOVE_800_2026 = 200


@dataclass(frozen=True)
class Colour:
    name: str  # translated lazily (附录A names the colours in Chinese)
    hex: str
    rgb: tuple[int, int, int]


# 表2 (levels and categories) and 附录A (colours, RGB): (upper AQI bound, level name, category, colour).
LEVELS = (
    (50, gettext_lazy("一级"), gettext_lazy("优"), Colour(gettext_lazy("绿色"), "#00E400", (0, 228, 0))),
    (100, gettext_lazy("二级"), gettext_lazy("良"), Colour(gettext_lazy("黄色"), "#FFFF00", (255, 255, 0))),
    (150, gettext_lazy("三级"), gettext_lazy("轻度污染"), Colour(gettext_lazy("橙色"), "#FF7E00", (255, 126, 0))),
    (200, gettext_lazy("四级"), gettext_lazy("中度污染"), Colour(gettext_lazy("红色"), "#FF0000", (255, 0, 0))),
    (300, gettext_lazy("五级"), gettext_lazy("重度污染"), Colour(gettext_lazy("紫色"), "#99004C", (153, 0, 76))),
    (None, gettext_lazy("六级"), gettext_lazy("严重污染"), Colour(gettext_lazy("褐红色"), "#7E0023", (126, 0, 35))),
)


@dataclass(frozen=True)
class AqiResult:
    standard: str
    kind: str
    aqi: int
    iaqi: MappingProxyType  # pollutant → IAQI (int), in POLLUTANTS order, only the pollutants given
    primary: tuple[str, ...]  # §3.3: largest IAQI when AQI > 50; ties are all primary
    exceeding: tuple[str, ...]  # §3.4: IAQI > 100
    level: int  # 1–6 (表2)
    level_name: str
    category: str
    colour: Colour
    missing: tuple[str, ...] = ()  # of the six pollutants of the index, those not given
    # Above the last breakpoint: reported as 500, the top of the scale, or as 200 (SO2 1 h above 800, 2026).
    beyond_table: tuple[str, ...] = ()
    substituted: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))  # item → input used


def level_of(aqi: int) -> tuple[int, str, str, Colour]:
    """表2: (level number, level name, category, colour) of an integer AQI; 0–50 is 一级, above 300 is 六级."""
    for number, (upper, name, category, colour) in enumerate(LEVELS, start=1):
        if upper is None or aqi <= upper:
            return number, name, category, colour
    raise AssertionError("unreachable: the last level has no upper bound")


def iaqi_of(table: tuple[int, ...], concentration: Fraction) -> tuple[int, bool]:
    """式(1) on one 表1 row, rounded up (HJ 633: IAQI 计算结果向上进位取整数). Returns (IAQI, beyond the table).

    The row must reach IAQI 500: the short rows (SO2 1 h, O3 8 h) are handled by their notes before this.
    Above the IAQI 500 breakpoint the standard gives no formula; the sub-index is the top of the scale, 500.
    """
    for i in range(1, len(table)):
        if concentration <= table[i]:
            bp_lo, bp_hi, i_lo, i_hi = table[i - 1], table[i], IAQI_STEPS[i - 1], IAQI_STEPS[i]
            return math.ceil(Fraction(i_hi - i_lo, bp_hi - bp_lo) * (concentration - bp_lo) + i_lo), False
    return IAQI_STEPS[len(table) - 1], True


def calculate(standard: str, kind: str, concentrations: dict[str, object]) -> AqiResult:
    """The AQI of one daily or real-time report from the concentrations given (keys in the module docstring)."""
    standard = choice(standard, STANDARDS, "standard")
    kind = choice(kind, KINDS, "kind")
    if not isinstance(concentrations, dict) or not concentrations:
        raise StandardInputError(_("至少需要一项污染物浓度"), field="concentrations")
    values: dict[str, Fraction] = {}
    for key, raw in concentrations.items():
        if raw is None:
            continue  # an explicit null is the same as leaving the pollutant out
        where = f"concentrations.{key}"
        if key not in INPUTS[kind]:
            raise StandardInputError(
                _("%(field)s：未知的污染物，%(kind)s 报告可用：%(allowed)s")
                % {"field": where, "kind": kind, "allowed": "、".join(INPUTS[kind])},
                field=where,
            )
        values[key] = exact(raw, where)
    if not set(values) - {"so2_24h"}:
        raise StandardInputError(_("至少需要一项污染物浓度"), field="concentrations")
    tables = {**TABLES, **PM_TABLES[standard]}
    iaqi: dict[str, int] = {}
    beyond: list[str] = []
    substituted: dict[str, str] = {}
    for key in POLLUTANTS:
        if key not in values:
            continue
        item, value = ITEM[kind][key], values[key]
        if item == "so2_1h" and value > CLAUSE_LIMIT and standard == "HJ633-2026":
            # HJ 633-2026 rewords the note: above 800 µg/m³ the SO2 1 h sub-index is reported as 200.
            iaqi[key] = SO2_1H_ABOVE_800_2026
            beyond.append(key)
            continue
        if item == "so2_1h" and value > CLAUSE_LIMIT:
            # HJ 633-2012 表1 注2: above 800 µg/m³ the SO2 1 h sub-index is not computed; the 24 h one is reported.
            item, value = "so2_24h", _needed(values, "so2_24h")
            substituted["so2"] = "so2_24h"
        elif item == "o3_8h" and value > CLAUSE_LIMIT:
            # 表1 注3: above 800 µg/m³ the O3 8 h sub-index is not computed; ozone is reported by its 1 h value,
            # which is then the ozone sub-index (listed once, under "o3").
            _needed(values, "o3")
            substituted["o3_8h"] = "o3"
            continue
        iaqi[key], over = iaqi_of(tables[item], value)
        if over:
            beyond.append(key)
    aqi = max(iaqi.values())
    number, level_name, category, colour = level_of(aqi)
    return AqiResult(
        standard=standard,
        kind=kind,
        aqi=aqi,
        iaqi=MappingProxyType(iaqi),
        primary=tuple(k for k, v in iaqi.items() if v == aqi) if aqi > 50 else (),
        exceeding=tuple(k for k, v in iaqi.items() if v > 100),
        level=number,
        level_name=level_name,
        category=category,
        colour=colour,
        missing=tuple(k for k in EXPECTED[kind] if k not in values),
        beyond_table=tuple(beyond),
        substituted=MappingProxyType(substituted),
    )


def _needed(values: dict[str, Fraction], key: str) -> Fraction:
    """The input a 表1 note falls back on; without it the sub-index cannot be reported."""
    if key in values:
        return values[key]
    if key == "so2_24h":
        message = _("SO2 1小时浓度高于800 µg/m³ 时按24小时平均浓度计算分指数（HJ 633-2012 表1 注2），请提供 so2_24h")
    else:
        message = _("O3 8小时平均浓度高于800 µg/m³ 时按1小时平均浓度计算分指数（HJ 633 表1 注3），请提供 o3")
    raise StandardInputError(message, field=f"concentrations.{key}")
