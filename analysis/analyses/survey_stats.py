"""Survey statistics for proportions: Wilson intervals, design effects, weighted estimates, tests.

Every method here is a textbook one, named and referenced so a reader can check it:

- Wilson score interval: E. B. Wilson (1927), "Probable inference, the law of succession, and
  statistical inference", JASA 22:209-212; recommended by R. G. Newcombe (1998), "Two-sided
  confidence intervals for the single proportion: comparison of seven methods", Statistics in
  Medicine 17:857-872 (method 3), and by A. Agresti & B. A. Coull (1998), "Approximate is better
  than 'exact' for interval estimation of binomial proportions", The American Statistician
  52:119-126.
- Design effect and effective sample size: L. Kish (1965), Survey Sampling, Wiley, section 8.2;
  L. Kish (1992), "Weighting for unequal P_i", Journal of Official Statistics 8:183-200, where the
  design effect of unequal weights is deff_w = n * sum(w^2) / (sum w)^2 = 1 + CV^2(w), so the
  effective sample size is n_eff = (sum w)^2 / sum(w^2). A design effect deff inflates the
  variance, so a sample of n behaves like a simple random sample of n / deff.
- Intervals for survey proportions via the effective sample size: E. L. Korn & B. I. Graubard
  (1998), "Confidence intervals for proportions with small expected number of positive counts
  estimated from survey data", Survey Methodology 24:193-201 (Wilson with n replaced by n_eff).
- Cluster-robust (Taylor linearisation) variance of a weighted proportion (a ratio estimator):
  K. M. Wolter (2007), Introduction to Variance Estimation, 2nd ed., Springer, chapter 6;
  T. Lumley (2010), Complex Surveys, Wiley, section 2.2 and appendix C. PSUs are treated as
  drawn with replacement within strata (the usual "ultimate cluster" approximation).
- Difference of two independent proportions: pooled z test (equivalent to Pearson's chi-squared
  test of a 2x2 table without continuity correction; A. Agresti (2007), An Introduction to
  Categorical Data Analysis, 2nd ed., sections 2.2 and 2.4) and the hybrid score interval of
  R. G. Newcombe (1998), "Interval estimation for the difference between independent
  proportions: comparison of eleven methods", Statistics in Medicine 17:873-890 (method 10).
  Survey data enter both through their effective sample sizes.
- Several differences tested at once: Holm's (1979) step-down adjustment of the p-values.

Proportions are fractions in [0, 1] throughout; callers convert to percent for display.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist
from typing import NamedTuple

import numpy as np
import pandas as pd


class Interval(NamedTuple):
    """A two-sided confidence interval (fractions, low <= high)."""

    low: float
    high: float


def z_value(confidence: float = 0.95) -> float:
    """Two-sided standard normal quantile, e.g. 1.95996 for 95% confidence."""
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, not {confidence!r}")
    return float(NormalDist().inv_cdf(0.5 + confidence / 2))


def _check_proportion(proportion: float, name: str = "proportion") -> float:
    value = float(proportion)
    if not 0 <= value <= 1 or math.isnan(value):
        raise ValueError(f"{name} must be a fraction between 0 and 1, not {proportion!r}")
    return value


def effective_sample_size(n: float, design_effect: float | None = 1.0) -> float:
    """Kish's n_eff = n / deff: a design effect above 1 inflates the variance, so n shrinks."""
    deff = 1.0 if design_effect is None or pd.isna(design_effect) else float(design_effect)
    if n <= 0:
        raise ValueError(f"sample size must be positive, not {n!r}")
    if deff <= 0:
        raise ValueError(f"design effect must be positive, not {design_effect!r}")
    return float(n) / deff


