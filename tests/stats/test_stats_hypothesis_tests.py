"""t tests, chi-squared test and the percentile bootstrap against scipy.stats."""

import numpy as np
import pytest
import scipy.stats as ss

from groundup.stats import bootstrap_ci, chisquare, ttest_1samp, ttest_ind

RTOL = 1e-8


@pytest.mark.parametrize("n, popmean", [(2, 0.0), (8, 0.4), (50, -0.2), (1000, 0.05)])
@pytest.mark.parametrize("alternative", ["two-sided", "less", "greater"])
def test_ttest_1samp_matches_scipy(rng, n, popmean, alternative):
    x = rng.normal(0.1, 1.3, n)
    ours = ttest_1samp(x, popmean, alternative=alternative)
    ref = ss.ttest_1samp(x, popmean, alternative=alternative)
    np.testing.assert_allclose(
        [ours.statistic, ours.pvalue], [ref.statistic, ref.pvalue], rtol=RTOL
    )
    assert ours.df == ref.df


def test_ttest_1samp_tiny_pvalue_keeps_relative_accuracy(rng):
    x = rng.normal(3.0, 1.0, 200)  # t ≈ 40: p ~ 1e-100
    ours, ref = ttest_1samp(x), ss.ttest_1samp(x, 0.0)
    assert ref.pvalue < 1e-80
    np.testing.assert_allclose(ours.pvalue, ref.pvalue, rtol=RTOL)


@pytest.mark.parametrize("equal_var", [False, True])
@pytest.mark.parametrize("sizes", [(2, 3), (10, 25), (300, 40)])
@pytest.mark.parametrize("alternative", ["two-sided", "less", "greater"])
def test_ttest_ind_matches_scipy(rng, equal_var, sizes, alternative):
    a = rng.normal(0.0, 1.0, sizes[0])
    b = rng.normal(0.4, 2.5, sizes[1])
    ours = ttest_ind(a, b, equal_var=equal_var, alternative=alternative)
    ref = ss.ttest_ind(a, b, equal_var=equal_var, alternative=alternative)
    np.testing.assert_allclose(
        [ours.statistic, ours.pvalue, ours.df], [ref.statistic, ref.pvalue, ref.df], rtol=RTOL
    )


def test_ttest_ind_defaults_to_welch(rng):
    a, b = rng.normal(0, 1, 12), rng.normal(0, 3, 30)
    assert ttest_ind(a, b).pvalue == pytest.approx(
        ss.ttest_ind(a, b, equal_var=False).pvalue, rel=RTOL
    )


@pytest.mark.parametrize("k", [2, 5, 40])
def test_chisquare_matches_scipy(rng, k):
    obs = rng.poisson(20, k).astype(float)
    ours, ref = chisquare(obs), ss.chisquare(obs)
    np.testing.assert_allclose(
        [ours.statistic, ours.pvalue], [ref.statistic, ref.pvalue], rtol=RTOL
    )
    exp = rng.uniform(5, 30, k)
    exp *= obs.sum() / exp.sum()
    ours, ref = chisquare(obs, exp), ss.chisquare(obs, exp)
    np.testing.assert_allclose(
        [ours.statistic, ours.pvalue], [ref.statistic, ref.pvalue], rtol=RTOL
    )
    if k > 2:
        ours, ref = chisquare(obs, exp, ddof=1), ss.chisquare(obs, exp, ddof=1)
        np.testing.assert_allclose(ours.pvalue, ref.pvalue, rtol=RTOL)


def test_chisquare_extreme_statistic():
    obs = np.array([500.0, 5.0, 5.0, 490.0])
    ours, ref = chisquare(obs), ss.chisquare(obs)
    assert ref.pvalue < 1e-100
    np.testing.assert_allclose(ours.pvalue, ref.pvalue, rtol=RTOL)


