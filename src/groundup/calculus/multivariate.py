"""Gradient, Jacobian and Hessian of multivariate functions by central differences.

See docs/notes/calculus.md#gradients-jacobians-and-hessians.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from groundup.calculus._evaluate import check_callable, evaluate, point, steps

__all__ = ["gradient", "jacobian", "hessian"]


def _axis_points(x: NDArray[np.float64], hs: NDArray[np.float64]) -> NDArray[np.float64]:
    """The 2n points x + h_i e_i (rows :n) and x − h_i e_i (rows n:)."""
    D = np.diag(hs)
    return np.concatenate([x + D, x - D])


def gradient(
    f: Callable[..., Any],
    x: ArrayLike,
    h: ArrayLike | None = None,
    vectorized: bool = False,
) -> NDArray[np.float64]:
    """Gradient of a scalar function f: ℝⁿ → ℝ by central differences.

    ∂f/∂x_i ≈ [f(x + h_i e_i) − f(x − h_i e_i)] / 2h_i, with h_i = ε^{1/3}·max(1, |x_i|)
    (the step that balances truncation against rounding; see :func:`derivative`).
    Costs 2n evaluations of f — one call if f is ``vectorized``.
    See docs/notes/calculus.md#gradients-jacobians-and-hessians.

    Parameters
    ----------
    f : callable
        f(x) → scalar for x of shape (n,); with ``vectorized``, f(P) → (k,) for P (k, n).
    x : array_like, shape (n,)
        Point.
    h : float or array_like of shape (n,), optional
        Step(s).
    vectorized : bool
        Evaluate all 2n points in one call of f.

    Returns
    -------
    ndarray, shape (n,)
        ∇f(x).
    """
    check_callable(f)
    xv = point(x)
    hs = steps(xv, h, 1 / 3)
    n = xv.shape[0]
    v = evaluate(f, _axis_points(xv, hs), vectorized, out_ndim=0)
    return (v[:n] - v[n:]) / (2.0 * hs)


def jacobian(
    f: Callable[..., Any],
    x: ArrayLike,
    h: ArrayLike | None = None,
    vectorized: bool = False,
) -> NDArray[np.float64]:
    """Jacobian of f: ℝⁿ → ℝᵐ by central differences, J_ij = ∂f_i/∂x_j.

    Column j is [f(x + h_j e_j) − f(x − h_j e_j)] / 2h_j, h_j = ε^{1/3}·max(1, |x_j|).
    Costs 2n evaluations of f — one call if f is ``vectorized``.
    See docs/notes/calculus.md#gradients-jacobians-and-hessians.

    Parameters
    ----------
    f : callable
        f(x) → array of m values for x of shape (n,); with ``vectorized``, f(P) → (k, m).
    x : array_like, shape (n,)
        Point.
    h : float or array_like of shape (n,), optional
        Step(s).
    vectorized : bool
        Evaluate all 2n points in one call of f.

    Returns
    -------
    ndarray, shape (m, n)
        The Jacobian (a scalar-valued f gives m = 1).
    """
    check_callable(f)
    xv = point(x)
    hs = steps(xv, h, 1 / 3)
    n = xv.shape[0]
    v = evaluate(f, _axis_points(xv, hs), vectorized, out_ndim=1)
    return ((v[:n] - v[n:]) / (2.0 * hs[:, None])).T


def hessian(
    f: Callable[..., Any],
    x: ArrayLike,
    h: ArrayLike | None = None,
    vectorized: bool = False,
) -> NDArray[np.float64]:
    """Hessian of a scalar function f: ℝⁿ → ℝ by central differences.

    H_ii ≈ [f(x + h_i e_i) − 2f(x) + f(x − h_i e_i)] / h_i²,
    H_ij ≈ [f(x+h_i e_i+h_j e_j) − f(x+h_i e_i−h_j e_j) − f(x−h_i e_i+h_j e_j)
            + f(x−h_i e_i−h_j e_j)] / 4h_i h_j   (i < j; H_ji = H_ij),
    both O(h²) accurate, with h_i = ε^{1/4}·max(1, |x_i|). The 2n²+1 points are built
    together (each distinct point once) — a single call if f is ``vectorized``.
    See docs/notes/calculus.md#gradients-jacobians-and-hessians.

    Parameters
    ----------
    f : callable
        f(x) → scalar for x of shape (n,); with ``vectorized``, f(P) → (k,) for P (k, n).
    x : array_like, shape (n,)
        Point.
    h : float or array_like of shape (n,), optional
        Step(s).
    vectorized : bool
        Evaluate all points in one call of f.

    Returns
    -------
    ndarray, shape (n, n)
        Symmetric Hessian ∇²f(x).
    """
    check_callable(f)
    xv = point(x)
    hs = steps(xv, h, 1 / 4)
    n = xv.shape[0]
    i, j = np.triu_indices(n, 1)
    D = np.diag(hs)
    # Rows: centre, 2n axis points, then the four corners of each (i, j) square.
    P = np.concatenate(
        [
            xv[None],
            _axis_points(xv, hs),
            xv + D[i] + D[j],
            xv + D[i] - D[j],
            xv - D[i] + D[j],
            xv - D[i] - D[j],
        ]
    )
    v = evaluate(f, P, vectorized, out_ndim=0)
    f0, fp, fm = v[0], v[1 : n + 1], v[n + 1 : 2 * n + 1]
    pp, pm, mp, mm = v[2 * n + 1 :].reshape(4, -1)
    H = np.empty((n, n))
    H[np.arange(n), np.arange(n)] = (fp - 2.0 * f0 + fm) / (hs * hs)
    H[i, j] = H[j, i] = (pp - pm - mp + mm) / (4.0 * hs[i] * hs[j])
    return H
