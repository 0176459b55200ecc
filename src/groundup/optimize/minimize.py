"""``minimize``: one entry point for every optimiser in :mod:`groundup.optimize`."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from numpy.typing import ArrayLike

from groundup._checks import as_vector, check_positive
from groundup.optimize._loop import Callback
from groundup.optimize._objective import GradSpec, Objective
from groundup.optimize._result import OptimizeResult
from groundup.optimize.first_order import DEFAULTS, first_order
from groundup.optimize.newton import newton
from groundup.optimize.quasi_newton import quasi_newton

FIRST_ORDER = tuple(DEFAULTS)
METHODS = (*FIRST_ORDER, "newton", "bfgs", "lbfgs")
DEFAULT_LINE_SEARCH = {"newton": "armijo", "bfgs": "wolfe", "lbfgs": "wolfe"}


def minimize(
    fun: Callable[..., Any],
    x0: ArrayLike,
    grad: GradSpec = None,
    method: str = "lbfgs",
    hess: Callable[..., Any] | None = None,
    tol: float = 1e-6,
    max_iter: int = 1000,
    line_search: str | None = None,
    callback: Callback = None,
    **options: Any,
) -> OptimizeResult:
    """Minimise a smooth function f: ℝⁿ → ℝ from ``x0``.

    Iterates ``x_{k+1} = x_k + α_k p_k`` until the gradient is small:

        converged  ⇔  max_i |∂f/∂x_i (x_k)| <= tol        (the ∞-norm, like scipy's gtol)

    First-order methods (``gd``, ``momentum``, ``nesterov``, ``adagrad``, ``rmsprop``, ``adam``)
    take fixed steps scaled by the option ``lr``; ``newton`` solves ∇²f p = −∇f (damped to stay
    a descent direction) and backtracks (Armijo); ``bfgs`` and ``lbfgs`` (memory ``m=10``) use
    a strong-Wolfe line search. See docs/notes/optimization.md.

    Parameters
    ----------
    fun : callable
        ``fun(x) -> float``, or ``(float, ndarray)`` when ``grad is True``.
    x0 : array_like, shape (n,)
        Starting point (1-D, finite).
    grad : callable, True or None
        Gradient ``grad(x) -> ndarray``; ``True`` if ``fun`` returns ``(f, ∇f)``; ``None`` for
        central differences (n + 1 … 2n extra calls per gradient).
    method : str
        One of ``gd, momentum, nesterov, adagrad, rmsprop, adam, newton, bfgs, lbfgs``.
    hess : callable, optional
        ``hess(x) -> (n, n) ndarray``; required by ``newton``.
    tol : float
        Gradient ∞-norm at which to stop.
    max_iter : int
        Maximum iterations.
    line_search : {"armijo", "wolfe"}, optional
        For newton/bfgs/lbfgs; default Armijo for Newton, strong Wolfe for quasi-Newton.
    callback : callable, optional
        ``callback(x)`` after every iteration; returning ``True`` stops the run.
    **options
        ``lr``, ``beta``, ``rho``, ``beta1``, ``beta2``, ``eps`` (first-order, as applicable);
        ``m`` (L-BFGS memory).

    Returns
    -------
    OptimizeResult
        ``x, fun, grad, nit, nfev, converged, message, history``.
    """
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; choose one of {list(METHODS)}")
    x = as_vector(x0, "x0")
    tol = check_positive(tol, "tol", strict=False)
    if isinstance(max_iter, bool) or not isinstance(max_iter, int) or max_iter < 0:
        raise ValueError(f"max_iter must be a non-negative integer, got {max_iter!r}")
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be callable, got {type(callback).__name__}")
    if method == "newton" and not callable(hess):
        raise ValueError("method 'newton' needs hess, a callable returning the (n, n) Hessian")
    if method in FIRST_ORDER and line_search is not None:
        raise ValueError(
            f"line_search applies to newton, bfgs and lbfgs; {method!r} takes fixed steps (lr)"
        )
    obj = Objective(fun, grad, x.size)
    f0, g0 = obj(x)
    if not math.isfinite(f0):
        raise ValueError(f"fun(x0) is not finite ({f0!r}); start from a point where f is defined")
    if method in FIRST_ORDER:
        return first_order(method, obj, x, f0, g0, tol, max_iter, callback, options)
    search = line_search if line_search is not None else DEFAULT_LINE_SEARCH[method]
    if method == "newton":
        assert hess is not None
        return newton(obj, hess, x, f0, g0, tol, max_iter, callback, search, options)
    return quasi_newton(method, obj, x, f0, g0, tol, max_iter, callback, search, options)
