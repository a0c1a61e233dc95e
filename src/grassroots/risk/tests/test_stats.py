"""The statistics, on series whose answer is known (fixed seeds) and on small cases worked by hand."""

import numpy as np
import pandas as pd
import pytest

from grassroots.risk.stats import drivers, forecast, trend


def test_a_spike_is_flagged_against_the_same_weekday():
    x = np.array([20.0] * 70)
    x[-1] = 60
    (hit,) = trend.seasonal_anomalies(x)
    # Median 20, MAD 0, so the scale is the Poisson floor √20 ≈ 4.47: z = 40 / 4.47 ≈ 8.94.
    assert (hit.index, hit.value, hit.expected) == (69, 60.0, 20.0)
    assert hit.z == pytest.approx(40 / np.sqrt(20))


def test_quiet_weekends_are_not_anomalies():
    rng = np.random.default_rng(1)
    week = np.array([30, 30, 30, 30, 30, 8, 8], dtype=float)
    x = rng.poisson(np.tile(week, 20)).astype(float)
    assert trend.seasonal_anomalies(x) == []


def test_the_z_score_uses_the_mad_when_it_is_wider_than_poisson():
    history = [10, 12, 30, 14, 16, 40, 18, 20]  # one value per week, same weekday; median 17, MAD 4
    x = np.zeros(57)
    x[0:56:7] = history
    x[56] = 60
    hits = [a for a in trend.seasonal_anomalies(x) if a.index == 56]
    assert hits and hits[0].expected == 17 and hits[0].z == pytest.approx((60 - 17) / (1.4826 * 4))


def test_a_step_is_found_and_noise_is_not():
    rng = np.random.default_rng(2)
    step = np.concatenate([rng.poisson(10, 100), rng.poisson(25, 80)]).astype(float)
    (point,) = trend.change_points(step)
    assert (
        abs(point.index - 100) <= 3
        and point.before == pytest.approx(10, abs=1)
        and point.after == pytest.approx(25, abs=1.5)
    )
    assert trend.change_points(rng.poisson(15, 200).astype(float)) == []
    with pytest.raises(ValueError):
        trend.change_points([1, -1, 2])


def simulated_grids(n=400, overdispersed=False, seed=3):
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "population": rng.integers(300, 3000, n),
            "rental_share": rng.uniform(0.05, 0.5, n),
            "elderly_share": rng.uniform(0.1, 0.4, n),
            "noise": rng.normal(0, 1, n),
        }
    )
    rate = np.exp(-5 + 2.0 * frame.rental_share + 1.0 * frame.elderly_share) * frame.population
    if overdispersed:
        rate = rate * rng.gamma(2.0, 0.5, n)
    frame["cases"] = rng.poisson(rate)
    return frame


def test_drivers_recover_known_effects_and_say_so_plainly():
    model = drivers.fit_drivers(
        simulated_grids(),
        features=["rental_share", "elderly_share", "noise"],
        labels={"rental_share": ("出租房占比", "rental share")},
        units={"rental_share": 0.1, "elderly_share": 0.1},
    )
    assert model.family == "poisson"
    found = {d.feature: d for d in model.drivers}
    assert found["rental_share"].ci_low < 2.0 < found["rental_share"].ci_high
    assert found["elderly_share"].ci_low < 1.0 < found["elderly_share"].ci_high
    assert not found["noise"].significant and "无明显关联" in found["noise"].plain_zh
    expected = f"{(np.exp(found['rental_share'].coefficient * 0.1) - 1) * 100:.0f}%"
    assert found["rental_share"].plain_zh.startswith(f"出租房占比每增加 10 个百分点，每千人事件数约增加 {expected}")


def test_overdispersed_counts_switch_to_negative_binomial():
    model = drivers.fit_drivers(simulated_grids(overdispersed=True), features=["rental_share", "elderly_share"])
    assert model.family == "negative_binomial" and model.dispersion > 1.5


def test_drivers_refuse_unusable_data():
    frame = simulated_grids(20)
    for bad, features in (
        (frame.drop(columns="cases"), ["rental_share"]),
        (frame.assign(population=0), ["rental_share"]),
        (frame.assign(rental_share=0.2), ["rental_share"]),
        (frame.head(3), ["rental_share", "elderly_share"]),
    ):
        with pytest.raises(ValueError):
            drivers.fit_drivers(bad, features=features)


def test_seasonal_naive_repeats_last_season_worked_by_hand():
    result = forecast.seasonal_naive([1, 2, 3, 4, 5, 6, 7, 8, 9], 3, season=4)
    assert list(result.mean) == [6, 7, 8]  # the values one season (4 steps) before each target


def test_mase_is_scaled_by_in_sample_seasonal_naive():
    # Scale with season 4 over [1..12]: every seasonal difference is 4, so MAE = 4.
    assert forecast._scale(np.arange(1.0, 13.0), 4) == 4.0


def test_the_model_beats_seasonal_naive_on_a_seasonal_trending_series():
    rng = np.random.default_rng(4)
    t = np.arange(156)
    y = rng.poisson(40 * (1 + 0.3 * np.sin(2 * np.pi * t / forecast.YEAR_WEEKS)) * (1 + 0.002 * t)).astype(float)
    result = forecast.backtest(y, horizon=4, origins=12)
    assert result.mase < result.naive_mase
    assert 0.75 <= result.coverage <= 1.0
    f = forecast.forecast(y, 4)
    assert np.all(f.low <= f.mean) and np.all(f.mean <= f.high) and np.all(f.mean >= 0)
    with pytest.raises(ValueError):
        forecast.forecast(y[:5], 4)
