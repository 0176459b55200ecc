"""Every distribution's logpdf/pdf/cdf/mean/var against scipy.stats, relative error 1e-8.

Grids reach far into the tails (cdf values down to ~1e-300) where relative accuracy is hardest.
"""

import numpy as np
import pytest
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

RTOL = 1e-8

CONTINUOUS = [
    ("normal", lambda: Normal(1.5, 2.0), ss.norm(1.5, 2.0), np.linspace(-70, 70, 401)),
    (
        "normal-narrow",
        lambda: Normal(-3.0, 1e-3),
        ss.norm(-3.0, 1e-3),
        np.linspace(-3.03, -2.97, 101),
    ),
    ("exponential", lambda: Exponential(0.7), ss.expon(scale=1 / 0.7), np.linspace(-1, 900, 401)),
    ("uniform", lambda: Uniform(-1, 3), ss.uniform(-1, 4), np.linspace(-2, 4, 121)),
    ("gamma", lambda: Gamma(2.5, 1.3), ss.gamma(2.5, scale=1 / 1.3), np.linspace(0, 400, 401)),
    (
        "gamma-small",
        lambda: Gamma(0.3, 2.0),
        ss.gamma(0.3, scale=0.5),
        np.geomspace(1e-12, 300, 401),
    ),
    (
        "gamma-large",
        lambda: Gamma(250.0, 0.5),
        ss.gamma(250.0, scale=2.0),
        np.linspace(200, 900, 401),
    ),
    ("chi2", lambda: ChiSquared(3.5), ss.chi2(3.5), np.linspace(0, 1200, 401)),
    ("chi2-1", lambda: ChiSquared(1.0), ss.chi2(1.0), np.geomspace(1e-10, 1000, 401)),
    ("beta", lambda: Beta(2.5, 0.7), ss.beta(2.5, 0.7), np.linspace(1e-6, 1 - 1e-9, 401)),
    ("beta-u", lambda: Beta(0.4, 0.6), ss.beta(0.4, 0.6), np.geomspace(1e-12, 0.999, 401)),
    ("beta-large", lambda: Beta(300.0, 40.0), ss.beta(300.0, 40.0), np.linspace(0.5, 0.999, 401)),
    ("t", lambda: StudentT(3.3, 1.0, 2.0), ss.t(3.3, 1.0, 2.0), np.linspace(-1e4, 1e4, 401)),
    ("t-cauchy", lambda: StudentT(1.0), ss.t(1.0), np.linspace(-1e6, 1e6, 401)),
    (
        "t-heavy",
        lambda: StudentT(0.7, -2.0, 0.5),
        ss.t(0.7, -2.0, 0.5),
        np.linspace(-100, 100, 401),
    ),
    ("t-light", lambda: StudentT(40.0), ss.t(40.0), np.linspace(-60, 60, 401)),
]

DISCRETE = [
    ("bernoulli", lambda: Bernoulli(0.3), ss.bernoulli(0.3), np.arange(-2, 4)),
    ("bernoulli-0", lambda: Bernoulli(0.0), ss.bernoulli(0.0), np.arange(-1, 3)),
    ("binomial", lambda: Binomial(20, 0.3), ss.binom(20, 0.3), np.arange(-2, 24)),
    ("binomial-big", lambda: Binomial(5000, 0.01), ss.binom(5000, 0.01), np.arange(0, 400)),
    ("binomial-p1", lambda: Binomial(7, 1.0), ss.binom(7, 1.0), np.arange(-1, 9)),
    ("poisson", lambda: Poisson(4.5), ss.poisson(4.5), np.arange(-2, 150)),
    ("poisson-big", lambda: Poisson(800.0), ss.poisson(800.0), np.arange(400, 1400, 5)),
    ("negbinom", lambda: NegativeBinomial(3.5, 0.3), ss.nbinom(3.5, 0.3), np.arange(-1, 200)),
    (
        "categorical",
        lambda: Categorical([0.2, 0.5, 0.0, 0.3]),
        ss.rv_discrete(values=([0, 1, 2, 3], [0.2, 0.5, 0.0, 0.3])),
        np.arange(-1, 6),
    ),
]


def _assert_log_close(ours, ref):
    ours, ref = np.asarray(ours), np.asarray(ref)
    np.testing.assert_array_equal(np.isneginf(ours), np.isneginf(ref))
    fin = np.isfinite(ref)
    np.testing.assert_allclose(ours[fin], ref[fin], rtol=RTOL, atol=RTOL)


@pytest.mark.parametrize("name, make, ref, x", CONTINUOUS, ids=[c[0] for c in CONTINUOUS])
def test_continuous_matches_scipy(name, make, ref, x):
    d = make()
    _assert_log_close(d.logpdf(x), ref.logpdf(x))
    np.testing.assert_allclose(d.pdf(x), ref.pdf(x), rtol=RTOL, atol=0)
    np.testing.assert_allclose(d.cdf(x), ref.cdf(x), rtol=RTOL, atol=0)
    for ours, theirs in ((d.mean(), ref.mean()), (d.var(), ref.var())):
        if np.isfinite(theirs):
            np.testing.assert_allclose(ours, theirs, rtol=1e-12)
        else:  # undefined moments: SciPy says inf for the t mean at df <= 1, we say nan
            assert not np.isfinite(ours)