def test_bootstrap_matches_scipy_percentile(rng):
    # scipy.stats.bootstrap (percentile) draws its resample indices the same way
    # (rng.integers(0, n, (B, n))), so with one seed both intervals coincide; with different
    # seeds they agree to Monte Carlo error
    x = rng.normal(1.0, 2.0, 60)
    for stat in (np.mean, np.median, np.std):
        ours = bootstrap_ci(x, stat, n_resamples=4999, rng=5)
        ref = ss.bootstrap((x,), stat, n_resamples=4999, method="percentile", rng=5)
        np.testing.assert_allclose(ours, tuple(ref.confidence_interval), rtol=1e-12)
    ours = bootstrap_ci(x, np.mean, n_resamples=20000, rng=1)
    ref = ss.bootstrap((x,), np.mean, n_resamples=20000, method="percentile", rng=2)
    se = x.std(ddof=1) / np.sqrt(x.size)
    np.testing.assert_allclose(ours, tuple(ref.confidence_interval), atol=0.05 * se)


def test_bootstrap_statistic_without_axis_falls_back(rng):
    x = rng.normal(size=40)
    ours = bootstrap_ci(x, lambda s: float(np.mean(s)), n_resamples=999, rng=3)
    np.testing.assert_allclose(ours, bootstrap_ci(x, np.mean, n_resamples=999, rng=3), rtol=1e-12)


def test_bootstrap_coverage_of_the_mean():
    # 95% percentile intervals for the mean of N(0, 1) samples of size 40 cover 0 about 94%
    # of the time (percentile intervals undercover slightly); 300 trials: SE ≈ 1.4%
    gen = np.random.default_rng(0)
    hits = sum(
        lo <= 0.0 <= hi
        for lo, hi in (
            bootstrap_ci(gen.normal(size=40), n_resamples=999, rng=gen) for _ in range(300)
        )
    )
    assert 0.89 <= hits / 300 <= 0.98


def test_bootstrap_same_seed_same_interval(rng):
    x = rng.normal(size=30)
    assert bootstrap_ci(x, rng=4) == bootstrap_ci(x, rng=4)


@pytest.mark.parametrize(
    "call, exc, match",
    [
        (lambda: ttest_1samp([1.0]), ValueError, "at least 2"),
        (lambda: ttest_1samp([1.0, np.nan]), ValueError, "NaN"),
        (lambda: ttest_1samp([2.0, 2.0, 2.0]), ValueError, "zero variance"),
        (lambda: ttest_1samp([[1.0, 2.0]]), ValueError, "1-dimensional"),
        (lambda: ttest_1samp([1.0, 2.0], popmean=np.inf), ValueError, "popmean"),
        (lambda: ttest_1samp([1.0, 2.0], alternative="bigger"), ValueError, "alternative"),
        (lambda: ttest_ind([1.0, 2.0], [3.0]), ValueError, "b needs at least 2"),
        (lambda: ttest_ind([1.0, 1.0], [3.0, 3.0]), ValueError, "zero variance"),
        (lambda: ttest_ind([], [1.0, 2.0]), ValueError, "empty"),
        (lambda: chisquare([1.0, -1.0, 3.0]), ValueError, "observed counts must be >= 0"),
        (lambda: chisquare([1.0, 2.0], [1.0, 2.0, 3.0]), ValueError, "3"),
        (lambda: chisquare([1.0, 2.0], [0.0, 3.0]), ValueError, "expected counts must be > 0"),
        (lambda: chisquare([1.0, 2.0], [2.0, 2.0]), ValueError, "same total"),
        (lambda: chisquare([1.0, 2.0], ddof=1), ValueError, "degrees of freedom"),
        (lambda: chisquare([np.inf, 2.0]), ValueError, "infinity"),
        (lambda: bootstrap_ci([1.0]), ValueError, "at least 2"),
        (lambda: bootstrap_ci([1.0, 2.0], confidence_level=1.5), ValueError, "confidence_level"),
        (lambda: bootstrap_ci([1.0, 2.0], n_resamples=0), ValueError, "n_resamples"),
        (lambda: bootstrap_ci([1.0, 2.0], n_resamples=10.5), TypeError, "n_resamples"),
        (lambda: bootstrap_ci([1.0, 2.0], statistic="mean"), TypeError, "callable"),
        (lambda: bootstrap_ci([1.0, 2.0], statistic=lambda s, axis: s), ValueError, "one number"),
        (lambda: bootstrap_ci([1.0, 2.0], rng="seed"), TypeError, "rng"),
    ],
)
def test_bad_input(call, exc, match):
    with pytest.raises(exc, match=match):
        call()
