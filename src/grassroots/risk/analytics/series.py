"""Input checks shared by the count-series analytics (trend, forecast)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def count_series(values: Sequence[float] | np.ndarray, *, name: tuple[str, str] = ("计数", "counts")) -> np.ndarray:
    """`values` as a float array, refused unless it is one-dimensional, finite and non-negative.

    `name` is the argument's name in Chinese and English, for the error messages.
    """
    zh, en = name
    x = np.asarray(values, dtype=float)
    if x.ndim != 1:
        raise ValueError(f"{zh}须为一维序列 / {en} must be a one-dimensional series")
    if not np.all(np.isfinite(x)):
        raise ValueError(f"{zh}不能含缺失或无穷值 / {en} must not contain NaN or infinite values")
    if np.any(x < 0):
        raise ValueError(f"{zh}不能为负 / {en} must not be negative")
    return x
