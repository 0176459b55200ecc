"""The chi-squared distribution with k degrees of freedom. See docs/notes/probability.md."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from groundup.stats._validation import data_vector, positive, xlogy
from groundup.stats.distributions._base import Distribution
from groundup.stats.distributions._mle import inverse_digamma
from groundup.stats.distributions._sampling import standard_gamma
from groundup.stats.special import gammainc, gammaln


class ChiSquared(Distribution):
    """Chi-squared distribution with k degrees of freedom: Gamma(k/2, rate ½).

    p(x) = x^(k/2−1) e^(−x/2) / (2^(k/2) Γ(k/2)) for x ≥ 0,  F(x) = P(k/2, x/2).
    MLE: ψ(k̂/2) = mean(log x) − log 2, inverted by Newton. See docs/notes/probability.md.

    Parameters
    ----------
    df : float
        k > 0 (need not be an integer).
    """

    def __init__(self, df: float) -> None:
        self.df = positive(df, "df")

    def _params(self) -> dict[str, Any]:
        return {"df": self.df}

    def _logpdf(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        half = 0.5 * self.df
        inside = (x >= 0) & np.isfinite(x)  # p(+inf) = 0; the formula would give inf − inf
        xs = np.where(inside, x, 1.0)
        val = xlogy(half - 1.0, xs) - 0.5 * xs - half * np.log(2.0) - gammaln(half)
        return np.where(inside, val, -np.inf)

    def _cdf(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        return np.asarray(gammainc(0.5 * self.df, 0.5 * np.maximum(x, 0.0)))

    def _sample(self, n: int, rng: np.random.Generator) -> NDArray[np.float64]:
        return 2.0 * standard_gamma(0.5 * self.df, n, rng)

    def mean(self) -> float:
        """E[X] = k."""
        return self.df

    def var(self) -> float:
        """Var[X] = 2k."""
        return 2.0 * self.df

    @classmethod
    def fit(cls, data: ArrayLike) -> ChiSquared:
        """Maximum-likelihood fit of k: ∂ℓ/∂k = ½ Σ (log xᵢ − log 2 − ψ(k/2)) = 0.

        Parameters
        ----------
        data : array_like
            Positive observations.

        Returns
        -------
        ChiSquared
        """
        x = data_vector(data)
        if (x <= 0).any():
            raise ValueError(f"data must be > 0 for ChiSquared, got {x[x <= 0][0]!r}")
        return cls(2.0 * inverse_digamma(float(np.mean(np.log(x)) - np.log(2.0))))
