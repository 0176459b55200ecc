"""QR factorisation by Householder reflections, in compact-WY form.

See docs/notes/linear-algebra.md#householder-qr.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from groundup._checks import as_matrix

__all__ = ["qr"]


def _house(A: NDArray[Any]) -> tuple[NDArray[Any], NDArray[Any]]:
    """Reflect the single column ``A[:, 0]`` onto β e₁ in place; return (Y, T) of H = I − τ v vᵀ.

    v = x − β e₁ scaled so v₀ = 1, β = −sign(x₀)‖x‖ (the sign that avoids cancellation in
    x₀ − β), τ = (β − x₀)/β. A column already zero below its head needs no reflection (τ = 0).
    """
    x = A[:, 0]
    alpha = float(x[0])
    tail = 0.0
    if x.shape[0] > 1:
        # Scale before squaring so entries near 1e±200 neither overflow nor underflow.
        big = float(np.max(np.abs(x[1:])))
        if big > 0.0:
            y = x[1:] / big
            tail = big * float(np.sqrt(y @ y))
    v = np.zeros((x.shape[0], 1))
    v[0, 0] = 1.0
    if tail == 0.0:
        return v, np.zeros((1, 1))
    beta = -np.copysign(np.hypot(alpha, tail), alpha)
    v[1:, 0] = x[1:] / (alpha - beta)
    x[0] = beta
    x[1:] = 0.0
    return v, np.array([[(beta - alpha) / beta]])


def _rqr(A: NDArray[Any]) -> tuple[NDArray[Any], NDArray[Any]]:
    """Householder-QR the m×n (m ≥ n) view ``A`` in place (R on top); return (Y, T).

    Q = H₁ ⋯ H_n = I − Y T Yᵀ (compact WY). Recursive (Elmroth–Gustavson): factor the left
    half, apply Q₁ᵀ = I − Y₁T₁ᵀY₁ᵀ to the right half with matrix products, factor the lower
    right block, and join T = [[T₁, −T₁(Y₁ᵀY₂)T₂], [0, T₂]].
    """
    m, n = A.shape
    if n == 1:
        return _house(A)
    h = n // 2
    Y1, T1 = _rqr(A[:, :h])
    A[:, h:] -= Y1 @ (T1.T @ (Y1.T @ A[:, h:]))
    Y2b, T2 = _rqr(A[h:, h:])
    Y = np.zeros((m, n))
    Y[:, :h] = Y1
    Y[h:, h:] = Y2b
    T = np.zeros((n, n))
    T[:h, :h] = T1
    T[h:, h:] = T2
    T[:h, h:] = -T1 @ (Y1[h:].T @ Y2b) @ T2
    return Y, T


def _householder(A: NDArray[Any]) -> tuple[NDArray[Any], NDArray[Any], NDArray[Any]]:
    """Return (R_full, Y, T) for m×n A: R_full is m×n upper trapezoidal, Q = I − Y T Yᵀ."""
    R = A.copy()
    k = min(R.shape)
    Y, T = _rqr(R[:, :k])
    if R.shape[1] > k:  # wide matrix: the trailing columns only receive Qᵀ
        R[:, k:] -= Y @ (T.T @ (Y.T @ R[:, k:]))
    return np.triu(R), Y, T


def qr(
    A: ArrayLike, mode: Literal["reduced", "complete"] = "reduced"
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """QR factorisation A = Q R by Householder reflections, for any m×n matrix.

    Each reflection H = I − τ v vᵀ maps the current column below the diagonal onto β e₁,
    ‖β‖ = ‖x‖; R = H_k ⋯ H₁ A and Q = H₁ ⋯ H_k. The reflections are accumulated in compact
    WY form Q = I − Y T Yᵀ, so forming Q is two matrix products.
    See docs/notes/linear-algebra.md#householder-qr.

    Parameters
    ----------
    A : array_like, shape (m, n)
        Matrix to factor.
    mode : {"reduced", "complete"}
        "reduced" (default): Q is m×k, R is k×n with k = min(m, n).
        "complete": Q is m×m, R is m×n.

    Returns
    -------
    Q : ndarray
        Orthonormal columns (QᵀQ = I).
    R : ndarray
        Upper triangular (diagonal signs may be negative, as in LAPACK).
    """
    if mode not in ("reduced", "complete"):
        raise ValueError(f"qr: mode must be 'reduced' or 'complete', got {mode!r}")
    M = as_matrix(A, "A")
    m, n = M.shape
    k = min(m, n)
    R, Y, T = _householder(M)
    if mode == "complete":
        Q = np.eye(m) - Y @ T @ Y.T
        return Q, R
    Q = -(Y @ (T @ Y[:k].T))
    Q[np.arange(k), np.arange(k)] += 1.0
    return Q, R[:k]