def wilson_interval(
    proportion: float,
    n: float,
    confidence: float = 0.95,
    design_effect: float | None = 1.0,
) -> Interval:
    """Wilson score interval for a proportion from n respondents (n / deff when deff is given).

    Newcombe (1998) method 3. With a design effect the interval is computed on the effective
    sample size n / deff (Korn & Graubard 1998), which widens it by about sqrt(deff).
    """
    p = _check_proportion(proportion)
    n_eff = effective_sample_size(n, design_effect)
    z = z_value(confidence)
    z2 = z * z
    denominator = 1 + z2 / n_eff
    centre = (p + z2 / (2 * n_eff)) / denominator
    half = z * math.sqrt(p * (1 - p) / n_eff + z2 / (4 * n_eff * n_eff)) / denominator
    # Clip rounding noise only: the Wilson limits lie in [0, 1] mathematically.
    return Interval(max(0.0, centre - half), min(1.0, centre + half))


def wilson_interval_counts(
    successes: int, n: int, confidence: float = 0.95, design_effect: float | None = 1.0
) -> Interval:
    """Wilson interval from a count of successes out of n (see wilson_interval)."""
    if not 0 <= successes <= n:
        raise ValueError(f"successes must be between 0 and n={n}, not {successes!r}")
    return wilson_interval(successes / n, n, confidence, design_effect)


def margin_of_error(
    proportion: float, n: float, confidence: float = 0.95, design_effect: float | None = 1.0
) -> float:
    """The conventional margin of error z * sqrt(p(1-p) deff / n), as pollsters quote it."""
    p = _check_proportion(proportion)
    return z_value(confidence) * math.sqrt(p * (1 - p) / effective_sample_size(n, design_effect))


def _as_array(values: Sequence[float] | np.ndarray | pd.Series, name: str) -> np.ndarray:
    array = np.asarray(values, dtype=float)
    if array.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional")
    if np.isnan(array).any():
        raise ValueError(f"{name} contains missing values; drop or recode them first")
    return array


def kish_effective_n(weights: Sequence[float] | np.ndarray | pd.Series) -> float:
    """Kish's effective sample size of a weighted sample: (sum w)^2 / sum(w^2)."""
    w = _as_array(weights, "weights")
    if len(w) == 0:
        raise ValueError("no weights given")
    if (w < 0).any():
        raise ValueError("weights must not be negative")
    total_sq = float((w**2).sum())
    if total_sq == 0:
        raise ValueError("all weights are zero")
    return float(w.sum()) ** 2 / total_sq


def kish_design_effect(weights: Sequence[float] | np.ndarray | pd.Series) -> float:
    """Kish's design effect of unequal weighting: n * sum(w^2) / (sum w)^2 = 1 + CV^2(w)."""
    w = _as_array(weights, "weights")
    return len(w) / kish_effective_n(w)


def weighted_proportion(
    indicator: Sequence[float] | np.ndarray | pd.Series,
    weights: Sequence[float] | np.ndarray | pd.Series | None = None,
) -> float:
    """Weighted share of respondents with indicator 1: sum(w y) / sum(w)."""
    y = _as_array(indicator, "indicator")
    if not np.isin(y, (0.0, 1.0)).all():
        raise ValueError("indicator must hold only 0 and 1")
    w = np.ones_like(y) if weights is None else _as_array(weights, "weights")
    if len(w) != len(y):
        raise ValueError(f"{len(y)} indicator values but {len(w)} weights")
    total = float(w.sum())
    if total <= 0:
        raise ValueError("the weights sum to zero: no respondents to estimate from")
    return float((w * y).sum()) / total


