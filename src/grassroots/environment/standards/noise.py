"""Environmental noise limits per GB 3096-2008 (声环境质量标准), equivalent sound level Leq in dB(A).

§5.1 表1 gives the limit per functional-zone class (§4: 0 rehabilitation, 1 residential, 2 mixed, 3 industrial,
4a trunk roads, 4b railway trunk lines) for the day (昼间, 06:00–22:00) and the night (夜间, 22:00–06:00; §3
terms, local governments may shift these hours). §5.4: at night a sudden noise's maximum sound level may exceed
the limit by at most 15 dB(A). The exceedance (超标量) is Leq minus the limit, when positive.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from grassroots.core.i18n import gettext as _
from grassroots.environment.standards import StandardInputError, choice, exact

ZoneClass = Literal["0", "1", "2", "3", "4a", "4b"]
Period = Literal["day", "night"]
ZONE_CLASSES: tuple[str, ...] = ("0", "1", "2", "3", "4a", "4b")
PERIODS: tuple[str, ...] = ("day", "night")
# 表1: (day, night). 4b applies to new railway trunk lines approved after 2011-01-01 (§5.2); existing lines
# through towns keep 70/55 for the background between trains (§5.3), which is class 4a's pair.
LIMITS: dict[str, tuple[int, int]] = {
    "0": (50, 40),
    "1": (55, 45),
    "2": (60, 50),
    "3": (65, 55),
    "4a": (70, 55),
    "4b": (70, 60),
}
SUDDEN_MARGIN = 15  # §5.4, night only
DAY_START, NIGHT_START = 6, 22  # §3 昼间 06:00–22:00, 夜间 22:00–06:00


@dataclass(frozen=True)
class NoiseResult:
    zone_class: str
    period: str
    leq: float
    limit: int
    exceedance: float  # dB(A) above the limit, 0 when within it
    compliant: bool
    lmax: float | None = None  # night: the sudden noise's maximum sound level, when given
    lmax_limit: int | None = None  # limit + 15 (§5.4)
    lmax_exceedance: float | None = None


def period_of(hour: int) -> str:
    """§3: the period an hour of the day (0–23, local time) belongs to."""
    if isinstance(hour, bool) or not isinstance(hour, int) or not 0 <= hour <= 23:
        raise StandardInputError(_("hour 必须是 0–23 的整数"), field="hour")
    return "day" if DAY_START <= hour < NIGHT_START else "night"


def assess(zone_class: str, period: str, leq: object, lmax: object = None) -> NoiseResult:
    """Leq (and at night optionally Lmax of a sudden noise) against the GB 3096-2008 limit of the zone."""
    zone_class = choice(zone_class, ZONE_CLASSES, "zone_class")
    period = choice(period, PERIODS, "period")
    level = _level(leq, "leq")
    limit = LIMITS[zone_class][PERIODS.index(period)]
    over = max(level - limit, Fraction(0))
    result = {"zone_class": zone_class, "period": period, "leq": float(level), "limit": limit,
              "exceedance": float(over), "compliant": over == 0}  # fmt: skip
    if lmax is None:
        return NoiseResult(**result)
    if period != "night":
        raise StandardInputError(_("lmax（突发噪声最大声级）只在夜间评价（GB 3096-2008 §5.4）"), field="lmax")
    peak = _level(lmax, "lmax")
    peak_over = max(peak - (limit + SUDDEN_MARGIN), Fraction(0))
    result["compliant"] = result["compliant"] and peak_over == 0
    return NoiseResult(**result, lmax=float(peak), lmax_limit=limit + SUDDEN_MARGIN, lmax_exceedance=float(peak_over))


def _level(value: object, field: str) -> Fraction:
    level = exact(value, field)
    if level > 200:  # no environmental sound level comes near; a typo or a unit error (e.g. mdB)
        raise StandardInputError(_("%(field)s 超出 0–200 dB(A) 的合理范围") % {"field": field}, field=field)
    return level
