"""Probability and statistics from scratch: special functions, distributions, Bayes, tests.

Only NumPy and the standard library at run time; SciPy is the reference in the tests.
See docs/notes/probability.md.
"""

from groundup.stats.bayes import (
    beta_bernoulli,
    beta_bernoulli_predictive,
    gamma_poisson,
    gamma_poisson_predictive,
    normal_known_variance,
    normal_known_variance_predictive,
)
from groundup.stats.bootstrap import ConfidenceInterval, bootstrap_ci
from groundup.stats.distributions import (
    Bernoulli,
    Beta,
    Binomial,
    Categorical,
    ChiSquared,
    DiscreteDistribution,
    Distribution,
    Exponential,
    Gamma,
    MultivariateNormal,
    NegativeBinomial,
    Normal,
    Poisson,
    StudentT,
    Uniform,
)
from groundup.stats.hypothesis_tests import TestResult, chisquare, ttest_1samp, ttest_ind

__all__ = [
    "Bernoulli",
    "Beta",
    "Binomial",
    "Categorical",
    "ChiSquared",
    "ConfidenceInterval",
    "DiscreteDistribution",
    "Distribution",
    "Exponential",
    "Gamma",
    "MultivariateNormal",
    "NegativeBinomial",
    "Normal",
    "Poisson",
    "StudentT",
    "TestResult",
    "Uniform",
    "beta_bernoulli",
    "beta_bernoulli_predictive",
    "bootstrap_ci",
    "chisquare",
    "gamma_poisson",
    "gamma_poisson_predictive",
    "normal_known_variance",
    "normal_known_variance_predictive",
    "ttest_1samp",
    "ttest_ind",
]
