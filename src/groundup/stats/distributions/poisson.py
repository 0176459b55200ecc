"""The Poisson distribution with rate λ. See docs/notes/probability.md."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from groundup._checks import check_positive
from groundup.stats._validation import data_vector, integer_valued, xlogy
from groundup.stats.distributions._base import DiscreteDistribution
from groundup.stats.distributions._sampling import discrete_by_table, window
from groundup.stats.special import gammaincc, gammaln


class Poisson(DiscreteDistribution):
    """Poisson distribution: counts of events at rate λ.

    P(X = k) = λ^k e^(−λ) / k!,  F(k) = Q(k + 1, λ) (regularised upper incomplete gamma).
    MLE: λ̂ = x̄. Sampling by inverse cdf on a table. See docs/notes/probability.md.

    Parameters
    ----------
    rate : float
        λ >= 0 (λ = 0 is the point mass at 0).
    """

    def __init__(self, rate: float = 1.0) -> None:
        self.rate = check_positive(rate, "rate", strict=False)

    def _params(self) -> dict[str, Any]:
        return {"rate": self.rate}

    def _logpdf(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        inside = x >= 0
        k = np.where(inside, x, 0.0)
        val = xlogy(k, np.full(k.shape, self.rate)) - self.rate - gammaln(k + 1.0)
        return np.where(inside, val, -np.inf)

    def _cdf(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        k = np.maximum(x, 0.0)
        with np.errstate(invalid="ignore"):
            upper = np.asarray(gammaincc(np.where(np.isinf(k), 1.0, k + 1.0), self.rate))
        return np.where(x < 0, 0.0, np.where(np.isinf(k), 1.0, upper))

    def _sample(self, n: int, rng: np.random.Generator) -> NDArray[np.int64]:
        lo, hi = window(self.rate, np.sqrt(self.rate), 0, np.inf)
        return discrete_by_table(self._logpdf, lo, hi, n, rng)

    def mean(self) -> float:
        """E[X] = λ."""
        return self.rate

    def var(self) -> float:
        """Var[X] = λ."""
        return self.rate

    @classmethod
    def fit(cls, data: ArrayLike) -> Poisson:
        """Maximum-likelihood fit λ̂ = x̄ (from ∂ℓ/∂λ = Σkᵢ/λ − n = 0).

        Parameters
        ----------
        data : array_like
            Non-negative integer counts.

        Returns
        -------
        Poisson
        """
        x = data_vector(data)
        integer_valued(x, "data")
        if (x < 0).any():
            raise ValueError(f"data must be >= 0 for Poisson, got {x[x < 0][0]!r}")
        return cls(float(x.mean()))
