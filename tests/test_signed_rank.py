"""The Wilcoxon signed-rank p-value of s3sim-compare (sim.experiments.paired_stats.wilcoxon_p)."""

import math

import numpy as np
import pytest
from scipy import stats

from sim.experiments.paired_stats import EXACT_LIMIT, signed_rank_null, wilcoxon_p


def test_the_null_distribution_by_hand():
    # ranks 1, 2, 3: sign patterns give W in {0, 1, 2, 3, 3, 4, 5, 6}
    expected = np.array([1, 1, 1, 2, 1, 1, 1]) / 8
    np.testing.assert_allclose(signed_rank_null(np.array([1, 2, 3])), expected)


def test_ten_positive_differences():
    # the most extreme of 2**10 sign patterns, on both sides: 2 / 1024
    assert wilcoxon_p(np.arange(1.0, 11.0)) == pytest.approx(2 / 1024)


@pytest.mark.parametrize("ties", [False, True])
def test_equals_scipys_exact_test_for_small_samples(ties):
    # scipy is exact below 14 differences (by enumeration when there are ties)
    rng = np.random.default_rng(7)
    for _ in range(60):
        d = rng.normal(size=rng.integers(2, 14))
        if ties:
            d = np.round(2 * d) / 2
        d = d[d != 0]
        if len(d) < 2:
            continue
        assert wilcoxon_p(d) == pytest.approx(stats.wilcoxon(d).pvalue, abs=1e-12)


def test_heavy_ties_are_exact_not_approximated():
    # five +1 and four -1, all of mid-rank 5: W+ = 25 against a centre of 22.5, and every
    # sign pattern is at least 2.5 from the centre, so p = 1 (the normal approximation
    # says 0.74)
    d = np.array([1.0, -1, 1, -1, 1, 1, -1, 1, -1])
    assert wilcoxon_p(d) == 1.0


def test_large_samples_use_the_normal_approximation():
    rng = np.random.default_rng(3)
    d = rng.normal(0.3, 1.0, EXACT_LIMIT + 10)
    expected = stats.wilcoxon(d, method="approx").pvalue
    assert wilcoxon_p(d) == pytest.approx(expected)


def test_zeros_and_non_finite_values_are_dropped():
    assert math.isnan(wilcoxon_p(np.array([0.0, 0.0, 3.0, np.nan])))
    assert wilcoxon_p(np.array([0.0, 1.0, 2.0, np.inf])) == wilcoxon_p(np.array([1.0, 2.0]))
