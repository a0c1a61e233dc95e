"""Weekly case volume forecasts with intervals, and a rolling-origin backtest against seasonal naive.

The model is a Poisson GLM (log link) on the last two seasons at most: level, linear trend and, once one
and a half seasons are known, K = 3 annual Fourier pairs (Hyndman & Athanasopoulos, FPP3 §7.4 and §10.5
"dynamic harmonic regression"). Smooth Fourier terms estimate the seasonal shape from all weeks at once;
seasonal naive copies one noisy week from a year ago, which doubles the variance of its error on Poisson
data. Two seasons keep the trend local (a platform's usage changes) while still pinning the shape, and
the trend's extrapolation is capped (MAX_TREND). The window, K and the cap were chosen by backtests on
simulated streets (trend, level shift, sparse, overdispersed, young series): each beat seasonal naive.

Intervals are quantiles of a negative binomial matched to the predictive mean and variance, which adds
the uncertainty of the fitted mean (delta method on the log scale) to the count noise (Pearson dispersion
φ, so overdispersed series get wider intervals): Var = φμ + μ²(exp(s²) − 1).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import statsmodels.api as sm
from scipy import stats

from grassroots.risk.analytics.series import count_series

SEASON = 52
MIN_HISTORY = 8  # weeks; fewer cannot separate a level from a trend from noise
WINDOW_SEASONS = 2
HARMONICS = 3
# A linear trend on the log scale compounds: fitted to a short or sparse history (0, 0, 0, 1, 3) it would
# multiply the forecast tenfold in a month. So the trend alone may at most double or halve the forecast
# over the horizon; a real change that fast shows up in the next refit, not in an extrapolation.
MAX_TREND = math.log(2.0)
HISTORY = ("历史数据", "history")  # the argument's name in error messages


@dataclass(frozen=True)
class Forecast:
    mean: np.ndarray
    low: np.ndarray
    high: np.ndarray
    level: float
    method: str  # "poisson_glm", "seasonal_naive", "naive" or "zero"


@dataclass(frozen=True)
class Backtest:
    horizon: int
    origins: int  # forecasts evaluated (summed over series in backtest_many)
    mase: float
    mape: float  # percent, over actuals > 0 only
    naive_mase: float
    naive_mape: float
    coverage: float  # share of actuals inside the model's intervals


def _history(history: Sequence[float] | np.ndarray, horizon: int) -> np.ndarray:
    y = count_series(history, name=HISTORY)
    if horizon < 1:
        raise ValueError("预测步数至少为 1 / horizon must be at least 1")
    if len(y) < MIN_HISTORY:
        raise ValueError(f"历史数据至少需要 {MIN_HISTORY} 周 / at least {MIN_HISTORY} weeks of history are needed")
    return y


def _check_level(level: float) -> None:
    if not 0 < level < 1:
        raise ValueError("置信水平须在 0 与 1 之间 / level must lie between 0 and 1")


def _lag(length: int, season: int) -> int:
    """Seasonal lag when at least one seasonal difference exists, else lag 1 (plain naive)."""
    return season if length > season else 1


def seasonal_naive(
    history: Sequence[float] | np.ndarray, horizon: int, *, season: int = SEASON, level: float = 0.9
) -> Forecast:
    """Each week forecast by the same week of the last season (FPP3 §5.2); naive last value if < 1 season.

    Intervals follow FPP3 §5.5 (table 5.2): σ̂ √(k + 1), with k the number of complete seasons before
    step h, k = ⌊(h − 1)/m⌋ (for the naive fallback m = 1, giving σ̂ √h). σ̂ is the root mean square of
    the in-sample lag-m differences, the residual sd of a random walk without drift, as R's forecast::snaive.
    """
    y = _history(history, horizon)
    _check_level(level)
    lag = _lag(len(y), season)
    steps = np.arange(horizon)
    mean = y[len(y) - lag + steps % lag]
    sigma = math.sqrt(float(np.mean((y[lag:] - y[:-lag]) ** 2)))
    spread = stats.norm.ppf(0.5 + level / 2) * sigma * np.sqrt(steps // lag + 1)
    method = "seasonal_naive" if lag > 1 else "naive"
    return Forecast(mean, np.maximum(mean - spread, 0.0), mean + spread, level, method)


def _design(t: np.ndarray, season: int, harmonics: int) -> np.ndarray:
    # Time in seasons keeps the trend coefficient on the same scale as the others (better conditioned).
    columns = [np.ones_like(t), t / season]
    for k in range(1, harmonics + 1):
        angle = 2 * np.pi * k * t / season
        columns += [np.sin(angle), np.cos(angle)]
    return np.column_stack(columns)


def _interval(mean: np.ndarray, variance: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Quantiles of the negative binomial with this mean and variance (Poisson where variance ≤ mean)."""
    tail = (1 - level) / 2
    extra = variance - mean
    poisson = extra <= 1e-9 * np.maximum(mean, 1.0)
    size = np.where(poisson, 1.0, mean**2 / np.where(poisson, 1.0, extra))
    prob = np.where(poisson, 0.5, mean / np.maximum(variance, 1e-12))
    low = np.where(poisson, stats.poisson.ppf(tail, mean), stats.nbinom.ppf(tail, size, prob))
    high = np.where(poisson, stats.poisson.ppf(1 - tail, mean), stats.nbinom.ppf(1 - tail, size, prob))
    return low, high


