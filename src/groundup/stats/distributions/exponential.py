"""The exponential distribution with rate λ. See docs/notes/probability.md."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from groundup.stats._validation import data_vector, positive
from groundup.stats.distributions._base import Distribution


class Exponential(Distribution):
    """Exponential distribution with rate λ (mean 1/λ).

    p(x) = λ e^(−λx) for x ≥ 0,  F(x) = 1 − e^(−λx).  MLE: λ̂ = 1 / x̄.
    Sampling by inversion: X = −log(1 − U) / λ. See docs/notes/probability.md.

    Parameters
    ----------
    rate : float
        λ > 0.
    """

    def __init__(self, rate: float = 1.0) -> None:
        self.rate = positive(rate, "rate")

    def _params(self) -> dict[str, Any]:
        return {"rate": self.rate}

    def _logpdf(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        inside = x >= 0
        return np.where(inside, np.log(self.rate) - self.rate * np.where(inside, x, 0.0), -np.inf)

    def _cdf(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        return np.where(x > 0, -np.expm1(-self.rate * np.maximum(x, 0.0)), 0.0)

    def _sample(self, n: int, rng: np.random.Generator) -> NDArray[np.float64]:
        return -np.log1p(-rng.random(n)) / self.rate

    def mean(self) -> float:
        """E[X] = 1/λ."""
        return 1.0 / self.rate

    def var(self) -> float:
        """Var[X] = 1/λ²."""
        return 1.0 / self.rate**2

    @classmethod
    def fit(cls, data: ArrayLike) -> Exponential:
        """Maximum-likelihood fit λ̂ = n / Σ xᵢ = 1/x̄.

        Parameters
        ----------
        data : array_like
            Non-negative observations, not all zero.

        Returns
        -------
        Exponential
        """
        x = data_vector(data)
        if (x < 0).any():
            raise ValueError(f"data must be >= 0 for Exponential, got {x[x < 0][0]!r}")
        m = float(x.mean())
        if m == 0.0:
            raise ValueError("data are all zero: the rate MLE 1/mean is infinite")
        return cls(1.0 / m)
