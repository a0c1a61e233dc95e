"""路径: which grid features go with more cases, as rate ratios a street cadre can read.

A Poisson GLM with log link and offset log(population) models cases per person, so each coefficient is a
log rate ratio: exp(β · unit) is how much the rate multiplies when the feature rises by one unit. Case
counts are usually more variable than Poisson (grids differ in ways the features do not capture), and
Poisson standard errors would then be too narrow and call noise significant. So when the Pearson
dispersion exceeds 1.5 the model is refitted as negative binomial (NB2, Var = μ + αμ²) with α estimated
by maximum likelihood, and confidence intervals are conditional on α̂, as R's MASS::glm.nb reports them.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy.optimize import minimize_scalar
from statsmodels.tools.sm_exceptions import ConvergenceWarning, PerfectSeparationWarning

OVERDISPERSED = 1.5  # Pearson χ²/df above this is more than sampling noise around 1 for a few hundred grids
# When the data separate (e.g. every grid with some feature has zero cases) no MLE exists: IRLS stops with a
# coefficient on its way to ±∞ and a standard error in the thousands. Per standard deviation of a feature,
# real effects are far below a rate ratio of e^15 (3 million) and standard errors far below 5 (a CI
# spanning a factor of e^20), so either is read as divergence.
DIVERGED = 15.0
DIVERGED_SE = 5.0
ALPHA_BOUNDS = (math.log(1e-6), math.log(1e3))  # NB α search range on the log scale


@dataclass(frozen=True)
class Driver:
    feature: str
    coefficient: float  # log rate ratio per 1 of the feature's own scale
    ci_low: float
    ci_high: float
    p_value: float
    unit: float  # the step the rate ratio and sentences are about, e.g. 0.1 = 10 percentage points
    rate_ratio: float  # exp(coefficient · unit)
    rr_low: float
    rr_high: float
    significant: bool  # the 95% CI of the rate ratio excludes 1
    plain_zh: str
    plain_en: str


@dataclass(frozen=True)
class DriverModel:
    family: str  # "poisson" or "negative_binomial"
    dispersion: float  # Pearson χ²/df of the Poisson fit: the figure that chose the family
    alpha: float | None  # NB2 α when negative binomial, else None
    reason: str  # why this family, "中文 / English"
    n: int
    pseudo_r2: float  # 1 − deviance / null deviance (null: intercept and offset only)
    drivers: list[Driver] = field(default_factory=list)


def _check(frame: pd.DataFrame, features: Sequence[str], count: str, exposure: str) -> None:
    if not features:
        raise ValueError("至少需要一个特征 / at least one feature is needed")
    columns = [count, exposure, *features]
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"缺少列 / missing columns: {', '.join(missing)}")
    if len(frame) < len(features) + 3:
        raise ValueError(
            f"网格数 {len(frame)} 太少，至少需要 {len(features) + 3} 个 / "
            f"{len(frame)} rows is too few, at least {len(features) + 3} are needed"
        )
    for column in columns:
        if not pd.api.types.is_numeric_dtype(frame[column]) or pd.api.types.is_bool_dtype(frame[column]):
            raise ValueError(f"列 {column} 须为数值 / column {column} must be numeric")
    nan = [c for c in columns if frame[c].isna().any() or not np.all(np.isfinite(frame[c].to_numpy(float)))]
    if nan:
        raise ValueError(f"以下列含缺失值 / these columns contain NaN or infinite values: {', '.join(nan)}")
    if (frame[exposure] <= 0).any():
        raise ValueError(f"暴露量 {exposure} 须全部大于 0 / exposure {exposure} must be positive in every row")
    if (frame[count] < 0).any():
        raise ValueError(f"事件数 {count} 不能为负 / counts in {count} must not be negative")
    if not (frame[count] > 0).any():
        raise ValueError(f"所有网格的事件数均为 0 / every count in {count} is zero")
    constant = [f for f in features if frame[f].nunique() < 2]
    if constant:
        raise ValueError(f"以下特征在各网格取值相同，无法估计 / constant features: {', '.join(constant)}")
    design = np.column_stack([np.ones(len(frame)), frame[list(features)].to_numpy(float)])
    if np.linalg.matrix_rank(design) < design.shape[1]:
        raise ValueError("特征之间完全共线 / the features are perfectly collinear")


def _fit(y: np.ndarray, x: np.ndarray, offset: np.ndarray, family: sm.families.Family):
    """Fit a GLM and turn every sign of an unidentified or unfinished fit into a ValueError."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", PerfectSeparationWarning)
        warnings.simplefilter("error", ConvergenceWarning)
        warnings.simplefilter("ignore", RuntimeWarning)  # overflow on the way to a diverging fit, judged below
        try:
            result = sm.GLM(y, x, family=family, offset=offset).fit(maxiter=100)
        except (PerfectSeparationWarning, ConvergenceWarning, np.linalg.LinAlgError, ValueError) as error:
            raise ValueError(f"模型无法收敛或参数不可识别 / the model did not converge: {error}") from error
    spread = x[:, 1:].std(axis=0)
    if (
        not result.converged
        or not np.all(np.isfinite(result.params))
        or not np.all(np.isfinite(result.bse))
        or np.any(np.abs(result.params[1:] * spread) > DIVERGED)
        or np.any(result.bse[1:] * spread > DIVERGED_SE)
    ):
        raise ValueError(
            "模型无法收敛：某特征完全区分了有无事件的网格 / "
            "the model did not converge: a feature separates grids with and without cases"
        )
    return result