def linearized_variance(
    indicator: Sequence[float] | np.ndarray | pd.Series,
    weights: Sequence[float] | np.ndarray | pd.Series | None = None,
    psu: Sequence[object] | np.ndarray | pd.Series | None = None,
    strata: Sequence[object] | np.ndarray | pd.Series | None = None,
) -> float:
    """Taylor-linearisation variance of a weighted proportion, robust to clustering in PSUs.

    The proportion is the ratio R = sum(w y) / sum(w); its linearised values are
    u_i = w_i (y_i - R) / sum(w). PSU totals u_hc are formed within each stratum h and
    var(R) = sum_h n_h / (n_h - 1) * sum_c (u_hc - mean_h u)^2 (Wolter 2007, ch. 6), with n_h
    the number of PSUs in stratum h. Without psu each respondent is its own PSU, which gives
    p(1-p)/(n-1) for equal weights.
    """
    y = _as_array(indicator, "indicator")
    w = np.ones_like(y) if weights is None else _as_array(weights, "weights")
    if len(w) != len(y):
        raise ValueError(f"{len(y)} indicator values but {len(w)} weights")
    p = weighted_proportion(y, w)
    u = w * (y - p) / w.sum()
    frame = pd.DataFrame(
        {
            "u": u,
            "psu": np.arange(len(y)) if psu is None else np.asarray(psu, dtype=object),
            "stratum": 0 if strata is None else np.asarray(strata, dtype=object),
        }
    )
    if frame["psu"].isna().any() or frame["stratum"].isna().any():
        raise ValueError("psu and strata must have no missing values")
    totals = frame.groupby(["stratum", "psu"], sort=False)["u"].sum().reset_index()
    variance = 0.0
    for stratum, block in totals.groupby("stratum", sort=False):
        count = len(block)
        if count < 2:
            raise ValueError(
                f"stratum {stratum!r} has a single PSU, so its variance cannot be estimated; "
                "merge it with a neighbouring stratum"
            )
        deviations = block["u"] - block["u"].mean()
        variance += count / (count - 1) * float((deviations**2).sum())
    return variance


@dataclass(frozen=True)
class ProportionEstimate:
    """A survey proportion with its standard error, 95% (or other) interval and design."""

    proportion: float
    se: float
    low: float
    high: float
    n: int
    n_eff: float
    design_effect: float
    method: str  # "srs", "kish" or "linearised (PSU)"


def survey_proportion(
    indicator: Sequence[float] | np.ndarray | pd.Series,
    weights: Sequence[float] | np.ndarray | pd.Series | None = None,
    psu: Sequence[object] | np.ndarray | pd.Series | None = None,
    strata: Sequence[object] | np.ndarray | pd.Series | None = None,
    confidence: float = 0.95,
) -> ProportionEstimate:
    """Weighted proportion with a design-based Wilson interval on the effective sample size.

    With a PSU variable the design effect is var_linearised / (p(1-p)/n) (clustering and
    weighting); without one it is Kish's weighting effect only, which understates the variance
    of a clustered sample. At p = 0 or 1 the linearised variance is 0, so Kish is used there.
    """
    y = _as_array(indicator, "indicator")
    n = len(y)
    if n == 0:
        raise ValueError("no respondents to estimate from")
    w = np.ones_like(y) if weights is None else _as_array(weights, "weights")
    p = weighted_proportion(y, w)
    kish_n = kish_effective_n(w)
    if psu is not None and 0 < p < 1:
        variance = linearized_variance(y, w, psu, strata)
        n_eff = p * (1 - p) / variance if variance > 0 else kish_n
        method = "linearised (PSU)"
    else:
        n_eff = kish_n
        method = "srs" if weights is None or np.allclose(w, w[0]) else "kish"
    deff = n / n_eff
    low, high = wilson_interval(p, n, confidence, design_effect=deff)
    se = math.sqrt(p * (1 - p) / n_eff)
    return ProportionEstimate(p, se, low, high, n, n_eff, deff, method)


