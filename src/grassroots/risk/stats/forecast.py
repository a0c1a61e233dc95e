"""Weekly case volume forecasts with intervals, and a rolling-origin backtest against seasonal naive.

The model is a Poisson GLM on the last (up to) three years of weeks: level, linear trend and K = 3 annual
Fourier pairs (period 365.25/7 weeks; Hyndman & Athanasopoulos, FPP3 §7.4 "Fourier terms") when at least
one and a half years are known, else level and trend only. Intervals are negative binomial quantiles with
the fitted mean and the Pearson dispersion, so they widen for overdispersed series. The baseline is the
seasonal naive method (FPP3 §5.2): the value one year earlier. Errors are MASE (Hyndman & Koehler 2006),
scaled by the in-sample MAE of seasonal naive, and MAPE over weeks with a non-zero actual (MAPE is
undefined at zero).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import statsmodels.api as sm
from scipy import stats

SEASON = 52
YEAR_WEEKS = 365.25 / 7
MIN_HISTORY = 8
WINDOW = 156


@dataclass(frozen=True)
class Forecast:
    mean: np.ndarray
    low: np.ndarray
    high: np.ndarray
    level: float
    method: str


@dataclass(frozen=True)
class Backtest:
    horizon: int
    origins: int
    mase: float
    mape: float
    naive_mase: float
    naive_mape: float
    coverage: float


def _history(history, horizon: int) -> np.ndarray:
    y = np.asarray(history, dtype=float)
    if y.ndim != 1 or not np.all(np.isfinite(y)) or np.any(y < 0):
        raise ValueError("历史数据须为非负有限数 / history must be non-negative finite numbers")
    if horizon < 1:
        raise ValueError("预测步数至少为 1 / horizon must be at least 1")
    if len(y) < MIN_HISTORY:
        raise ValueError(f"历史数据至少需要 {MIN_HISTORY} 周 / at least {MIN_HISTORY} weeks of history")
    return y


def _nb_interval(mean: np.ndarray, dispersion: float, level: float) -> tuple[np.ndarray, np.ndarray]:
    tail = (1 - level) / 2
    mean = np.maximum(mean, 1e-9)
    if dispersion <= 1.0 + 1e-9:
        return stats.poisson.ppf(tail, mean), stats.poisson.ppf(1 - tail, mean)
    n, p = mean / (dispersion - 1.0), 1.0 / dispersion  # NB with variance = dispersion × mean
    return stats.nbinom.ppf(tail, n, p), stats.nbinom.ppf(1 - tail, n, p)


def seasonal_naive(history, horizon: int, *, season: int = SEASON, level: float = 0.9) -> Forecast:
    y = _history(history, horizon)
    lag = season if len(y) > season else 1
    steps = np.arange(horizon)
    mean = y[len(y) - lag + steps % lag]
    residuals = y[lag:] - y[:-lag]
    sd = float(np.std(residuals)) if len(residuals) > 1 else float(np.sqrt(max(y.mean(), 1.0)))
    # FPP3 table 5.2: the h-step sd of seasonal naive is σ √(k + 1), k = complete seasons before step h.
    spread = stats.norm.ppf(0.5 + level / 2) * sd * np.sqrt(steps // lag + 1)
    return Forecast(mean, np.maximum(mean - spread, 0), mean + spread, level, "seasonal_naive")


def _design(t: np.ndarray, seasonal: bool) -> np.ndarray:
    columns = [np.ones_like(t), t / YEAR_WEEKS]
    if seasonal:
        for k in (1, 2, 3):
            angle = 2 * np.pi * k * t / YEAR_WEEKS
            columns += [np.sin(angle), np.cos(angle)]
    return np.column_stack(columns)


def forecast(history, horizon: int, *, season: int = SEASON, level: float = 0.9) -> Forecast:
    y = _history(history, horizon)[-WINDOW:]
    t = np.arange(len(y), dtype=float)
    seasonal = len(y) >= 1.5 * season
    x = _design(t, seasonal)
    future = _design(np.arange(len(y), len(y) + horizon, dtype=float), seasonal)
    if y.sum() == 0:
        zeros = np.zeros(horizon)
        return Forecast(zeros, zeros, zeros, level, "poisson_glm")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            result = sm.GLM(y, x, family=sm.families.Poisson()).fit()
        except (np.linalg.LinAlgError, ValueError):
            return seasonal_naive(y, horizon, season=season, level=level)
    mean = np.asarray(result.predict(future), dtype=float)
    if not np.all(np.isfinite(mean)):
        return seasonal_naive(y, horizon, season=season, level=level)
    dispersion = max(1.0, float(result.pearson_chi2 / max(result.df_resid, 1)))
    low, high = _nb_interval(mean, dispersion, level)
    return Forecast(mean, np.minimum(low, mean), np.maximum(high, mean), level, "poisson_glm")


def _scale(train: np.ndarray, season: int) -> float:
    lag = season if len(train) > season else 1
    mae = float(np.mean(np.abs(train[lag:] - train[:-lag])))
    return mae if mae > 0 else 1.0


def _errors(y: np.ndarray, *, horizon: int, origins: int, season: int, level: float):
    model, naive, model_pct, naive_pct, inside = [], [], [], [], []
    first = max(MIN_HISTORY, len(y) - horizon - origins + 1)
    for origin in range(first, len(y) - horizon + 1):
        train, actual = y[:origin], y[origin : origin + horizon]
        scale = _scale(train, season)
        ours, base = forecast(train, horizon, season=season, level=level), seasonal_naive(train, horizon, season=season)
        model += list(np.abs(actual - ours.mean) / scale)
        naive += list(np.abs(actual - base.mean) / scale)
        nonzero = actual > 0
        model_pct += list(np.abs(actual - ours.mean)[nonzero] / actual[nonzero])
        naive_pct += list(np.abs(actual - base.mean)[nonzero] / actual[nonzero])
        inside += list((actual >= ours.low) & (actual <= ours.high))
    return model, naive, model_pct, naive_pct, inside


def _summarise(parts, horizon: int, origins: int) -> Backtest:
    model, naive, model_pct, naive_pct, inside = parts

    def mean(values):
        return float(np.mean(values)) if values else float("nan")

    return Backtest(horizon, origins, mean(model), mean(model_pct), mean(naive), mean(naive_pct), mean(inside))


def backtest(history, *, horizon: int = 4, origins: int = 12, season: int = SEASON, level: float = 0.9) -> Backtest:
    y = _history(history, horizon)
    return _summarise(_errors(y, horizon=horizon, origins=origins, season=season, level=level), horizon, origins)


def backtest_many(
    series: Iterable, *, horizon: int = 4, origins: int = 12, season: int = SEASON, level: float = 0.9
) -> Backtest:
    """Pool the scaled and percentage errors of many series (each street × category) into one figure."""
    pooled: tuple[list, ...] = ([], [], [], [], [])
    for one in series:
        y = np.asarray(one, dtype=float)
        if len(y) < MIN_HISTORY + horizon:
            continue
        for bucket, values in zip(
            pooled, _errors(y, horizon=horizon, origins=origins, season=season, level=level), strict=True
        ):
            bucket.extend(values)
    return _summarise(pooled, horizon, origins)
