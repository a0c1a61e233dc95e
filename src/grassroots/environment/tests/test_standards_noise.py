"""GB 3096-2008 noise limits, worked by hand from 表1 (day / night, dB(A)) and §5.4 (night Lmax ≤ limit + 15)."""

from __future__ import annotations

import math

import pytest

from grassroots.environment.standards import StandardInputError
from grassroots.environment.standards.noise import assess, period_of


@pytest.mark.parametrize(
    ("zone", "period", "leq", "limit", "exceedance"),
    [
        ("1", "night", 47.3, 45, 2.3),  # 47.3 − 45 = 2.3
        ("0", "day", 52.5, 50, 2.5),  # 52.5 − 50 = 2.5
        ("0", "night", 40, 40, 0),  # exactly the limit complies
        ("2", "day", 59.9, 60, 0),
        ("3", "night", 56, 55, 1),
        ("4a", "night", 58, 55, 3),  # trunk roads: night 55
        ("4b", "night", 58, 60, 0),  # railway trunk lines: night 60
        ("4a", "day", 70, 70, 0),
        ("4b", "day", 71.2, 70, 1.2),
    ],
)
def test_leq_is_judged_against_its_zone_and_period(zone, period, leq, limit, exceedance):
    result = assess(zone, period, leq)
    assert (result.limit, result.exceedance, result.compliant) == (limit, exceedance, exceedance == 0)


def test_a_sudden_night_noise_may_exceed_the_limit_by_15_db_at_most():
    # class 2 night: limit 50, Lmax limit 65; Leq 48 complies, Lmax 66 is 1 dB over → not compliant.
    result = assess("2", "night", 48, lmax=66)
    assert (result.exceedance, result.lmax_limit, result.lmax_exceedance, result.compliant) == (0, 65, 1, False)
    at_edge = assess("2", "night", 48, lmax=65)  # exactly limit + 15 complies
    assert (at_edge.lmax_exceedance, at_edge.compliant) == (0, True)


@pytest.mark.parametrize(("hour", "period"), [(0, "night"), (5, "night"), (6, "day"), (21, "day"), (22, "night")])
def test_day_is_six_to_twenty_two(hour, period):
    assert period_of(hour) == period


@pytest.mark.parametrize(
    ("args", "kwargs", "field"),
    [
        (("5", "day", 50), {}, "zone_class"),
        (("4c", "day", 50), {}, "zone_class"),
        (("4", "day", 50), {}, "zone_class"),  # 4 must say a or b
        (("1", "evening", 50), {}, "period"),
        (("1", "day", -3), {}, "leq"),
        (("1", "day", math.nan), {}, "leq"),
        (("1", "day", 250), {}, "leq"),
        (("1", "day", 50), {"lmax": 70}, "lmax"),  # §5.4 is a night rule
        (("1", "night", 40), {"lmax": math.inf}, "lmax"),
    ],
)
def test_it_refuses_what_gb_3096_cannot_judge(args, kwargs, field):
    with pytest.raises(StandardInputError) as caught:
        assess(*args, **kwargs)
    assert caught.value.field == field


def test_an_hour_outside_the_day_is_refused():
    with pytest.raises(StandardInputError):
        period_of(24)
