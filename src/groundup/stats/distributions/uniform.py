"""The continuous uniform distribution on [low, high]. See docs/notes/probability.md."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from groundup.stats._validation import data_vector
from groundup.stats.distributions._base import Distribution


class Uniform(Distribution):
    """Uniform distribution on [low, high].

    p(x) = 1/(high − low) on [low, high], F(x) = (x − low)/(high − low) clipped to [0, 1].
    MLE: low = min xᵢ, high = max xᵢ (the likelihood (high − low)^(−n) grows as the interval
    shrinks onto the data). See docs/notes/probability.md.

    Parameters
    ----------
    low, high : float
        Finite bounds with low < high.
    """

    def __init__(self, low: float = 0.0, high: float = 1.0) -> None:
        lo, hi = float(low), float(high)
        if not (np.isfinite(lo) and np.isfinite(hi)):
            raise ValueError(f"low and high must be finite, got low={low!r}, high={high!r}")
        if not lo < hi:
            raise ValueError(f"low must be < high, got low={low!r}, high={high!r}")
        self.low, self.high = lo, hi

    def _params(self) -> dict[str, Any]:
        return {"low": self.low, "high": self.high}

    def _logpdf(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        inside = (x >= self.low) & (x <= self.high)
        return np.where(inside, -np.log(self.high - self.low), -np.inf)

    def _cdf(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        return np.clip((x - self.low) / (self.high - self.low), 0.0, 1.0)

    def _sample(self, n: int, rng: np.random.Generator) -> NDArray[np.float64]:
        return self.low + (self.high - self.low) * rng.random(n)

    def mean(self) -> float:
        """E[X] = (low + high)/2."""
        return 0.5 * (self.low + self.high)

    def var(self) -> float:
        """Var[X] = (high − low)²/12."""
        return (self.high - self.low) ** 2 / 12.0

    @classmethod
    def fit(cls, data: ArrayLike) -> Uniform:
        """Maximum-likelihood fit: the sample minimum and maximum.

        Parameters
        ----------
        data : array_like
            Observations, not all equal.

        Returns
        -------
        Uniform
        """
        x = data_vector(data)
        lo, hi = float(x.min()), float(x.max())
        if lo == hi:
            raise ValueError(f"data has zero spread (all values equal {lo!r}): low == high")
        return cls(lo, hi)
