"""Surface water quality class per GB 3838-2002 (地表水环境质量标准), basic items of 表1, mg/L.

Single-factor assessment (§5, 单因子评价): each parameter takes the best class whose limit it meets, and the
site's class is the worst of them; a parameter that meets not even class Ⅴ makes the site 劣Ⅴ. Limits are
inclusive (≤ for most items, ≥ for dissolved oxygen, where higher is better). pH has one range, 6–9, for all
five classes, so inside it pH does not lower the class and outside it the site is 劣Ⅴ.

Total phosphorus has stricter limits for lakes and reservoirs (表1, 湖、库 in brackets), and total nitrogen is
a lake and reservoir item only (表1 第9项, 总氮（湖、库）): for a river it is listed as not assessed.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from types import MappingProxyType
from typing import Literal

from django.utils.translation import gettext_lazy

from grassroots.core.i18n import gettext as _
from grassroots.environment.standards import StandardInputError, choice, exact

WaterBody = Literal["river", "lake"]
WATER_BODIES: tuple[str, ...] = ("river", "lake")  # lake: lakes and reservoirs (湖、库)
CLASSES: tuple[str, ...] = ("I", "II", "III", "IV", "V", "劣V")
CLASS_NAMES = {
    "I": gettext_lazy("Ⅰ类"),
    "II": gettext_lazy("Ⅱ类"),
    "III": gettext_lazy("Ⅲ类"),
    "IV": gettext_lazy("Ⅳ类"),
    "V": gettext_lazy("Ⅴ类"),
    "劣V": gettext_lazy("劣Ⅴ类"),
}

# 表1, limits for classes Ⅰ–Ⅴ ("≤" unless named in AT_LEAST). Strings so that 0.00005 is exactly 0.00005.
LIMITS: dict[str, tuple[str, ...]] = {
    "do": ("7.5", "6", "5", "3", "2"),  # 溶解氧 ≥ (class Ⅰ: 7.5, or 90 % saturation)
    "codmn": ("2", "4", "6", "10", "15"),  # 高锰酸盐指数
    "cod": ("15", "15", "20", "30", "40"),  # 化学需氧量
    "bod5": ("3", "3", "4", "6", "10"),  # 五日生化需氧量
    "nh3n": ("0.15", "0.5", "1.0", "1.5", "2.0"),  # 氨氮
    "tp": ("0.02", "0.1", "0.2", "0.3", "0.4"),  # 总磷 (rivers)
    "tn": ("0.2", "0.5", "1.0", "1.5", "2.0"),  # 总氮 (lakes and reservoirs only)
    "cu": ("0.01", "1.0", "1.0", "1.0", "1.0"),
    "zn": ("0.05", "1.0", "1.0", "2.0", "2.0"),
    "f": ("1.0", "1.0", "1.0", "1.5", "1.5"),  # 氟化物
    "se": ("0.01", "0.01", "0.01", "0.02", "0.02"),
    "as": ("0.05", "0.05", "0.05", "0.1", "0.1"),
    "hg": ("0.00005", "0.00005", "0.0001", "0.001", "0.001"),
    "cd": ("0.001", "0.005", "0.005", "0.005", "0.01"),
    "cr6": ("0.01", "0.05", "0.05", "0.05", "0.1"),  # 铬（六价）
    "pb": ("0.01", "0.01", "0.05", "0.05", "0.1"),
    "cn": ("0.005", "0.05", "0.2", "0.2", "0.2"),  # 氰化物
    "phenol": ("0.002", "0.002", "0.005", "0.01", "0.1"),  # 挥发酚
    "petroleum": ("0.05", "0.05", "0.05", "0.5", "1.0"),  # 石油类
    "las": ("0.2", "0.2", "0.2", "0.3", "0.3"),  # 阴离子表面活性剂
    "sulfide": ("0.05", "0.1", "0.2", "0.5", "1.0"),  # 硫化物
    "fecal_coliform": ("200", "2000", "10000", "20000", "40000"),  # 粪大肠菌群, 个/L
}
LAKE_TP = ("0.01", "0.025", "0.05", "0.1", "0.2")  # 表1 总磷, 湖、库
AT_LEAST = frozenset({"do"})
PH_RANGE = (Fraction(6), Fraction(9))  # 表1 第1项, every class
PARAMETERS: tuple[str, ...] = ("ph", *LIMITS)


@dataclass(frozen=True)
class ParameterClass:
    value: float
    water_class: str  # "I" … "V" or "劣V"
    limit: str  # the limit of the class reached ("6–9" for pH); for 劣V, the class Ⅴ limit it fails


@dataclass(frozen=True)
class WaterResult:
    water_body: str
    water_class: str  # the worst over the parameters
    class_name: str
    rank: int  # 1 (Ⅰ) … 6 (劣Ⅴ)
    deciding: tuple[str, ...]  # the parameters at that worst class (empty when the site is Ⅰ)
    parameters: MappingProxyType  # parameter → ParameterClass, in PARAMETERS order
    not_assessed: tuple[str, ...] = ()  # given but not an item for this water body (TN of a river)


def classify(water_body: str, values: dict[str, object]) -> WaterResult:
    """The GB 3838-2002 class of one sample from its basic-item values (mg/L; pH dimensionless; coliforms /L)."""
    water_body = choice(water_body, WATER_BODIES, "water_body")
    if not isinstance(values, dict) or not any(v is not None for v in values.values()):
        raise StandardInputError(_("至少需要一项水质指标"), field="parameters")
    unknown = [key for key in values if key not in PARAMETERS]
    if unknown:
        where = f"parameters.{unknown[0]}"
        raise StandardInputError(
            _("%(field)s：GB 3838-2002 表1 没有这一项，可用：%(allowed)s")
            % {"field": where, "allowed": "、".join(PARAMETERS)},
            field=where,
        )
    results: dict[str, ParameterClass] = {}
    not_assessed: list[str] = []
    for key in PARAMETERS:
        if values.get(key) is None:
            continue
        value = exact(values[key], f"parameters.{key}")
        if key == "tn" and water_body == "river":
            not_assessed.append(key)
            continue
        results[key] = _ph(value) if key == "ph" else _item(key, water_body, value)
    if not results:
        raise StandardInputError(_("至少需要一项适用于该水体的水质指标"), field="parameters")
    rank = max(CLASSES.index(r.water_class) for r in results.values()) + 1
    worst = CLASSES[rank - 1]
    return WaterResult(
        water_body=water_body,
        water_class=worst,
        class_name=CLASS_NAMES[worst],
        rank=rank,
        deciding=tuple(k for k, r in results.items() if r.water_class == worst) if rank > 1 else (),
        parameters=MappingProxyType(results),
        not_assessed=tuple(not_assessed),
    )


def _ph(value: Fraction) -> ParameterClass:
    if value > 14:
        raise StandardInputError(_("parameters.ph 超出 0–14 的范围"), field="parameters.ph")
    inside = PH_RANGE[0] <= value <= PH_RANGE[1]
    return ParameterClass(value=float(value), water_class="I" if inside else "劣V", limit="6–9")


def _item(key: str, water_body: str, value: Fraction) -> ParameterClass:
    limits = LAKE_TP if key == "tp" and water_body == "lake" else LIMITS[key]
    for water_class, limit in zip(CLASSES[:5], limits, strict=True):
        meets = value >= Fraction(limit) if key in AT_LEAST else value <= Fraction(limit)
        if meets:
            return ParameterClass(value=float(value), water_class=water_class, limit=limit)
    return ParameterClass(value=float(value), water_class="劣V", limit=limits[-1])
