"""The normal (Gaussian) distribution N(μ, σ²). See docs/notes/probability.md."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from groundup.stats._validation import data_vector, positive
from groundup.stats.distributions._base import Distribution
from groundup.stats.special import ndtr

_HALF_LOG_2PI = 0.5 * np.log(2.0 * np.pi)


class Normal(Distribution):
    """Normal distribution with mean μ and standard deviation σ.

    p(x) = exp(−(x − μ)² / (2σ²)) / (σ√(2π)),  F(x) = Φ((x − μ)/σ) = ½ erfc(−(x − μ)/(σ√2)).
    MLE: μ̂ = x̄, σ̂² = (1/n) Σ (xᵢ − x̄)². See docs/notes/probability.md.

    Parameters
    ----------
    mean : float
        Location μ.
    std : float
        Scale σ > 0.
    """

    def __init__(self, mean: float = 0.0, std: float = 1.0) -> None:
        mu = float(mean)
        if not np.isfinite(mu):
            raise ValueError(f"mean must be finite, got {mean!r}")
        self.loc = mu
        self.scale = positive(std, "std")

    def _params(self) -> dict[str, Any]:
        return {"mean": self.loc, "std": self.scale}

    def _logpdf(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        z = (x - self.loc) / self.scale
        return -0.5 * z * z - np.log(self.scale) - _HALF_LOG_2PI

    def _cdf(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        return np.asarray(ndtr((x - self.loc) / self.scale))

    def _sample(self, n: int, rng: np.random.Generator) -> NDArray[np.float64]:
        return self.loc + self.scale * rng.standard_normal(n)

    def mean(self) -> float:
        """E[X] = μ."""
        return self.loc

    def var(self) -> float:
        """Var[X] = σ²."""
        return self.scale**2

    @classmethod
    def fit(cls, data: ArrayLike) -> Normal:
        """Maximum-likelihood fit: μ̂ = x̄ and σ̂ = √((1/n) Σ (xᵢ − x̄)²) (the biased estimate).

        Parameters
        ----------
        data : array_like
            Observations, 1-D, finite, not all equal.

        Returns
        -------
        Normal
        """
        x = data_vector(data)
        mu = float(x.mean())
        sd = float(np.sqrt(np.mean((x - mu) ** 2)))
        if sd == 0.0:
            raise ValueError(f"data has zero spread (all {x.size} values equal {x[0]!r}): std = 0")
        return cls(mu, sd)
