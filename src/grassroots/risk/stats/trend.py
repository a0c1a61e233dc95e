"""Seasonal anomalies and change points in count series.

Anomalies: the modified z-score of Iglewicz & Hoaglin (1993), z = 0.6745 (x − median) / MAD, against the
same phase of earlier periods (e.g. the same weekday of the last eight weeks), flagged at |z| ≥ 3.5. The
scale is floored at √median, the Poisson standard deviation, so a quiet series (0, 0, 1, 0 …) does not
turn every single report into an anomaly.

Change points: binary segmentation (Scott & Knott 1974) on a Poisson mean-shift likelihood, with the gain
scaled by the series' overdispersion and a BIC-style penalty, so ordinary noise does not split a series.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

MAD_TO_SD = 1.4826  # 1 / 0.6745: the MAD of a normal sample times this estimates its standard deviation


@dataclass(frozen=True)
class Anomaly:
    index: int
    value: float
    expected: float
    z: float


@dataclass(frozen=True)
class ChangePoint:
    index: int  # first index of the new regime
    before: float
    after: float


def _series(counts: Sequence[float] | np.ndarray) -> np.ndarray:
    x = np.asarray(counts, dtype=float)
    if x.ndim != 1 or not np.all(np.isfinite(x)) or np.any(x < 0):
        raise ValueError("计数须为一维非负有限数 / counts must be a 1-D array of non-negative finite numbers")
    return x


def seasonal_anomalies(
    counts: Sequence[float] | np.ndarray,
    *,
    period: int = 7,
    lookback: int = 8,
    threshold: float = 3.5,
    min_scale: float = 1.0,
) -> list[Anomaly]:
    x = _series(counts)
    span = period * lookback
    if len(x) <= span:
        return []
    # Row t of `history` holds x[t - lookback*period], …, x[t - period]: the same phase in earlier periods.
    windows = sliding_window_view(x, span)[: len(x) - span]
    history = windows[:, ::period]
    median = np.median(history, axis=1)
    mad = np.median(np.abs(history - median[:, None]), axis=1)
    scale = np.maximum(MAD_TO_SD * mad, np.maximum(min_scale, np.sqrt(median)))
    current = x[span:]
    z = (current - median) / scale
    hits = np.flatnonzero(np.abs(z) >= threshold)
    return [Anomaly(int(i + span), float(current[i]), float(median[i]), float(z[i])) for i in hits]


def _cost(total: float, length: int) -> float:
    # −2 log L of a Poisson segment with its MLE mean, up to terms that do not depend on the split.
    return 0.0 if total <= 0 else -2.0 * total * math.log(total / length)


def _dispersion(x: np.ndarray) -> float:
    """Variance / mean from first differences (robust to level shifts): 1 for Poisson, more if overdispersed."""
    mean = x.mean()
    if mean <= 0 or len(x) < 3:
        return 1.0
    diffs = np.diff(x)
    variance = (MAD_TO_SD * np.median(np.abs(diffs - np.median(diffs)))) ** 2 / 2
    return max(1.0, variance / mean)


def change_points(
    counts: Sequence[float] | np.ndarray, *, min_size: int = 14, penalty: float | None = None
) -> list[ChangePoint]:
    x = _series(counts)
    n = len(x)
    if n < 2 * min_size:
        return []
    cumulative = np.concatenate([[0.0], np.cumsum(x)])
    phi = _dispersion(x)
    penalty = 3.0 * math.log(n) if penalty is None else penalty
    splits: list[int] = []
    stack = [(0, n)]
    while stack and len(splits) < n // min_size:
        a, b = stack.pop()
        if b - a < 2 * min_size:
            continue
        whole = _cost(cumulative[b] - cumulative[a], b - a)
        best, where = 0.0, None
        for k in range(a + min_size, b - min_size + 1):
            gain = whole - _cost(cumulative[k] - cumulative[a], k - a) - _cost(cumulative[b] - cumulative[k], b - k)
            if gain > best:
                best, where = gain, k
        if where is not None and best / phi > penalty:
            splits.append(where)
            stack += [(a, where), (where, b)]
    bounds = [0, *sorted(splits), n]
    means = [x[bounds[i] : bounds[i + 1]].mean() for i in range(len(bounds) - 1)]
    return [ChangePoint(k, float(means[i]), float(means[i + 1])) for i, k in enumerate(bounds[1:-1])]
