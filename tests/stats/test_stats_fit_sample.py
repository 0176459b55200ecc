"""Maximum-likelihood fits against scipy's fit / closed forms; sampling moments and seeding."""

import numpy as np
import pytest
import scipy.optimize as so
import scipy.special as sp
import scipy.stats as ss

from groundup.stats import (
    Bernoulli,
    Beta,
    Binomial,
    Categorical,
    ChiSquared,
    Exponential,
    Gamma,
    MultivariateNormal,
    NegativeBinomial,
    Normal,
    Poisson,
    StudentT,
    Uniform,
)

FIT_RTOL = 1e-6


def test_normal_fit_matches_scipy(rng):
    x = rng.normal(2.0, 3.0, 500)
    loc, scale = ss.norm.fit(x)
    d = Normal.fit(x)
    np.testing.assert_allclose([d.mean(), d.std()], [loc, scale], rtol=1e-12)


def test_exponential_fit_matches_scipy(rng):
    x = rng.exponential(2.5, 400)
    _, scale = ss.expon.fit(x, floc=0)
    np.testing.assert_allclose(Exponential.fit(x).rate, 1 / scale, rtol=1e-12)


def test_uniform_fit_matches_scipy(rng):
    x = rng.uniform(-2, 5, 300)
    loc, scale = ss.uniform.fit(x)
    d = Uniform.fit(x)
    np.testing.assert_allclose([d.low, d.high], [loc, loc + scale], rtol=1e-12)


@pytest.mark.parametrize("shape, rate", [(0.4, 2.0), (2.3, 1.7), (40.0, 0.1)])
def test_gamma_fit_matches_scipy(rng, shape, rate):
    x = rng.gamma(shape, 1 / rate, 500)
    a, _, scale = ss.gamma.fit(x, floc=0)
    d = Gamma.fit(x)
    np.testing.assert_allclose([d.shape, d.rate], [a, 1 / scale], rtol=FIT_RTOL)
    # and the score equation itself holds to rounding: log a − ψ(a) = log x̄ − mean log x
    s = np.log(x.mean()) - np.log(x).mean()
    assert abs(np.log(d.shape) - sp.digamma(d.shape) - s) < 1e-12


@pytest.mark.parametrize("a, b", [(2.5, 0.8), (0.5, 0.5), (30.0, 12.0)])
def test_beta_fit_matches_scipy(rng, a, b):
    x = rng.beta(a, b, 500)
    x = x[(x > 0) & (x < 1)]
    ra, rb, _, _ = ss.beta.fit(x, floc=0, fscale=1)
    d = Beta.fit(x)
    np.testing.assert_allclose([d.a, d.b], [ra, rb], rtol=FIT_RTOL)
    g1 = sp.digamma(d.a) - sp.digamma(d.a + d.b)
    g2 = sp.digamma(d.b) - sp.digamma(d.a + d.b)
    np.testing.assert_allclose([g1, g2], [np.log(x).mean(), np.log1p(-x).mean()], rtol=1e-12)


def test_chi_squared_fit_solves_score_and_matches_scipy(rng):
    x = rng.chisquare(4.2, 500)
    k = ChiSquared.fit(x).df
    # score equation ψ(k/2) = mean log x − log 2, checked with scipy's digamma
    assert abs(sp.digamma(k / 2) - (np.log(x).mean() - np.log(2))) < 1e-12
    # scipy's generic optimiser (Nelder–Mead) stops at ~1e-4 relative
    ref, _, _ = ss.chi2.fit(x, floc=0, fscale=1)
    np.testing.assert_allclose(k, ref, rtol=1e-4)
    # the exact 1-D maximiser agrees to the fit tolerance
    exact = so.minimize_scalar(
        lambda df: -ss.chi2.logpdf(x, df).sum(),
        bounds=(0.5, 20),
        method="bounded",
        options={"xatol": 1e-10},
    ).x
    np.testing.assert_allclose(k, exact, rtol=FIT_RTOL)


def _t_negloglik(params, x, df=None):
    if df is None:
        df, loc, log_scale = params
    else:
        loc, log_scale = params
    return -ss.t.logpdf(x, df, loc, np.exp(log_scale)).sum()


def test_student_t_fixed_df_fit_is_the_maximum(rng):
    x = 1.0 + 2.0 * rng.standard_t(3.5, 400)
    d = StudentT.fit(x, df=3.5)
    assert d.df == 3.5
    # gradient of the exact log-likelihood (scipy's logpdf) vanishes at our estimate
    grad = so.approx_fprime([d.loc, np.log(d.scale)], _t_negloglik, 1e-6, x, 3.5)
    assert np.max(np.abs(grad)) < 1e-3
    ref = so.minimize(
        _t_negloglik, [0.0, 0.0], args=(x, 3.5), method="BFGS", options={"gtol": 1e-10}
    )
    np.testing.assert_allclose([d.loc, np.log(d.scale)], ref.x, rtol=FIT_RTOL, atol=1e-6)


