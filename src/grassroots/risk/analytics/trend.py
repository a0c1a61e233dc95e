"""变数: seasonal anomalies and change points in daily count series.

Anomalies compare each day with the same phase of earlier periods (by default the same weekday of the last
eight weeks), so a weekly rhythm — quiet weekends, busy Mondays — is the baseline rather than a signal.
Change points split a series where its mean rate shifts for good, not for a day.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from scipy.special import xlogy

from grassroots.risk.analytics.series import count_series

# 1 / Φ⁻¹(0.75): the MAD of a normal sample times this estimates its standard deviation.
MAD_TO_SD = 1.4826


@dataclass(frozen=True)
class Anomaly:
    index: int
    value: float
    expected: float  # the seasonal baseline: median of the same phase in earlier periods
    z: float


@dataclass(frozen=True)
class ChangePoint:
    index: int  # first day of the new regime
    before: float  # mean daily count of the segment that ends at index - 1
    after: float  # mean daily count of the segment that starts at index


def seasonal_anomalies(
    counts: Sequence[float] | np.ndarray,
    *,
    period: int = 7,
    lookback: int = 8,
    threshold: float = 3.5,
    min_scale: float = 1.0,
) -> list[Anomaly]:
    """Days whose count is far from the same phase of the previous `lookback` periods.

    Method: the modified z-score of Iglewicz & Hoaglin (1993), z = (x − median) / (1.4826 · MAD), flagged at
    |z| ≥ 3.5 as they recommend. Median and MAD ignore the odd holiday or earlier spike in the baseline,
    which a mean and standard deviation would not. The scale is floored at √median, the Poisson standard
    deviation, because with eight small counts the MAD is often 0 and every single report would explode
    the score; `min_scale` keeps the floor above zero for series that are mostly zeros.
    Days with fewer than `lookback` earlier periods are not judged.
    """
    if period < 1 or lookback < 1:
        raise ValueError("周期与回看期数须至少为 1 / period and lookback must be at least 1")
    x = count_series(counts)
    span = period * lookback
    if len(x) <= span:
        return []
    # Window s covers x[s : s + span]; every period-th value of it is the same phase as day t = s + span,
    # i.e. x[t - lookback·period], …, x[t - period]. The view copies nothing until the median.
    history = sliding_window_view(x, span)[: len(x) - span, ::period]
    median = np.median(history, axis=1)
    mad = np.median(np.abs(history - median[:, None]), axis=1)
    scale = np.maximum(MAD_TO_SD * mad, np.maximum(min_scale, np.sqrt(median)))
    current = x[span:]
    z = (current - median) / scale
    hits = np.flatnonzero(np.abs(z) >= threshold)
    return [Anomaly(int(i) + span, float(current[i]), float(median[i]), float(z[i])) for i in hits]


def _cost(total: np.ndarray | float, length: np.ndarray | float) -> np.ndarray:
    """−2 log L of Poisson segments at their own mean, dropping the terms a split does not change.

    −2 Σ (x log μ − μ − log x!) with μ = S/L is −2 S log(S/L) + 2S + 2 Σ log x!; the last two terms add up
    to the same value however the series is cut, so only −2 S log(S/L) matters. xlogy makes an all-zero
    segment cost 0 (0 · log 0 = 0) instead of NaN.
    """
    total = np.asarray(total, dtype=float)
    return -2.0 * xlogy(total, total / np.asarray(length, dtype=float))


def dispersion(counts: Sequence[float] | np.ndarray) -> float:
    """Variance-to-mean ratio of a count series, at least 1 (Poisson).

    Estimated from lag-1 differences with the MAD, so a level shift (one huge difference) or a spike does
    not inflate it: for independent days, Var(x_t − x_{t−1}) = 2σ².
    """
    x = count_series(counts)
    mean = float(x.mean()) if len(x) else 0.0
    if len(x) < 3 or mean <= 0:
        return 1.0
    diffs = np.diff(x)
    sd = MAD_TO_SD * float(np.median(np.abs(diffs - np.median(diffs)))) / math.sqrt(2.0)
    return max(1.0, sd * sd / mean)


def change_points(
    counts: Sequence[float] | np.ndarray, *, min_size: int = 14, penalty: float | None = None
) -> list[ChangePoint]:
    """Shifts in the mean rate, by binary segmentation (Scott & Knott 1974) of a Poisson likelihood.

    Each segment is split at the point with the largest likelihood-ratio gain, and kept split only if the
    gain, divided by the series' dispersion (quasi-Poisson: case counts vary more than Poisson, and an
    unscaled test would cut ordinary noise), exceeds the penalty. The default penalty 3·log n is the
    modified BIC of Zhang & Siegmund (2007) for a mean change, the default of R's `changepoint` package;
    plain BIC (2·log n) raises too many false alarms when thousands of series are scanned every day.
    Segments are at least `min_size` days, which also bounds the number of splits to n // min_size.
    """
    if min_size < 1:
        raise ValueError("最小段长须至少为 1 / min_size must be at least 1")
    x = count_series(counts)
    n = len(x)
    if n < 2 * min_size:
        return []
    penalty = 3.0 * math.log(n) if penalty is None else penalty
    phi = dispersion(x)
    cumulative = np.concatenate([[0.0], np.cumsum(x)])
    splits: list[int] = []
    stack = [(0, n)]
    while stack and len(splits) < n // min_size:
        a, b = stack.pop()
        if b - a < 2 * min_size:
            continue
        k = np.arange(a + min_size, b - min_size + 1)  # candidate first index of the right-hand part
        left, right = cumulative[k] - cumulative[a], cumulative[b] - cumulative[k]
        gain = _cost(cumulative[b] - cumulative[a], b - a) - _cost(left, k - a) - _cost(right, b - k)
        best = int(np.argmax(gain))
        if gain[best] / phi > penalty:
            split = int(k[best])
            splits.append(split)
            stack += [(a, split), (split, b)]
    bounds = [0, *sorted(splits), n]
    means = [float(x[lo:hi].mean()) for lo, hi in zip(bounds[:-1], bounds[1:], strict=True)]
    return [ChangePoint(bounds[i + 1], means[i], means[i + 1]) for i in range(len(bounds) - 2)]
