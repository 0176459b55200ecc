"""Student's t distribution with location and scale. See docs/notes/probability.md."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from groundup.stats._validation import data_vector, positive
from groundup.stats.distributions._base import Distribution
from groundup.stats.distributions._sampling import standard_gamma
from groundup.stats.special import betainc, digamma, gammaln

_EM_MAXITER = 10_000
_EM_RTOL = 1e-12
_DF_BOUNDS = (1e-3, 1e6)  # beyond 1e6 the t density is a normal to ~1e-6: ν is capped there


class StudentT(Distribution):
    """Student's t distribution with ν degrees of freedom, location μ and scale σ.

    p(x) = Γ((ν+1)/2) / (Γ(ν/2) √(νπ) σ) · (1 + z²/ν)^(−(ν+1)/2),  z = (x − μ)/σ;
    F(x) = ½ I_{ν/(ν+z²)}(ν/2, ½) for z < 0 and 1 − that for z ≥ 0.
    Fit by EM (the t as a scale mixture of normals); ν is held fixed when given, otherwise also
    estimated (ECME: each ν step maximises the observed likelihood). See
    docs/notes/probability.md.

    Parameters
    ----------
    df : float
        ν > 0.
    loc : float
        μ.
    scale : float
        σ > 0.
    """

    def __init__(self, df: float, loc: float = 0.0, scale: float = 1.0) -> None:
        self.df = positive(df, "df")
        mu = float(loc)
        if not np.isfinite(mu):
            raise ValueError(f"loc must be finite, got {loc!r}")
        self.loc = mu
        self.scale = positive(scale, "scale")

    def _params(self) -> dict[str, Any]:
        return {"df": self.df, "loc": self.loc, "scale": self.scale}

    def _logpdf(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        nu = self.df
        z = (x - self.loc) / self.scale
        log_norm = (
            gammaln(0.5 * (nu + 1.0))
            - gammaln(0.5 * nu)
            - 0.5 * np.log(nu * np.pi)
            - np.log(self.scale)
        )
        with np.errstate(over="ignore"):
            return log_norm - 0.5 * (nu + 1.0) * np.log1p(z * z / nu)

    def _cdf(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        nu = self.df
        z = (x - self.loc) / self.scale
        with np.errstate(over="ignore"):
            # ν/(ν + z²) written to stay exact for huge |z|
            w = np.where(np.isinf(z), 0.0, 1.0 / (1.0 + z * z / nu))
        tail = 0.5 * np.asarray(betainc(0.5 * nu, 0.5, w))
        return np.where(z < 0, tail, 1.0 - tail)

    def _sample(self, n: int, rng: np.random.Generator) -> NDArray[np.float64]:
        # T = Z / √(V/ν) with V ~ χ²(ν) = 2·Gamma(ν/2)
        v = 2.0 * standard_gamma(0.5 * self.df, n, rng)
        return self.loc + self.scale * rng.standard_normal(n) / np.sqrt(v / self.df)

    def mean(self) -> float:
        """E[X] = μ for ν > 1 (undefined, NaN, otherwise)."""
        return self.loc if self.df > 1 else float("nan")

    def var(self) -> float:
        """Var[X] = σ² ν/(ν − 2) for ν > 2, inf for 1 < ν ≤ 2, NaN for ν ≤ 1."""
        if self.df > 2:
            return self.scale**2 * self.df / (self.df - 2.0)
        return float("inf") if self.df > 1 else float("nan")

    @classmethod
    def fit(cls, data: ArrayLike, df: float | None = None) -> StudentT:
        """Maximum-likelihood fit by EM; ``df`` fixed if given, else estimated by ECME.

        E-step: weights wᵢ = (ν + 1)/(ν + zᵢ²) (the posterior mean of each point's latent
        precision). M-step: μ = Σ wᵢxᵢ / Σ wᵢ, σ² = (1/n) Σ wᵢ(xᵢ − μ)². When ν is free it is then
        set to the root of ∂ℓ/∂ν = ½ Σ [ψ((ν+1)/2) − ψ(ν/2) − 1/ν − log(1 + zᵢ²/ν)
        + (ν+1) zᵢ² / (ν(ν + zᵢ²))] (regula falsi on log ν). Each step raises the likelihood.
        Normal-looking data drive ν to infinity; it is capped at 1e6.

        Parameters
        ----------
        data : array_like
            Observations, not all equal.
        df : float, optional
            Fixed ν > 0; None (default) fits it too.

        Returns
        -------
        StudentT
        """
        x = data_vector(data)
        nu = positive(df, "df") if df is not None else 5.0
        mu = float(np.median(x))
        var = float(np.mean((x - mu) ** 2))
        if var == 0.0:
            raise ValueError(f"data has zero spread (all values equal {x[0]!r}): scale = 0")
        free = df is None
        for _ in range(_EM_MAXITER):
            z2 = (x - mu) ** 2 / var
            w = (nu + 1.0) / (nu + z2)
            mu_new = float(np.sum(w * x) / np.sum(w))
            var_new = float(np.mean(w * (x - mu_new) ** 2))
            nu_new = _df_step(x, mu_new, np.sqrt(var_new), nu) if free else nu
            # at the cap the ν-score is rounding noise: hold ν there and finish μ, σ alone
            free = free and nu_new < _DF_BOUNDS[1]
            converged = (
                abs(mu_new - mu) <= _EM_RTOL * np.sqrt(var_new)
                and abs(var_new - var) <= _EM_RTOL * var_new
                and abs(nu_new - nu) <= _EM_RTOL * nu_new
            )
            mu, var, nu = mu_new, var_new, nu_new
            if converged:
                break
        return cls(nu, mu, np.sqrt(var))


def _df_score(nu: float, z2: NDArray[np.float64]) -> float:
    """∂ℓ/∂ν (divided by n/2) at fixed location and scale."""
    return float(
        digamma(0.5 * (nu + 1.0))
        - digamma(0.5 * nu)
        - 1.0 / nu
        - np.mean(np.log1p(z2 / nu))
        + np.mean((nu + 1.0) * z2 / (nu * (nu + z2)))
    )


def _df_step(x: NDArray[np.float64], mu: float, sigma: float, nu: float) -> float:
    """The ν maximising the observed likelihood at (μ, σ): the root of the ν-score.

    A bracket grown geometrically around the previous ν, then the Illinois variant of regula
    falsi (superlinear, never leaves the bracket); the score falls through zero at the optimum.
    """
    z2 = ((x - mu) / sigma) ** 2
    lo_b, hi_b = _DF_BOUNDS
    lo, hi = max(nu / 1.5, lo_b), min(nu * 1.5, hi_b)
    f_lo, f_hi = _df_score(lo, z2), _df_score(hi, z2)
    while f_lo < 0 and lo > lo_b:
        lo, hi, f_hi = max(lo / 4.0, lo_b), lo, f_lo
        f_lo = _df_score(lo, z2)
    while f_hi > 0 and hi < hi_b:
        lo, f_lo, hi = hi, f_hi, min(hi * 4.0, hi_b)
        f_hi = _df_score(hi, z2)
    if f_lo < 0:
        return lo_b
    if f_hi > 0:  # still rising at the upper bound: the data look normal
        return hi_b
    # work in log ν: the score is close to linear there
    a, b, fa, fb = np.log(lo), np.log(hi), f_lo, f_hi
    side = 0
    for _ in range(200):
        c = (a * fb - b * fa) / (fb - fa) if fb != fa else 0.5 * (a + b)
        fc = _df_score(float(np.exp(c)), z2)
        if fc == 0 or abs(b - a) < 1e-15:
            return float(np.exp(c))
        if (fc > 0) == (fa > 0):
            a, fa = c, fc
            if side == -1:
                fb /= 2.0  # Illinois: halve the stale end so it cannot stall
            side = -1
        else:
            b, fb = c, fc
            if side == 1:
                fa /= 2.0
            side = 1
        if abs(b - a) <= 1e-14 * max(1.0, abs(c)):
            break
    return float(np.exp(c))