def test_student_t_free_df_fit_matches_direct_maximisation(rng):
    x = -0.5 + 1.5 * rng.standard_t(4.0, 300)
    d = StudentT.fit(x)
    ref = so.minimize(
        _t_negloglik,
        [5.0, 0.0, 0.0],
        args=(x,),
        method="L-BFGS-B",
        bounds=[(0.1, 1e3), (None, None), (None, None)],
        options={"ftol": 1e-15, "gtol": 1e-10},
    )
    np.testing.assert_allclose([d.df, d.loc, np.log(d.scale)], ref.x, rtol=1e-5, atol=1e-6)
    # our likelihood is at least as high as scipy's own t.fit (a Nelder–Mead search)
    ll_ours = ss.t.logpdf(x, d.df, d.loc, d.scale).sum()
    ll_scipy = ss.t.logpdf(x, *ss.t.fit(x)).sum()
    assert ll_ours >= ll_scipy - 1e-9


def test_student_t_fit_on_normal_data_caps_df(rng):
    d = StudentT.fit(rng.normal(size=200))
    assert d.df == 1e6


def test_discrete_fits_are_the_closed_forms(rng):
    b = rng.random(300) < 0.3
    assert Bernoulli.fit(b).p == pytest.approx(b.mean(), rel=1e-15)
    k = rng.binomial(12, 0.4, 200)
    assert Binomial.fit(k, n=12).p == pytest.approx(k.mean() / 12, rel=1e-15)
    c = rng.poisson(3.3, 250)
    assert Poisson.fit(c).rate == pytest.approx(c.mean(), rel=1e-15)
    labels = rng.integers(0, 5, 400)
    np.testing.assert_allclose(Categorical.fit(labels).probs, np.bincount(labels) / 400, rtol=1e-15)
    np.testing.assert_allclose(
        Categorical.fit([0, 0, 1], n_categories=4).probs, [2 / 3, 1 / 3, 0, 0]
    )
    nb = rng.negative_binomial(3.0, 0.4, 300)
    assert NegativeBinomial.fit(nb, r=3.0).p == pytest.approx(3.0 / (3.0 + nb.mean()), rel=1e-15)


def test_multivariate_normal_fit_matches_numpy(rng):
    x = rng.multivariate_normal([1, -1, 0], [[2, 0.3, 0], [0.3, 1, 0.2], [0, 0.2, 0.5]], 300)
    d = MultivariateNormal.fit(x)
    np.testing.assert_allclose(d.mean(), x.mean(0), rtol=1e-12)
    np.testing.assert_allclose(d.cov, np.cov(x.T, bias=True), rtol=1e-12)


SAMPLED = [
    Normal(1.5, 2.0),
    Exponential(0.7),
    Uniform(-1, 3),
    Gamma(2.5, 1.3),
    Gamma(0.3, 2.0),
    ChiSquared(3.5),
    Beta(2.5, 0.7),
    StudentT(6.0, 1.0, 2.0),
    Bernoulli(0.3),
    Binomial(20, 0.3),
    Poisson(4.5),
    Poisson(2000.0),
    NegativeBinomial(3.5, 0.3),
    Categorical([0.2, 0.5, 0.3]),
]


@pytest.mark.parametrize("d", SAMPLED, ids=repr)
def test_sample_moments_within_standard_errors(d):
    n = 40_000
    x = d.sample(n, rng=7)
    assert x.shape == (n,)
    # mean within 5 standard errors; variance within 5 standard errors of the sample variance
    # (its SE uses the sample fourth central moment)
    se_mean = np.sqrt(d.var() / n)
    assert abs(x.mean() - d.mean()) < 5 * se_mean
    m4 = np.mean((x - x.mean()) ** 4)
    se_var = np.sqrt(max(m4 - x.var() ** 2, 0.0) / n)
    assert abs(x.var() - d.var()) < 5 * se_var


@pytest.mark.parametrize("d", SAMPLED, ids=repr)
def test_samples_follow_the_distribution_ks(d):
    # Kolmogorov–Smirnov against our own cdf (continuous) / chi-square on counts (discrete)
    x = d.sample(5000, rng=3)
    if d.discrete:
        k = np.arange(int(x.min()), int(x.max()) + 1)
        counts = np.bincount((x - k[0]).astype(int), minlength=k.size)
        expected = 5000 * np.asarray(d.pmf(k))
        keep = expected > 5
        stat = np.sum((counts[keep] - expected[keep]) ** 2 / expected[keep])
        assert ss.chi2.sf(stat, keep.sum()) > 1e-3
    else:
        assert ss.kstest(x, d.cdf).pvalue > 1e-3


def test_multivariate_normal_sample_moments():
    cov = np.array([[2.0, 0.6], [0.6, 1.0]])
    x = MultivariateNormal([1.0, -2.0], cov).sample(50_000, rng=1)
    assert x.shape == (50_000, 2)
    np.testing.assert_allclose(x.mean(0), [1.0, -2.0], atol=5 * np.sqrt(2.0 / 50_000))
    np.testing.assert_allclose(np.cov(x.T), cov, atol=0.05)


def test_same_seed_same_draws_and_generators_accepted():
    for d in (Gamma(0.5, 1.0), Poisson(3.0), StudentT(3.0), MultivariateNormal([0, 0], np.eye(2))):
        np.testing.assert_array_equal(d.sample(50, rng=11), d.sample(50, rng=11))
        np.testing.assert_array_equal(
            d.sample(50, rng=np.random.default_rng(11)), d.sample(50, rng=11)
        )
        assert not np.array_equal(d.sample(50, rng=11), d.sample(50, rng=12))
    assert Normal().sample(0, rng=0).shape == (0,)
