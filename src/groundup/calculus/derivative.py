"""Central finite differences for scalar functions of one variable.

See docs/notes/calculus.md#central-differences.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from groundup._checks import as_array
from groundup.calculus._evaluate import check_callable, steps

__all__ = ["derivative"]


def _values(f: Callable[..., Any], x: NDArray[np.float64]) -> NDArray[np.float64]:
    """f(x) for elementwise f, checked for shape and finiteness."""
    arg: Any = float(x) if x.ndim == 0 else x
    y = np.asarray(f(arg), dtype=np.float64)
    if y.shape != x.shape:
        raise ValueError(
            f"f must act elementwise: x has shape {x.shape} but f(x) has shape {y.shape}"
        )
    if not np.isfinite(y).all():
        i = np.unravel_index(int(np.argmin(np.isfinite(y))), y.shape) if y.ndim else ()
        raise ValueError(f"f returned a non-finite value ({y[i]!r}) at x = {x[i]!r}")
    return y


def derivative(
    f: Callable[..., Any], x: ArrayLike, h: ArrayLike | None = None, order: int = 1
) -> float | NDArray[np.float64]:
    """First or second derivative of a scalar function by central differences.

    f'(x) ≈ [f(x+h) − f(x−h)] / 2h,   f''(x) ≈ [f(x+h) − 2f(x) + f(x−h)] / h².

    Step size: the truncation error of the first formula is h²|f'''|/6 and the rounding
    error about ε|f|/h; their sum is smallest at h ∝ ε^{1/3} (error ∝ ε^{2/3} ≈ 4e-11).
    For the second derivative truncation is h²|f''''|/12 and rounding 4ε|f|/h², so
    h ∝ ε^{1/4} (error ∝ ε^{1/2}). The default step is that power of ε times max(1, |x|),
    so it scales with x, and is rounded so that x ± h is exact.
    See docs/notes/calculus.md#central-differences.

    Parameters
    ----------
    f : callable
        Scalar function; if ``x`` is an array it must act elementwise (like ``np.sin``).
    x : float or array_like
        Point(s) at which to differentiate.
    h : float or array_like, optional
        Step (> 0); default ε^{1/3}·max(1, |x|) for order 1, ε^{1/4}·max(1, |x|) for order 2.
    order : {1, 2}
        Derivative order.

    Returns
    -------
    float or ndarray
        The derivative, a float for scalar ``x``.
    """
    check_callable(f)
    if order not in (1, 2) or isinstance(order, bool):
        raise ValueError(f"order must be 1 or 2, got {order!r}")
    xa = as_array(x, "x", ndim=None)
    hs = steps(xa, h, 1 / 3 if order == 1 else 1 / 4)
    fp, fm = _values(f, xa + hs), _values(f, xa - hs)
    if order == 1:
        d = (fp - fm) / (2.0 * hs)
    else:
        d = (fp - 2.0 * _values(f, xa) + fm) / (hs * hs)
    return float(d) if d.ndim == 0 else d
