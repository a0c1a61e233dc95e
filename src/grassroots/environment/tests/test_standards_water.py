"""GB 3838-2002 single-factor water class, worked by hand from 表1 (limits I / II / III / IV / V, mg/L)."""

from __future__ import annotations

import math

import pytest

from grassroots.environment.standards import StandardInputError
from grassroots.environment.standards.water import classify


def class_of(parameter, value, water_body="river"):
    return classify(water_body, {parameter: value}).parameters[parameter].water_class


def test_a_river_sample_takes_the_class_of_its_worst_parameters():
    # ph 7.2 within 6–9 → I; do 6.5 ≥ 6 but < 7.5 → II; codmn 3.8 ≤ 4 → II;
    # nh3n 0.6 > 0.5, ≤ 1.0 → III; tp 0.15 (river) > 0.1, ≤ 0.2 → III.  Worst: III, decided by nh3n and tp.
    result = classify("river", {"ph": 7.2, "do": 6.5, "codmn": 3.8, "nh3n": 0.6, "tp": 0.15})
    assert {k: r.water_class for k, r in result.parameters.items()} == {
        "ph": "I", "do": "II", "codmn": "II", "nh3n": "III", "tp": "III"
    }  # fmt: skip
    assert (result.water_class, result.rank, str(result.class_name)) == ("III", 3, "Ⅲ类")
    assert result.deciding == ("nh3n", "tp")
    assert result.parameters["tp"].limit == "0.2"


def test_a_lake_judges_phosphorus_by_the_lake_limits():
    # tp 0.15 in a lake or reservoir: limits 0.01 / 0.025 / 0.05 / 0.1 / 0.2 → V
    result = classify("lake", {"do": 6.5, "tp": 0.15})
    assert (result.water_class, result.deciding) == ("V", ("tp",))


@pytest.mark.parametrize(
    ("parameter", "value", "expected"),
    [
        ("nh3n", 0.5, "II"),  # exactly the class II limit: meets it (≤)
        ("nh3n", 0.15, "I"),
        ("nh3n", 2.0, "V"),
        ("nh3n", 2.01, "劣V"),  # beyond V
        ("cod", 15, "I"),  # I and II share 15: the best class met
        ("do", 7.5, "I"),  # higher is better: exactly 7.5 is class I
        ("do", 7.4, "II"),
        ("do", 2, "V"),
        ("do", 1.9, "劣V"),
        ("hg", 0.00005, "I"),  # read exactly, not as the float neighbour of 5e-5
        ("hg", 0.00006, "III"),  # > 0.00005, ≤ 0.0001
        ("cu", 0.02, "II"),  # > 0.01, ≤ 1.0
        ("fecal_coliform", 25000, "V"),  # > 20000, ≤ 40000 per L
        ("phenol", 0.005, "III"),
        ("sulfide", 1.0, "V"),
    ],
)
def test_each_parameter_takes_the_best_class_it_meets(parameter, value, expected):
    assert class_of(parameter, value) == expected


@pytest.mark.parametrize(("ph", "expected"), [(6, "I"), (9, "I"), (5.9, "劣V"), (9.1, "劣V"), (0, "劣V")])
def test_ph_outside_six_to_nine_is_worse_than_v(ph, expected):
    assert class_of("ph", ph) == expected


def test_ph_alone_can_make_a_site_worse_than_v():
    result = classify("river", {"ph": 5.5, "do": 8, "nh3n": 0.1})
    assert (result.water_class, result.rank, result.deciding, str(result.class_name)) == ("劣V", 6, ("ph",), "劣Ⅴ类")


def test_total_nitrogen_counts_for_lakes_only():
    # tn 1.2 in a lake: > 1.0, ≤ 1.5 → IV; in a river it is not an item and is listed as not assessed.
    lake = classify("lake", {"tn": 1.2, "do": 8})
    assert (lake.water_class, lake.deciding) == ("IV", ("tn",))
    river = classify("river", {"tn": 1.2, "do": 8})
    assert (river.water_class, river.not_assessed, "tn" in river.parameters) == ("I", ("tn",), False)


def test_a_clean_sample_is_class_i_with_nothing_deciding():
    result = classify("river", {"ph": 7, "do": 8, "codmn": 1.5, "nh3n": 0.1, "tp": 0.02})
    assert (result.water_class, result.deciding) == ("I", ())


@pytest.mark.parametrize(
    ("water_body", "values", "field"),
    [
        ("river", {"chlorophyll": 1}, "parameters.chlorophyll"),
        ("river", {"nh3n": -0.1}, "parameters.nh3n"),
        ("river", {"nh3n": math.nan}, "parameters.nh3n"),
        ("river", {"ph": 15}, "parameters.ph"),
        ("river", {}, "parameters"),
        ("river", {"tn": 1.0}, "parameters"),  # nothing that applies to a river
        ("sea", {"nh3n": 0.1}, "water_body"),
    ],
)
def test_it_refuses_what_gb_3838_cannot_judge(water_body, values, field):
    with pytest.raises(StandardInputError) as caught:
        classify(water_body, values)
    assert caught.value.field == field
