"""The binomial distribution: successes in n Bernoulli(p) trials. See docs/notes/probability.md."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from groundup.stats._validation import count, data_vector, integer_valued, probability, xlogy
from groundup.stats.distributions._base import DiscreteDistribution
from groundup.stats.distributions._sampling import discrete_by_table, window
from groundup.stats.special import betainc, gammaln


class Binomial(DiscreteDistribution):
    """Binomial distribution with n trials and success probability p.

    P(X = k) = C(n, k) p^k (1 − p)^(n−k),  F(k) = I_{1−p}(n − k, k + 1) for 0 ≤ k < n.
    MLE (n known): p̂ = x̄ / n. Sampling by inverse cdf on a table. See
    docs/notes/probability.md.

    Parameters
    ----------
    n : int
        Number of trials, >= 0.
    p : float
        Success probability in [0, 1].
    """

    def __init__(self, n: int, p: float) -> None:
        self.n = count(n, "n")
        self.p = probability(p, "p")

    def _params(self) -> dict[str, Any]:
        return {"n": self.n, "p": self.p}

    def _logpdf(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        n = self.n
        inside = (x >= 0) & (x <= n)
        k = np.where(inside, x, 0.0)
        log_choose = gammaln(n + 1.0) - gammaln(k + 1.0) - gammaln(n - k + 1.0)
        val = (
            log_choose
            + xlogy(k, np.full(k.shape, self.p))
            + xlogy(n - k, np.full(k.shape, 1.0 - self.p))
        )
        return np.where(inside, val, -np.inf)

    def _cdf(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        n = self.n
        mid = (x >= 0) & (x < n)
        k = np.where(mid, x, 0.0)
        # I_{1−p}(n − k, k + 1); the arguments at masked-out entries are harmless placeholders
        tail = np.asarray(betainc(np.maximum(n - k, 1.0), k + 1.0, 1.0 - self.p))
        return np.where(x < 0, 0.0, np.where(x >= n, 1.0, tail))

    def _sample(self, n: int, rng: np.random.Generator) -> NDArray[np.int64]:
        lo, hi = window(self.mean(), np.sqrt(self.var()), 0, self.n)
        return discrete_by_table(self._logpdf, lo, hi, n, rng)

    def mean(self) -> float:
        """E[X] = np."""
        return self.n * self.p

    def var(self) -> float:
        """Var[X] = np(1 − p)."""
        return self.n * self.p * (1.0 - self.p)

    @classmethod
    def fit(cls, data: ArrayLike, n: int | None = None) -> Binomial:
        """Maximum-likelihood fit of p with n known: p̂ = Σ kᵢ / (m·n) over m observations.

        Parameters
        ----------
        data : array_like
            Success counts, integers in [0, n].
        n : int
            The known number of trials (required: n and p are not jointly identifiable well).

        Returns
        -------
        Binomial
        """
        if n is None:
            raise TypeError("Binomial.fit needs the number of trials: fit(data, n=...)")
        n = count(n, "n", minimum=1)
        x = data_vector(data)
        integer_valued(x, "data")
        bad = (x < 0) | (x > n)
        if bad.any():
            raise ValueError(f"data must lie in [0, n={n}] for Binomial, got {x[bad][0]!r}")
        return cls(n, float(x.mean()) / n)