def newcombe_difference_interval(
    p1: float,
    n1: float,
    p2: float,
    n2: float,
    confidence: float = 0.95,
    design_effect1: float | None = 1.0,
    design_effect2: float | None = 1.0,
) -> Interval:
    """Interval for p1 - p2 from two independent samples: Newcombe's (1998) hybrid score method.

    Combines the two Wilson intervals (l_i, u_i): from d - sqrt((p1-l1)^2 + (u2-p2)^2) to
    d + sqrt((u1-p1)^2 + (p2-l2)^2). Design effects enter through each Wilson interval.
    """
    a, b = _check_proportion(p1, "p1"), _check_proportion(p2, "p2")
    l1, u1 = wilson_interval(a, n1, confidence, design_effect1)
    l2, u2 = wilson_interval(b, n2, confidence, design_effect2)
    d = a - b
    return Interval(
        d - math.sqrt((a - l1) ** 2 + (u2 - b) ** 2),
        d + math.sqrt((u1 - a) ** 2 + (b - l2) ** 2),
    )


@dataclass(frozen=True)
class DifferenceTest:
    """p1 - p2 with its interval, standard error, z statistic and two-sided p-value."""

    difference: float
    low: float
    high: float
    se: float  # unpooled: sqrt(p1(1-p1)/n1_eff + p2(1-p2)/n2_eff)
    margin_of_error: float  # z * se: a change larger than this is outside the noise
    z: float  # pooled-variance z statistic under H0: p1 = p2
    p_value: float

    @property
    def exceeds_margin(self) -> bool:
        """Whether the difference is larger than its margin of error."""
        return abs(self.difference) > self.margin_of_error


def two_proportion_test(
    p1: float,
    n1: float,
    p2: float,
    n2: float,
    design_effect1: float | None = 1.0,
    design_effect2: float | None = 1.0,
    confidence: float = 0.95,
) -> DifferenceTest:
    """Test p1 = p2 for two independent samples (pooled z test on effective sample sizes).

    With deff = 1 this is the textbook two-proportion z test, whose square is Pearson's X^2 for
    the 2x2 table (Agresti 2007, 2.4); the interval is Newcombe's hybrid score interval.
    """
    a, b = _check_proportion(p1, "p1"), _check_proportion(p2, "p2")
    m1, m2 = effective_sample_size(n1, design_effect1), effective_sample_size(n2, design_effect2)
    pooled = (a * m1 + b * m2) / (m1 + m2)
    se_pooled = math.sqrt(pooled * (1 - pooled) * (1 / m1 + 1 / m2))
    d = a - b
    if se_pooled == 0:
        z, p_value = 0.0, 1.0  # both shares 0% or both 100%: no evidence of a difference
    else:
        z = d / se_pooled
        p_value = math.erfc(abs(z) / math.sqrt(2.0))  # 2 * (1 - Phi(|z|))
    se = math.sqrt(a * (1 - a) / m1 + b * (1 - b) / m2)
    low, high = newcombe_difference_interval(
        a, n1, b, n2, confidence, design_effect1, design_effect2
    )
    return DifferenceTest(d, low, high, se, z_value(confidence) * se, z, p_value)


def holm_adjust(p_values: Sequence[float]) -> list[float]:
    """Holm's step-down adjusted p-values for testing several differences at once.

    S. Holm (1979), "A simple sequentially rejective multiple test procedure", Scandinavian
    Journal of Statistics 6:65-70: the k-th smallest p-value is multiplied by (m - k + 1),
    made non-decreasing, and capped at 1.
    """
    values = [float(p) for p in p_values]
    m = len(values)
    order = sorted(range(m), key=lambda i: values[i])
    adjusted = [0.0] * m
    running = 0.0
    for rank, index in enumerate(order):
        running = max(running, min(1.0, (m - rank) * values[index]))
        adjusted[index] = running
    return adjusted


def format_p_value(p_value: float) -> str:
    """A p-value as reports print it: 'p < 0.001', 'p = 0.012', 'p = 0.45'."""
    if p_value is None or math.isnan(p_value):
        return "p not computed"
    if p_value < 0.001:
        return "p < 0.001"
    return f"p = {p_value:.3f}" if p_value < 0.01 else f"p = {p_value:.2f}"
