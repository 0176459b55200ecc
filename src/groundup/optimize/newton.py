"""Damped Newton's method: solve ∇²f p = −∇f, then a line search along p.

Where the Hessian is not positive definite, ``∇²f + τI`` is used with the smallest τ in
0, β, 2β, 4β, … whose Cholesky factorisation succeeds (Nocedal & Wright, Algorithm 3.3), so p
is always a descent direction. See docs/notes/optimization.md.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

from groundup.linalg import LinAlgError, cho_solve, cholesky
from groundup.optimize._loop import Callback, finish, grad_norm
from groundup.optimize._objective import Objective
from groundup.optimize._result import OptimizeResult
from groundup.optimize.line_search import get_line_search

FTOL = 64 * np.finfo(np.float64).eps


def newton_direction(H: NDArray[Any], g: NDArray[Any]) -> NDArray[Any]:
    """Solve ``(H + τI) p = −g`` with τ >= 0 the smallest shift making ``H + τI`` SPD.

    See docs/notes/optimization.md (Newton's method).
    """
    n = g.size
    diag = np.diag(H)
    beta = 1e-3 * max(1.0, float(np.max(np.abs(diag))))
    tau = 0.0 if diag.min() > 0 else -float(diag.min()) + beta
    for _ in range(60):
        try:
            L = cholesky(H + tau * np.eye(n) if tau else H)
        except LinAlgError:
            tau = max(2.0 * tau, beta)
            continue
        return np.asarray(cho_solve(L, -g))
    raise ArithmeticError("newton: could not make the Hessian positive definite")


def newton(
    obj: Objective,
    hess: Callable[[NDArray[Any]], Any],
    x0: NDArray[Any],
    f0: float,
    g0: NDArray[Any],
    tol: float,
    max_iter: int,
    callback: Callback,
    line_search: str,
    options: dict[str, Any],
) -> OptimizeResult:
    """Run damped Newton until max|∇f| <= tol or ``max_iter`` iterations."""
    if options:
        raise TypeError(f"unknown option(s) {sorted(options)} for method 'newton'; allowed: []")
    search = get_line_search(line_search)
    n = x0.size
    x, f, g = x0.copy(), f0, g0
    history = [f]
    for k in range(max_iter):
        if grad_norm(g) <= tol:
            return finish(x, f, g, k, obj.nfev, tol, history)
        H = np.asarray(hess(x), dtype=np.float64)
        if H.shape != (n, n):
            raise ValueError(f"hess returned shape {H.shape}, expected {(n, n)}")
        if not np.isfinite(H).all():
            raise ValueError(f"hess returned a non-finite matrix at iteration {k}")
        p = newton_direction(H, g)
        ls = search(obj, x, p, f, g, alpha0=1.0)
        if ls.alpha == 0.0 or not math.isfinite(ls.f):
            msg = "stopped: the line search could not reduce f further (precision limit)"
            return finish(x, f, g, k, obj.nfev, tol, history, msg)
        stalled = f - ls.f <= FTOL * max(abs(f), abs(ls.f), 1.0)
        x, f, g = x + ls.alpha * p, ls.f, ls.g
        history.append(f)
        if stalled and grad_norm(g) > tol:
            # Newton's quadratic convergence ends at the rounding floor of f and ∇f; further
            # steps are noise (scipy's L-BFGS-B stops on the same relative-decrease test).
            msg = "stopped: f decreased by less than 64ε relative (precision limit)"
            return finish(x, f, g, k + 1, obj.nfev, tol, history, msg)
        if callback is not None and callback(x.copy()) is True:
            return finish(x, f, g, k + 1, obj.nfev, tol, history, "stopped by callback")
    return finish(x, f, g, max_iter, obj.nfev, tol, history)
