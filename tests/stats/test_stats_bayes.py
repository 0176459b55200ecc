"""Conjugate posteriors against prior × likelihood normalised numerically on a fine grid."""

import numpy as np
import pytest
import scipy.integrate as si
import scipy.stats as ss

from groundup.stats import (
    Beta,
    Gamma,
    Normal,
    beta_bernoulli,
    beta_bernoulli_predictive,
    gamma_poisson,
    gamma_poisson_predictive,
    normal_known_variance,
    normal_known_variance_predictive,
)


def _grid_posterior(grid, log_prior, log_lik):
    """Normalised posterior density on ``grid`` by Simpson's rule (SciPy)."""
    log_post = log_prior + log_lik
    dens = np.exp(log_post - log_post.max())
    return dens / si.simpson(dens, x=grid)


def _check_posterior(post, grid, dens):
    np.testing.assert_allclose(post.pdf(grid), dens, rtol=1e-6, atol=1e-9 * dens.max())
    mean = si.simpson(grid * dens, x=grid)
    var = si.simpson((grid - mean) ** 2 * dens, x=grid)
    np.testing.assert_allclose([post.mean(), post.var()], [mean, var], rtol=1e-7)


def test_beta_bernoulli_matches_grid(rng):
    data = (rng.random(40) < 0.3).astype(int)
    prior = Beta(2.0, 3.0)
    post = beta_bernoulli(prior, data)
    s = data.sum()
    assert (post.a, post.b) == (2.0 + s, 3.0 + 40 - s)
    p = np.linspace(1e-6, 1 - 1e-6, 20001)
    log_lik = s * np.log(p) + (40 - s) * np.log1p(-p)
    _check_posterior(post, p, _grid_posterior(p, ss.beta(2, 3).logpdf(p), log_lik))
    # predictive: P(next = 1) = ∫ p · posterior(p) dp
    pred = beta_bernoulli_predictive(post)
    assert pred.p == pytest.approx(post.mean(), rel=1e-15)


def test_gamma_poisson_matches_grid(rng):
    data = rng.poisson(3.0, 25)
    prior = Gamma(2.0, 0.5)
    post = gamma_poisson(prior, data)
    lam = np.linspace(1e-6, 12, 40001)
    log_lik = data.sum() * np.log(lam) - data.size * lam
    log_prior = ss.gamma(2.0, scale=2.0).logpdf(lam)
    _check_posterior(post, lam, _grid_posterior(lam, log_prior, log_lik))


def test_gamma_poisson_predictive_is_the_mixture():
    post = Gamma(7.5, 2.5)
    pred = gamma_poisson_predictive(post)
    lam = np.linspace(1e-8, 40, 40001)
    k = np.arange(0, 15)
    # P(k) = ∫ Poisson(k | λ) Gamma(λ) dλ by quadrature, all k at once
    integrand = ss.poisson.pmf(k[:, None], lam) * ss.gamma(7.5, scale=1 / 2.5).pdf(lam)
    mixture = si.simpson(integrand, x=lam, axis=1)
    np.testing.assert_allclose(pred.pmf(k), mixture, rtol=1e-8)


def test_normal_known_variance_matches_grid(rng):
    sigma = 2.0
    data = rng.normal(1.3, sigma, 30)
    prior = Normal(0.0, 1.5)
    post = normal_known_variance(prior, data, sigma)
    mu = np.linspace(-3, 5, 40001)
    log_lik = ss.norm.logpdf(data[:, None], mu, sigma).sum(0)
    _check_posterior(post, mu, _grid_posterior(mu, ss.norm(0, 1.5).logpdf(mu), log_lik))


def test_normal_predictive_matches_quadrature():
    post = Normal(0.7, 0.4)
    pred = normal_known_variance_predictive(post, 1.1)
    mu = np.linspace(-5, 6, 20001)
    x = np.linspace(-4, 5, 13)
    want = [si.simpson(ss.norm.pdf(xx, mu, 1.1) * ss.norm.pdf(mu, 0.7, 0.4), x=mu) for xx in x]
    np.testing.assert_allclose(pred.pdf(x), want, rtol=1e-8)


def test_updates_compose_sequentially(rng):
    # updating on a then b equals updating on a ∪ b (conjugacy)
    a, b = rng.poisson(2.0, 10), rng.poisson(2.0, 15)
    prior = Gamma(1.0, 1.0)
    assert gamma_poisson(gamma_poisson(prior, a), b) == gamma_poisson(prior, np.concatenate([a, b]))


@pytest.mark.parametrize(
    "call, exc, match",
    [
        (lambda: beta_bernoulli(Gamma(1, 1), [0, 1]), TypeError, "Beta prior"),
        (lambda: beta_bernoulli(Beta(1, 1), [0, 2]), ValueError, "0 or 1"),
        (lambda: beta_bernoulli(Beta(1, 1), []), ValueError, "empty"),
        (lambda: gamma_poisson(Gamma(1, 1), [1, -1]), ValueError, ">= 0"),
        (lambda: gamma_poisson(Gamma(1, 1), [1.5]), ValueError, "integers"),
        (lambda: gamma_poisson(Gamma(1, 1), [1, np.nan]), ValueError, "NaN"),
        (lambda: normal_known_variance(Normal(), [1.0], 0.0), ValueError, "sigma"),
        (lambda: normal_known_variance(Beta(1, 1), [1.0], 1.0), TypeError, "Normal prior"),
        (lambda: normal_known_variance_predictive(Normal(), -1.0), ValueError, "sigma"),
        (lambda: gamma_poisson_predictive(Normal()), TypeError, "Gamma"),
        (lambda: beta_bernoulli_predictive(Normal()), TypeError, "Beta"),
    ],
)
def test_bad_input(call, exc, match):
    with pytest.raises(exc, match=match):
        call()
