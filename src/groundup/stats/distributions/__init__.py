"""Probability distributions written from scratch: pdf/logpdf/cdf, moments, sampling, MLE fits.

See docs/notes/probability.md.
"""

from groundup.stats.distributions._base import DiscreteDistribution, Distribution
from groundup.stats.distributions.bernoulli import Bernoulli
from groundup.stats.distributions.beta import Beta
from groundup.stats.distributions.binomial import Binomial
from groundup.stats.distributions.categorical import Categorical
from groundup.stats.distributions.chi_squared import ChiSquared
from groundup.stats.distributions.exponential import Exponential
from groundup.stats.distributions.gamma import Gamma
from groundup.stats.distributions.multivariate_normal import MultivariateNormal
from groundup.stats.distributions.negative_binomial import NegativeBinomial
from groundup.stats.distributions.normal import Normal
from groundup.stats.distributions.poisson import Poisson
from groundup.stats.distributions.student_t import StudentT
from groundup.stats.distributions.uniform import Uniform

__all__ = [
    "Bernoulli",
    "Beta",
    "Binomial",
    "Categorical",
    "ChiSquared",
    "DiscreteDistribution",
    "Distribution",
    "Exponential",
    "Gamma",
    "MultivariateNormal",
    "NegativeBinomial",
    "Normal",
    "Poisson",
    "StudentT",
    "Uniform",
]
