"""Quasi-Newton methods: BFGS (dense inverse Hessian) and L-BFGS (two-loop recursion).

Both take steps ``x ← x + α p`` with ``p = −H ∇f`` and a strong-Wolfe line search (which
guarantees the curvature ``yᵀs > 0`` that keeps ``H`` positive definite), and update ``H``
from ``s = x₊ − x`` and ``y = ∇f₊ − ∇f``:

    BFGS    H₊ = (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ,   ρ = 1 / yᵀs
    L-BFGS  H never formed: ``H g`` from the last m pairs (s, y) by the two-loop recursion,
            starting from H₀ = (sᵀy / yᵀy) I.

See docs/notes/optimization.md.
"""

from __future__ import annotations

import math
from collections import deque
from typing import Any

import numpy as np
from numpy.typing import NDArray

from groundup.optimize._loop import Callback, finish, grad_norm
from groundup.optimize._objective import Objective
from groundup.optimize._result import OptimizeResult
from groundup.optimize.line_search import get_line_search


def two_loop(
    g: NDArray[Any], pairs: deque[tuple[NDArray[Any], NDArray[Any], float]]
) -> NDArray[Any]:
    """Return ``H g`` for the L-BFGS inverse-Hessian approximation held in ``pairs``.

    ``pairs`` holds ``(s, y, ρ)`` oldest first. First loop (newest → oldest):
    ``αᵢ = ρᵢ sᵢᵀq; q ← q − αᵢ yᵢ``; then ``r = γ q`` with ``γ = sᵀy / yᵀy`` of the newest pair;
    second loop (oldest → newest): ``β = ρᵢ yᵢᵀr; r ← r + sᵢ (αᵢ − β)``.
    See docs/notes/optimization.md.
    """
    q = g.copy()
    alphas = []
    for s, y, rho in reversed(pairs):
        a = rho * float(s @ q)
        q -= a * y
        alphas.append(a)
    if pairs:
        s, y, _ = pairs[-1]
        q *= float(s @ y) / float(y @ y)
    for (s, y, rho), a in zip(pairs, reversed(alphas)):
        b = rho * float(y @ q)
        q += (a - b) * s
    return q


def quasi_newton(
    method: str,
    obj: Objective,
    x0: NDArray[Any],
    f0: float,
    g0: NDArray[Any],
    tol: float,
    max_iter: int,
    callback: Callback,
    line_search: str,
    options: dict[str, Any],
) -> OptimizeResult:
    """Run BFGS or L-BFGS (``method`` in {"bfgs", "lbfgs"}) until max|∇f| <= tol."""
    allowed = {"m"} if method == "lbfgs" else set()
    unknown = sorted(set(options) - allowed)
    if unknown:
        raise TypeError(
            f"unknown option(s) {unknown} for method {method!r}; allowed: {sorted(allowed)}"
        )
    m = options.get("m", 10)
    if isinstance(m, bool) or not isinstance(m, (int, np.integer)) or m < 1:
        raise ValueError(f"m (L-BFGS memory) must be a positive integer, got {m!r}")
    search = get_line_search(line_search)
    n = x0.size
    pairs: deque[tuple[NDArray[Any], NDArray[Any], float]] = deque(maxlen=int(m))
    H: NDArray[Any] | None = np.eye(n) if method == "bfgs" else None
    x, f, g = x0.copy(), f0, g0
    history = [f]
    for k in range(max_iter):
        if grad_norm(g) <= tol:
            return finish(x, f, g, k, obj.nfev, tol, history)
        p = -(H @ g) if H is not None else -two_loop(g, pairs)
        if not float(g @ p) < 0:  # lost positive definiteness numerically: restart
            pairs.clear()
            H = np.eye(n) if H is not None else None
            p = -g
        # The first step has no curvature information: keep its length at most 1.
        alpha0 = min(1.0, 1.0 / max(float(np.sum(np.abs(g))), 1e-300)) if k == 0 else 1.0
        ls = search(obj, x, p, f, g, alpha0=alpha0)
        if ls.alpha == 0.0 or not math.isfinite(ls.f):
            msg = "stopped: the line search could not reduce f further (precision limit)"
            return finish(x, f, g, k, obj.nfev, tol, history, msg)
        s = ls.alpha * p
        y = ls.g - g
        sy = float(s @ y)
        x, f, g = x + s, ls.f, ls.g
        history.append(f)
        if sy > 1e-10 * math.sqrt(float(s @ s) * float(y @ y)):  # skip non-convex pairs
            rho = 1.0 / sy
            if H is not None:
                if k == 0:  # scale H₀ to the observed curvature (Nocedal & Wright eq. 6.20)
                    H = np.eye(n) * (sy / float(y @ y))
                Hy = H @ y
                H += (rho * rho * float(y @ Hy) + rho) * np.outer(s, s) - rho * (
                    np.outer(Hy, s) + np.outer(s, Hy)
                )
            else:
                pairs.append((s, y, rho))
        if callback is not None and callback(x.copy()) is True:
            return finish(x, f, g, k + 1, obj.nfev, tol, history, "stopped by callback")
    return finish(x, f, g, max_iter, obj.nfev, tol, history)
