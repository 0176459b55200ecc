"""Sequential minimal optimisation with second-order working-set selection (libsvm's WSS2).

See docs/notes/svm.md#smo.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

TAU = 1e-12  # curvature floor for non-positive-definite kernels (libsvm's TAU)


@dataclass
class SMOResult:
    """Solution of the dual: α, the offset ρ (decision = Σ αᵢyᵢK(xᵢ, x) − ρ) and iterations."""

    alpha: NDArray[Any]
    rho: float
    n_iter: int
    converged: bool


def smo(
    K: NDArray[Any],
    y: NDArray[Any],
    p: NDArray[Any],
    C: NDArray[Any],
    tol: float = 1e-3,
    max_iter: int = -1,
    rows: NDArray[np.intp] | None = None,
) -> SMOResult:
    """Solve min_α ½ αᵀQα + pᵀα s.t. yᵀα = 0, 0 ≤ αᵢ ≤ Cᵢ, with Q_ij = yᵢ yⱼ K_{r(i) r(j)}.

    Each step changes two variables. i maximises the violation −yᵢ∇ᵢf over I_up; j maximises
    the second-order decrease b²/a with b = −yᵢ∇ᵢf + yⱼ∇ⱼf > 0 and a = K_ii + K_jj − 2K_ij
    over I_low (Fan, Chen & Lin 2005, as libsvm). The two-variable subproblem is solved in
    closed form and clipped to the box; the gradient is updated with two kernel rows. Stop
    when the maximal violation m(α) − M(α) < tol. See docs/notes/svm.md#smo.

    Parameters
    ----------
    K : ndarray of shape (n, n)
        Kernel matrix over the distinct points.
    y : ndarray of shape (m,) of ±1
    p : ndarray of shape (m,)
        Linear term (−1 for classification; ε ∓ z for regression).
    C : ndarray of shape (m,)
        Upper bounds.
    tol : float
    max_iter : int (−1: no limit)
    rows : ndarray of shape (m,) or None
        Variable i uses kernel row rows[i] (SVR's 2n variables share n points).

    Returns
    -------
    SMOResult
    """
    m = y.shape[0]
    if rows is None:

        def krow(i: int) -> NDArray[Any]:
            return K[i]

        QD = np.diag(K).copy()
    else:

        def krow(i: int) -> NDArray[Any]:
            return K[rows[i]][rows]

        QD = np.diag(K)[rows]
    alpha = np.zeros(m)
    yG = y * p  # y ⊙ ∇f at α = 0
    # masks as additive offsets (0 or −inf) so each selection is one add and one argmax
    up_off = np.where(y > 0, 0.0, -np.inf)  # I_up = {y=+1, α<C} ∪ {y=−1, α>0}
    low_off = np.where(y < 0, 0.0, -np.inf)  # I_low = {y=+1, α>0} ∪ {y=−1, α<C}
    limit = max_iter if max_iter > 0 else 10_000_000
    # preallocated work arrays: each step is ~15 in-place array operations, no allocation
    v, w, b, a, score, tmp = (np.empty(m) for _ in range(6))
    it = 0
    converged = False
    while it < limit:
        np.subtract(up_off, yG, out=v)
        i = int(v.argmax())
        gmax = float(v[i])
        np.add(yG, low_off, out=w)
        if gmax + float(w.max()) < tol:
            converged = True
            break
        Ki = krow(i)
        np.add(yG, gmax, out=b)
        np.maximum(b, 0.0, out=b)  # only b > 0 can decrease the objective
        np.multiply(Ki, -2.0, out=a)
        a += QD
        a += QD[i]
        np.maximum(a, TAU, out=a)
        np.multiply(b, b, out=score)
        score /= a
        score += low_off
        j = int(score.argmax())
        if not score[j] > 0:  # no admissible j: optimal to working precision
            converged = True
            break
        Kj = krow(j)
        it += 1
        yi, yj = float(y[i]), float(y[j])
        Gi, Gj = yi * float(yG[i]), yj * float(yG[j])
        Ci, Cj = float(C[i]), float(C[j])
        ai_old, aj_old = float(alpha[i]), float(alpha[j])
        ai, aj = ai_old, aj_old
        quad = max(float(QD[i] + QD[j] - 2.0 * Ki[j]), TAU)
        # closed-form two-variable step, clipped to the box exactly as libsvm does
        if yi != yj:
            delta = (-Gi - Gj) / quad
            diff = ai - aj
            ai += delta
            aj += delta
            if diff > 0:
                if aj < 0:
                    aj, ai = 0.0, diff
            elif ai < 0:
                ai, aj = 0.0, -diff
            if diff > Ci - Cj:
                if ai > Ci:
                    ai, aj = Ci, Ci - diff
            elif aj > Cj:
                aj, ai = Cj, Cj + diff
        else:
            delta = (Gi - Gj) / quad
            total = ai + aj
            ai -= delta
            aj += delta
            if total > Ci:
                if ai > Ci:
                    ai, aj = Ci, total - Ci
            elif aj < 0:
                aj, ai = 0.0, total
            if total > Cj:
                if aj > Cj:
                    aj, ai = Cj, total - Cj
            elif ai < 0:
                ai, aj = 0.0, total
        alpha[i], alpha[j] = ai, aj
        # y ⊙ ∇f changes by yᵢΔαᵢK_i + yⱼΔαⱼK_j  (since yₖQ_ik = yᵢK_ik)
        np.multiply(Ki, yi * (ai - ai_old), out=tmp)
        yG += tmp
        np.multiply(Kj, yj * (aj - aj_old), out=tmp)
        yG += tmp
        for t, at, yt, Ct in ((i, ai, yi, Ci), (j, aj, yj, Cj)):
            at_upper, at_lower = at >= Ct, at <= 0.0
            up_off[t] = -math.inf if (at_upper if yt > 0 else at_lower) else 0.0
            low_off[t] = -math.inf if (at_lower if yt > 0 else at_upper) else 0.0
    return SMOResult(alpha, _rho(alpha, y, yG, C), it, converged)


def _rho(alpha: NDArray[Any], y: NDArray[Any], yG: NDArray[Any], C: NDArray[Any]) -> float:
    """Offset ρ: the mean of y∇f over free variables, else the midpoint of the feasible interval."""
    free = (alpha > 0) & (alpha < C)
    if free.any():
        return float(yG[free].mean())
    at_upper = alpha >= C
    at_lower = ~at_upper  # no free variables: every α is at a bound
    ub_mask = (at_upper & (y < 0)) | (at_lower & (y > 0))
    lb_mask = (at_upper & (y > 0)) | (at_lower & (y < 0))
    ub = float(yG[ub_mask].min()) if ub_mask.any() else math.inf
    lb = float(yG[lb_mask].max()) if lb_mask.any() else -math.inf
    return (ub + lb) / 2.0
