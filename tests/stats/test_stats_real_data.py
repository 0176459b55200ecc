"""Parity on real bundled data (scikit-learn's iris and diabetes), not only on simulations."""

import numpy as np
import scipy.stats as ss
from sklearn.datasets import load_diabetes, load_iris

from groundup.stats import (
    Gamma,
    MultivariateNormal,
    Normal,
    StudentT,
    bootstrap_ci,
    chisquare,
    ttest_1samp,
    ttest_ind,
)


def test_iris_species_tests_match_scipy():
    iris = load_iris()
    sepal = iris.data[:, 0]
    setosa, versicolor = sepal[iris.target == 0], sepal[iris.target == 1]
    for equal_var in (False, True):
        ours = ttest_ind(setosa, versicolor, equal_var=equal_var)
        ref = ss.ttest_ind(setosa, versicolor, equal_var=equal_var)
        np.testing.assert_allclose(
            [ours.statistic, ours.pvalue], [ref.statistic, ref.pvalue], rtol=1e-8
        )
    ours, ref = ttest_1samp(sepal, 5.8), ss.ttest_1samp(sepal, 5.8)
    np.testing.assert_allclose(
        [ours.statistic, ours.pvalue], [ref.statistic, ref.pvalue], rtol=1e-8
    )


def test_iris_multivariate_normal_fit_and_density():
    x = load_iris().data[load_iris().target == 2]  # virginica, 50 × 4
    d = MultivariateNormal.fit(x)
    ref = ss.multivariate_normal(x.mean(0), np.cov(x.T, bias=True))
    np.testing.assert_allclose(d.logpdf(x), ref.logpdf(x), rtol=1e-10)


def test_diabetes_target_fits_match_scipy():
    y = load_diabetes(scaled=False).target  # disease progression, 442 positive values
    a, _, scale = ss.gamma.fit(y, floc=0)
    g = Gamma.fit(y)
    np.testing.assert_allclose([g.shape, g.rate], [a, 1 / scale], rtol=1e-6)
    n = Normal.fit(y)
    np.testing.assert_allclose([n.mean(), n.std()], ss.norm.fit(y), rtol=1e-12)
    t = StudentT.fit(y, df=10.0)
    ll_ours = ss.t.logpdf(y, 10.0, t.loc, t.scale).sum()
    ll_scipy = ss.t.logpdf(y, 10.0, *ss.t.fit(y, fix_df=10.0)[1:]).sum()
    assert ll_ours >= ll_scipy - 1e-9


def test_diabetes_bootstrap_and_chisquare_match_scipy():
    y = load_diabetes(scaled=False).target
    ours = bootstrap_ci(y, np.median, n_resamples=1999, rng=0)
    ref = ss.bootstrap((y,), np.median, n_resamples=1999, method="percentile", rng=0)
    np.testing.assert_allclose(ours, tuple(ref.confidence_interval), rtol=1e-12)
    # are the sexes (column 1 holds two codes) equally represented?
    counts = np.unique(load_diabetes(scaled=False).data[:, 1], return_counts=True)[1]
    ours, ref = chisquare(counts), ss.chisquare(counts)
    np.testing.assert_allclose(
        [ours.statistic, ours.pvalue], [ref.statistic, ref.pvalue], rtol=1e-8
    )
