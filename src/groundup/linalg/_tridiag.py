"""Householder reduction of a symmetric matrix to tridiagonal form, and its back-transform.

See docs/notes/linear-algebra.md#divide-and-conquer-eigh.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import NDArray


def tridiagonalize(
    S: NDArray[Any],
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Reduce symmetric S (n×n) to T = Qᵀ S Q tridiagonal with n − 2 Householder reflections.

    Step k reflects column k below the subdiagonal onto β e₁ with H_k = I − τ_k v_k v_kᵀ and
    applies it on both sides as one symmetric rank-2 update of the trailing block A₂₂:
        p = τ A₂₂ v,  w = p − (τ/2)(pᵀv) v,  A₂₂ ← A₂₂ − v wᵀ − w vᵀ.
    Returns (d, e, V, tau): diagonal, sub-diagonal, the reflectors (column k holds v_k in rows
    k+1:, v_k[0] = 1) and their τ_k, so that Q = H₀ H₁ ⋯ H_{n−3}.
    """
    n = S.shape[0]
    A = np.array(S, dtype=np.float64, copy=True)
    d = np.empty(n)
    e = np.zeros(max(n - 1, 0))
    V = np.zeros((n, max(n - 2, 0)))
    tau = np.zeros(max(n - 2, 0))
    U2 = np.empty((n, 2))
    for k in range(n - 2):
        d[k] = A[k, k]
        x = A[k + 1 :, k]
        alpha = float(x[0])
        tail = x[1:]
        # Scale before squaring: entries ~1e-170 of a graded matrix would underflow to 0.
        big = float(np.max(np.abs(tail)))
        if big == 0.0:
            e[k] = alpha
            continue
        y = tail / big
        beta = -math.copysign(math.hypot(alpha, big * math.sqrt(float(y @ y))), alpha)
        t = (beta - alpha) / beta
        v = V[k + 1 :, k]
        v[0] = 1.0
        np.divide(tail, alpha - beta, out=v[1:])
        e[k] = beta
        A22 = A[k + 1 :, k + 1 :]
        p = A22 @ v
        p *= t
        m = n - k - 1
        U2[:m, 0] = v
        U2[:m, 1] = p - (0.5 * t * float(p @ v)) * v
        # One matrix product for both rank-1 terms: [v w] [w v]ᵀ = v wᵀ + w vᵀ.
        A22 -= U2[:m] @ U2[:m, ::-1].T
        tau[k] = t
    if n >= 2:
        d[n - 2] = A[n - 2, n - 2]
        e[n - 2] = A[n - 1, n - 2]
    d[n - 1] = A[n - 1, n - 1]
    return d, e, V, tau


def _t_factor(Y: NDArray[Any], tau: NDArray[Any]) -> NDArray[np.float64]:
    """Upper-triangular T with H₀ ⋯ H_{k−1} = I − Y T Yᵀ (compact WY), built by halves:
    T = [[T₁, −T₁ (Y₁ᵀY₂) T₂], [0, T₂]]."""
    k = tau.shape[0]
    if k == 1:
        return tau.reshape(1, 1).astype(np.float64)
    h = k // 2
    T1, T2 = _t_factor(Y[:, :h], tau[:h]), _t_factor(Y[:, h:], tau[h:])
    T = np.zeros((k, k))
    T[:h, :h] = T1
    T[h:, h:] = T2
    T[:h, h:] = -T1 @ (Y[:, :h].T @ Y[:, h:]) @ T2
    return T


def apply_q(V: NDArray[Any], tau: NDArray[Any], Z: NDArray[Any]) -> NDArray[np.float64]:
    """Return Q Z = H₀ H₁ ⋯ H_{n−3} Z for the reflectors of :func:`tridiagonalize`.

    The product of reflectors is I − V T Vᵀ (compact WY), so applying it is three matrix
    products, Q Z = Z − V (T (Vᵀ Z)), rather than n − 2 rank-1 updates.
    """
    if tau.shape[0] == 0:
        return np.array(Z, dtype=np.float64, copy=True)
    T = _t_factor(V, tau)
    return np.asarray(Z - V @ (T @ (V.T @ Z)), dtype=np.float64)


def _reflector(x: NDArray[Any], out: NDArray[Any]) -> tuple[float, float]:
    """Householder vector of x into ``out`` (out[0] = 1): H x = β e₁. Returns (β, τ); τ = 0
    when x is already a multiple of e₁."""
    alpha = float(x[0])
    out[0] = 1.0
    big = float(np.max(np.abs(x[1:]))) if x.shape[0] > 1 else 0.0
    if big == 0.0:
        out[1:] = 0.0
        return alpha, 0.0
    y = x[1:] / big
    beta = -math.copysign(math.hypot(alpha, big * math.sqrt(float(y @ y))), alpha)
    np.divide(x[1:], alpha - beta, out=out[1:])
    return beta, (beta - alpha) / beta


def bidiagonalize(
    R: NDArray[Any],
) -> tuple[NDArray[np.float64], NDArray[np.float64], tuple[Any, Any], tuple[Any, Any]]:
    """Golub–Kahan bidiagonalisation of square R: R = Q_L B Q_Rᵀ, B upper bidiagonal.

    Step k reflects column k onto β e₁ from the left (B[k, k]), then row k beyond the
    diagonal onto γ e₁ from the right (B[k, k+1]); each reflection is one rank-1 update of
    the trailing block. Returns (d, f, (V_L, τ_L), (V_R, τ_R)): B's diagonal and
    superdiagonal and the reflectors as :func:`apply_q` takes them (V_L column k holds the
    left vector in rows k:, V_R column k the right vector in rows k+1:).
    """
    n = R.shape[0]
    A = np.array(R, dtype=np.float64, copy=True)
    d = np.empty(n)
    f = np.zeros(max(n - 1, 0))
    VL = np.zeros((n, n))
    tl = np.zeros(n)
    VR = np.zeros((n, max(n - 1, 0)))
    tr = np.zeros(max(n - 1, 0))
    for k in range(n):
        v = VL[k:, k]
        d[k], t = _reflector(A[k:, k], v)
        tl[k] = t
        if t != 0.0 and k + 1 < n:
            block = A[k:, k + 1 :]
            block -= np.outer(t * v, v @ block)
        if k + 1 >= n:
            break
        u = VR[k + 1 :, k]
        f[k], t = _reflector(A[k, k + 1 :], u)
        tr[k] = t
        if t != 0.0 and k + 1 < n:
            block = A[k + 1 :, k + 1 :]
            block -= np.outer(block @ u, t * u)
    return d, f, (VL, tl), (VR, tr)