def _alpha(y: np.ndarray, x: np.ndarray, offset: np.ndarray) -> float:
    """Maximum-likelihood NB2 α, by profiling the GLM log-likelihood over log α (bounded, so it terminates)."""

    def negative_loglik(log_alpha: float) -> float:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            family = sm.families.NegativeBinomial(alpha=math.exp(log_alpha))
            result = sm.GLM(y, x, family=family, offset=offset).fit(maxiter=100)
        return float(-result.llf) if np.isfinite(result.llf) else math.inf

    return math.exp(minimize_scalar(negative_loglik, bounds=ALPHA_BOUNDS, method="bounded").x)


def _digits(percent: float) -> int:
    return 1 if abs(percent) < 1 else 0  # "−0.4%" rather than a meaningless "−0%"


def _pct(ratio: float) -> str:
    percent = abs(ratio - 1) * 100
    return f"{percent:.{_digits(percent)}f}%"


def _signed(ratio: float) -> str:
    percent = (ratio - 1) * 100
    return f"{percent:+.{_digits(percent)}f}%"


def _sentences(
    feature: str, unit: float, ratios: tuple[float, float, float], label: tuple[str, str]
) -> tuple[str, str]:
    rr, low, high = ratios
    zh_name, en_name = label
    if feature.endswith("_share"):  # a share in 0..1: speak of percentage points, as people read shares
        zh_step, en_step = f"每增加 {unit * 100:g} 个百分点", f"{unit * 100:g}-point rise"
    else:
        zh_step, en_step = f"每增加 {unit:g}", f"rise of {unit:g}"
    if low <= 1 <= high:
        return (
            f"{zh_name}与事件数无明显关联（{zh_step}，95% 置信区间 {_signed(low)} 至 {_signed(high)}）",
            f"No clear link between {en_name} and cases (95% CI {_signed(low)} to {_signed(high)} per {en_step})",
        )
    more = rr > 1
    # For a fall, the CI of the percentage drop runs from the upper rate-ratio bound to the lower one.
    near, far = (low, high) if more else (high, low)
    zh_dir, en_dir = ("增加", "more") if more else ("减少", "fewer")
    return (
        f"{zh_name}{zh_step}，每千人事件数约{zh_dir} {_pct(rr)}（95% 置信区间 {_pct(near)}–{_pct(far)}）",
        f"Each {en_step} in {en_name} goes with about {_pct(rr)} {en_dir} cases per 1,000 residents "
        f"(95% CI {_pct(near)}–{_pct(far)})",
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
    """Rate ratios of `count` per `exposure` for each feature, one row of `frame` per grid.

    `units` sets the step each sentence speaks of (default 1; 0.1 for a share reads "10 percentage points");
    `labels` maps a feature to its (Chinese, English) name, falling back to the column name.
    """
    features = list(features)
    labels, units = labels or {}, units or {}
    bad_units = [f for f in features if not units.get(f, 1.0) > 0]
    if bad_units:
        raise ValueError(f"单位须为正数 / units must be positive: {', '.join(bad_units)}")
    _check(frame, features, count, exposure)
    y = frame[count].to_numpy(float)
    x = np.column_stack([np.ones(len(frame)), frame[features].to_numpy(float)])
    offset = np.log(frame[exposure].to_numpy(float))

    poisson = _fit(y, x, offset, sm.families.Poisson())
    dispersion = float(poisson.pearson_chi2 / poisson.df_resid)
    if dispersion > OVERDISPERSED:
        alpha: float | None = _alpha(y, x, offset)
        result = _fit(y, x, offset, sm.families.NegativeBinomial(alpha=alpha))
        family = "negative_binomial"
        reason = (
            f"泊松离散度 {dispersion:.2f} > {OVERDISPERSED}，事件数波动大于泊松分布，改用负二项模型 / "
            f"Poisson dispersion {dispersion:.2f} > {OVERDISPERSED}: counts vary more than Poisson, "
            "so a negative binomial model was fitted"
        )
    else:
        alpha, result, family = None, poisson, "poisson"
        reason = (
            f"泊松离散度 {dispersion:.2f} ≤ {OVERDISPERSED}，泊松模型适用 / "
            f"Poisson dispersion {dispersion:.2f} ≤ {OVERDISPERSED}: the Poisson model fits"
        )

    ci = np.asarray(result.conf_int(alpha=0.05))
    drivers = []
    for i, feature in enumerate(features, start=1):
        unit = float(units.get(feature, 1.0))
        coef, low, high = float(result.params[i]), float(ci[i, 0]), float(ci[i, 1])
        with np.errstate(over="ignore"):  # a huge unit may overflow to inf, which still reads correctly
            rr, rr_low, rr_high = (float(v) for v in np.exp(np.array([coef, low, high]) * unit))
        zh, en = _sentences(feature, unit, (rr, rr_low, rr_high), labels.get(feature, (feature, feature)))
        drivers.append(
            Driver(
                feature=feature,
                coefficient=coef,
                ci_low=low,
                ci_high=high,
                p_value=float(result.pvalues[i]),
                unit=unit,
                rate_ratio=rr,
                rr_low=rr_low,
                rr_high=rr_high,
                significant=not rr_low <= 1 <= rr_high,
                plain_zh=zh,
                plain_en=en,
            )
        )
    pseudo_r2 = 1.0 - result.deviance / result.null_deviance if result.null_deviance > 0 else 0.0
    return DriverModel(family, dispersion, alpha, reason, len(frame), float(pseudo_r2), drivers)
