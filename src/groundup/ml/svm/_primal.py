"""Primal Newton solver for the L2-regularised squared-hinge linear SVM.

The squared hinge is once differentiable with a piecewise-constant second derivative, so the
primal can be minimised by a (generalised) Newton method — liblinear's primal solver does the
same with a trust region (Lin, Weng & Keerthi 2008). Every step is a handful of matrix products
over all samples, so no Python loop runs over the samples, unlike dual coordinate descent.
See docs/notes/svm.md#primal-newton-for-the-squared-hinge.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from groundup.linalg import cho_solve, cholesky


def primal_newton(
    X: NDArray[Any], y: NDArray[Any], C: float, tol: float, max_iter: int
) -> tuple[NDArray[Any], int]:
    """Minimise f(w) = ½‖w‖² + C Σᵢ max(0, 1 − yᵢ wᵀxᵢ)² by damped generalised Newton.

    With the active set I = {i : yᵢ wᵀxᵢ < 1}:
        ∇f(w)  = w − 2C Σ_{i∈I} (1 − yᵢ wᵀxᵢ) yᵢ xᵢ
        ∇²f(w) = I + 2C X_Iᵀ X_I           (the generalised Hessian)
    Each iteration solves ∇²f p = −∇f by Cholesky and backtracks until Armijo holds. f is
    strongly convex, so the minimiser is unique and equals the dual solution w = Σ αᵢyᵢxᵢ.
    Stops when ‖∇f(w)‖ ≤ tol·‖∇f(0)‖.

    Returns
    -------
    w of shape (d,), number of Newton iterations
    """
    d = X.shape[1]
    w = np.zeros(d)

    def objective(w: NDArray[Any]) -> tuple[float, NDArray[Any], NDArray[Any]]:
        slack = 1.0 - y * (X @ w)
        active = slack > 0
        f = 0.5 * float(w @ w) + C * float(slack[active] @ slack[active])
        return f, slack, active

    f, slack, active = objective(w)
    g0 = None
    it = 0
    for it in range(1, max_iter + 1):
        Xa = X[active]
        g = w - 2.0 * C * (Xa.T @ (slack[active] * y[active]))
        gnorm = float(np.linalg.norm(g))
        if g0 is None:
            g0 = max(gnorm, 1e-300)
        if gnorm <= tol * g0:
            return w, it - 1
        H = np.eye(d) + 2.0 * C * (Xa.T @ Xa)
        p = -cho_solve(cholesky(H), g)
        slope = float(g @ p)
        step = 1.0
        while True:  # Armijo backtracking; the Newton step is accepted almost always
            f_new, slack_new, active_new = objective(w + step * p)
            if f_new <= f + 1e-4 * step * slope or step < 1e-12:
                break
            step *= 0.5
        w = w + step * p
        f, slack, active = f_new, slack_new, active_new
    return w, it
