"""HJ 633-2012 / HJ 633-2026 AQI, worked by hand from 表1 and 表2.

Each case writes out 式(1): IAQI = (IAQI_Hi − IAQI_Lo) / (BP_Hi − BP_Lo) × (C − BP_Lo) + IAQI_Lo, rounded up.
"""

from __future__ import annotations

import math

import pytest

from grassroots.environment.standards import StandardInputError
from grassroots.environment.standards.aqi import calculate, level_of

OLD, NEW = "HJ633-2012", "HJ633-2026"


def iaqi(standard, kind, **concentrations):
    return dict(calculate(standard, kind, concentrations).iaqi)


# Breakpoints that moved in 2026 (PM2.5 75 → 60, PM10 150 → 120 at IAQI 100), on both editions.
@pytest.mark.parametrize(
    ("standard", "pollutant", "value", "expected"),
    [
        (OLD, "pm25", 75, 100),  # on the 2012 breakpoint
        (NEW, "pm25", 75, 114),  # 60–115 → 100–150: 50/55 × 15 + 100 = 113.64 → 114
        (NEW, "pm25", 60, 100),  # on the 2026 breakpoint
        (OLD, "pm25", 60, 82),  # 35–75 → 50–100: 50/40 × 25 + 50 = 81.25 → 82
        (OLD, "pm10", 150, 100),  # on the 2012 breakpoint
        (NEW, "pm10", 150, 112),  # 120–250 → 100–150: 50/130 × 30 + 100 = 111.54 → 112
        (NEW, "pm10", 120, 100),  # on the 2026 breakpoint
        (OLD, "pm10", 120, 85),  # 50–150 → 50–100: 50/100 × 70 + 50 = 85 exactly
        (NEW, "pm25", 115, 150),  # unchanged breakpoints stay: 115 → 150 in both
        (OLD, "pm25", 115, 150),
        (NEW, "pm10", 250, 150),
    ],
)
def test_it_uses_each_editions_particle_breakpoints(standard, pollutant, value, expected):
    assert iaqi(standard, "daily", **{pollutant: value}) == {pollutant: expected}


@pytest.mark.parametrize(
    ("pollutant", "value", "expected"),
    [
        ("co", 2.2, 55),  # 0–2 → 0–50 ends at 2; 2–4 → 50–100: 25 × 0.2 + 50 = 55 exactly (not 56 from 2.2's float)
        ("co", 2.21, 56),  # 25 × 0.21 + 50 = 55.25 → 56
        ("pm25", 35.1, 51),  # 50/40 × 0.1 + 50 = 50.125 → 51
        ("no2", 41, 52),  # 40–80 → 50–100: 50/40 × 1 + 50 = 51.25 → 52
        ("so2", 10, 10),  # 0–50 → 0–50: 10
        ("o3_8h", 150, 92),  # 100–160 → 50–100: 50/60 × 50 + 50 = 91.67 → 92
        ("o3_8h", 266, 201),  # 265–800 → 200–300: 100/535 × 1 + 200 = 200.19 → 201
        ("pm25", 0, 0),
    ],
)
def test_it_rounds_each_sub_index_up(pollutant, value, expected):
    assert iaqi(OLD, "daily", **{pollutant: value}) == {pollutant: expected}


def test_a_daily_report_with_all_six_pollutants():
    # pm25 120: 115–150 → 150–200: 50/35 × 5 + 150 = 157.14 → 158
    # pm10 200: 150–250 → 100–150: 50/100 × 50 + 100 = 125
    # so2 10 → 10; no2 50: 40–80 → 50–100: 50/40 × 10 + 50 = 62.5 → 63; co 1.0: 25 × 1 = 25
    # o3_8h 120: 100–160 → 50–100: 50/60 × 20 + 50 = 66.67 → 67.  AQI = 158: 四级 中度污染, red.
    result = calculate(OLD, "daily", {"pm25": 120, "pm10": 200, "so2": 10, "no2": 50, "co": 1.0, "o3_8h": 120})
    assert dict(result.iaqi) == {"pm25": 158, "pm10": 125, "so2": 10, "no2": 63, "co": 25, "o3_8h": 67}
    assert result.aqi == 158
    assert result.primary == ("pm25",)
    assert result.exceeding == ("pm25", "pm10")
    assert (result.level, str(result.level_name), str(result.category)) == (4, "四级", "中度污染")
    assert (str(result.colour.name), result.colour.hex, result.colour.rgb) == ("红色", "#FF0000", (255, 0, 0))
    assert result.missing == ()


def test_the_same_day_under_2026_raises_pm10():
    # pm10 200 under 2026: 120–250 → 100–150: 50/130 × 80 + 100 = 130.77 → 131; pm25 120 stays 158.
    result = calculate(NEW, "daily", {"pm25": 120, "pm10": 200})
    assert dict(result.iaqi) == {"pm25": 158, "pm10": 131}
    assert result.aqi == 158


