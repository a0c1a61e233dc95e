"""Each rule kind on hand-worked numbers (HJ 633, GB 3838, GB 3096, GB 15618, fixed, rate, seasonal)."""

from __future__ import annotations

import datetime as dt

import pytest

from grassroots.environment import rules
from grassroots.environment.models import Aggregate, Aggregation, Alert, Quality, Rule, RuleKind, StationKind
from grassroots.environment.tests.rules_world import TZ, hours_ago, only, station, stream, write

pytestmark = pytest.mark.django_db


def rule(kind, code=None, params=None, **fields) -> Rule:
    from grassroots.environment.models import ObservedProperty

    prop = ObservedProperty.objects.get(code=code) if code else None
    made = Rule.objects.create(name=f"t-{kind}", kind=kind, property=prop, params=params or {}, **fields)
    only(made)
    return made


def fired(ds, readings) -> list[float]:
    """Run the batch and return the peak of the alert it raised (or nothing)."""
    outcome = rules.evaluate_batch(write(ds, readings))
    assert outcome.failures == 0
    return [a.peak_value for a in Alert.objects.filter(station=ds.station)]


def at_local(hour: int, days_ago: int = 1) -> dt.datetime:
    day = (dt.datetime.now(TZ) - dt.timedelta(days=days_ago)).date()
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=TZ)


def test_pm25_exceeds_above_75_under_hj633_2012(cast):
    rule(RuleKind.EXCEEDANCE, "pm25")
    ds = stream(station(cast.G1), "pm25")
    assert fired(ds, [(hours_ago(3), 75.0)]) == []  # at the breakpoint: IAQI 100, not above
    assert fired(ds, [(hours_ago(2), 76.0)]) == [76.0]
    alert = Alert.objects.get()
    assert "75" in alert.summary and "HJ633-2012" in alert.summary


def test_pm25_limit_is_60_under_hj633_2026(cast, settings):
    settings.ENVIRONMENT_AQI_STANDARD = "HJ633-2026"
    rule(RuleKind.EXCEEDANCE, "pm25")
    ds = stream(station(cast.G1), "pm25")
    assert fired(ds, [(hours_ago(3), 60.0)]) == []
    assert fired(ds, [(hours_ago(2), 61.0)]) == [61.0]


def test_so2_hourly_uses_the_1h_column_and_daily_the_24h_column(cast):
    rule(RuleKind.EXCEEDANCE, "so2")
    hourly = stream(station(cast.G1, "aq-h"), "so2")
    daily = stream(station(cast.G1, "aq-d"), "so2", aggregation=Aggregation.DAILY_MEAN)
    assert fired(hourly, [(hours_ago(2), 500.0)]) == []  # 1 h: IAQI 100 at 500 µg/m³
    assert fired(daily, [(hours_ago(2), 151.0)]) == [151.0]  # 24 h: IAQI 100 at 150 µg/m³


def test_o3_8h_mean_is_judged_on_the_8h_column(cast):
    rule(RuleKind.EXCEEDANCE, "o3")
    eight = stream(station(cast.G1, "aq-8"), "o3", aggregation=Aggregation.MOVING_8H)
    hourly = stream(station(cast.G1, "aq-1"), "o3")
    assert fired(eight, [(hours_ago(2), 161.0)]) == [161.0]  # 8 h: 160
    assert fired(hourly, [(hours_ago(2), 161.0)]) == []  # 1 h: 200


def test_suspect_readings_are_not_judged_as_pollution(cast):
    rule(RuleKind.EXCEEDANCE, "pm25")
    ds = stream(station(cast.G1), "pm25")
    rules.evaluate_batch(write(ds, [(hours_ago(2), 300.0)], quality=Quality.SUSPECT))
    assert not Alert.objects.exists()


def test_water_worse_than_its_target_class(cast):
    rule(RuleKind.EXCEEDANCE, station_kind=StationKind.WATER)
    site = station(cast.G1, "ws-1", StationKind.WATER, water_target="III")
    codmn, do, ph = stream(site, "codmn"), stream(site, "do"), stream(site, "ph")
    assert fired(codmn, [(hours_ago(4), 6.0)]) == []  # III: CODMn ≤ 6
    assert fired(codmn, [(hours_ago(3), 6.1)]) == [6.1]  # IV
    assert "IV类" in Alert.objects.get().summary
    Alert.objects.all().delete()
    assert fired(do, [(hours_ago(3), 4.9)]) == [4.9]  # III needs DO ≥ 5: IV
    Alert.objects.all().delete()
    assert fired(ph, [(hours_ago(3), 9.2)]) == [9.2]  # outside 6–9: 劣V


def test_water_without_a_target_class_is_not_judged(cast):
    rule(RuleKind.EXCEEDANCE, station_kind=StationKind.WATER)
    ds = stream(station(cast.G1, "ws-2", StationKind.WATER), "nh3n")
    assert fired(ds, [(hours_ago(3), 5.0)]) == []


