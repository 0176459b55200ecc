"""Cyclic Jacobi rotations applied a whole round at a time (the engine of eigh and svd).

A round-robin ("circle method") schedule splits the n(n−1)/2 index pairs of a sweep into
n − 1 rounds of n/2 disjoint pairs. Disjoint rotations commute, so one round is a handful of
array operations. The columns are kept permuted so that each round's pairs sit side by side
(positions 2i, 2i+1) and are reached by strided slices; between rounds one gather moves the
next round's partners together. See docs/notes/linear-algebra.md#jacobi-rotations.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np
from numpy.typing import NDArray

from groundup.linalg._errors import LinAlgError

_EPS = float(np.finfo(np.float64).eps)
_MAX_SWEEPS = 60


@lru_cache(maxsize=64)
def _schedule(n: int) -> tuple[NDArray[np.intp], tuple[NDArray[np.intp], ...]]:
    """For even n: the first round's layout and the gathers from each round to the next.

    Circle method: fix player 0, rotate the rest one place per round; round r pairs the i-th
    player from the front with the i-th from the back. ``steps[r]`` re-orders the columns of
    round r's layout into round r+1's (cyclically: round n−1 is round 0 again).
    """
    players = list(range(n))
    layouts = []
    for _ in range(n - 1):
        layouts.append(
            np.array([p for i in range(n // 2) for p in (players[i], players[n - 1 - i])])
        )
        players = [players[0], players[-1], *players[1:-1]]
    steps = []
    for r in range(n - 1):
        cur, nxt = layouts[r], layouts[(r + 1) % (n - 1)]
        where = np.empty(n, dtype=np.intp)
        where[cur] = np.arange(n)
        steps.append(where[nxt])
    return layouts[0], tuple(steps)


def _rotation(app: NDArray[Any], aqq: NDArray[Any], apq: NDArray[Any], rotate: NDArray[Any]):
    """Cosines/sines/tangents of the rotations that zero a_pq in [[a_pp, a_pq], [a_pq, a_qq]].

    τ = (a_qq − a_pp)/(2a_pq), t = sign(τ)/(|τ| + √(1+τ²)) (the smaller root, |θ| ≤ π/4),
    c = 1/√(1+t²), s = t c. Pairs not in ``rotate`` get the identity.
    """
    safe = np.where(rotate, apq, 1.0)
    tau = (aqq - app) / (2.0 * safe)
    t = np.where(tau >= 0, 1.0, -1.0) / (np.abs(tau) + np.sqrt(1.0 + tau * tau))
    t = np.where(rotate, t, 0.0)
    c = 1.0 / np.sqrt(1.0 + t * t)
    return c, t * c, t


def _rotate_rows(W: NDArray[Any], c: NDArray[Any], s: NDArray[Any]) -> NDArray[Any]:
    """Return W with the round's rotations applied to its row pairs (2i, 2i+1).

    One batched 2×2 matrix product [[c, −s], [s, c]] @ W[2i:2i+2] over all pairs: rows are
    contiguous, so this beats elementwise updates several-fold (the callers store transposes,
    Vᵀ and Bᵀ, to make every rotation a row rotation).
    """
    k = c.shape[0]
    R = np.empty((k, 2, 2))
    R[:, 0, 0] = c
    R[:, 0, 1] = -s
    R[:, 1, 0] = s
    R[:, 1, 1] = c
    return np.matmul(R, W.reshape(k, 2, -1)).reshape(W.shape)


def jacobi_eigh(S: NDArray[Any]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Eigen-decomposition of symmetric S (n ≥ 2) by two-sided cyclic Jacobi; unsorted.

    Each rotation J sets A ← JᵀAJ, zeroing one off-diagonal pair; off(A)² falls by 2a_pq²
    per rotation and converges quadratically once small. V accumulates the J's: S = V Λ Vᵀ.

    Only row operations are used (column gathers are slow): Jᵀ A J = Jᵀ (Jᵀ A)ᵀ for
    symmetric A, i.e. rotate rows, transpose, rotate rows. At the start of round r the rows
    of A are in round r's layout and its columns still in round r−1's.
    """
    n = S.shape[0]
    N = n + n % 2  # pad to even with a decoupled zero row/column: it is never rotated
    first, steps = _schedule(N)
    # Layout of round −1 (= round N−2): the gather steps[-1] turns it into round 0's.
    inv_last = np.empty(N, dtype=np.intp)
    inv_last[steps[-1]] = np.arange(N)
    layout_prev = first[inv_last]
    A = np.zeros((N, N))
    A[:n, :n] = S
    A = A[first][:, layout_prev]
    Vt = np.eye(N)[first]  # rows are eigenvector estimates, in the current row layout
    order = first.copy()
    k = N // 2
    ip, iq = 2 * np.arange(k), 2 * np.arange(k) + 1
    # Off-diagonal entries below this are left alone: they move eigenvalues by less than
    # eps²‖S‖ and rotating them only churns round-off.
    floor = _EPS * _EPS * float(np.sqrt(np.sum(S * S)))
    step_prev = steps[-1]
    for _sweep in range(_MAX_SWEEPS):
        rotated = False
        for step in steps:
            # Column of the player in row i is step_prev[i] (columns lag one round).
            app, aqq = A[ip, step_prev[ip]], A[iq, step_prev[iq]]
            apq = A[ip, step_prev[iq]]
            mag = np.abs(apq)
            rotate = (mag > _EPS * np.sqrt(np.abs(app * aqq))) & (mag > floor)
            if rotate.any():
                rotated = True
                c, s, t = _rotation(app, aqq, apq, rotate)
                A = _rotate_rows(A, c, s)  # JᵀA
                A = np.ascontiguousarray(A.T)[step_prev]  # (JᵀA)ᵀ = A J, rows → round r
                A = _rotate_rows(A, c, s)  # Jᵀ A J, rows and columns in round r's layout
                Vt = _rotate_rows(Vt, c, s)
                # The rotated 2×2 blocks are known exactly; write them to stop drift.
                A[ip, ip] = app - t * apq
                A[iq, iq] = aqq + t * apq
                A[ip, iq] = A[iq, ip] = np.where(rotate, 0.0, apq)
                A = A[step]
                step_prev = step
            else:
                # Nothing rotated: columns stay where they were; rows move on one round.
                A = A[step]
                step_prev = step_prev[step]
            Vt = Vt[step]
            order = order[step]
        if not rotated:
            break
    else:
        raise LinAlgError(f"eigh: Jacobi iteration did not converge in {_MAX_SWEEPS} sweeps")
    keep = order < n
    w = A[np.arange(N), step_prev][keep]
    V = Vt[keep][:, :n].T
    return w, V


