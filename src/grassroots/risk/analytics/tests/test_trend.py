"""Anomalies and change points on series whose answer is known: fixed seeds, and small cases worked by hand."""

import math

import numpy as np
import pytest

from grassroots.risk.analytics.trend import Anomaly, ChangePoint, change_points, dispersion, seasonal_anomalies


def test_it_flags_exactly_the_spike_in_a_flat_series():
    x = np.random.default_rng(7).poisson(20, 120).astype(float)
    x[90] = 60
    (hit,) = seasonal_anomalies(x)
    same_weekday = x[[90 - 7 * k for k in range(1, 9)]]
    median = np.median(same_weekday)
    scale = max(1.4826 * np.median(np.abs(same_weekday - median)), math.sqrt(median))
    assert (hit.index, hit.value, hit.expected) == (90, 60.0, median)
    assert hit.expected == pytest.approx(20, abs=3)
    assert hit.z == pytest.approx((60 - median) / scale)


def test_it_does_not_flag_quiet_weekends_against_the_same_weekday():
    week = np.array([30, 30, 30, 30, 30, 8, 8], dtype=float)
    x = np.random.default_rng(11).poisson(np.tile(week, 20)).astype(float)
    assert seasonal_anomalies(x) == []
    # Against the previous eight days instead of the same weekday, the weekends are what gets flagged.
    naive = seasonal_anomalies(x, period=1)
    assert naive and all(a.index % 7 in (5, 6) for a in naive)


def test_it_uses_the_mad_when_wider_than_the_poisson_floor():
    # Same phase (period 2) before day 6: 10, 16, 4 → median 10, MAD median(0, 6, 6) = 6.
    # Scale 1.4826 · 6 = 8.8956 > √10, so z = (30 − 10) / 8.8956 = 2.2483. Day 7: zeros → z = 0.
    hits = seasonal_anomalies([10, 0, 16, 0, 4, 0, 30, 0], period=2, lookback=3, threshold=2.0)
    assert hits == [Anomaly(6, 30.0, 10.0, pytest.approx(2.2483, abs=1e-4))]


def test_it_floors_the_scale_at_the_poisson_sd():
    # Before day 6: 10, 12, 8 → median 10, MAD 2, 1.4826 · 2 = 2.965 < √10 = 3.162: z = 10 / √10 = √10.
    (hit,) = seasonal_anomalies([10, 0, 12, 0, 8, 0, 20, 0], period=2, lookback=3, threshold=3.0)
    assert (hit.index, hit.expected) == (6, 10.0)
    assert hit.z == pytest.approx(math.sqrt(10))


def test_it_floors_the_scale_at_min_scale_on_zeros():
    x = [0, 0, 0, 0, 0, 0, 4]  # median and MAD of the three earlier days are 0
    assert seasonal_anomalies(x, period=1, lookback=3, threshold=3.5)[0].z == 4.0
    assert seasonal_anomalies(x, period=1, lookback=3, threshold=3.5, min_scale=2.0) == []


def test_it_reports_falls_as_negative_z():
    x = [20.0] * 8 + [0.0]
    (hit,) = seasonal_anomalies(x, period=1, lookback=8)
    assert (hit.index, hit.z) == (8, pytest.approx(-20 / math.sqrt(20)))


def test_it_needs_lookback_periods_before_judging():
    assert seasonal_anomalies([5.0] * 55 + [500.0]) == []  # day 55 has only 7 earlier same weekdays
    assert [a.index for a in seasonal_anomalies([5.0] * 56 + [500.0])] == [56]  # day 56 has 8: 0, 7, …, 49


@pytest.mark.parametrize("bad", [[1, -1, 2], [1, float("nan"), 2], [[1, 2], [3, 4]]])
def test_it_rejects_bad_counts(bad):
    with pytest.raises(ValueError, match="counts"):
        seasonal_anomalies(bad)
    with pytest.raises(ValueError, match="counts"):
        change_points(bad)


def test_it_finds_a_step_from_10_to_25():
    rng = np.random.default_rng(3)
    x = np.concatenate([rng.poisson(10, 100), rng.poisson(25, 100)]).astype(float)
    (point,) = change_points(x)
    assert abs(point.index - 100) <= 3
    assert point.before == pytest.approx(10, abs=1.0) and point.after == pytest.approx(25, abs=1.5)
    assert point.before == x[: point.index].mean() and point.after == x[point.index :].mean()


def test_it_finds_a_rise_and_a_fall_in_order():
    rng = np.random.default_rng(4)
    x = np.concatenate([rng.poisson(10, 90), rng.poisson(25, 60), rng.poisson(10, 90)])
    points = change_points(x)
    assert [p.index for p in points] == [pytest.approx(90, abs=3), pytest.approx(150, abs=3)]
    assert points[0].after == points[1].before


def test_it_finds_no_change_in_poisson_noise():
    assert change_points(np.random.default_rng(5).poisson(20, 365)) == []


def test_it_does_not_cut_overdispersed_noise():
    rng = np.random.default_rng(5)
    x = rng.poisson(rng.gamma(4, 5, 365))  # mean 20, variance 20 + 100: dispersion 6
    phi = dispersion(x)
    assert 3 < phi < 9
    assert change_points(x) == []
    # The same test without the dispersion scaling would report changes that are not there.
    assert change_points(x, penalty=3 * math.log(365) / phi) != []


def test_it_splits_zeros_from_tens_by_hand():
    # Gain of the cut at 5: cost(50, 10) − cost(0, 5) − cost(50, 5) = −100 ln 5 − 0 + 100 ln 10 = 100 ln 2.
    x = [0] * 5 + [10] * 5
    assert change_points(x, min_size=2) == [ChangePoint(5, 0.0, 10.0)]
    assert change_points(x, min_size=2, penalty=100 * math.log(2) - 0.01) == [ChangePoint(5, 0.0, 10.0)]
    assert change_points(x, min_size=2, penalty=100 * math.log(2) + 0.01) == []


def test_its_default_penalty_is_three_log_n():
    # Cut at 5 of 1,1,1,1,1,3,3,3,3,3: gain −40 ln 2 + 30 ln 3 = 5.23, between 2 ln 10 = 4.61 and 3 ln 10 = 6.91.
    x = [1] * 5 + [3] * 5
    assert change_points(x, min_size=2) == []
    assert change_points(x, min_size=2, penalty=2 * math.log(10)) == [ChangePoint(5, 1.0, 3.0)]


def test_it_keeps_segments_at_least_min_size_long():
    x = [0] * 5 + [10] * 5
    assert change_points(x, min_size=6) == []
    assert change_points([0] * 40, min_size=2) == []  # all zeros: no gain anywhere, no NaN
