"""Special functions for the feature scores: regularised incomplete beta, F tail, digamma.

Private helpers (no SciPy at run time). See docs/notes/svm.md#feature-selection.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

_TINY = 1e-300
_EPS = 1e-15


def _log_beta(a: NDArray[Any], b: NDArray[Any]) -> NDArray[Any]:
    """log B(a, b) = lgamma(a) + lgamma(b) − lgamma(a + b), elementwise."""
    from math import lgamma

    lg = np.vectorize(lgamma, otypes=[np.float64])
    return lg(a) + lg(b) - lg(a + b)


def _beta_continued_fraction(a: NDArray[Any], b: NDArray[Any], x: NDArray[Any]) -> NDArray[Any]:
    """Continued fraction of I_x(a, b) by the modified Lentz method, all elements at once.

    The even and odd terms are d_{2m} = m(b−m)x / ((a+2m−1)(a+2m)) and
    d_{2m+1} = −(a+m)(a+b+m)x / ((a+2m)(a+2m+1)); it converges fast for x < (a+1)/(a+b+2).
    """
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c = np.ones_like(x)
    d = 1.0 - qab * x / qap
    d = np.where(np.abs(d) < _TINY, _TINY, d)
    d = 1.0 / d
    h = d.copy()
    done = np.zeros(x.shape, dtype=bool)
    for m in range(1, 10_000):  # iterations of the fraction, each vectorised over elements
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = np.where(np.abs(d) < _TINY, _TINY, d)
        c = 1.0 + aa / c
        c = np.where(np.abs(c) < _TINY, _TINY, c)
        d = 1.0 / d
        h = np.where(done, h, h * d * c)
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = np.where(np.abs(d) < _TINY, _TINY, d)
        c = 1.0 + aa / c
        c = np.where(np.abs(c) < _TINY, _TINY, c)
        d = 1.0 / d
        delta = d * c
        h = np.where(done, h, h * delta)
        done |= np.abs(delta - 1.0) < _EPS
        if done.all():
            break
    return h


def betainc(a: ArrayLike, b: ArrayLike, x: ArrayLike) -> NDArray[Any]:
    """Regularised incomplete beta function I_x(a, b) = B(x; a, b) / B(a, b).

    I_x(a, b) = x^a (1 − x)^b / (a B(a, b)) · CF(a, b, x) for x < (a + 1)/(a + b + 2), else
    1 − I_{1−x}(b, a) (the symmetry keeps the continued fraction in its fast region).
    See docs/notes/svm.md#feature-selection.

    Parameters
    ----------
    a, b : array_like, > 0
    x : array_like in [0, 1]

    Returns
    -------
    ndarray, broadcast shape of the inputs
    """
    a, b, x = (np.asarray(v, dtype=np.float64) for v in np.broadcast_arrays(a, b, x))
    out = np.full(x.shape, np.nan)
    out[x <= 0] = 0.0
    out[x >= 1] = 1.0
    inside = (x > 0) & (x < 1)
    if not inside.any():
        return out
    ai, bi, xi = a[inside], b[inside], x[inside]
    swap = xi >= (ai + 1.0) / (ai + bi + 2.0)
    aa, bb, xx = np.where(swap, bi, ai), np.where(swap, ai, bi), np.where(swap, 1.0 - xi, xi)
    front = np.exp(aa * np.log(xx) + bb * np.log1p(-xx) - _log_beta(aa, bb)) / aa
    val = front * _beta_continued_fraction(aa, bb, xx)
    out[inside] = np.where(swap, 1.0 - val, val)
    return out


def f_sf(f: ArrayLike, dfn: float, dfd: float) -> NDArray[Any]:
    """Survival function of the F distribution, P(F > f) = I_{d₂/(d₂ + d₁f)}(d₂/2, d₁/2).

    See docs/notes/svm.md#feature-selection.

    Parameters
    ----------
    f : array_like (NaN propagates)
    dfn, dfd : degrees of freedom of numerator and denominator

    Returns
    -------
    ndarray of the same shape as f
    """
    f = np.asarray(f, dtype=np.float64)
    out = np.full(f.shape, np.nan)
    ok = ~np.isnan(f)
    fv = np.maximum(f[ok], 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        x = np.where(np.isinf(fv), 0.0, dfd / (dfd + dfn * fv))
    out[ok] = betainc(np.full(x.shape, dfd / 2.0), np.full(x.shape, dfn / 2.0), x)
    return out


def digamma(x: ArrayLike) -> NDArray[Any]:
    """ψ(x) = d/dx log Γ(x) for x > 0.

    Shift up with ψ(x) = ψ(x + 1) − 1/x until x ≥ 10, then the asymptotic series
    ψ(x) ≈ ln x − 1/(2x) − Σ B₂ₖ/(2k x^{2k}). See docs/notes/svm.md#feature-selection.

    Parameters
    ----------
    x : array_like, > 0

    Returns
    -------
    ndarray
    """
    x = np.array(x, dtype=np.float64, copy=True)
    acc = np.zeros_like(x)
    while True:  # at most 10 shifts, each vectorised
        small = x < 10.0
        if not small.any():
            break
        acc[small] -= 1.0 / x[small]
        x[small] += 1.0
    inv2 = 1.0 / (x * x)
    series = inv2 * (
        1.0 / 12 - inv2 * (1.0 / 120 - inv2 * (1.0 / 252 - inv2 * (1.0 / 240 - inv2 * (1.0 / 132))))
    )
    return acc + np.log(x) - 0.5 / x - series
