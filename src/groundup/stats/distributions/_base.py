"""The shared base of every distribution: the interface, pdf from logpdf, and a readable repr.

A distribution holds fixed scalar parameters (validated once, in ``__init__``) and answers
``logpdf``/``pdf``/``cdf``/``mean``/``var``/``sample``; ``fit`` is a classmethod returning a new
instance at the maximum-likelihood estimate. Discrete families name their density ``pmf``
(``logpmf``) and keep ``pdf``/``logpdf`` as aliases so code can treat every family alike.
See docs/notes/probability.md.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from groundup.stats._validation import RNGLike, count, generator, out, points


class Distribution(ABC):
    """A probability distribution with fixed parameters.

    Subclasses implement ``_logpdf``/``_cdf`` on validated float arrays, ``_sample`` on a
    Generator, and ``mean``/``var``/``fit``. Public methods validate their input here once.
    """

    discrete: bool = False

    @abstractmethod
    def _params(self) -> dict[str, Any]:
        """Parameter names and values, for ``repr`` and equality."""

    @abstractmethod
    def _logpdf(self, x: NDArray[np.float64]) -> NDArray[np.float64]: ...

    @abstractmethod
    def _cdf(self, x: NDArray[np.float64]) -> NDArray[np.float64]: ...

    @abstractmethod
    def _sample(self, n: int, rng: np.random.Generator) -> NDArray[Any]: ...

    @abstractmethod
    def mean(self) -> Any:
        """The expectation E[X]."""

    @abstractmethod
    def var(self) -> Any:
        """The variance Var[X] = E[(X − E[X])²]."""

    @classmethod
    @abstractmethod
    def fit(cls, data: ArrayLike) -> Distribution:
        """The maximum-likelihood fit to ``data``."""

    def logpdf(self, x: ArrayLike) -> Any:
        """Log density log p(x) at each point (−inf outside the support).

        Each family writes log p in closed form (see its class docstring and
        docs/notes/probability.md), which stays finite far into the tails where p underflows.

        Parameters
        ----------
        x : array_like
            Points, any shape; ±inf allowed, NaN refused.

        Returns
        -------
        float or ndarray
            A float for scalar ``x``, else an array of ``x``'s shape.
        """
        return out(self._logpdf(points(x)))

    def pdf(self, x: ArrayLike) -> Any:
        """Density p(x) = exp(log p(x)) at each point (0 outside the support).

        See docs/notes/probability.md.

        Parameters
        ----------
        x : array_like
            Points, any shape; ±inf allowed, NaN refused.

        Returns
        -------
        float or ndarray
        """
        return out(np.exp(self._logpdf(points(x))))

    def cdf(self, x: ArrayLike) -> Any:
        """Cumulative distribution F(x) = P(X ≤ x) at each point.

        Computed from the regularised incomplete gamma/beta functions or erfc so that small
        tail probabilities keep their relative accuracy. See docs/notes/probability.md.

        Parameters
        ----------
        x : array_like
            Points, any shape; ±inf allowed (F(−inf) = 0, F(inf) = 1), NaN refused.

        Returns
        -------
        float or ndarray
        """
        return out(self._cdf(points(x)))

    def std(self) -> Any:
        """The standard deviation √Var[X]."""
        return np.sqrt(self.var())

    def sample(self, n: int, rng: RNGLike = None) -> NDArray[Any]:
        """``n`` independent draws; the same integer seed (or Generator state) gives the same draws.

        Built from uniform and standard-normal draws only (inversion, Marsaglia–Tsang
        rejection, table look-up); see docs/notes/probability.md ("Sampling").

        Parameters
        ----------
        n : int
            Number of draws, >= 0.
        rng : numpy.random.Generator, int or None
            Source of randomness.

        Returns
        -------
        ndarray
            Shape (n,) (or (n, d) for a multivariate family).
        """
        return self._sample(count(n, "n"), generator(rng))

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self._params().items())
        return f"{type(self).__name__}({args})"

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        mine, theirs = self._params(), other._params()  # type: ignore[attr-defined]
        return all(np.array_equal(mine[k], theirs[k]) for k in mine)

    __hash__ = None  # type: ignore[assignment]


class DiscreteDistribution(Distribution):
    """A distribution on the integers: ``pmf``/``logpmf`` are the density (0 off the integers)."""

    discrete = True

    def logpmf(self, k: ArrayLike) -> Any:
        """Log probability log P(X = k) (−inf off the support or at non-integers).

        See docs/notes/probability.md.

        Parameters
        ----------
        k : array_like
            Points, any shape.

        Returns
        -------
        float or ndarray
        """
        return self.logpdf(k)

    def pmf(self, k: ArrayLike) -> Any:
        """Probability mass P(X = k) (0 off the support or at non-integers).

        See docs/notes/probability.md.

        Parameters
        ----------
        k : array_like
            Points, any shape.

        Returns
        -------
        float or ndarray
        """
        return self.pdf(k)

    def logpdf(self, x: ArrayLike) -> Any:
        """Alias of :meth:`logpmf` so discrete and continuous families share one interface."""
        x = points(x)
        whole = np.isfinite(x) & (x == np.round(x))  # P(X = ±inf) = 0
        res = np.full(x.shape, -np.inf)
        res[whole] = self._logpdf(x[whole])
        return out(res)

    def pdf(self, x: ArrayLike) -> Any:
        """Alias of :meth:`pmf`."""
        return out(np.exp(np.asarray(self.logpdf(x))))

    def cdf(self, x: ArrayLike) -> Any:
        """P(X ≤ x), a step function: the value at ⌊x⌋."""
        return out(self._cdf(np.floor(points(x))))
