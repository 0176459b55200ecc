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
    K : ndarray of shape (n, n), or KernelRows
        Kernel matrix over the distinct points (only ``K[i]`` and ``K.diagonal()`` are used).
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

        QD = K.diagonal().copy()
    else:

        def krow(i: int) -> NDArray[Any]:
            return K[rows[i]][rows]

        QD = K.diagonal()[rows]
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
        quad = max(float(QD[i] + QD[j] - 2.0 * Ki[j]), TAU)
        ai, aj = _clip_pair(yi != yj, Gi, Gj, quad, ai_old, aj_old, Ci, Cj)
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


def _clip_pair(
    opposite: bool, Gi: float, Gj: float, quad: float, ai: float, aj: float, Ci: float, Cj: float
) -> tuple[float, float]:
    """Closed-form two-variable step, clipped to the box exactly as libsvm's Solver::Solve."""
    if opposite:  # yᵢ ≠ yⱼ: αᵢ − αⱼ is conserved
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
    else:  # yᵢ = yⱼ: αᵢ + αⱼ is conserved
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
    return ai, aj


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


def smo_batch(
    K: NDArray[Any],
    index_sets: list[NDArray[np.intp]],
    ys: list[NDArray[Any]],
    ps: list[NDArray[Any]],
    Cs: list[NDArray[Any]],
    tol: float = 1e-3,
    max_iter: int = -1,
) -> list[SMOResult]:
    """Run ``smo`` on several problems over subsets of one kernel matrix, in lock-step.

    One-vs-one SVC trains k(k−1)/2 small duals; problem q uses the points index_sets[q] of
    the shared kernel K. Iteration t of every unfinished problem happens in the same handful
    of (n_problems × n_max) array operations — the same WSS2 choice, the same clipped
    two-variable step, the same stopping rule and the same order of floating-point
    operations, so each problem follows bit-for-bit the path ``smo`` would. Problems are
    padded to a common size with variables in neither I_up nor I_low (never selected);
    kernel rows are gathered from K, never copied per problem. Finished problems leave the
    working arrays. See docs/notes/svm.md#smo.

    Parameters
    ----------
    K : ndarray of shape (n, n)
    index_sets : per problem, indices into K of its variables
    ys, ps, Cs : per problem, as for ``smo``
    tol : float
    max_iter : int (−1: no limit), per problem

    Returns
    -------
    list of SMOResult, one per problem
    """
    P = len(index_sets)
    sizes = np.array([len(ix) for ix in index_sets])
    M = int(sizes.max())
    cols = np.zeros((P, M), dtype=np.intp)
    y = np.ones((P, M))
    p = np.zeros((P, M))
    C = np.zeros((P, M))
    for q in range(P):  # each problem into its padded slot (padding points at column 0)
        m = sizes[q]
        cols[q, :m] = index_sets[q]
        y[q, :m], p[q, :m], C[q, :m] = ys[q], ps[q], Cs[q]
    pad = np.arange(M)[None, :] >= sizes[:, None]
    y_all, C_all = y.copy(), C.copy()
    QD = np.diag(K)[cols]
    alpha = np.zeros((P, M))
    yG = y * p
    up_off = np.where((y > 0) & ~pad, 0.0, -np.inf)
    low_off = np.where((y < 0) & ~pad, 0.0, -np.inf)
    n_iter = np.zeros(P, dtype=np.int64)
    converged = np.zeros(P, dtype=bool)
    limit = max_iter if max_iter > 0 else 10_000_000
    out_alpha, out_yG = alpha.copy(), yG.copy()  # final state, written as problems finish
    orig = np.arange(P)  # the working arrays hold only unfinished problems
    it = 0
    while orig.size:
        r = np.arange(orig.size)
        v = up_off - yG
        i = v.argmax(axis=1)
        gmax = v[r, i]
        done = gmax + (yG + low_off).max(axis=1) < tol
        Ki = K[cols[r, i][:, None], cols]
        b = np.maximum(gmax[:, None] + yG, 0.0)
        a = np.maximum((-2.0 * Ki + QD) + QD[r, i][:, None], TAU)  # smo's order of operations
        score = b * b / a + low_off
        j = score.argmax(axis=1)
        done |= ~(score[r, j] > 0)
        converged[orig[done & (it < limit)]] = True
        finished = done | (it >= limit)
        if finished.any():  # write finished problems back and drop them from the arrays
            out_alpha[orig[finished]], out_yG[orig[finished]] = alpha[finished], yG[finished]
            keep = ~finished
            orig, i, j, Ki = orig[keep], i[keep], j[keep], Ki[keep]
            alpha, yG, up_off, low_off = alpha[keep], yG[keep], up_off[keep], low_off[keep]
            y, C, QD, cols = y[keep], C[keep], QD[keep], cols[keep]
            r = np.arange(orig.size)
            if orig.size == 0:
                break
        Kj = K[cols[r, j][:, None], cols]
        it += 1
        n_iter[orig] += 1
        yi, yj = y[r, i], y[r, j]
        Gi, Gj = yi * yG[r, i], yj * yG[r, j]
        Ci, Cj = C[r, i], C[r, j]
        ai0, aj0 = alpha[r, i], alpha[r, j]
        quad = np.maximum(QD[r, i] + QD[r, j] - 2.0 * Ki[r, j], TAU)
        if orig.size <= 16:  # few problems: the scalar clip is cheaper than ~35 array ops
            pairs = [
                _clip_pair(*args)
                for args in zip(
                    (yi != yj).tolist(),
                    Gi.tolist(),
                    Gj.tolist(),
                    quad.tolist(),
                    ai0.tolist(),
                    aj0.tolist(),
                    Ci.tolist(),
                    Cj.tolist(),
                )
            ]
            ai, aj = np.array([t[0] for t in pairs]), np.array([t[1] for t in pairs])
        else:
            ai, aj = _clipped_step(yi != yj, Gi, Gj, quad, ai0, aj0, Ci, Cj)
        alpha[r, i], alpha[r, j] = ai, aj
        # two separate additions in smo's order: identical rounding, identical later choices
        Ki *= (yi * (ai - ai0))[:, None]
        yG += Ki
        Kj *= (yj * (aj - aj0))[:, None]
        yG += Kj
        for t, at, yt, Ct in ((i, ai, yi, Ci), (j, aj, yj, Cj)):
            upper, lower = at >= Ct, at <= 0.0
            up_off[r, t] = np.where(np.where(yt > 0, upper, lower), -np.inf, 0.0)
            low_off[r, t] = np.where(np.where(yt > 0, lower, upper), -np.inf, 0.0)
    return [
        SMOResult(
            out_alpha[q, : sizes[q]].copy(),
            _rho(
                out_alpha[q, : sizes[q]],
                y_all[q, : sizes[q]],
                out_yG[q, : sizes[q]],
                C_all[q, : sizes[q]],
            ),
            int(n_iter[q]),
            bool(converged[q]),
        )
        for q in range(P)
    ]


