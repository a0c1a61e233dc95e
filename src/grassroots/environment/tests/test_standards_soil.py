"""GB 15618-2018 soil risk, worked by hand from 表1 (screening) and 表3 (intervention), mg/kg.

pH bands: ≤5.5 | 5.5–6.5 | 6.5–7.5 | >7.5.
"""

from __future__ import annotations

import math

import pytest

from grassroots.environment.standards import StandardInputError
from grassroots.environment.standards.soil import assess


def risk_of(ph, land_use, metal, value):
    found = assess(ph, land_use, {metal: value}).metals[metal]
    return found.risk, found.screening, found.intervention


@pytest.mark.parametrize(
    ("ph", "land_use", "metal", "value", "expected"),
    [
        # paddy, pH 6.0 (5.5–6.5): Cd screening 0.4, intervention 2.0
        (6.0, "paddy", "cd", 0.35, ("low", "0.4", "2.0")),
        (6.0, "paddy", "cd", 0.4, ("low", "0.4", "2.0")),  # at the screening value: low
        (6.0, "paddy", "cd", 0.5, ("possible", "0.4", "2.0")),
        (6.0, "paddy", "cd", 2.0, ("possible", "0.4", "2.0")),  # at intervention: still between
        (6.0, "paddy", "cd", 2.5, ("high", "0.4", "2.0")),
        # other land, same pH: Cd screening 0.3 → 0.35 is above it
        (6.0, "other", "cd", 0.35, ("possible", "0.3", "2.0")),
        # the pH band edges: 5.5 is in the first band (paddy Cd 0.3), 5.51 in the second (0.4)
        (5.5, "paddy", "cd", 0.35, ("possible", "0.3", "1.5")),
        (5.51, "paddy", "cd", 0.35, ("low", "0.4", "2.0")),
        # other land Hg: pH 7.5 is the third band (2.4), 7.6 the fourth (3.4); intervention 4.0 / 6.0
        (7.5, "other", "hg", 3.0, ("possible", "2.4", "4.0")),
        (7.6, "other", "hg", 3.0, ("low", "3.4", "6.0")),
        # As, paddy, pH 8: screening 20, intervention 100
        (8.0, "paddy", "as", 100, ("possible", "20", "100")),
        (8.0, "paddy", "as", 100.5, ("high", "20", "100")),
        # Cu: orchard row 150 150 200 200, other 50 50 100 100, paddy uses "other"; no intervention value
        (7.0, "orchard", "cu", 150, ("low", "200", None)),
        (7.0, "other", "cu", 150, ("possible", "100", None)),
        (7.0, "paddy", "cu", 150, ("possible", "100", None)),
        (7.0, "other", "cu", 5000, ("possible", "100", None)),  # no 表3 value: never "high"
        # orchard is "other" land for the other metals: Pb pH 7.0 other 120
        (7.0, "orchard", "pb", 130, ("possible", "120", "700")),
        # Ni and Zn: one row; pH 4.5 → Ni 60, Zn 200
        (4.5, "paddy", "ni", 60, ("low", "60", None)),
        (4.5, "other", "zn", 201, ("possible", "200", None)),
        # paddy–upland rotation takes the stricter: pH 8 Pb paddy 240 / other 170 → 170; Cd 0.8 / 0.6 → 0.6
        (8.0, "rotation", "pb", 200, ("possible", "170", "1000")),
        (8.0, "rotation", "cd", 0.7, ("possible", "0.6", "4.0")),
        (8.0, "rotation", "hg", 0.9, ("low", "1.0", "6.0")),  # Hg: paddy 1.0 < other 3.4
    ],
)
def test_each_metal_is_judged_by_its_band_and_land_use(ph, land_use, metal, value, expected):
    assert risk_of(ph, land_use, metal, value) == expected


def test_the_sample_takes_its_worst_metal():
    # paddy pH 6.5 (band 5.5–6.5): Cd 0.5 > 0.4 → possible; Pb 600 > 500 intervention → high; Zn 100 ≤ 200 → low
    result = assess(6.5, "paddy", {"cd": 0.5, "pb": 600, "zn": 100})
    assert {m: r.risk for m, r in result.metals.items()} == {"cd": "possible", "pb": "high", "zn": "low"}
    assert (result.risk, result.deciding, result.ph_band) == ("high", ("pb",), "5.5–6.5")
    assert str(result.risk_name).startswith("高于管制值")


def test_a_clean_sample_is_low_with_nothing_deciding():
    result = assess(7.0, "other", {"cd": 0.1, "hg": 0.1, "as": 10, "pb": 20, "cr": 50, "cu": 20, "ni": 20, "zn": 60})
    assert (result.risk, result.deciding, result.ph_band) == ("low", (), "6.5–7.5")


@pytest.mark.parametrize(
    ("ph", "land_use", "metals", "field"),
    [
        (6.0, "paddy", {"mn": 1}, "metals.mn"),
        (6.0, "paddy", {"cd": -0.1}, "metals.cd"),
        (6.0, "paddy", {"cd": math.nan}, "metals.cd"),
        (15, "paddy", {"cd": 0.1}, "ph"),
        (math.nan, "paddy", {"cd": 0.1}, "ph"),
        (6.0, "forest", {"cd": 0.1}, "land_use"),
        (6.0, "paddy", {}, "metals"),
    ],
)
def test_it_refuses_what_gb_15618_cannot_judge(ph, land_use, metals, field):
    with pytest.raises(StandardInputError) as caught:
        assess(ph, land_use, metals)
    assert caught.value.field == field
