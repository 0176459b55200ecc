"""The negative binomial distribution (failures before the r-th success).

See docs/notes/probability.md.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from groundup.stats._validation import data_vector, integer_valued, positive, probability, xlogy
from groundup.stats.distributions._base import DiscreteDistribution
from groundup.stats.distributions._sampling import discrete_by_table, window
from groundup.stats.special import betainc, gammaln


class NegativeBinomial(DiscreteDistribution):
    """Negative binomial distribution: failures before the r-th success, success probability p.

    P(X = k) = Γ(k + r)/(k! Γ(r)) p^r (1 − p)^k,  F(k) = I_p(r, k + 1).
    It is the Gamma–Poisson mixture (the posterior predictive of ``bayes.gamma_poisson``).
    ``fit`` (r known) has the closed form p̂ = r / (r + x̄). See docs/notes/probability.md.

    Parameters
    ----------
    r : float
        Number of successes, > 0 (need not be an integer).
    p : float
        Success probability in (0, 1].
    """

    def __init__(self, r: float, p: float) -> None:
        self.r = positive(r, "r")
        self.p = probability(p, "p")
        if self.p == 0.0:
            raise ValueError("p must be > 0 for NegativeBinomial, got 0.0")

    def _params(self) -> dict[str, Any]:
        return {"r": self.r, "p": self.p}

    def _logpdf(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        inside = x >= 0
        k = np.where(inside, x, 0.0)
        val = (
            gammaln(k + self.r)
            - gammaln(k + 1.0)
            - gammaln(self.r)
            + self.r * np.log(self.p)
            + xlogy(k, np.full(k.shape, 1.0 - self.p))
        )
        return np.where(inside, val, -np.inf)

    def _cdf(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        k = np.where(np.isfinite(x), np.maximum(x, 0.0), 0.0)
        val = np.asarray(betainc(self.r, k + 1.0, self.p))
        return np.where(x < 0, 0.0, np.where(np.isposinf(x), 1.0, val))

    def _sample(self, n: int, rng: np.random.Generator) -> NDArray[np.int64]:
        lo, hi = window(self.mean(), np.sqrt(self.var()), 0, np.inf)
        # the right tail is geometric-like, heavier than the normal window assumes: widen it
        hi = int(hi + 60.0 / max(-np.log1p(-self.p), 1e-12)) if self.p < 1 else hi
        return discrete_by_table(self._logpdf, lo, hi, n, rng)

    def mean(self) -> float:
        """E[X] = r(1 − p)/p."""
        return self.r * (1.0 - self.p) / self.p

    def var(self) -> float:
        """Var[X] = r(1 − p)/p²."""
        return self.r * (1.0 - self.p) / self.p**2

    @classmethod
    def fit(cls, data: ArrayLike, r: float | None = None) -> NegativeBinomial:
        """Maximum-likelihood fit of p with r known: p̂ = r / (r + x̄).

        Parameters
        ----------
        data : array_like
            Non-negative integer counts.
        r : float
            The known number of successes (required).

        Returns
        -------
        NegativeBinomial
        """
        if r is None:
            raise TypeError("NegativeBinomial.fit needs r: fit(data, r=...)")
        r = positive(r, "r")
        x = data_vector(data)
        integer_valued(x, "data")
        if (x < 0).any():
            raise ValueError(f"data must be >= 0 for NegativeBinomial, got {x[x < 0][0]!r}")
        return cls(r, r / (r + float(x.mean())))
