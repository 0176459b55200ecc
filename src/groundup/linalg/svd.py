"""Singular value decomposition: QR, then the symmetric eigensolver on [[0, R], [Rᵀ, 0]].

See docs/notes/linear-algebra.md#singular-value-decomposition.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from groundup._checks import as_matrix
from groundup.linalg._divide_conquer import tridiagonal_eigh
from groundup.linalg._jacobi import jacobi_svd
from groundup.linalg._scale import pow2_scale
from groundup.linalg._tridiag import apply_q, bidiagonalize
from groundup.linalg.qr import _householder

__all__ = ["svd"]

_EPS = float(np.finfo(np.float64).eps)
# J's vectors for σ > _TAIL·σ₁ are trusted (errors ≲ ε/2·_TAIL); the rest are recomputed.
_TAIL = 1e-2
_ACCEPT = 64.0  # accepted residual / loss of orthogonality, in units of n·ε
_TINY = float(np.finfo(np.float64).tiny)
_MAX_DEPTH = 12


def _complete(U: NDArray[Any], good: NDArray[np.bool_]) -> NDArray[Any]:
    """Replace the columns of U not in ``good`` (zero singular values) by an orthonormal
    basis of the complement of the good columns (the bad columns are the first guess)."""
    if good.all():
        return U
    out = U.copy()
    out[:, ~good] = _complement(U[:, good], U[:, ~good])
    return out


def _unit_columns(M: NDArray[Any]) -> NDArray[Any]:
    norms = np.sqrt(np.einsum("ij,ij->j", M, M))
    return np.divide(M, norms, out=np.zeros_like(M), where=norms > 0)


def _complement(G: NDArray[Any], guess: NDArray[Any]) -> NDArray[Any]:
    """Orthonormal basis of the orthogonal complement of G's orthonormal columns (n×p).

    ``guess`` (n×(n−p)) should nearly span it: projected off G twice and QR-factored, it is
    the cheap answer. If projection left any direction short (the guess was degenerate),
    the complement comes from a complete Householder QR of G instead.
    """
    n, p = G.shape
    if p == 0:
        return np.eye(n)
    H = guess - G @ (G.T @ guess)
    H -= G @ (G.T @ H)
    R, Y, T = _householder(H)
    if float(np.min(np.abs(np.diagonal(R)))) > 0.5:
        k = n - p
        Q = -(Y @ (T @ Y[:k].T))
        Q[np.arange(k), np.arange(k)] += 1.0
        return np.asarray(Q)
    _, Y, T = _householder(G)
    return np.asarray((np.eye(n) - Y @ T @ Y.T)[:, p:])


def _svd_square(R: NDArray[Any], depth: int = 0) -> tuple[NDArray[Any], NDArray[Any], NDArray[Any]]:
    """SVD of square R, σ descending, from the eigen-decomposition of the Jordan–Wielandt
    matrix J = [[0, R], [Rᵀ, 0]]: J (u; ±v) = ±σ (u; ±v).

    J's eigenvalues are ±σ_i; the eigenvector of +σ_i is (u_i; v_i)/√2. Working on J rather
    than RᵀR keeps the condition number unsquared. Each half is normalised on its own: a
    round-off mix of the +σ_i and −σ_i vectors rescales the halves but does not turn them.
    What J cannot resolve is the tail of small σ, whose ±σ all crowd round 0: there the
    vectors err by ε‖R‖/2σ. So the tail (σ ≤ _TAIL·σ₁) is split off: with U_c, V_c the
    orthogonal complements of the trusted vectors, the block C = U_cᵀ R V_c is decomposed
    again at its own scale (gaining a factor 1/_TAIL per level) and U_c, V_c rotated by it.
    """
    n = R.shape[0]
    scale = pow2_scale(R)
    Rs = R / scale
    # J's tridiagonal form comes straight from R = Q_L B Q_Rᵀ (B bidiagonal, diagonal d and
    # superdiagonal f): ordering the unknowns (v₁, u₁, v₂, u₂, …) makes [[0, B], [Bᵀ, 0]]
    # tridiagonal with zero diagonal and off-diagonal (d₁, f₁, d₂, f₂, …, d_n).
    d, f, (VL, tl), (VR, tr) = bidiagonalize(Rs)
    off = np.empty(2 * n - 1)
    off[0::2], off[1::2] = d, f
    w, Y = tridiagonal_eigh(np.zeros(2 * n), off, top=n)
    top = Y[:, -n:][:, ::-1]  # the n largest eigenvalues, descending: +σ_1 ≥ … ≥ +σ_n
    sigma = np.abs(w[-n:][::-1])
    U = _unit_columns(apply_q(VL, tl, top[1::2]))
    V = _unit_columns(apply_q(VR, tr, top[0::2]))
    p = int(np.sum(sigma > _TAIL * sigma[0]))
    floor = 4.0 * n * _EPS * sigma[0]  # below this a singular value is round-off: no detail
    if p == n or depth >= _MAX_DEPTH or sigma[p] <= floor:
        return sigma * scale, U, V
    # In bases [U_g U_c], [V_g V_c] completed from the trusted vectors, R is block diagonal
    # up to round-off (ε‖R‖, the backward error any SVD makes): decompose the tail block.
    Ug, Vg = U[:, :p], V[:, :p]
    Uc, Vc = _complement(Ug, U[:, p:]), _complement(Vg, V[:, p:])
    sb, Ub, Wb = _svd_square(Uc.T @ Rs @ Vc, depth + 1)
    sigma = np.concatenate([sigma[:p], sb])
    order = np.argsort(-sigma, kind="stable")
    U = np.concatenate([Ug, Uc @ Ub], axis=1)[:, order]
    V = np.concatenate([Vg, Vc @ Wb], axis=1)[:, order]
    return sigma[order] * scale, U, V


def _checked_square(
    R: NDArray[Any], zero: float
) -> tuple[NDArray[Any], NDArray[Any], NDArray[Any]]:
    """σ (descending), U, V of square R with zero-σ vectors completed; verified.

    The result must satisfy ‖R V − U Σ‖ ≤ c n ε σ₁ and ‖UᵀU − I‖, ‖VᵀV − I‖ ≤ c n ε (three
    matrix products); otherwise — never seen, but cheap to guarantee — one-sided Jacobi
    (the previous engine, slower but robust) recomputes it.
    """
    n = R.shape[0]
    sigma, U, V = _svd_square(R)
    good = sigma > zero
    U, V = _complete(U, good), _complete(V, good)
    tol = _ACCEPT * n * _EPS
    eye = np.eye(n)
    if (
        float(np.max(np.abs(R @ V - U * sigma))) <= tol * max(float(sigma[0]), _TINY)
        and float(np.max(np.abs(U.T @ U - eye))) <= tol
        and float(np.max(np.abs(V.T @ V - eye))) <= tol
    ):
        return sigma, U, V
    sigma, B, Vj = jacobi_svd(R, True, zero)
    assert Vj is not None
    order = np.argsort(-sigma, kind="stable")
    sigma, B, Vj = sigma[order], B[:, order], Vj[:, order]
    good = sigma > zero
    U = _complete(np.divide(B, sigma, out=np.zeros_like(B), where=good), good)
    return sigma, U, Vj


def _svd_tall(M: NDArray[Any], full: bool, compute_uv: bool):
    """SVD of m×n with m ≥ n: A = Q R, R = U_r Σ Vᵀ via [[0, R], [Rᵀ, 0]], U = Q U_r."""
    m, n = M.shape
    if m > n:
        R, Y, T = _householder(M)
        R = R[:n]
    else:
        R = M
    # Singular values at round-off level (≤ √n·ε·‖A‖_F) are numerically zero: their u_j and
    # v_j come from the orthogonal complements of the others instead.
    zero = np.sqrt(n) * _EPS * float(np.sqrt(np.sum(R * R)))
    sigma, Ur, V = _checked_square(R, zero)
    if not compute_uv:
        return sigma
    if m == n:
        return Ur, sigma, V.T
    # Q = I − Y T Yᵀ applied to [U_r; 0] (thin) or to diag(U_r, I) (full).
    if full:
        U = np.eye(m)
        U[:n, :n] = Ur
    else:
        U = np.zeros((m, n))
        U[:n] = Ur
    U -= Y @ (T @ (Y.T @ U))
    return U, sigma, V.T


def svd(
    A: ArrayLike, full_matrices: bool = True, compute_uv: bool = True
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]] | NDArray[np.float64]:
    """Singular value decomposition A = U diag(S) Vᵀ with S descending (NumPy's convention).

    A tall matrix is first reduced to its n×n triangle, A = Q R (Householder). The
    symmetric Jordan–Wielandt matrix J = [[0, R], [Rᵀ, 0]] has eigenvalues ±σ_i with
    eigenvectors (u_i; ±v_i)/√2, so groundup's eigh (tridiagonal divide and conquer) gives
    R = U_r Σ Vᵀ without forming RᵀR (which would square the condition number); U = Q U_r.
    A wide matrix is handled through Aᵀ. Singular values are accurate to O(ε‖A‖).
    See docs/notes/linear-algebra.md#singular-value-decomposition.

    Parameters
    ----------
    A : array_like, shape (m, n)
        Matrix to decompose.
    full_matrices : bool
        If True (default) U is m×m and Vt is n×n; otherwise U is m×k and Vt is k×n,
        k = min(m, n).
    compute_uv : bool
        If False return only S (faster: no vectors are accumulated).

    Returns
    -------
    U : ndarray
        Left singular vectors (columns), only if ``compute_uv``.
    S : ndarray, shape (k,)
        Singular values, descending.
    Vt : ndarray
        Right singular vectors (rows), only if ``compute_uv``.
    """
    M = as_matrix(A, "A")
    m, n = M.shape
    scale = pow2_scale(M)  # work on entries ~1; σ scales back exactly
    M = M / scale
    if m < n:
        out = _svd_tall(M.T, full_matrices, compute_uv)
        if not compute_uv:
            return out * scale  # type: ignore[no-any-return]
        U, S, Vt = out
        return Vt.T, S * scale, U.T
    out = _svd_tall(M, full_matrices, compute_uv)
    if not compute_uv:
        return out * scale  # type: ignore[no-any-return]
    U, S, Vt = out
    return U, S * scale, Vt
