"""路径: an explainable model of case counts per grid on grid features.

A Poisson GLM with log link and log(population) as offset, so coefficients read as changes in cases per
resident. When the Pearson dispersion exceeds 1.5 the Poisson standard errors would be too narrow, so the
model is refitted as a negative binomial GLM with α estimated by the method of moments (Cameron & Trivedi
2013, §3.2). Each coefficient is turned into a rate ratio per unit (e.g. per 10 percentage points) with its
95 % confidence interval, and into a sentence in plain words.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm
from statsmodels.tools.sm_exceptions import ConvergenceWarning, PerfectSeparationWarning

OVERDISPERSED = 1.5


@dataclass(frozen=True)
class Driver:
    feature: str
    coefficient: float
    ci_low: float
    ci_high: float
    p_value: float
    unit: float
    rate_ratio: float
    rr_low: float
    rr_high: float
    significant: bool
    plain_zh: str
    plain_en: str


@dataclass(frozen=True)
class DriverModel:
    family: str
    dispersion: float
    n: int
    pseudo_r2: float
    drivers: list[Driver]


def _check(frame: pd.DataFrame, features: Sequence[str], count: str, exposure: str) -> None:
    missing = [c for c in (count, exposure, *features) if c not in frame.columns]
    if missing:
        raise ValueError(f"缺少列 / missing columns: {', '.join(missing)}")
    if len(frame) < len(features) + 3:
        raise ValueError("网格太少，无法估计 / too few rows for this many features")
    data = frame[[count, exposure, *features]]
    if data.isna().any().any() or not np.isfinite(data.to_numpy(dtype=float)).all():
        raise ValueError("数据含空值或非有限数 / data contains NaN or infinite values")
    if (frame[exposure] <= 0).any():
        raise ValueError("人口须为正 / exposure must be positive")
    if (frame[count] < 0).any():
        raise ValueError("事件数不能为负 / counts must not be negative")
    constant = [f for f in features if frame[f].nunique() < 2]
    if constant:
        raise ValueError(f"特征没有变化，无法估计 / constant features: {', '.join(constant)}")


def _fit(y, x, offset, family):
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        warnings.simplefilter("error", PerfectSeparationWarning)
        try:
            return sm.GLM(y, x, family=family, offset=offset).fit()
        except (ConvergenceWarning, PerfectSeparationWarning, np.linalg.LinAlgError, ValueError) as exc:
            raise ValueError(f"模型无法收敛 / the model did not converge: {exc}") from None


def _percent(rr: float) -> str:
    return f"{abs(rr - 1) * 100:.0f}%"


def _sentences(label: tuple[str, str], unit: float, share: bool, rr: float, low: float, high: float, sig: bool):
    zh_step = f"每增加 {unit * 100:g} 个百分点" if share else f"每增加 {unit:g}"
    en_step = f"Each {unit * 100:g}-point rise in" if share else f"Each increase of {unit:g} in"
    if not sig:
        return (
            f"{label[0]}与事件数无明显关联（{zh_step}，事件数变化的 95% 置信区间为 ×{low:.2f}–×{high:.2f}）",
            f"{label[1]} shows no clear link with case numbers (95% CI ×{low:.2f}–×{high:.2f} per step)",
        )
    more = rr > 1
    return (
        f"{label[0]}{zh_step}，每千人事件数约{'增加' if more else '减少'} {_percent(rr)}"
        f"（95% 置信区间 ×{low:.2f}–×{high:.2f}）",
        f"{en_step} {label[1]} goes with about {_percent(rr)} {'more' if more else 'fewer'} cases per 1,000 "
        f"residents (95% CI ×{low:.2f}–×{high:.2f})",
    )


def fit_drivers(
    frame: pd.DataFrame,
    *,
    features: Sequence[str],
    count: str = "cases",
    exposure: str = "population",
    labels: Mapping[str, tuple[str, str]] | None = None,
    units: Mapping[str, float] | None = None,
) -> DriverModel:
    _check(frame, features, count, exposure)
    y = frame[count].to_numpy(dtype=float)
    x = sm.add_constant(frame[list(features)].to_numpy(dtype=float), has_constant="add")
    offset = np.log(frame[exposure].to_numpy(dtype=float))
    result = _fit(y, x, offset, sm.families.Poisson())
    dispersion = float(result.pearson_chi2 / result.df_resid)
    family = "poisson"
    if dispersion > OVERDISPERSED:
        mu = result.mu
        alpha = max(1e-6, float(np.sum(((y - mu) ** 2 - y) / mu**2) / result.df_resid))
        result = _fit(y, x, offset, sm.families.NegativeBinomial(alpha=alpha))
        family = "negative_binomial"
    ci = np.asarray(result.conf_int(0.05))
    drivers = []
    for i, name in enumerate(features, start=1):
        unit = (units or {}).get(name, 1.0)
        coef, low, high = float(result.params[i]), float(ci[i, 0]), float(ci[i, 1])
        rr, rr_low, rr_high = (float(np.exp(v * unit)) for v in (coef, low, high))
        significant = not (rr_low <= 1.0 <= rr_high)
        label = (labels or {}).get(name, (name, name))
        zh, en = _sentences(label, unit, name.endswith("_share"), rr, rr_low, rr_high, significant)
        drivers.append(
            Driver(name, coef, low, high, float(result.pvalues[i]), unit, rr, rr_low, rr_high, significant, zh, en)
        )
    pseudo_r2 = 1.0 - float(result.deviance / result.null_deviance) if result.null_deviance else 0.0
    return DriverModel(family, dispersion, len(frame), pseudo_r2, drivers)
