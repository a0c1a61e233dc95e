"""Driver models on simulated grids whose true coefficients are known (fixed seeds), and every refusal."""

import math

import numpy as np
import pandas as pd
import pytest

from grassroots.risk.analytics.drivers import fit_drivers

FEATURES = ["rental_share", "elderly_share", "legal_persons_per_1000", "noise"]
TRUE = {"rental_share": 2.0, "elderly_share": 1.0, "legal_persons_per_1000": -0.02, "noise": 0.0}
LABELS = {
    "rental_share": ("出租房占比", "rental share"),
    "legal_persons_per_1000": ("每千人法人数", "legal persons per 1,000"),
    "noise": ("噪声", "noise"),
}
UNITS = {"rental_share": 0.1, "elderly_share": 0.1, "legal_persons_per_1000": 10}


def grids(seed: int, n: int = 400, *, gamma_shape: float | None = None) -> pd.DataFrame:
    """Log cases per person = −5 + 2.0 rental + 1.0 elderly − 0.02 legal persons + 0 · noise."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "population": rng.integers(500, 5000, n),
            "rental_share": rng.uniform(0, 0.8, n),
            "elderly_share": rng.uniform(0.05, 0.4, n),
            "legal_persons_per_1000": rng.uniform(0, 40, n),
            "noise": rng.normal(0, 1, n),
        }
    )
    rate = np.exp(-5 + sum(TRUE[f] * frame[f] for f in FEATURES))
    mean = frame["population"] * rate
    if gamma_shape is not None:  # gamma-Poisson mixture: negative binomial with α = 1 / shape
        mean = mean * rng.gamma(gamma_shape, 1 / gamma_shape, n)
    frame["cases"] = rng.poisson(mean)
    return frame


def fit(frame: pd.DataFrame, **kwargs):
    return fit_drivers(frame, features=FEATURES, labels=LABELS, units=UNITS, **kwargs)


def pct(ratio: float) -> str:
    return f"{abs(ratio - 1) * 100:.0f}%"


def test_it_recovers_known_coefficients_with_poisson():
    model = fit(grids(1))
    assert (model.family, model.alpha, model.n) == ("poisson", None, 400)
    assert model.dispersion == pytest.approx(1.0, abs=0.2)
    assert 0.8 < model.pseudo_r2 < 1.0
    for driver in model.drivers:
        assert driver.ci_low < TRUE[driver.feature] < driver.ci_high, driver.feature
    assert [d.significant for d in model.drivers] == [True, True, True, False]
    assert [d.feature for d in model.drivers] == FEATURES


def test_it_reports_rate_ratios_per_unit():
    rental = fit(grids(1)).drivers[0]
    assert rental.unit == 0.1
    assert rental.rate_ratio == pytest.approx(math.exp(0.1 * rental.coefficient))
    assert (rental.rr_low, rental.rr_high) == (
        pytest.approx(math.exp(0.1 * rental.ci_low)),
        pytest.approx(math.exp(0.1 * rental.ci_high)),
    )
    assert rental.rate_ratio == pytest.approx(math.exp(0.2), rel=0.02)  # true effect of 10 points: +22%
    assert rental.p_value < 1e-6


def test_it_explains_a_share_in_percentage_points():
    rental = fit(grids(1)).drivers[0]
    rr, low, high = (math.exp(0.1 * b) for b in (rental.coefficient, rental.ci_low, rental.ci_high))
    assert rental.plain_zh == (
        f"出租房占比每增加 10 个百分点，每千人事件数约增加 {pct(rr)}（95% 置信区间 {pct(low)}–{pct(high)}）"
    )
    assert rental.plain_en == (
        f"Each 10-point rise in rental share goes with about {pct(rr)} more cases per 1,000 residents "
        f"(95% CI {pct(low)}–{pct(high)})"
    )
    assert pct(rr) == "22%"


def test_it_explains_a_fall_and_falls_back_to_the_column_name():
    model = fit(grids(1))
    legal = model.drivers[2]
    rr, low, high = (math.exp(10 * b) for b in (legal.coefficient, legal.ci_low, legal.ci_high))
    assert rr < 1
    # A fall: the percentage drop's CI runs from the upper rate-ratio bound (smaller drop) to the lower one.
    assert legal.plain_zh == (
        f"每千人法人数每增加 10，每千人事件数约减少 {pct(rr)}（95% 置信区间 {pct(high)}–{pct(low)}）"
    )
    assert legal.plain_en.startswith(f"Each rise of 10 in legal persons per 1,000 goes with about {pct(rr)} fewer")
    assert model.drivers[1].plain_zh.startswith("elderly_share每增加 10 个百分点")  # no label given


def test_it_says_plainly_when_there_is_no_clear_link():
    noise = fit(grids(1)).drivers[3]
    assert noise.rr_low < 1 < noise.rr_high
    assert noise.plain_zh.startswith("噪声与事件数无明显关联（每增加 1，95% 置信区间 ")
    assert noise.plain_en.startswith("No clear link between noise and cases (95% CI ")


def test_it_switches_to_negative_binomial_when_overdispersed():
    model = fit(grids(2, gamma_shape=2.0))  # true α = 0.5
    assert model.family == "negative_binomial"
    assert model.dispersion > 1.5
    assert model.alpha == pytest.approx(0.5, abs=0.2)
    assert "negative binomial" in model.reason and "负二项" in model.reason
    for driver in model.drivers:
        assert driver.ci_low < TRUE[driver.feature] < driver.ci_high, driver.feature
    assert not model.drivers[3].significant


def test_negative_binomial_intervals_are_wider_than_poisson_would_be():
    frame = grids(2, gamma_shape=2.0)
    nb = fit(frame).drivers[0]
    # Below the threshold the model stays Poisson; force that by making the counts tame, same features.
    poisson = fit(frame.assign(cases=grids(2)["cases"])).drivers[0]
    assert nb.ci_high - nb.ci_low > 3 * (poisson.ci_high - poisson.ci_low)


def refuses(frame: pd.DataFrame, message: str, features=("rental_share", "elderly_share"), **kwargs):
    with pytest.raises(ValueError, match=message):
        fit_drivers(frame, features=list(features), **kwargs)


def test_it_refuses_too_few_rows():
    refuses(grids(3, n=4), "4 rows is too few, at least 5")


def test_it_refuses_missing_columns():
    refuses(grids(3).drop(columns=["population"]), "missing columns: population")
    refuses(grids(3), "missing columns: vacancy", features=["rental_share", "vacancy"])


def test_it_refuses_non_positive_exposure():
    frame = grids(3)
    frame.loc[5, "population"] = 0
    refuses(frame, "exposure population must be positive")


def test_it_refuses_negative_counts():
    frame = grids(3)
    frame.loc[5, "cases"] = -1
    refuses(frame, "must not be negative")


def test_it_refuses_nan():
    frame = grids(3)
    frame.loc[5, "elderly_share"] = np.nan
    refuses(frame, "NaN or infinite values: elderly_share")


def test_it_refuses_a_constant_feature_by_name():
    refuses(grids(3).assign(elderly_share=0.2), "constant features: elderly_share")


def test_it_refuses_collinear_features():
    frame = grids(3)
    refuses(frame.assign(owner_share=1 - frame["rental_share"]), "collinear", features=["rental_share", "owner_share"])


def test_it_refuses_separation():
    frame = grids(3, n=60)
    frame["closed"] = (np.arange(60) % 3 == 0).astype(float)
    frame.loc[frame["closed"] == 1, "cases"] = 0  # every closed grid has no cases: no finite coefficient
    refuses(frame, "did not converge", features=["rental_share", "closed"])


def test_it_refuses_all_zero_counts_non_numeric_columns_and_bad_units():
    refuses(grids(3).assign(cases=0), "every count in cases is zero")
    refuses(grids(3).assign(elderly_share="high"), "column elderly_share must be numeric")
    refuses(grids(3), "units must be positive: rental_share", units={"rental_share": 0})
    refuses(grids(3), "at least one feature", features=[])


def test_small_percentages_keep_a_decimal_instead_of_reading_zero():
    from grassroots.risk.analytics.drivers import _pct, _signed

    assert (_signed(0.996), _signed(1.003), _pct(1.22), _signed(1.22)) == ("-0.4%", "+0.3%", "22%", "+22%")