@pytest.mark.parametrize("name, make, ref, k", DISCRETE, ids=[c[0] for c in DISCRETE])
def test_discrete_matches_scipy(name, make, ref, k):
    d = make()
    _assert_log_close(d.logpmf(k), ref.logpmf(k))
    np.testing.assert_allclose(d.pmf(k), ref.pmf(k), rtol=RTOL, atol=0)
    np.testing.assert_allclose(d.pdf(k), d.pmf(k), rtol=0)  # the alias
    np.testing.assert_allclose(d.cdf(k), ref.cdf(k), rtol=RTOL, atol=0)
    # the cdf is a step function: between integers it holds the value at the floor
    np.testing.assert_allclose(d.cdf(k + 0.5), ref.cdf(k), rtol=RTOL, atol=0)
    assert np.all(d.pmf(k + 0.5) == 0.0)
    np.testing.assert_allclose(d.mean(), ref.mean(), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(d.var(), ref.var(), rtol=1e-12, atol=1e-15)


def test_infinite_points_give_limits():
    for d in (Normal(), StudentT(2.0), Gamma(2.0, 1.0), Exponential(), Poisson(3.0)):
        assert d.cdf(np.inf) == 1.0
        assert d.cdf(-np.inf) == 0.0
        assert d.pdf(np.inf) == 0.0


def test_scalar_in_float_out_and_shape_kept():
    d = Normal()
    assert isinstance(d.pdf(0.3), float) and isinstance(d.cdf(0.3), float)
    assert d.logpdf(np.zeros((2, 3))).shape == (2, 3)


def test_multivariate_normal_matches_scipy(rng):
    a = rng.standard_normal((4, 4))
    cov = a @ a.T + 0.5 * np.eye(4)
    mean = rng.standard_normal(4)
    ours, ref = MultivariateNormal(mean, cov), ss.multivariate_normal(mean, cov)
    x = mean + 3 * rng.standard_normal((50, 4))
    np.testing.assert_allclose(ours.logpdf(x), ref.logpdf(x), rtol=1e-10)
    np.testing.assert_allclose(ours.pdf(x), ref.pdf(x), rtol=1e-10)
    assert isinstance(ours.logpdf(x[0]), float)
    np.testing.assert_allclose(ours.logpdf(x[0]), ref.logpdf(x[0]), rtol=1e-10)
    np.testing.assert_allclose(ours.mean(), mean, rtol=0)
    np.testing.assert_allclose(ours.var(), np.diag(cov), rtol=0)


def test_multivariate_normal_cdf_close_to_scipy_genz(rng):
    # both sides are randomised quasi-Monte Carlo (Genz): agreement to the integration error
    cov = np.array([[2.0, 0.5, 0.3], [0.5, 1.0, -0.2], [0.3, -0.2, 1.5]])
    mean = np.array([1.0, 2.0, 0.0])
    ours = MultivariateNormal(mean, cov)
    ref = ss.multivariate_normal(mean, cov, abseps=1e-7, releps=1e-7, maxpts=500_000, seed=0)
    x = mean + rng.standard_normal((6, 3))
    # our documented accuracy at the default 20 000 lattice points is ~1e-5 absolute
    np.testing.assert_allclose(ours.cdf(x), ref.cdf(x), atol=2e-5)


def test_multivariate_normal_cdf_exact_cases():
    # independent coordinates: the cdf factorises into 1-D normal cdfs
    cov = np.diag([1.0, 4.0, 0.25])
    x = np.array([0.3, -1.0, 0.2])
    want = np.prod(ss.norm.cdf(x, scale=np.sqrt(np.diag(cov))))
    assert abs(MultivariateNormal(np.zeros(3), cov).cdf(x) - want) < 2e-5
    # bivariate with correlation rho at the origin: 1/4 + arcsin(rho)/(2 pi)
    rho = 0.6
    biv = MultivariateNormal(np.zeros(2), [[1.0, rho], [rho, 1.0]])
    assert abs(biv.cdf([0.0, 0.0]) - (0.25 + np.arcsin(rho) / (2 * np.pi))) < 2e-5
    # more lattice points, smaller error (~1e-6 at 100 000)
    assert abs(biv.cdf([0.0, 0.0], n_points=100_000) - (0.25 + np.arcsin(rho) / (2 * np.pi))) < 3e-6


def test_one_dimensional_multivariate_normal_is_normal():
    d = MultivariateNormal([0.5], [[4.0]])
    x = np.linspace(-8, 8, 33)
    np.testing.assert_allclose(d.logpdf(x[:, None]), ss.norm(0.5, 2.0).logpdf(x), rtol=1e-12)
    np.testing.assert_allclose(d.cdf(x[:, None]), ss.norm(0.5, 2.0).cdf(x), rtol=1e-12)