def _clipped_step(
    opposite: NDArray[Any],
    Gi: NDArray[Any],
    Gj: NDArray[Any],
    quad: NDArray[Any],
    ai: NDArray[Any],
    aj: NDArray[Any],
    Ci: NDArray[Any],
    Cj: NDArray[Any],
) -> tuple[NDArray[Any], NDArray[Any]]:
    """``smo``'s closed-form two-variable step with libsvm's clipping, for arrays of problems."""
    # yᵢ ≠ yⱼ: αᵢ − αⱼ is conserved
    delta = (-Gi - Gj) / quad
    diff = ai - aj
    ai1, aj1 = ai + delta, aj + delta
    m = (diff > 0) & (aj1 < 0)
    ai1, aj1 = np.where(m, diff, ai1), np.where(m, 0.0, aj1)
    m = (diff <= 0) & (ai1 < 0)
    ai1, aj1 = np.where(m, 0.0, ai1), np.where(m, -diff, aj1)
    m = (diff > Ci - Cj) & (ai1 > Ci)
    ai1, aj1 = np.where(m, Ci, ai1), np.where(m, Ci - diff, aj1)
    m = (diff <= Ci - Cj) & (aj1 > Cj)
    ai1, aj1 = np.where(m, Cj + diff, ai1), np.where(m, Cj, aj1)
    # yᵢ = yⱼ: αᵢ + αⱼ is conserved
    delta = (Gi - Gj) / quad
    total = ai + aj
    ai2, aj2 = ai - delta, aj + delta
    m = (total > Ci) & (ai2 > Ci)
    ai2, aj2 = np.where(m, Ci, ai2), np.where(m, total - Ci, aj2)
    m = (total <= Ci) & (aj2 < 0)
    ai2, aj2 = np.where(m, total, ai2), np.where(m, 0.0, aj2)
    m = (total > Cj) & (aj2 > Cj)
    ai2, aj2 = np.where(m, total - Cj, ai2), np.where(m, Cj, aj2)
    m = (total <= Cj) & (ai2 < 0)
    ai2, aj2 = np.where(m, 0.0, ai2), np.where(m, total, aj2)
    return np.where(opposite, ai1, ai2), np.where(opposite, aj1, aj2)
