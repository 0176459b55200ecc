"""Invalid parameters and data are refused with a ValueError/TypeError naming the problem."""

import numpy as np
import pytest

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

BAD_PARAMETERS = [
    (lambda: Normal(0.0, 0.0), ValueError, "std"),
    (lambda: Normal(0.0, -1.0), ValueError, "std"),
    (lambda: Normal(np.nan, 1.0), ValueError, "mean"),
    (lambda: Normal(0.0, "a"), TypeError, "std"),
    (lambda: Exponential(0.0), ValueError, "rate"),
    (lambda: Uniform(1.0, 1.0), ValueError, "low must be < high"),
    (lambda: Uniform(0.0, np.inf), ValueError, "finite"),
    (lambda: Gamma(-1.0, 1.0), ValueError, "shape"),
    (lambda: Gamma(1.0, np.inf), ValueError, "rate"),
    (lambda: Beta(0.0, 1.0), ValueError, "a"),
    (lambda: Beta(1.0, -2.0), ValueError, "b"),
    (lambda: ChiSquared(0.0), ValueError, "df"),
    (lambda: StudentT(-1.0), ValueError, "df"),
    (lambda: StudentT(3.0, scale=0.0), ValueError, "scale"),
    (lambda: Bernoulli(1.5), ValueError, r"p must lie in \[0, 1\]"),
    (lambda: Bernoulli(np.nan), ValueError, "p must lie"),
    (lambda: Binomial(10, -0.1), ValueError, "p must lie"),
    (lambda: Binomial(-3, 0.5), ValueError, "n must be >= 0"),
    (lambda: Binomial(2.5, 0.5), TypeError, "n must be an integer"),
    (lambda: Poisson(-1.0), ValueError, "rate"),
    (lambda: NegativeBinomial(2.0, 0.0), ValueError, "p must be > 0"),
    (lambda: Categorical([0.5, 0.6]), ValueError, "sum to 1"),
    (lambda: Categorical([1.2, -0.2]), ValueError, "probs must be >= 0"),
    (lambda: Categorical([]), ValueError, "empty"),
    (lambda: MultivariateNormal([0, 0], [[1, 2], [2, 1]]), ValueError, "positive definite"),
    (lambda: MultivariateNormal([0, 0], [[1, 0.5], [0.1, 1]]), ValueError, "symmetric"),
    (lambda: MultivariateNormal([0, 0, 0], np.eye(2)), ValueError, "mean has 3"),
    (lambda: MultivariateNormal([0, 0], np.ones((2, 3))), ValueError, "square"),
]


@pytest.mark.parametrize("call, exc, match", BAD_PARAMETERS)
def test_invalid_parameters(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


BAD_FITS = [
    (lambda: Normal.fit([]), "empty"),
    (lambda: Normal.fit([1.0, np.nan]), "NaN"),
    (lambda: Normal.fit([[1.0, 2.0]]), "1-dimensional"),
    (lambda: Normal.fit([3.0, 3.0]), "zero spread"),
    (lambda: Exponential.fit([1.0, -1.0]), ">= 0"),
    (lambda: Exponential.fit([0.0, 0.0]), "all zero"),
    (lambda: Uniform.fit([2.0]), "zero spread"),
    (lambda: Gamma.fit([1.0, 0.0]), "> 0"),
    (lambda: Gamma.fit([2.0, 2.0]), "zero spread"),
    (lambda: Beta.fit([0.5, 1.0]), r"\(0, 1\)"),
    (lambda: Beta.fit([0.3, 0.3]), "zero spread"),
    (lambda: ChiSquared.fit([1.0, -2.0]), "> 0"),
    (lambda: StudentT.fit([1.0, 1.0]), "zero spread"),
    (lambda: StudentT.fit([1.0, 2.0], df=0.0), "df"),
    (lambda: Bernoulli.fit([0, 1, 2]), "0 or 1"),
    (lambda: Binomial.fit([1, 11], n=10), r"\[0, n=10\]"),
    (lambda: Binomial.fit([1.5], n=10), "integers"),
    (lambda: Poisson.fit([1, -1]), ">= 0"),
    (lambda: Poisson.fit([1, 2.5]), "integers"),
    (lambda: Poisson.fit([1, np.inf]), "infinity"),
    (lambda: Categorical.fit([0, 3], n_categories=2), "n_categories=2"),
    (lambda: Categorical.fit([0, -1]), ">= 0"),
    (lambda: NegativeBinomial.fit([1, 2], r=-1.0), "r"),
    (lambda: MultivariateNormal.fit([1.0, 2.0]), "2-dimensional"),
    (lambda: MultivariateNormal.fit([[1.0, 2.0], [2.0, 4.0]]), "positive definite"),
]


@pytest.mark.parametrize("call, match", BAD_FITS)
def test_invalid_fit_data(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_fits_that_need_a_known_parameter_say_so():
    with pytest.raises(TypeError, match="number of trials"):
        Binomial.fit([1, 2])
    with pytest.raises(TypeError, match="needs r"):
        NegativeBinomial.fit([1, 2])


def test_evaluation_and_sampling_input():
    d = Normal()
    with pytest.raises(ValueError, match="NaN"):
        d.pdf([0.0, np.nan])
    with pytest.raises(TypeError, match="numeric"):
        d.cdf("x")
    with pytest.raises(ValueError, match="n must be >= 0"):
        d.sample(-1)
    with pytest.raises(TypeError, match="n must be an integer"):
        d.sample(2.5)
    with pytest.raises(TypeError, match="rng"):
        d.sample(3, rng="seed")
    mvn = MultivariateNormal([0, 0], np.eye(2))
    with pytest.raises(ValueError, match="last dimension 2"):
        mvn.logpdf([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="n_points"):
        mvn.cdf([0.0, 0.0], n_points=0)