def test_noise_day_and_night_limits_of_zone_2(cast):
    rule(RuleKind.EXCEEDANCE, station_kind=StationKind.NOISE)
    site = station(cast.G1, "ns-1", StationKind.NOISE, noise_zone="2")
    leq, lmax = stream(site, "leq"), stream(site, "lmax")
    assert fired(leq, [(at_local(10), 60.0)]) == []  # day limit 60
    assert fired(leq, [(at_local(11), 60.5)]) == [60.5]
    Alert.objects.all().delete()
    assert fired(leq, [(at_local(23, 2), 50.5)]) == [50.5]  # night limit 50
    Alert.objects.all().delete()
    assert fired(lmax, [(at_local(23, 3), 65.0)]) == []  # night Lmax: 50 + 15 (§5.4)
    assert fired(lmax, [(at_local(2, 3), 65.1)]) == [65.1]


def test_soil_screening_by_ph_band_and_land_use(cast):
    rule(RuleKind.EXCEEDANCE, station_kind=StationKind.SOIL, params={"level": "screening"})
    other = station(cast.G1, "sl-1", StationKind.SOIL, soil_land_use="other")
    paddy = station(cast.G1, "sl-2", StationKind.SOIL, soil_land_use="paddy")
    for site in (other, paddy):
        write(stream(site, "soil_ph"), [(hours_ago(10), 7.0)])  # band 6.5–7.5
    assert fired(stream(other, "cd"), [(hours_ago(5), 0.31)]) == [0.31]  # other land: Cd 0.3
    assert fired(stream(paddy, "cd"), [(hours_ago(5), 0.55)]) == []  # paddy: Cd 0.6


def test_soil_intervention_value(cast):
    rule(RuleKind.EXCEEDANCE, station_kind=StationKind.SOIL, params={"level": "intervention"})
    site = station(cast.G1, "sl-3", StationKind.SOIL, soil_land_use="other")
    write(stream(site, "soil_ph"), [(hours_ago(10), 7.0)])
    cd = stream(site, "cd")
    assert fired(cd, [(hours_ago(6), 3.0)]) == []  # Table 3, pH 6.5–7.5: 3.0
    assert fired(cd, [(hours_ago(5), 3.1)]) == [3.1]


def test_fixed_threshold(cast):
    rule(RuleKind.THRESHOLD, "cod", {"op": ">", "value": 100})
    ds = stream(station(cast.G1, "dc-1", StationKind.DISCHARGE), "cod")
    assert fired(ds, [(hours_ago(3), 100.0)]) == []
    assert fired(ds, [(hours_ago(2), 100.5)]) == [100.5]


def test_rate_of_change_within_the_window(cast):
    rule(RuleKind.RATE, "pm25", {"delta": 50, "window_minutes": 60})
    ds = stream(station(cast.G1), "pm25")
    write(ds, [(hours_ago(3), 30.0)])
    assert fired(ds, [(hours_ago(2), 70.0)]) == []  # +40 within the hour
    assert fired(ds, [(hours_ago(1), 125.0)]) == [125.0]  # 125 − 70 = +55 ≥ 50
    assert Alert.objects.get().summary.endswith("（限 50）")


def test_rate_ignores_readings_outside_the_window(cast):
    rule(RuleKind.RATE, "pm25", {"delta": 50, "window_minutes": 60})
    ds = stream(station(cast.G1), "pm25")
    write(ds, [(hours_ago(3), 10.0)])
    assert fired(ds, [(hours_ago(1), 100.0)]) == []  # 2 h earlier: outside the window


def test_seasonal_anomaly_against_the_same_hour_of_previous_days(cast):
    rule(RuleKind.SEASONAL, "pm25", {"z": 3, "weeks": 1, "min_samples": 7, "by": "hour"})
    ds = stream(station(cast.G1), "pm25")
    now_hour = hours_ago(1)
    # The same hour on each of the 7 previous days: mean 40, sample sd √(10/6) = 1.291.
    for k, mean in enumerate((40, 42, 38, 41, 39, 40, 40), start=1):
        start = now_hour - dt.timedelta(days=k)
        Aggregate.objects.create(
            datastream=ds, period="hour", start=start, count=1, total=mean, minimum=mean, maximum=mean
        )
    assert fired(ds, [(now_hour, 43.0)]) == []  # z = 3 / 1.291 = 2.32
    assert fired(ds, [(now_hour + dt.timedelta(minutes=30), 44.0)]) == [44.0]  # z = 4 / 1.291 = 3.10
    assert "z=3.10" in Alert.objects.get().summary


def test_seasonal_needs_min_samples(cast):
    rule(RuleKind.SEASONAL, "pm25", {"z": 3, "weeks": 1, "min_samples": 7})
    ds = stream(station(cast.G1), "pm25")
    now_hour = hours_ago(1)
    for k in (1, 2, 3):
        start = now_hour - dt.timedelta(days=k)
        Aggregate.objects.create(
            datastream=ds, period="hour", start=start, count=1, total=40 + k, minimum=40, maximum=43
        )
    assert fired(ds, [(now_hour, 400.0)]) == []


def test_seasonal_falls_back_to_observations_before_the_rollup(cast):
    rule(RuleKind.SEASONAL, "pm25", {"z": 3, "weeks": 1, "min_samples": 7})
    ds = stream(station(cast.G1), "pm25")
    now_hour = hours_ago(1)
    write(ds, [(now_hour - dt.timedelta(days=k), v) for k, v in enumerate((40, 42, 38, 41, 39, 40, 40), start=1)])
    assert fired(ds, [(now_hour, 44.0)]) == [44.0]
