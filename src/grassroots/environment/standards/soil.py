"""Agricultural land soil risk per GB 15618-2018 (土壤环境质量 农用地土壤污染风险管控标准（试行）), mg/kg.

Screening values (风险筛选值, 表1 basic items) and intervention values (风险管制值, 表3) by pH band
(pH ≤ 5.5, 5.5 < pH ≤ 6.5, 6.5 < pH ≤ 7.5, pH > 7.5). Land use picks the row of 表1: paddy (水田) or other
land (其他); copper alone has an orchard row (果园). For paddy–upland rotation (水旱轮作) the stricter of the
paddy and other values applies (表1 注②). Results (§7):

- `low`: at or below the screening value — risk low, normally negligible (§7.1);
- `possible`: above screening and at or below intervention — possible risk: monitor soil and produce together,
  use safe-use measures such as agronomic regulation or substitute crops (§7.2, §7.3); Cu, Ni and Zn have no
  intervention value, so above screening they stay `possible`;
- `high`: above intervention — high risk: strict control, e.g. no edible crops, return farmland to forest (§7.4).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from types import MappingProxyType
from typing import Literal

from django.utils.translation import gettext_lazy

from grassroots.core.i18n import gettext as _
from grassroots.environment.standards import StandardInputError, choice, exact

LandUse = Literal["paddy", "orchard", "other", "rotation"]
LAND_USES: tuple[str, ...] = ("paddy", "orchard", "other", "rotation")
METALS: tuple[str, ...] = ("cd", "hg", "as", "pb", "cr", "cu", "ni", "zn")
RISKS: tuple[str, ...] = ("low", "possible", "high")
RISK_NAMES = {
    "low": gettext_lazy("低于筛选值：风险低"),
    "possible": gettext_lazy("介于筛选值与管制值之间：可能存在风险，应加强监测并采取安全利用措施"),
    "high": gettext_lazy("高于管制值：风险高，应采取严格管控措施"),
}
# pH bands of 表1 and 表3: a band's upper bound (inclusive); the last band is pH > 7.5.
PH_BOUNDS = (Fraction(55, 10), Fraction(65, 10), Fraction(75, 10))
PH_BANDS: tuple[str, ...] = ("≤5.5", "5.5–6.5", "6.5–7.5", ">7.5")

# 表1 screening values per pH band, as (paddy, other). Copper's pair is (other, orchard): its table row is
# 果园 | 其他 and paddy counts as "other" land for it. Ni and Zn have one row for all land.
SCREENING: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "cd": (("0.3", "0.4", "0.6", "0.8"), ("0.3", "0.3", "0.3", "0.6")),
    "hg": (("0.5", "0.5", "0.6", "1.0"), ("1.3", "1.8", "2.4", "3.4")),
    "as": (("30", "30", "25", "20"), ("40", "40", "30", "25")),
    "pb": (("80", "100", "140", "240"), ("70", "90", "120", "170")),
    "cr": (("250", "250", "300", "350"), ("150", "150", "200", "250")),
    "cu": (("50", "50", "100", "100"), ("50", "50", "100", "100")),  # other land (and paddy)
    "ni": (("60", "70", "100", "190"), ("60", "70", "100", "190")),
    "zn": (("200", "200", "250", "300"), ("200", "200", "250", "300")),
}
CU_ORCHARD = ("150", "150", "200", "200")  # 表1 铜, 果园
INTERVENTION: dict[str, tuple[str, ...]] = {  # 表3, the same for every land use
    "cd": ("1.5", "2.0", "3.0", "4.0"),
    "hg": ("2.0", "2.5", "4.0", "6.0"),
    "as": ("200", "150", "120", "100"),
    "pb": ("400", "500", "700", "1000"),
    "cr": ("800", "850", "1000", "1300"),
}


@dataclass(frozen=True)
class MetalRisk:
    value: float
    screening: str
    intervention: str | None  # None for Cu, Ni and Zn (no 表3 value)
    risk: str  # low | possible | high


@dataclass(frozen=True)
class SoilResult:
    ph: float
    ph_band: str
    land_use: str
    risk: str  # the worst over the metals
    risk_name: str
    deciding: tuple[str, ...]  # the metals at that worst risk (empty when all are low)
    metals: MappingProxyType  # metal → MetalRisk, in METALS order


def ph_band(ph: Fraction) -> int:
    """Index of the 表1/表3 pH band (0: pH ≤ 5.5 … 3: pH > 7.5)."""
    return next((i for i, bound in enumerate(PH_BOUNDS) if ph <= bound), len(PH_BOUNDS))


def screening_value(metal: str, land_use: str, band: int) -> str:
    if metal == "cu" and land_use == "orchard":
        return CU_ORCHARD[band]
    paddy, other = SCREENING[metal][0][band], SCREENING[metal][1][band]
    if land_use == "rotation":  # 表1 注②: the stricter value
        return min(paddy, other, key=Fraction)
    return paddy if land_use == "paddy" else other


def assess(ph: object, land_use: str, metals: dict[str, object]) -> SoilResult:
    """The GB 15618-2018 risk of one agricultural soil sample (metal totals in mg/kg)."""
    land_use = choice(land_use, LAND_USES, "land_use")
    soil_ph = exact(ph, "ph")
    if soil_ph > 14:
        raise StandardInputError(_("ph 超出 0–14 的范围"), field="ph")
    if not isinstance(metals, dict) or not any(v is not None for v in metals.values()):
        raise StandardInputError(_("至少需要一项重金属含量"), field="metals")
    unknown = [key for key in metals if key not in METALS]
    if unknown:
        where = f"metals.{unknown[0]}"
        raise StandardInputError(
            _("%(field)s：GB 15618-2018 表1 没有这一项，可用：%(allowed)s")
            % {"field": where, "allowed": "、".join(METALS)},
            field=where,
        )
    band = ph_band(soil_ph)
    results: dict[str, MetalRisk] = {}
    for metal in METALS:
        if metals.get(metal) is None:
            continue
        value = exact(metals[metal], f"metals.{metal}")
        screening = screening_value(metal, land_use, band)
        intervention = INTERVENTION[metal][band] if metal in INTERVENTION else None
        if value <= Fraction(screening):
            risk = "low"
        elif intervention is None or value <= Fraction(intervention):
            risk = "possible"
        else:
            risk = "high"
        results[metal] = MetalRisk(value=float(value), screening=screening, intervention=intervention, risk=risk)
    worst = max((r.risk for r in results.values()), key=RISKS.index)
    return SoilResult(
        ph=float(soil_ph),
        ph_band=PH_BANDS[band],
        land_use=land_use,
        risk=worst,
        risk_name=RISK_NAMES[worst],
        deciding=tuple(m for m, r in results.items() if r.risk == worst) if worst != "low" else (),
        metals=MappingProxyType(results),
    )