def jacobi_svd(
    A: NDArray[Any], compute_v: bool
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64] | None]:
    """One-sided (Hestenes) Jacobi on the columns of A (m×n); unsorted.

    Rotate column pairs until all are mutually orthogonal: A V = B with orthogonal V and
    columns b_j = σ_j u_j. Each rotation is the Jacobi rotation of the 2×2 Gram block
    [[‖a_p‖², a_p·a_q], [a_p·a_q, ‖a_q‖²]], so AᵀA is diagonalised without being formed.
    Returns (σ, B, V) with B's columns σ_j u_j; V is None unless ``compute_v``.
    """
    m, n = A.shape
    N = n + n % 2
    first, steps = _schedule(N)
    # Wt holds Bᵀ (columns :m) beside Vᵀ (columns m:), so one row rotation updates both.
    Wt = np.zeros((N, m + (N if compute_v else 0)))
    Wt[:n, :m] = A.T
    if compute_v:
        Wt[:, m:] = np.eye(N)
    Wt = Wt[first]
    order = first.copy()
    tol = _EPS * np.sqrt(m)  # |cos| between columns accepted as orthogonal (as LAPACK dgesvj)
    for _sweep in range(_MAX_SWEEPS):
        rotated = False
        for step in steps:
            X = Wt[0::2, :m]
            Y = Wt[1::2, :m]
            alpha = np.einsum("ij,ij->i", X, X)
            beta = np.einsum("ij,ij->i", Y, Y)
            gamma = np.einsum("ij,ij->i", X, Y)
            rotate = np.abs(gamma) > tol * np.sqrt(alpha * beta)
            if rotate.any():
                rotated = True
                c, s, _ = _rotation(alpha, beta, gamma, rotate)
                Wt = _rotate_rows(Wt, c, s)
            Wt = Wt[step]
            order = order[step]
        if not rotated:
            break
    else:
        raise LinAlgError(f"svd: Jacobi iteration did not converge in {_MAX_SWEEPS} sweeps")
    keep = order < n
    Bt = Wt[keep, :m]
    sigma = np.sqrt(np.einsum("ij,ij->i", Bt, Bt))
    V = Wt[keep, m : m + n].T if compute_v else None
    return sigma, Bt.T, V