def test_a_real_time_report_uses_the_one_hour_tables_for_gases():
    # pm25 50 (24 h moving mean, 24 h table): 35–75 → 50–100: 50/40 × 15 + 50 = 68.75 → 69
    # so2 200 (1 h): 150–500 → 50–100: 50/350 × 50 + 50 = 57.14 → 58
    # no2 250 (1 h): 200–700 → 100–150: 50/500 × 50 + 100 = 105
    # co 6 (1 h): 5–10 → 50–100: 10 × 1 + 50 = 60;  o3 210 (1 h): 200–300 → 100–150: 0.5 × 10 + 100 = 105
    result = calculate(OLD, "hourly", {"pm25": 50, "so2": 200, "no2": 250, "co": 6, "o3": 210})
    assert dict(result.iaqi) == {"pm25": 69, "so2": 58, "no2": 105, "co": 60, "o3": 105}
    assert result.aqi == 105
    assert result.primary == ("no2", "o3")  # a tie: both are primary
    assert result.exceeding == ("no2", "o3")
    assert (result.level, str(result.category), result.colour.hex) == (3, "轻度污染", "#FF7E00")
    assert result.missing == ("pm10",)


def test_the_daily_report_uses_the_24_hour_tables_for_gases():
    # no2 250 daily: 180–280 → 150–200: 50/100 × 70 + 150 = 185 (the hourly table gave 105)
    # co 6 daily: 4–14 → 100–150: 50/10 × 2 + 100 = 110
    assert iaqi(OLD, "daily", no2=250, co=6) == {"no2": 185, "co": 110}


def test_a_tie_at_the_top_makes_both_primary_and_100_is_not_exceeding():
    # pm25 75 → 100 and pm10 150 → 100 under 2012: AQI 100 (二级 良), both primary, neither above 100.
    result = calculate(OLD, "daily", {"pm25": 75, "pm10": 150})
    assert (result.aqi, result.primary, result.exceeding, result.level) == (100, ("pm25", "pm10"), (), 2)


def test_there_is_no_primary_pollutant_at_50_or_below():
    # pm25 35 → 50 exactly: 一级 优, green; a primary pollutant is named only when AQI > 50.
    result = calculate(OLD, "daily", {"pm25": 35, "so2": 20})
    assert (result.aqi, result.primary, result.level, str(result.category)) == (50, (), 1, "优")
    assert (str(result.colour.name), result.colour.hex) == ("绿色", "#00E400")


def test_all_zero_is_aqi_zero():
    result = calculate(NEW, "daily", {"pm25": 0, "pm10": 0, "so2": 0, "no2": 0, "co": 0, "o3_8h": 0})
    assert (result.aqi, result.primary, result.exceeding, result.level) == (0, (), (), 1)


def test_values_beyond_the_table_are_reported_at_the_top_of_the_scale():
    # pm25 600 > 500 (IAQI 500 breakpoint): no formula above it, so IAQI 500 and pm25 is listed beyond the table.
    result = calculate(OLD, "daily", {"pm25": 600, "pm10": 100})
    assert dict(result.iaqi) == {"pm25": 500, "pm10": 75}  # pm10: 50/100 × 50 + 50 = 75
    assert result.beyond_table == ("pm25",)
    assert (result.aqi, result.level, str(result.category)) == (500, 6, "严重污染")
    assert (str(result.colour.name), result.colour.hex) == ("褐红色", "#7E0023")
    on_the_edge = calculate(OLD, "daily", {"pm25": 500})
    assert (on_the_edge.aqi, on_the_edge.beyond_table) == (500, ())


def test_missing_pollutants_are_named_and_the_aqi_is_over_those_given():
    result = calculate(OLD, "daily", {"pm25": 75})
    assert (result.aqi, dict(result.iaqi)) == (100, {"pm25": 100})
    assert result.missing == ("pm10", "so2", "no2", "co", "o3_8h")
    assert calculate(OLD, "hourly", {"pm25": 75, "o3_8h": 100}).missing == ("pm10", "so2", "no2", "co", "o3")


def test_an_explicit_null_is_a_missing_pollutant():
    result = calculate(OLD, "daily", {"pm25": 75, "pm10": None})
    assert "pm10" in result.missing and "pm10" not in result.iaqi


# HJ 633-2012 表1 注2: SO2 1 h above 800 µg/m³ is not computed from the 1 h table; the 24 h sub-index is reported.
def test_so2_one_hour_above_800_uses_the_24_hour_sub_index():
    # so2_24h 300: 150–475 → 100–150: 50/325 × 150 + 100 = 123.08 → 124
    result = calculate(OLD, "hourly", {"so2": 900, "so2_24h": 300})
    assert dict(result.iaqi) == {"so2": 124}
    assert dict(result.substituted) == {"so2": "so2_24h"}
    assert result.beyond_table == ()


