"""The Bernoulli distribution on {0, 1}. See docs/notes/probability.md."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from groundup.stats._validation import data_vector, probability, xlogy
from groundup.stats.distributions._base import DiscreteDistribution


class Bernoulli(DiscreteDistribution):
    """Bernoulli distribution: X = 1 with probability p, else 0.

    P(X = k) = p^k (1 − p)^(1−k) for k ∈ {0, 1}.  MLE: p̂ = x̄ (the fraction of ones).
    See docs/notes/probability.md.

    Parameters
    ----------
    p : float
        Success probability in [0, 1].
    """

    def __init__(self, p: float = 0.5) -> None:
        self.p = probability(p, "p")

    def _params(self) -> dict[str, Any]:
        return {"p": self.p}

    def _logpdf(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        inside = (x == 0) | (x == 1)
        val = xlogy(x, np.full(x.shape, self.p)) + xlogy(1.0 - x, np.full(x.shape, 1.0 - self.p))
        return np.where(inside, val, -np.inf)

    def _cdf(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        return np.where(x < 0, 0.0, np.where(x < 1, 1.0 - self.p, 1.0))

    def _sample(self, n: int, rng: np.random.Generator) -> NDArray[np.int64]:
        return (rng.random(n) < self.p).astype(np.int64)

    def mean(self) -> float:
        """E[X] = p."""
        return self.p

    def var(self) -> float:
        """Var[X] = p(1 − p)."""
        return self.p * (1.0 - self.p)

    @classmethod
    def fit(cls, data: ArrayLike) -> Bernoulli:
        """Maximum-likelihood fit p̂ = (number of ones)/n.

        Parameters
        ----------
        data : array_like
            Observations, each 0 or 1.

        Returns
        -------
        Bernoulli
        """
        x = data_vector(data)
        bad = (x != 0) & (x != 1)
        if bad.any():
            raise ValueError(f"data must be 0 or 1 for Bernoulli, got {x[bad][0]!r}")
        return cls(float(x.mean()))
