"""Forecasts and backtests: small cases worked by hand, and a simulated street whose truth is known."""

import math

import numpy as np
import pytest
from scipy import stats

from grassroots.risk.analytics.forecast import backtest, backtest_many, forecast, mase, seasonal_naive

Z90 = 1.6448536269514722  # Φ⁻¹(0.95): the two-sided 90% normal quantile


def weekly(seed: int, weeks: int = 156) -> tuple[np.ndarray, np.ndarray]:
    """Three years of weekly Poisson counts: ~30 a week, growing 0.4% a week, annual cycle of ±35%."""
    t = np.arange(weeks)
    rate = np.exp(np.log(30) + 0.004 * t + 0.35 * np.sin(2 * np.pi * t / 52) + 0.15 * np.cos(4 * np.pi * t / 52))
    return np.random.default_rng(seed).poisson(rate).astype(float), rate


def test_seasonal_naive_repeats_the_last_season_by_hand():
    history = [2, 4, 6, 4, 3, 5, 7, 5, 4, 5, 9, 6]
    result = seasonal_naive(history, 6, season=4, level=0.9)
    # Lag-4 differences: 1, 1, 1, 1, 1, 0, 2, 1 → σ = √(10 / 8) = 1.1180. Steps 5–6 are a season further: √2.
    sigma = math.sqrt(10 / 8)
    spread = Z90 * sigma * np.array([1, 1, 1, 1, math.sqrt(2), math.sqrt(2)])
    assert result.method == "seasonal_naive"
    np.testing.assert_array_equal(result.mean, [4, 5, 9, 6, 4, 5])
    np.testing.assert_allclose(result.low, [2.1610, 3.1610, 7.1610, 4.1610, 1.3993, 2.3993], atol=1e-4)
    np.testing.assert_allclose(result.high, result.mean + spread)


def test_seasonal_naive_falls_back_to_the_last_value_without_a_full_season():
    result = seasonal_naive([3, 5, 4, 6, 5, 7, 6, 8], 3)  # 8 weeks < 52
    # Lag-1 differences 2, −1, 2, −1, 2, −1, 2 → σ = √(19 / 7); the naive interval widens with √h.
    assert result.method == "naive"
    np.testing.assert_array_equal(result.mean, [8, 8, 8])
    np.testing.assert_allclose(result.high - result.mean, Z90 * math.sqrt(19 / 7) * np.sqrt([1, 2, 3]))


def test_seasonal_naive_intervals_do_not_go_below_zero():
    result = seasonal_naive([0, 9, 0, 9, 9, 0, 9, 0], 2, season=2)
    assert result.low.min() == 0


def test_mase_by_hand():
    # Seasonal (m = 4) in-sample MAE of the training data: |2−1|, |4−2|, |6−3|, |8−4| → 2.5.
    assert mase([5, 7], [4, 9], [1, 2, 3, 4, 2, 4, 6, 8], season=4) == pytest.approx((1 + 2) / 2 / 2.5)
    # Not longer than a season: lag-1 naive, |3−1|, |2−3| → 1.5.
    assert mase([4], [1], [1, 3, 2], season=4) == pytest.approx(3 / 1.5)
    assert math.isnan(mase([4], [1], [2, 2, 2, 2, 2], season=2))


def test_backtest_scores_seasonal_naive_by_hand():
    y = [1, 2, 3, 4, 2, 4, 6, 8, 4, 5]
    result = backtest(y, horizon=1, origins=2, season=4)
    # Origin 8: scale 2.5 (as above), naive says y[4] = 2 for an actual 4: scaled 0.8, 50%.
    # Origin 9: lag-4 differences 1, 2, 3, 4, 2 → scale 2.4; naive says y[5] = 4 for 5: scaled 1/2.4, 20%.
    assert (result.horizon, result.origins) == (1, 2)
    assert result.naive_mase == pytest.approx((0.8 + 1 / 2.4) / 2)
    assert result.naive_mape == pytest.approx(35.0)


def test_backtest_computes_mape_over_positive_actuals_only():
    y = [1, 2, 3, 4, 2, 4, 6, 8, 0, 5]  # the zero at origin 8 has no percentage error
    result = backtest(y, horizon=1, origins=2, season=4)
    assert result.naive_mape == pytest.approx(20.0)
    # MASE still counts the zero: |0 − 2| / 2.5 at origin 8; origin 9 differences 1, 2, 3, 4, |0 − 2| → 2.4.
    assert result.naive_mase == pytest.approx((2 / 2.5 + 1 / 2.4) / 2)


