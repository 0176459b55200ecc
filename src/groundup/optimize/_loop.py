"""Bookkeeping shared by every optimiser: the stopping test and the result record."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

from groundup.optimize._result import OptimizeResult

Callback = Callable[[NDArray[Any]], Any] | None


def grad_norm(g: NDArray[Any]) -> float:
    """Convergence measure: max_i |g_i| (the ∞-norm, as scipy's ``gtol``)."""
    return float(np.max(np.abs(g))) if g.size else 0.0


def finish(
    x: NDArray[Any],
    f: float,
    g: NDArray[Any],
    nit: int,
    nfev: int,
    tol: float,
    history: list[float],
    message: str | None = None,
) -> OptimizeResult:
    """Build the result; ``converged`` is always the measured gradient test, never assumed."""
    converged = bool(np.isfinite(f)) and grad_norm(g) <= tol
    if message is None:
        message = (
            f"converged: max|grad| <= tol ({tol:g})"
            if converged
            else f"stopped after max_iter={nit} iterations (max|grad| = {grad_norm(g):.3g})"
        )
    return OptimizeResult(x, f, g, nit, nfev, converged, message, history)
