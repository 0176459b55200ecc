"""The beta distribution on [0, 1]. See docs/notes/probability.md."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from groundup.stats._validation import data_vector, positive, xlogy
from groundup.stats.distributions._base import Distribution
from groundup.stats.distributions._mle import beta_shapes
from groundup.stats.distributions._sampling import standard_gamma
from groundup.stats.special import betainc, gammaln


class Beta(Distribution):
    """Beta distribution with shapes a and b.

    p(x) = x^(a−1) (1−x)^(b−1) / B(a, b) on [0, 1],  F(x) = I_x(a, b).
    MLE: ψ(a) − ψ(a+b) = mean log x and ψ(b) − ψ(a+b) = mean log(1−x), by 2-D Newton.
    Sampling: X = G₁/(G₁ + G₂) with G₁ ~ Gamma(a), G₂ ~ Gamma(b). See docs/notes/probability.md.

    Parameters
    ----------
    a, b : float
        Shapes > 0.
    """

    def __init__(self, a: float = 1.0, b: float = 1.0) -> None:
        self.a = positive(a, "a")
        self.b = positive(b, "b")

    def _params(self) -> dict[str, Any]:
        return {"a": self.a, "b": self.b}

    def _logpdf(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        inside = (x >= 0) & (x <= 1)
        xs = np.where(inside, x, 0.5)
        log_beta = gammaln(self.a) + gammaln(self.b) - gammaln(self.a + self.b)
        val = xlogy(self.a - 1.0, xs) + xlogy(self.b - 1.0, 1.0 - xs) - log_beta
        return np.where(inside, val, -np.inf)

    def _cdf(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        return np.asarray(betainc(self.a, self.b, np.clip(x, 0.0, 1.0)))

    def _sample(self, n: int, rng: np.random.Generator) -> NDArray[np.float64]:
        g1 = standard_gamma(self.a, n, rng)
        g2 = standard_gamma(self.b, n, rng)
        return g1 / (g1 + g2)

    def mean(self) -> float:
        """E[X] = a/(a + b)."""
        return self.a / (self.a + self.b)

    def var(self) -> float:
        """Var[X] = ab / ((a + b)²(a + b + 1))."""
        s = self.a + self.b
        return self.a * self.b / (s * s * (s + 1.0))

    @classmethod
    def fit(cls, data: ArrayLike) -> Beta:
        """Maximum-likelihood fit by Newton's method on the two score equations.

        Starts from the method of moments: with m = x̄, v = sample variance,
        a₀ = m·c, b₀ = (1 − m)·c, c = m(1 − m)/v − 1.

        Parameters
        ----------
        data : array_like
            Observations strictly inside (0, 1), not all equal.

        Returns
        -------
        Beta
        """
        x = data_vector(data)
        out = (x <= 0) | (x >= 1)
        if out.any():
            raise ValueError(f"data must lie strictly in (0, 1) for Beta, got {x[out][0]!r}")
        m, v = float(x.mean()), float(x.var())
        if v == 0.0:
            raise ValueError(f"data has zero spread (all values equal {x[0]!r}): shapes are inf")
        c = m * (1.0 - m) / v - 1.0
        a0, b0 = (m * c, (1.0 - m) * c) if c > 0 else (1.0, 1.0)
        a, b = beta_shapes(float(np.mean(np.log(x))), float(np.mean(np.log1p(-x))), a0, b0)
        return cls(a, b)
