"""Interval maths against worked examples published in the statistics literature.

Wilson intervals: R. G. Newcombe (1998a), "Two-sided confidence intervals for the single
proportion: comparison of seven methods", Statistics in Medicine 17:857-872, Table II, method 3
(score interval without continuity correction), examples 81/263, 15/148, 0/20 and 1/29.
Differences: R. G. Newcombe (1998b), "Interval estimation for the difference between independent
proportions: comparison of eleven methods", Statistics in Medicine 17:873-890, Table II,
method 10 (hybrid score), examples (a) 56/70 - 48/80, (b) 9/10 - 3/10, (e) 0/10 - 0/20,
(g) 10/10 - 0/20.
Wald difference: A. Agresti (2007), An Introduction to Categorical Data Analysis, 2nd ed.,
section 2.2.3, the Physicians' Health Study (myocardial infarction 189/11034 on placebo,
104/11037 on aspirin): difference 0.0077, standard error 0.0015, 95% interval (0.005, 0.011).
Design effect of weighting: L. Kish (1992), "Weighting for unequal P_i", Journal of Official
Statistics 8:183-200: deff = n sum(w^2) / (sum w)^2 = 1 + CV^2.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import chi2_contingency

from analysis.analyses import survey_stats as ss


@pytest.mark.parametrize(
    ("successes", "n", "low", "high"),
    [
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0000, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_wilson_matches_newcombe_1998_table(successes, n, low, high):
    interval = ss.wilson_interval_counts(successes, n)
    assert interval.low == pytest.approx(low, abs=5e-5)
    assert interval.high == pytest.approx(high, abs=5e-5)


def test_design_effect_inflates_variance_so_n_shrinks():
    # deff 2 on n = 1000 behaves like a simple random sample of 500 (Kish 1965, 8.2).
    assert ss.effective_sample_size(1000, 2) == 500
    with_deff = ss.wilson_interval(0.5, 1000, design_effect=2)
    halved = ss.wilson_interval(0.5, 500)
    assert with_deff == pytest.approx(halved)
    # Worked by hand: z^2 = 3.841459; half-width 1.959964 * sqrt(0.25/500 + z^2/(4*500^2))
    # / (1 + z^2/500) = 0.043659, centred on 0.5.
    assert with_deff.low == pytest.approx(0.456341, abs=2e-6)
    assert with_deff.high == pytest.approx(0.543659, abs=2e-6)
    # Wider than without a design effect.
    plain = ss.wilson_interval(0.5, 1000)
    assert plain.high - plain.low < with_deff.high - with_deff.low


def test_margin_of_error_of_a_1200_sample_is_about_3_points():
    # Afrobarometer's stated +/-3 points for n = 1,200 at p = 0.5 (1.96 * sqrt(.25/1200)).
    assert ss.margin_of_error(0.5, 1200) == pytest.approx(0.02829, abs=1e-5)


def test_kish_effective_sample_size_and_design_effect():
    weights = [1, 1, 2, 2]
    # (sum w)^2 / sum w^2 = 36 / 10.
    assert ss.kish_effective_n(weights) == pytest.approx(3.6)
    # n sum w^2 / (sum w)^2 = 40/36 = 1 + CV^2 with CV^2 = 0.25 / 1.5^2 = 1/9.
    assert ss.kish_design_effect(weights) == pytest.approx(10 / 9)
    assert ss.kish_design_effect([3, 3, 3]) == pytest.approx(1.0)


def test_weighted_proportion():
    assert ss.weighted_proportion([1, 0, 0, 1], [1, 1, 2, 2]) == pytest.approx(0.5)
    assert ss.weighted_proportion([1, 0, 0, 0], [3, 1, 1, 1]) == pytest.approx(0.5)
    with pytest.raises(ValueError, match="only 0 and 1"):
        ss.weighted_proportion([2, 0], [1, 1])


def test_linearised_variance_without_clusters_is_p_q_over_n_minus_1():
    y = np.array([1] * 30 + [0] * 70)
    assert ss.linearized_variance(y) == pytest.approx(0.3 * 0.7 / 99)


def test_linearised_variance_with_clusters_worked_by_hand():
    # Three PSUs of two: u_i = (y_i - 0.5)/6; PSU totals +1/6, -1/6, 0; mean 0;
    # var = 3/2 * (1/36 + 1/36) = 1/12, twice the SRS variance 0.25/6, so deff = 2, n_eff = 3.
    y = [1, 1, 0, 0, 1, 0]
    psu = ["a", "a", "b", "b", "c", "c"]
    assert ss.linearized_variance(y, psu=psu) == pytest.approx(1 / 12)
    estimate = ss.survey_proportion(y, weights=[1] * 6, psu=psu)
    assert estimate.method == "linearised (PSU)"
    assert estimate.design_effect == pytest.approx(2.0)
    assert estimate.n_eff == pytest.approx(3.0)
    assert (estimate.low, estimate.high) == pytest.approx(tuple(ss.wilson_interval(0.5, 3)))


def test_linearised_variance_with_strata():
    y = [1, 1, 0, 0, 1, 1, 0, 0]
    psu = [1, 1, 2, 2, 3, 3, 4, 4]
    strata = ["s", "s", "s", "s", "t", "t", "t", "t"]
    # u_i = (y_i - 0.5)/8; PSU totals +-1/8; each stratum adds 2 * 2 * (1/8)^2 = 1/16.
    assert ss.linearized_variance(y, psu=psu, strata=strata) == pytest.approx(1 / 8)
    with pytest.raises(ValueError, match="single PSU"):
        ss.linearized_variance(y, psu=psu, strata=["s"] * 2 + ["t"] * 6)


def test_survey_proportion_kish_method():
    y = [1, 0, 1, 0]
    w = [1, 1, 2, 2]
    estimate = ss.survey_proportion(y, w)
    assert estimate.method == "kish"
    assert estimate.proportion == pytest.approx(0.5)
    assert estimate.n_eff == pytest.approx(3.6)
    assert estimate.design_effect == pytest.approx(10 / 9)
    assert estimate.se == pytest.approx(math.sqrt(0.25 / 3.6))


@pytest.mark.parametrize(
    ("x1", "n1", "x2", "n2", "low", "high"),
    [
        (56, 70, 48, 80, 0.0524, 0.3339),
        (9, 10, 3, 10, 0.1705, 0.8090),
        (0, 10, 0, 20, -0.1611, 0.2775),
        (10, 10, 0, 20, 0.6791, 1.0000),
    ],
)
def test_difference_interval_matches_newcombe_1998b_table(x1, n1, x2, n2, low, high):
    interval = ss.newcombe_difference_interval(x1 / n1, n1, x2 / n2, n2)
    assert interval.low == pytest.approx(low, abs=5e-5)
    assert interval.high == pytest.approx(high, abs=5e-5)


def test_two_proportion_test_aspirin_example_agresti():
    placebo, aspirin = 189 / 11034, 104 / 11037
    result = ss.two_proportion_test(placebo, 11034, aspirin, 11037)
    assert result.difference == pytest.approx(0.0077, abs=5e-5)
    assert result.se == pytest.approx(0.0015, abs=5e-5)
    # Agresti's Wald interval (0.005, 0.011) is difference +- margin.
    assert result.difference - result.margin_of_error == pytest.approx(0.005, abs=5e-4)
    assert result.difference + result.margin_of_error == pytest.approx(0.011, abs=5e-4)
    assert result.exceeds_margin
    # The pooled z test squared is Pearson's X^2 for the 2x2 table (Agresti 2007, 2.4.3).
    table = [[189, 11034 - 189], [104, 11037 - 104]]
    chi2, p_value, _, _ = chi2_contingency(table, correction=False)
    assert result.z**2 == pytest.approx(chi2, rel=1e-9)
    assert result.p_value == pytest.approx(p_value, rel=1e-6)


def test_two_proportion_test_with_design_effects_is_less_significant():
    plain = ss.two_proportion_test(0.55, 1200, 0.50, 1200)
    clustered = ss.two_proportion_test(0.55, 1200, 0.50, 1200, 2.0, 2.0)
    assert clustered.p_value > plain.p_value
    # Same as two simple random samples of 600.
    halved = ss.two_proportion_test(0.55, 600, 0.50, 600)
    assert clustered.p_value == pytest.approx(halved.p_value)
    assert clustered.z == pytest.approx(halved.z)


def test_identical_extreme_shares_give_no_evidence_of_difference():
    result = ss.two_proportion_test(0.0, 50, 0.0, 80)
    assert result.p_value == 1.0
    assert not result.exceeds_margin


def test_bad_inputs_are_named():
    with pytest.raises(ValueError, match="fraction between 0 and 1"):
        ss.wilson_interval(45, 100)
    with pytest.raises(ValueError, match="design effect must be positive"):
        ss.wilson_interval(0.4, 100, design_effect=0)
    with pytest.raises(ValueError, match="sample size must be positive"):
        ss.wilson_interval(0.4, 0)
    with pytest.raises(ValueError, match="confidence"):
        ss.z_value(95)


def test_holm_adjustment_worked_by_hand():
    # Sorted 0.01, 0.03, 0.04 -> 3 x 0.01 = 0.03, 2 x 0.03 = 0.06, 1 x 0.04 -> max(0.06, 0.04).
    assert ss.holm_adjust([0.01, 0.04, 0.03]) == pytest.approx([0.03, 0.06, 0.06])
    assert ss.holm_adjust([0.5, 0.9]) == pytest.approx([1.0, 1.0])
    assert ss.holm_adjust([]) == []


def test_p_values_are_printed_readably():
    assert ss.format_p_value(1e-9) == "p < 0.001"
    assert ss.format_p_value(0.0042) == "p = 0.004"
    assert ss.format_p_value(0.4567) == "p = 0.46"
