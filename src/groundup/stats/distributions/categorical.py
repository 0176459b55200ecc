"""The categorical distribution on {0, …, K−1}. See docs/notes/probability.md."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from groundup._checks import as_vector
from groundup.stats._validation import count, data_vector, integer_valued
from groundup.stats.distributions._base import DiscreteDistribution


class Categorical(DiscreteDistribution):
    """Categorical distribution: X = k with probability πₖ, k = 0, …, K−1.

    P(X = k) = πₖ,  F(k) = Σ_{j ≤ k} πⱼ.  MLE: π̂ₖ = nₖ / n (the category frequencies).
    Sampling: X = #{k : F(k) ≤ U}. See docs/notes/probability.md.

    Parameters
    ----------
    probs : array_like
        Non-negative probabilities summing to 1 (within 1e-8; renormalised exactly).
    """

    def __init__(self, probs: ArrayLike) -> None:
        p = as_vector(probs, "probs")
        if (p < 0).any():
            raise ValueError(f"probs must be >= 0, got {p[p < 0][0]!r}")
        total = float(p.sum())
        if abs(total - 1.0) > 1e-8:
            raise ValueError(f"probs must sum to 1, got sum {total!r}")
        self.probs = p / total

    def _params(self) -> dict[str, Any]:
        return {"probs": self.probs}

    def _logpdf(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        k = len(self.probs)
        inside = (x >= 0) & (x < k)
        idx = np.where(inside, x, 0).astype(np.intp)
        with np.errstate(divide="ignore"):
            return np.where(inside, np.log(self.probs[idx]), -np.inf)

    def _cdf(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        cum = np.cumsum(self.probs)
        idx = np.clip(x, 0, len(self.probs) - 1).astype(np.intp)
        return np.where(x < 0, 0.0, np.where(x >= len(cum) - 1, 1.0, cum[idx]))

    def _sample(self, n: int, rng: np.random.Generator) -> NDArray[np.int64]:
        cum = np.cumsum(self.probs)
        cum[-1] = 1.0  # rounding must not leave a gap above the last category
        return np.searchsorted(cum, rng.random(n), side="right").astype(np.int64)

    def mean(self) -> float:
        """E[X] = Σ k πₖ."""
        return float(np.arange(len(self.probs)) @ self.probs)

    def var(self) -> float:
        """Var[X] = Σ (k − E[X])² πₖ."""
        k = np.arange(len(self.probs))
        return float(((k - self.mean()) ** 2) @ self.probs)

    @classmethod
    def fit(cls, data: ArrayLike, n_categories: int | None = None) -> Categorical:
        """Maximum-likelihood fit π̂ₖ = nₖ / n (Lagrangian of Σ nₖ log πₖ with Σ πₖ = 1).

        Parameters
        ----------
        data : array_like
            Category labels, integers in [0, K).
        n_categories : int, optional
            K; default max(data) + 1.

        Returns
        -------
        Categorical
        """
        x = data_vector(data)
        integer_valued(x, "data")
        if (x < 0).any():
            raise ValueError(f"data must be >= 0 (category labels), got {x[x < 0][0]!r}")
        k = (
            int(x.max()) + 1
            if n_categories is None
            else count(n_categories, "n_categories", minimum=1)
        )
        if x.max() >= k:
            raise ValueError(f"data holds label {x.max()!r} but n_categories={k}")
        return cls(np.bincount(x.astype(np.intp), minlength=k) / x.size)