def forecast(
    history: Sequence[float] | np.ndarray, horizon: int, *, season: int = SEASON, level: float = 0.9
) -> Forecast:
    """Mean and `level` interval of the next `horizon` weeks; falls back to seasonal naive if the GLM fails."""
    y = _history(history, horizon)[-WINDOW_SEASONS * season :]
    _check_level(level)
    if not y.any():  # a street × category with no cases yet: a GLM would push its intercept to −∞
        zeros = np.zeros(horizon)
        return Forecast(zeros, zeros, zeros.copy(), level, "zero")
    # An even season's last harmonic has sin ≡ 0 at whole weeks, so stop below season / 2.
    harmonics = min(HARMONICS, (season - 1) // 2) if len(y) >= 1.5 * season else 0
    x = _design(np.arange(len(y), dtype=float), season, harmonics)
    future = _design(np.arange(len(y), len(y) + horizon, dtype=float), season, harmonics)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any statsmodels or numpy warning means the fit is not to be trusted
        try:
            # scale="X2": the covariance is multiplied by the Pearson dispersion (quasi-Poisson).
            result = sm.GLM(y, x, family=sm.families.Poisson()).fit(scale="X2", maxiter=100)
            trend = result.params[1] * (future[:, 1] - x[-1, 1])  # the trend's change since the last week
            linear = future @ result.params - trend + np.clip(trend, -MAX_TREND, MAX_TREND)
            log_var = np.einsum("ij,jk,ik->i", future, result.cov_params(), future)
            mean = np.exp(linear)
            fallback = not (result.converged and np.all(np.isfinite(mean)) and np.all(np.isfinite(log_var)))
        except (Warning, ValueError, np.linalg.LinAlgError, OverflowError):
            fallback = True
    if fallback:
        return seasonal_naive(y, horizon, season=season, level=level)
    phi = max(1.0, float(result.pearson_chi2 / max(result.df_resid, 1.0)))
    variance = phi * mean + mean**2 * np.expm1(np.maximum(log_var, 0.0))
    low, high = _interval(mean, variance, level)
    return Forecast(mean, np.minimum(low, mean), np.maximum(high, mean), level, "poisson_glm")


def mase(
    actual: Sequence[float] | np.ndarray,
    predicted: Sequence[float] | np.ndarray,
    train: Sequence[float] | np.ndarray,
    *,
    season: int = SEASON,
) -> float:
    """Mean absolute scaled error (Hyndman & Koehler 2006).

    Errors are divided by the in-sample MAE of seasonal naive on `train` (lag-1 naive if `train` is not
    longer than a season), so 1 means "as good as seasonal naive was in sample" on any series, whatever its
    volume. NaN when that MAE is 0 (a constant history), where the scale is undefined.
    """
    scale = _scale(np.asarray(train, dtype=float), season)
    errors = np.abs(np.asarray(actual, dtype=float) - np.asarray(predicted, dtype=float))
    return float(np.mean(errors / scale)) if scale > 0 else math.nan


def _scale(train: np.ndarray, season: int) -> float:
    lag = _lag(len(train), season)
    return float(np.mean(np.abs(train[lag:] - train[:-lag])))


class _Errors:
    """Errors pooled over origins (and series): scaled, percentage, and whether the interval held."""

    def __init__(self) -> None:
        self.model: list[float] = []
        self.naive: list[float] = []
        self.model_pct: list[float] = []
        self.naive_pct: list[float] = []
        self.inside: list[bool] = []
        self.origins = 0

    def add(self, y: np.ndarray, *, horizon: int, origins: int, season: int, level: float) -> None:
        # The last `origins` origins whose whole horizon is observed; none before MIN_HISTORY weeks.
        for origin in range(max(MIN_HISTORY, len(y) - horizon - origins + 1), len(y) - horizon + 1):
            train, actual = y[:origin], y[origin : origin + horizon]
            ours = forecast(train, horizon, season=season, level=level)
            base = seasonal_naive(train, horizon, season=season, level=level)
            scale = _scale(train, season)
            if scale > 0:  # MASE is undefined on a constant history; the origin still counts below
                self.model += list(np.abs(actual - ours.mean) / scale)
                self.naive += list(np.abs(actual - base.mean) / scale)
            # MAPE only where the actual is positive: a zero actual makes the percentage error infinite.
            seen = actual > 0
            self.model_pct += list(100 * np.abs(actual - ours.mean)[seen] / actual[seen])
            self.naive_pct += list(100 * np.abs(actual - base.mean)[seen] / actual[seen])
            self.inside += list((actual >= ours.low) & (actual <= ours.high))
            self.origins += 1

    def summary(self, horizon: int) -> Backtest:
        def mean(values: list) -> float:
            return float(np.mean(values)) if values else math.nan

        return Backtest(
            horizon=horizon,
            origins=self.origins,
            mase=mean(self.model),
            mape=mean(self.model_pct),
            naive_mase=mean(self.naive),
            naive_mape=mean(self.naive_pct),
            coverage=mean(self.inside),
        )


def backtest(
    history: Sequence[float] | np.ndarray,
    *,
    horizon: int = 4,
    origins: int = 12,
    season: int = SEASON,
    level: float = 0.9,
) -> Backtest:
    """Rolling-origin evaluation (FPP3 §5.10): refit at each of the last `origins` weeks, forecast ahead.

    Each origin sees only the weeks before it, and its in-sample naive MAE scales its errors.
    """
    y = _history(history, horizon)
    if len(y) < MIN_HISTORY + horizon:
        raise ValueError(
            f"回测至少需要 {MIN_HISTORY + horizon} 周历史 / a backtest needs at least {MIN_HISTORY + horizon} weeks"
        )
    errors = _Errors()
    errors.add(y, horizon=horizon, origins=origins, season=season, level=level)
    return errors.summary(horizon)


def backtest_many(
    series: Iterable[Sequence[float] | np.ndarray],
    *,
    horizon: int = 4,
    origins: int = 12,
    season: int = SEASON,
    level: float = 0.9,
) -> Backtest:
    """One figure over many series (every street × category): the pooled mean of their scaled errors.

    Pooling scaled errors, not averaging per-series MASEs, weighs each forecast equally, and the scaling
    already puts a busy street and a quiet one on the same footing. Series too short to backtest are skipped.
    """
    if horizon < 1:
        raise ValueError("预测步数至少为 1 / horizon must be at least 1")
    errors = _Errors()
    for one in series:
        y = count_series(one, name=HISTORY)
        if len(y) >= MIN_HISTORY + horizon:
            errors.add(y, horizon=horizon, origins=origins, season=season, level=level)
    return errors.summary(horizon)
