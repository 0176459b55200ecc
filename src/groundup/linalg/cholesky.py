"""Cholesky factorisation A = L Lᵀ of a symmetric positive-definite matrix, and its solve.

See docs/notes/linear-algebra.md#cholesky.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from groundup._checks import as_square_matrix
from groundup.linalg._errors import LinAlgError
from groundup.linalg._symmetric import check_symmetric
from groundup.linalg.triangular import _check_rhs, _trsm

__all__ = ["cholesky", "cho_solve"]

# Blocks up to this size are factored column by column; larger ones recursively (matmuls).
_BASE = 16


def _rchol(A: NDArray[Any], offset: int = 0) -> tuple[int, float] | None:
    """Overwrite the lower triangle of the view ``A`` with L; return (pivot, value) on failure.

    Recursive split: L11 = chol(A11), L21 = A21 L11⁻ᵀ, then chol(A22 − L21 L21ᵀ). The pivot
    that fails is the diagonal of the Schur complement, which is ≤ 0 exactly when the leading
    (k+1)×(k+1) minor is not positive definite.
    """
    n = A.shape[0]
    if n <= _BASE:
        # Unblocked left-looking columns: l_jj = √(a_jj − ‖l_j,:j‖²), then the column below.
        for j in range(n):
            d = float(A[j, j] - A[j, :j] @ A[j, :j])
            if not d > 0:  # also catches NaN from overflow
                return offset + j, d
            A[j, j] = np.sqrt(d)
            if j + 1 < n:
                A[j + 1 :, j] = (A[j + 1 :, j] - A[j + 1 :, :j] @ A[j, :j]) / A[j, j]
        return None
    h = n // 2
    bad = _rchol(A[:h, :h], offset)
    if bad is not None:
        return bad
    # L21 = A21 L11⁻ᵀ  ⇔  L11 L21ᵀ = A21ᵀ.
    A[h:, :h] = _trsm(A[:h, :h], A[h:, :h].T, lower=True, unit=False).T
    A[h:, h:] -= A[h:, :h] @ A[h:, :h].T
    return _rchol(A[h:, h:], offset + h)


def cholesky(A: ArrayLike) -> NDArray[np.float64]:
    """Lower Cholesky factor L of a symmetric positive-definite A, with A = L Lᵀ.

    Column by column, l_jj = √(a_jj − Σ_{k<j} l_jk²) and l_ij = (a_ij − Σ_{k<j} l_ik l_jk)/l_jj;
    the square root's argument is the j-th pivot, positive for every j iff A is positive
    definite. Computed by recursive 2×2 blocking (most flops in ``@``).
    See docs/notes/linear-algebra.md#cholesky.

    Parameters
    ----------
    A : array_like, shape (n, n)
        Symmetric positive-definite matrix.

    Returns
    -------
    L : ndarray, shape (n, n)
        Lower triangular with positive diagonal.

    Raises
    ------
    LinAlgError
        If A is not symmetric, or a pivot is ≤ 0 (not positive definite); the message names
        the (0-based) pivot and its value.
    """
    M = as_square_matrix(A, "A")
    check_symmetric(M, "cholesky")
    L = np.tril(M)
    bad = _rchol(L)
    if bad is not None:
        k, v = bad
        raise LinAlgError(f"cholesky: matrix is not positive definite (pivot {k} is {v:.2e})")
    return np.tril(L)


def cho_solve(L: ArrayLike, b: ArrayLike) -> NDArray[np.float64]:
    """Solve A x = b given the lower Cholesky factor L of A (A = L Lᵀ).

    Two triangular solves: L y = b (forward), then Lᵀ x = y (back).
    See docs/notes/linear-algebra.md#cholesky.

    Parameters
    ----------
    L : array_like, shape (n, n)
        Lower Cholesky factor, as returned by :func:`cholesky` — not A itself: a nonzero
        strict upper triangle is refused, since solving with it would silently be wrong.
    b : array_like, shape (n,) or (n, k)
        Right-hand side(s).

    Returns
    -------
    x : ndarray, shape of ``b``

    Raises
    ------
    ValueError
        If L is not lower triangular.
    LinAlgError
        If L has a zero on its diagonal.
    """
    F = as_square_matrix(L, "L")
    B = _check_rhs(b, F.shape[0], "cho_solve")
    upper = float(np.max(np.abs(np.triu(F, 1)), initial=0.0))
    if upper > 0:
        raise ValueError(
            "cho_solve: L must be the lower Cholesky factor from cholesky(A), not A; "
            f"its strict upper triangle is nonzero (max |entry| {upper:.2e})"
        )
    zero = np.flatnonzero(np.diagonal(F) == 0)
    if zero.size:
        raise LinAlgError(f"cho_solve: factor is singular (zero diagonal entry at index {zero[0]})")
    B2 = B.reshape(B.shape[0], -1)
    Y = _trsm(F, B2, lower=True, unit=False)
    X = _trsm(F.T, Y, lower=False, unit=False)
    return X.reshape(B.shape)
