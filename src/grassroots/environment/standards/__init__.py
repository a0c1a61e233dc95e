"""Calculators for the national environmental standards (pure Python: no models, no database).

- `aqi`: HJ 633-2012 / HJ 633-2026 air quality index, daily and real-time (hourly);
- `water`: GB 3838-2002 surface water class Ⅰ–Ⅴ and 劣Ⅴ;
- `noise`: GB 3096-2008 environmental noise limits by functional-zone class, day and night;
- `soil`: GB 15618-2018 agricultural soil risk (screening and intervention values).

Every calculator returns a frozen dataclass and raises `StandardInputError` (a ValueError) for input the
standard cannot judge, with a message that names the field and what is wrong. Arithmetic is exact: a float is
read by its shortest decimal form (2.2 is 22/10, not the binary neighbour), so a value on a breakpoint or a
limit is judged as written and rounding up (HJ 633) never adds one by a float artefact.
"""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

from grassroots.core.i18n import gettext as _


class StandardInputError(ValueError):
    """Input a standard cannot judge. `field` names the offending input (e.g. "concentrations.pm25")."""

    def __init__(self, message: str, *, field: str = ""):
        super().__init__(message)
        self.message = message
        self.field = field


def exact(value: object, field: str, *, allow_negative: bool = False) -> Fraction:
    """`value` as an exact fraction; refuses non-numbers, booleans, NaN, infinities and (usually) negatives."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | Fraction):
        raise StandardInputError(_("%(field)s 必须是数值") % {"field": field}, field=field)
    if isinstance(value, float | Decimal) and not math.isfinite(value):
        raise StandardInputError(_("%(field)s 不是有限数值（NaN 或无穷大）") % {"field": field}, field=field)
    number = Fraction(Decimal(repr(value))) if isinstance(value, float) else Fraction(value)
    if number < 0 and not allow_negative:
        raise StandardInputError(_("%(field)s 不能为负数") % {"field": field}, field=field)
    return number


def choice(value: object, allowed: tuple[str, ...], field: str) -> str:
    """`value` if it is one of `allowed`, else a StandardInputError listing what is allowed."""
    if not isinstance(value, str) or value not in allowed:
        raise StandardInputError(
            _("%(field)s 的取值 %(value)r 无效，应为：%(allowed)s")
            % {"field": field, "value": value, "allowed": "、".join(allowed)},
            field=field,
        )
    return value
