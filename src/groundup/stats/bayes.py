"""Conjugate Bayesian updates: the posterior stays in the prior's family, in closed form.

Beta–Bernoulli, Gamma–Poisson and Normal–Normal (known observation variance). Each update
returns the posterior as a distribution object; each ``*_predictive`` returns the posterior
predictive distribution of one new observation. See docs/notes/probability.md
("Conjugate updates").
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from groundup.stats._validation import data_vector, integer_valued, positive
from groundup.stats.distributions import Bernoulli, Beta, Gamma, Normal
from groundup.stats.distributions.negative_binomial import NegativeBinomial

__all__ = [
    "beta_bernoulli",
    "beta_bernoulli_predictive",
    "gamma_poisson",
    "gamma_poisson_predictive",
    "normal_known_variance",
    "normal_known_variance_predictive",
]


def _check_prior(prior: object, family: type, name: str) -> None:
    if not isinstance(prior, family):
        raise TypeError(f"{name} needs a {family.__name__} prior, got {prior!r}")


def beta_bernoulli(prior: Beta, data: ArrayLike) -> Beta:
    """Posterior of a Bernoulli success probability under a Beta prior.

    p ~ Beta(a, b), xᵢ | p ~ Bernoulli(p)  ⇒  p | x ~ Beta(a + Σxᵢ, b + n − Σxᵢ),
    because the likelihood p^s (1−p)^(n−s) has the Beta kernel's form.
    See docs/notes/probability.md.

    Parameters
    ----------
    prior : Beta
        Prior on p.
    data : array_like
        Observations, each 0 or 1.

    Returns
    -------
    Beta
        The posterior.
    """
    _check_prior(prior, Beta, "beta_bernoulli")
    x = data_vector(data)
    bad = (x != 0) & (x != 1)
    if bad.any():
        raise ValueError(f"data must be 0 or 1 for a Bernoulli likelihood, got {x[bad][0]!r}")
    s = float(x.sum())
    return Beta(prior.a + s, prior.b + x.size - s)


def beta_bernoulli_predictive(posterior: Beta) -> Bernoulli:
    """Posterior predictive of the next Bernoulli draw: P(x = 1) = E[p] = a/(a + b).

    See docs/notes/probability.md.

    Parameters
    ----------
    posterior : Beta
        Posterior (or prior) on p.

    Returns
    -------
    Bernoulli
    """
    _check_prior(posterior, Beta, "beta_bernoulli_predictive")
    return Bernoulli(posterior.mean())


def gamma_poisson(prior: Gamma, data: ArrayLike) -> Gamma:
    """Posterior of a Poisson rate under a Gamma(shape α, rate β) prior.

    λ ~ Gamma(α, β), kᵢ | λ ~ Poisson(λ)  ⇒  λ | k ~ Gamma(α + Σkᵢ, β + n), because the
    likelihood λ^(Σk) e^(−nλ) has the Gamma kernel's form. See docs/notes/probability.md.

    Parameters
    ----------
    prior : Gamma
        Prior on λ.
    data : array_like
        Non-negative integer counts.

    Returns
    -------
    Gamma
        The posterior.
    """
    _check_prior(prior, Gamma, "gamma_poisson")
    k = data_vector(data)
    integer_valued(k, "data")
    if (k < 0).any():
        raise ValueError(f"data must be >= 0 for a Poisson likelihood, got {k[k < 0][0]!r}")
    return Gamma(prior.shape + float(k.sum()), prior.rate + k.size)


def gamma_poisson_predictive(posterior: Gamma) -> NegativeBinomial:
    """Posterior predictive of the next count: NegativeBinomial(r = α, p = β/(β + 1)).

    ∫ Poisson(k | λ) Gamma(λ | α, β) dλ = Γ(k + α)/(k! Γ(α)) · (β/(β+1))^α (1/(β+1))^k.
    See docs/notes/probability.md.

    Parameters
    ----------
    posterior : Gamma
        Posterior (or prior) on λ.

    Returns
    -------
    NegativeBinomial
    """
    _check_prior(posterior, Gamma, "gamma_poisson_predictive")
    return NegativeBinomial(posterior.shape, posterior.rate / (posterior.rate + 1.0))


def normal_known_variance(prior: Normal, data: ArrayLike, sigma: float) -> Normal:
    """Posterior of a normal mean when the observation standard deviation σ is known.

    μ ~ N(μ₀, τ₀²), xᵢ | μ ~ N(μ, σ²)  ⇒  μ | x ~ N(μₙ, τₙ²) with precisions adding,
    1/τₙ² = 1/τ₀² + n/σ², and μₙ = τₙ² (μ₀/τ₀² + Σxᵢ/σ²) (a precision-weighted average).
    See docs/notes/probability.md.

    Parameters
    ----------
    prior : Normal
        Prior on μ.
    data : array_like
        Observations.
    sigma : float
        Known observation standard deviation, > 0.

    Returns
    -------
    Normal
        The posterior.
    """
    _check_prior(prior, Normal, "normal_known_variance")
    x = data_vector(data)
    sigma = positive(sigma, "sigma")
    precision = 1.0 / prior.var() + x.size / sigma**2
    mean = (prior.mean() / prior.var() + float(x.sum()) / sigma**2) / precision
    return Normal(mean, float(np.sqrt(1.0 / precision)))


def normal_known_variance_predictive(posterior: Normal, sigma: float) -> Normal:
    """Posterior predictive of the next observation: N(μₙ, τₙ² + σ²).

    x_new = μ + ε with μ ~ N(μₙ, τₙ²) and ε ~ N(0, σ²) independent, so the variances add.
    See docs/notes/probability.md.

    Parameters
    ----------
    posterior : Normal
        Posterior (or prior) on μ.
    sigma : float
        Known observation standard deviation, > 0.

    Returns
    -------
    Normal
    """
    _check_prior(posterior, Normal, "normal_known_variance_predictive")
    sigma = positive(sigma, "sigma")
    return Normal(posterior.mean(), float(np.sqrt(posterior.var() + sigma**2)))
