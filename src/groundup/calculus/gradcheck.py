"""Gradient checking: compare an analytic gradient with central differences.

See docs/notes/calculus.md#gradient-checking.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from groundup._checks import as_array, check_positive
from groundup.calculus._evaluate import check_callable, point
from groundup.calculus.multivariate import gradient

__all__ = ["gradcheck"]


def gradcheck(
    f: Callable[..., Any],
    grad: Callable[..., Any],
    x: ArrayLike,
    h: ArrayLike | None = None,
    floor: float = 1e-2,
) -> float:
    """Largest relative error between an analytic gradient and the numerical one.

    err = max_i |g_i − ĝ_i| / max(|g_i|, |ĝ_i|, floor), g = grad(x), ĝ the central
    difference gradient of f at x. Entries smaller than ``floor`` are compared absolutely,
    so round-off in tiny entries does not read as a large relative error — the same mix
    of relative and absolute tolerance as ``torch.autograd.gradcheck`` (atol/rtol = 1e-2).
    A correct gradient typically gives 1e-9..1e-11; a wrong one gives O(1).
    See docs/notes/calculus.md#gradient-checking.

    Parameters
    ----------
    f : callable
        f(x) → scalar, x of shape (n,).
    grad : callable
        grad(x) → array of shape (n,), the gradient under test.
    x : array_like, shape (n,)
        Point at which to compare.
    h : float or array_like, optional
        Finite-difference step(s), default ε^{1/3}·max(1, |x_i|).
    floor : float
        Magnitude below which errors are absolute rather than relative (> 0).

    Returns
    -------
    float
        The maximum relative error.
    """
    check_callable(f)
    check_callable(grad, "grad")
    fl = check_positive(floor, "floor")
    xv = point(x)
    g = as_array(grad(xv.copy()), "grad(x)")
    if g.reshape(-1).shape != xv.shape:
        raise ValueError(f"grad(x) has shape {g.shape} but x has shape {xv.shape}")
    num = gradient(f, xv, h=h)
    g = g.reshape(-1)
    den = np.maximum(np.maximum(np.abs(g), np.abs(num)), fl)
    return float(np.max(np.abs(g - num) / den))