def test_so2_one_hour_above_800_is_200_under_2026():
    # HJ 633-2026 (表3 注b as published): above 800 µg/m³ the SO2 1 h sub-index is reported as 200, with no
    # fall-back on the 24 h mean (given or not).
    result = calculate(NEW, "hourly", {"so2": 900, "so2_24h": 300})
    assert (dict(result.iaqi), dict(result.substituted), result.beyond_table) == ({"so2": 200}, {}, ("so2",))
    assert calculate(NEW, "hourly", {"so2": 5000}).iaqi == {"so2": 200}


def test_so2_one_hour_at_800_is_still_on_the_table():
    # 800 is the last 1 h breakpoint (IAQI 200); 700: 650–800 → 150–200: 50/150 × 50 + 150 = 166.67 → 167
    assert calculate(OLD, "hourly", {"so2": 800, "so2_24h": 300}).iaqi["so2"] == 200
    assert iaqi(OLD, "hourly", so2=700) == {"so2": 167}


def test_so2_one_hour_above_800_without_a_24_hour_mean_is_refused_under_2012():
    with pytest.raises(StandardInputError, match="表1 注2.*so2_24h") as caught:
        calculate(OLD, "hourly", {"so2": 900})
    assert caught.value.field == "concentrations.so2_24h"


# 表1 注3: O3 8 h above 800 µg/m³ is not computed from the 8 h table; the 1 h sub-index is reported.
def test_ozone_eight_hours_above_800_uses_the_one_hour_sub_index():
    # o3 (1 h) 900: 800–1000 → 300–400: 100/200 × 100 + 300 = 350; o3_8h is not computed.
    result = calculate(OLD, "daily", {"o3_8h": 801, "o3": 900})
    assert dict(result.iaqi) == {"o3": 350}
    assert dict(result.substituted) == {"o3_8h": "o3"}
    assert (result.aqi, result.primary) == (350, ("o3",))
    assert result.missing == ("pm25", "pm10", "so2", "no2", "co")  # ozone was given, as the 1 h value


def test_ozone_eight_hours_at_800_is_the_last_breakpoint():
    assert iaqi(OLD, "daily", o3_8h=800) == {"o3_8h": 300}


def test_ozone_eight_hours_above_800_without_a_one_hour_value_is_refused():
    with pytest.raises(StandardInputError, match="o3"):
        calculate(NEW, "daily", {"o3_8h": 850})


@pytest.mark.parametrize(
    ("aqi", "level", "category"),
    [(0, 1, "优"), (50, 1, "优"), (51, 2, "良"), (100, 2, "良"), (101, 3, "轻度污染"), (150, 3, "轻度污染"),
     (151, 4, "中度污染"), (200, 4, "中度污染"), (201, 5, "重度污染"), (300, 5, "重度污染"), (301, 6, "严重污染"),
     (500, 6, "严重污染")],
)  # fmt: skip
def test_levels_follow_table_2(aqi, level, category):
    number, _name, found, _colour = level_of(aqi)
    assert (number, str(found)) == (level, category)


@pytest.mark.parametrize(
    ("standard", "kind", "concentrations", "field"),
    [
        (OLD, "daily", {"pm1": 10}, "concentrations.pm1"),  # unknown pollutant
        (OLD, "daily", {"so2_24h": 10}, "concentrations.so2_24h"),  # daily so2 is already the 24 h mean
        (OLD, "daily", {"pm25": -1}, "concentrations.pm25"),
        (OLD, "daily", {"pm25": math.nan}, "concentrations.pm25"),
        (OLD, "daily", {"pm25": math.inf}, "concentrations.pm25"),
        (OLD, "daily", {"pm25": True}, "concentrations.pm25"),
        (OLD, "daily", {"pm25": "75"}, "concentrations.pm25"),
        (OLD, "daily", {}, "concentrations"),
        (OLD, "hourly", {"so2_24h": 100}, "concentrations"),  # only the fallback, no sub-index
        ("HJ633-2016", "daily", {"pm25": 10}, "standard"),
        (OLD, "weekly", {"pm25": 10}, "kind"),
    ],
)
def test_it_refuses_input_the_standard_cannot_judge(standard, kind, concentrations, field):
    with pytest.raises(StandardInputError) as caught:
        calculate(standard, kind, concentrations)
    assert caught.value.field == field
    assert isinstance(caught.value, ValueError) and str(caught.value)


def test_the_result_is_frozen():
    result = calculate(OLD, "daily", {"pm25": 10})
    with pytest.raises(AttributeError):
        result.aqi = 1  # type: ignore[misc]
    with pytest.raises(TypeError):
        result.iaqi["pm25"] = 1  # type: ignore[index]
