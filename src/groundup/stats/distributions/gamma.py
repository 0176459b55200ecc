"""The gamma distribution with shape α and rate β. See docs/notes/probability.md."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from groundup.stats._validation import data_vector, positive, xlogy
from groundup.stats.distributions._base import Distribution
from groundup.stats.distributions._mle import gamma_shape
from groundup.stats.distributions._sampling import standard_gamma
from groundup.stats.special import gammainc, gammaln


class Gamma(Distribution):
    """Gamma distribution with shape α and rate β (scale 1/β).

    p(x) = β^α x^(α−1) e^(−βx) / Γ(α) for x ≥ 0,  F(x) = P(α, βx) (regularised lower incomplete
    gamma). MLE: β̂ = α̂ / x̄ and log α̂ − ψ(α̂) = log x̄ − mean(log x), solved by Newton.
    Sampling by Marsaglia–Tsang. See docs/notes/probability.md.

    Parameters
    ----------
    shape : float
        α > 0.
    rate : float
        β > 0.
    """

    def __init__(self, shape: float = 1.0, rate: float = 1.0) -> None:
        self.shape = positive(shape, "shape")
        self.rate = positive(rate, "rate")

    def _params(self) -> dict[str, Any]:
        return {"shape": self.shape, "rate": self.rate}

    def _logpdf(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        inside = (x >= 0) & np.isfinite(x)  # p(+inf) = 0; the formula would give inf − inf
        xs = np.where(inside, x, 1.0)
        log_norm = self.shape * np.log(self.rate) - gammaln(self.shape)
        val = log_norm + xlogy(self.shape - 1.0, xs) - self.rate * xs
        return np.where(inside, val, -np.inf)

    def _cdf(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        return np.asarray(gammainc(self.shape, self.rate * np.maximum(x, 0.0)))

    def _sample(self, n: int, rng: np.random.Generator) -> NDArray[np.float64]:
        return standard_gamma(self.shape, n, rng) / self.rate

    def mean(self) -> float:
        """E[X] = α/β."""
        return self.shape / self.rate

    def var(self) -> float:
        """Var[X] = α/β²."""
        return self.shape / self.rate**2

    @classmethod
    def fit(cls, data: ArrayLike) -> Gamma:
        """Maximum-likelihood fit by Newton's method on the shape's score equation.

        Setting ∂ℓ/∂β = nα/β − Σxᵢ = 0 gives β = α/x̄; substituting into ∂ℓ/∂α = 0 leaves
        log α − ψ(α) = log x̄ − (1/n) Σ log xᵢ, solved with digamma/trigamma.

        Parameters
        ----------
        data : array_like
            Positive observations, not all equal.

        Returns
        -------
        Gamma
        """
        x = data_vector(data)
        if (x <= 0).any():
            raise ValueError(f"data must be > 0 for Gamma, got {x[x <= 0][0]!r}")
        m = float(x.mean())
        s = float(np.log(m) - np.mean(np.log(x)))
        if s <= 0:  # Jensen: s = 0 exactly when all values are equal
            raise ValueError(f"data has zero spread (all values equal {x[0]!r}): shape MLE is inf")
        a = gamma_shape(s)
        return cls(a, a / m)
