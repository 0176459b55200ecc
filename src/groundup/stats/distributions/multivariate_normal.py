"""The multivariate normal distribution N(μ, Σ). See docs/notes/probability.md."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from groundup._checks import as_matrix, as_square_matrix, as_vector
from groundup.stats._validation import RNGLike, count, generator, out, points
from groundup.stats.distributions._base import Distribution
from groundup.stats.special import ndtr, ndtri

_LOG_2PI = np.log(2.0 * np.pi)


def _cholesky(cov: NDArray[np.float64]) -> NDArray[np.float64]:
    """Lower Cholesky factor, or a ValueError naming the smallest eigenvalue."""
    if not np.allclose(cov, cov.T, rtol=1e-10, atol=1e-12 * float(np.abs(cov).max())):
        i, j = np.unravel_index(np.argmax(np.abs(cov - cov.T)), cov.shape)
        raise ValueError(
            f"cov must be symmetric: cov[{i},{j}]={cov[i, j]!r} but cov[{j},{i}]={cov[j, i]!r}"
        )
    try:
        return np.asarray(np.linalg.cholesky(cov), dtype=np.float64)
    except np.linalg.LinAlgError:
        lam = float(np.linalg.eigvalsh(cov).min())
        raise ValueError(f"cov must be positive definite (smallest eigenvalue {lam:.3e})") from None


class MultivariateNormal(Distribution):
    """Multivariate normal distribution with mean μ ∈ ℝᵈ and covariance Σ (positive definite).

    log p(x) = −½ (d log 2π + log det Σ + (x − μ)ᵀ Σ⁻¹ (x − μ)), evaluated with Σ = LLᵀ:
    log det Σ = 2 Σ log Lᵢᵢ and the quadratic form is ‖L⁻¹(x − μ)‖². Sampling: μ + L z.
    MLE: μ̂ = x̄, Σ̂ = (1/n) Σ (xᵢ − x̄)(xᵢ − x̄)ᵀ. The cdf has no closed form: it is estimated by
    Genz's separation of variables with randomly shifted lattice points.
    See docs/notes/probability.md.

    Parameters
    ----------
    mean : array_like, shape (d,)
        μ.
    cov : array_like, shape (d, d)
        Σ, symmetric positive definite.
    """

    def __init__(self, mean: ArrayLike, cov: ArrayLike) -> None:
        self.loc = as_vector(mean, "mean")
        self.cov = as_square_matrix(cov, "cov")
        if self.cov.shape[0] != self.loc.size:
            raise ValueError(f"cov has shape {self.cov.shape} but mean has {self.loc.size} entries")
        self.chol = _cholesky(self.cov)
        self.dim = self.loc.size

    def _params(self) -> dict[str, Any]:
        return {"mean": self.loc, "cov": self.cov}

    def _points(self, x: ArrayLike) -> NDArray[np.float64]:
        arr = points(x)
        if arr.ndim == 0 or arr.shape[-1] != self.dim:
            raise ValueError(f"x must have last dimension {self.dim}, got shape {arr.shape}")
        return arr

    def _logpdf(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        diff = (x - self.loc).reshape(-1, self.dim)
        z = np.linalg.solve(self.chol, diff.T)  # L z = x − μ
        maha = np.sum(z * z, axis=0)
        log_det = 2.0 * np.sum(np.log(np.diag(self.chol)))
        return (-0.5 * (self.dim * _LOG_2PI + log_det + maha)).reshape(x.shape[:-1])

    def logpdf(self, x: ArrayLike) -> Any:
        """Log density at x of shape (d,) (a float) or (..., d) (an array of shape (...))."""
        return out(self._logpdf(self._points(x)))

    def pdf(self, x: ArrayLike) -> Any:
        """Density at x of shape (d,) or (..., d)."""
        return out(np.exp(self._logpdf(self._points(x))))

    def cdf(self, x: ArrayLike, n_points: int = 20_000, rng: RNGLike = 0) -> Any:
        """P(X ≤ x) componentwise, estimated by Genz's algorithm (absolute error ~1e-5 by default).

        Writing X = μ + L z turns the box into nested bounds zᵢ ≤ (bᵢ − Σⱼ₍ⱼ<ᵢ₎ Lᵢⱼ zⱼ)/Lᵢᵢ;
        drawing each zᵢ from its truncated normal by inversion, the probability is the average
        of the product of the successive truncation masses eᵢ = Φ(upper boundᵢ).

        Parameters
        ----------
        x : array_like, shape (d,) or (m, d)
            Upper corners.
        n_points : int
            Lattice points per estimate; the error falls roughly as n_points^(−0.8)
            (~1e-5 at 20 000, ~1e-6 at 100 000).
        rng : Generator, int or None
            Seed for the random lattice shift (fixed by default: the result is deterministic).

        Returns
        -------
        float or ndarray of shape (m,)
        """
        pts = self._points(x)
        n_points = count(n_points, "n_points", minimum=1)
        gen = generator(rng)
        flat = pts.reshape(-1, self.dim)
        res = np.array([self._genz(row - self.loc, n_points, gen) for row in flat])
        return out(res.reshape(pts.shape[:-1]))

    def _cdf(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        return np.asarray(self.cdf(x))

    def _genz(self, upper: NDArray[np.float64], n_points: int, rng: np.random.Generator) -> float:
        d, L = self.dim, self.chol
        # Richtmyer lattice (fractional parts of k·√prime) with a random shift per coordinate
        primes = np.array(
            [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53][: max(d - 1, 1)]
        )
        if d - 1 > len(primes):
            w = rng.random((n_points, d - 1))
        else:
            k = np.arange(1, n_points + 1)[:, None]
            w = np.abs(2.0 * ((k * np.sqrt(primes) + rng.random(primes.size)) % 1.0) - 1.0)
        e = np.full(n_points, float(ndtr(upper[0] / L[0, 0])))
        prob = e.copy()
        y = np.zeros((n_points, d))
        for i in range(1, d):
            p = np.clip(w[:, i - 1] * e, 1e-300, 1.0 - 1e-16)
            y[:, i - 1] = np.clip(ndtri(p), -40.0, 40.0)
            e = np.asarray(ndtr((upper[i] - y[:, :i] @ L[i, :i]) / L[i, i]))
            prob = prob * e
        return float(prob.mean())

    def _sample(self, n: int, rng: np.random.Generator) -> NDArray[np.float64]:
        return self.loc + rng.standard_normal((n, self.dim)) @ self.chol.T

    def mean(self) -> NDArray[np.float64]:
        """E[X] = μ."""
        return self.loc.copy()

    def var(self) -> NDArray[np.float64]:
        """The marginal variances diag(Σ) (the full covariance is ``cov``)."""
        return np.diag(self.cov).copy()

    @classmethod
    def fit(cls, data: ArrayLike) -> MultivariateNormal:
        """Maximum-likelihood fit: the sample mean and the biased (1/n) sample covariance.

        Parameters
        ----------
        data : array_like, shape (n, d)
            Observations in rows; needs n > d and no exactly collinear features.

        Returns
        -------
        MultivariateNormal
        """
        x = as_matrix(data, "data")
        mu = x.mean(axis=0)
        diff = x - mu
        cov = diff.T @ diff / x.shape[0]
        return cls(mu, cov)