def test_forecast_tracks_a_seasonal_trending_series():
    y, rate = weekly(42)
    result = forecast(y[:-4], 4, level=0.9)
    assert result.method == "poisson_glm" and result.level == 0.9
    np.testing.assert_allclose(result.mean, rate[-4:], rtol=0.1)
    assert np.all(result.low <= result.mean) and np.all(result.mean <= result.high)
    assert np.all(result.low >= 0)
    # Wider at 90% than Poisson noise alone, as it includes the uncertainty of the fitted mean.
    assert np.all(result.high - result.low >= 2 * Z90 * np.sqrt(result.mean) - 2)


def test_forecast_beats_seasonal_naive_in_the_backtest_with_calibrated_intervals():
    y, _ = weekly(42)
    result = backtest(y, horizon=4, origins=26, level=0.9)
    assert (result.horizon, result.origins) == (4, 26)
    assert result.mase < 0.75 * result.naive_mase
    assert result.mape < result.naive_mape
    assert 0.75 <= result.coverage <= 0.99


def test_forecast_of_a_short_history_uses_level_and_trend_only():
    y, _ = weekly(1, weeks=20)
    result = forecast(y, 3)
    assert result.method == "poisson_glm"
    assert np.all(result.mean > 0) and np.all(result.low <= result.mean) and np.all(result.mean <= result.high)


def test_forecast_intervals_include_the_uncertainty_of_the_mean():
    # Eight quiet weeks (dispersion < 1, so count noise alone is Poisson): a trend fitted to so little data
    # is uncertain, and twelve weeks out that uncertainty is most of the interval.
    result = forecast([10, 12, 9, 11, 10, 8, 12, 10], 12)
    poisson = stats.poisson.ppf([0.05, 0.95], result.mean[-1])
    assert np.all(np.diff(result.high - result.low) >= 0)
    assert (result.high[-1] - result.low[-1]) >= (poisson[1] - poisson[0]) + 4


def test_forecast_caps_a_trend_fitted_to_a_sparse_start():
    # Uncapped, the log-linear trend through 0, …, 0, 1, 3 forecasts ~16, 80, 400, 2000.
    result = forecast([0, 0, 0, 0, 0, 0, 1, 3], 4)
    assert result.method == "poisson_glm"
    assert result.mean.max() < 7  # at most twice the fitted last week (≈ 3.2)


def test_forecast_of_no_cases_is_zero():
    result = forecast(np.zeros(30), 2)
    assert result.method == "zero"
    np.testing.assert_array_equal(np.concatenate([result.mean, result.low, result.high]), np.zeros(6))


def test_backtest_many_pools_scaled_errors_and_skips_short_series():
    a, b = weekly(1)[0], weekly(2)[0]
    one, two = backtest(a), backtest(b)
    pooled = backtest_many([a, b, np.ones(10)])  # 10 weeks < 8 + 4: skipped
    assert pooled.origins == one.origins + two.origins == 24
    assert pooled.mase == pytest.approx((one.mase + two.mase) / 2)  # equal numbers of errors each
    assert pooled.coverage == pytest.approx((one.coverage + two.coverage) / 2)
    assert math.isnan(backtest_many([np.ones(10)]).mase)


@pytest.mark.parametrize(
    ("history", "horizon", "message"),
    [
        ([3, 4, -1, 5, 6, 7, 8, 9], 1, "must not be negative"),
        ([3, 4, float("nan"), 5, 6, 7, 8, 9], 1, "NaN"),
        ([3, 4, 5, 5, 6, 7, 8, 9], 0, "horizon must be at least 1"),
        ([3, 4, 5, 5, 6, 7, 8], 1, "at least 8 weeks"),
    ],
)
def test_it_refuses_bad_input(history, horizon, message):
    for call in (forecast, seasonal_naive):
        with pytest.raises(ValueError, match=message):
            call(history, horizon)
    with pytest.raises(ValueError, match=message):
        backtest(history, horizon=max(horizon, 0))


def test_backtest_refuses_a_history_too_short_to_test():
    with pytest.raises(ValueError, match="at least 12 weeks"):
        backtest(np.ones(11), horizon=4)
    with pytest.raises(ValueError, match="must not be negative"):
        backtest_many([np.ones(20), -np.ones(20)])
